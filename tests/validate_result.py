#!/usr/bin/python3
"""Validate hetbench result files against results/schema/result-v1.schema.json.

usage: validate_result.py SCHEMA RESULT.json [--all-ok]
Exit 0 when valid (and, with --all-ok, every record has status "ok"), 1 otherwise.
Uses Debian's python3-jsonschema (Draft 2020-12)."""
import json
import sys

import jsonschema


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    all_ok = "--all-ok" in sys.argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0]) as f:
        schema = json.load(f)
    with open(args[1]) as f:
        doc = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:20]:
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.path)
        print(f"{args[1]}: {path}: {e.message}", file=sys.stderr)
    if errors:
        return 1
    if all_ok:
        bad = [r for r in doc["records"] if r["status"] != "ok"]
        for r in bad:
            print(f"{args[1]}: record {r['kernel']} {r['variant']} {r['implementation']['kind']} "
                  f"{r['device']}: status {r['status']}: {r['reason']}", file=sys.stderr)
        if bad or not doc["records"]:
            return 1
    print(f"{args[1]}: valid ({len(doc['records'])} records)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
