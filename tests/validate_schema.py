#!/usr/bin/python3
"""Validate JSON files against a JSON Schema (draft 2020-12), e.g. the catalog files against
results/schema/catalog-v1.schema.json.

usage: validate_schema.py SCHEMA FILE... [--invalid]
Exit 0 when every file is valid (with --invalid: when every file is INVALID, for the malformed
fixtures), 1 otherwise. Uses Debian's python3-jsonschema."""
import json
import sys

import jsonschema


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    want_invalid = "--invalid" in sys.argv
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0]) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for path in args[1:]:
        with open(path) as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        if want_invalid:
            if errors:
                print(f"{path}: invalid as expected: {errors[0].message[:120]}")
            else:
                print(f"{path}: valid, but it should not be", file=sys.stderr)
                bad += 1
            continue
        for e in errors[:20]:
            where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.path)
            print(f"{path}: {where}: {e.message}", file=sys.stderr)
        if errors:
            bad += 1
        else:
            n = len(doc.get("entries", [])) if isinstance(doc, dict) else 0
            print(f"{path}: valid ({n} entries)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
