#!/usr/bin/env bash
# End to end on the OpenCL platform: `hetbench run --device opencl:0.0 --kernel stream`
# gives ok records timed by the device's profiling events, consistent with the host clock.
# usage: opencl_cli.sh HETBENCH PYTHON VALIDATE_PY SCHEMA
set -u
HB=$1 PY=$2 VALIDATE=$3 SCHEMA=$4
unset HETBENCH_PLUGIN_PATH
tmp=$(mktemp -d /tmp/hb-ocl-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
out="$tmp/x.json"
if ! "$HB" run -q --device opencl:0.0 --kernel stream --size 100003 --min-time 0.2 -o "$out" \
  >"$tmp/out" 2>"$tmp/err"; then
  echo "FAIL: hetbench run exited $?"; cat "$tmp/out" "$tmp/err"; exit 1
fi
"$PY" "$VALIDATE" "$SCHEMA" "$out" --all-ok || { echo "FAIL: schema"; exit 1; }
"$PY" - "$out" <<'PYEOF' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
recs = d["records"]
assert len(recs) == 8, "expected 4 ops x 2 precisions, got %d" % len(recs)
for r in recs:
    assert r["status"] == "ok", r
    assert r["device"] == "opencl:0.0", r["device"]
    assert r["implementation"]["name"] == "hetbench-opencl", r["implementation"]
    t = r["timing"]
    assert "device timer" in t["clock"], t
    ratio = t["device_host_ratio"]
    assert 0 < ratio <= 1.05, ratio
    print("  ok %s %s ratio %.3f" % (r.get("op", "-"), r["variant"], ratio))
PYEOF
echo "opencl cli: ok"
