#!/usr/bin/env bash
# End to end: the quick suite runs to the end with every record ok, and its result file
# validates against the schema and passes `hetbench check`.
# usage: e2e_quick.sh HETBENCH PYTHON VALIDATE_PY SCHEMA
set -u
HB=$1 PY=$2 VALIDATE=$3 SCHEMA=$4
tmp=$(mktemp -d /tmp/hb-e2e-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
"$HB" run --suite quick -o "$tmp/quick.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/out"
echo "hetbench run --suite quick: exit $rc in $(( $(date +%s) - start )) s"
if [ "$rc" -ne 0 ]; then echo "FAIL: expected exit 0"; tail -20 "$tmp/err"; exit 1; fi
"$PY" "$VALIDATE" "$SCHEMA" "$tmp/quick.json" --all-ok || { echo "FAIL: schema/--all-ok"; exit 1; }
"$HB" check "$tmp/quick.json" || { echo "FAIL: hetbench check"; exit 1; }
"$PY" - "$tmp/quick.json" <<'PYEOF' || { echo "FAIL: content"; exit 1; }
import json, sys
d = json.load(open(sys.argv[1]))
kernels = {r["kernel"] for r in d["records"]}
assert kernels == {"gemm", "lu", "stream", "peak", "transfer", "latency"} or \
    kernels == {"gemm", "lu", "stream", "peak", "latency"}, kernels  # transfer: accelerators only
devices = {r["device"] for r in d["records"]}
assert "cpu:0" in devices, devices
kinds = {(r["kernel"], r["implementation"]["kind"]) for r in d["records"]}
for k in ("gemm", "lu"):
    assert (k, "base") in kinds and (k, "peak") in kinds, kinds
assert d["summary"]["complete"] is True
assert d["run"]["suite"] == "quick"
print("quick suite: %d ok records, %d not applicable" % (len(d["records"]), len(d["run"]["not_applicable"])))
PYEOF
echo "e2e quick: passed"
