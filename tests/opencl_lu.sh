#!/usr/bin/env bash
# End to end: lu on the OpenCL platform. `hetbench run --kernel lu` on opencl:0.0 gives an ok
# record timed by the device's profiling events (span of the run's kernels, consistent with the
# host clock) and lists the missing peak (no OpenCL LAPACK) under run.not_applicable; a matrix
# larger than CL_DEVICE_MAX_MEM_ALLOC_SIZE, asked for explicitly, is a `skipped` record that
# says why, and the run ends normally.
# usage: opencl_lu.sh HETBENCH PYTHON VALIDATE_PY SCHEMA
set -u
HB=$1 PY=$2 VALIDATE=$3 SCHEMA=$4
unset HETBENCH_PLUGIN_PATH
tmp=$(mktemp -d /tmp/hb-ocl-lu-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

out="$tmp/ok.json"
if ! "$HB" run -q --device opencl:0.0 --kernel lu --size 300 --min-time 0.2 -o "$out" \
  >"$tmp/out" 2>"$tmp/err"; then
  echo "FAIL: hetbench run exited $?"; cat "$tmp/out" "$tmp/err"; exit 1
fi
"$PY" "$VALIDATE" "$SCHEMA" "$out" --all-ok || { echo "FAIL: schema"; exit 1; }
"$PY" - "$out" <<'PYEOF' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
recs = d["records"]
assert len(recs) == 1, "expected one lu record, got %d" % len(recs)
r = recs[0]
assert r["status"] == "ok", r
assert r["kernel"] == "lu" and r["variant"] == "f64", r
assert r["device"] == "opencl:0.0", r["device"]
impl = r["implementation"]
assert impl["kind"] == "base" and impl["name"] == "hetbench-opencl", impl
assert "lu_gemm_sub" in impl["detail"] and "first kernel start" in impl["detail"], impl
assert r["verification"]["passed"], r["verification"]
t = r["timing"]
assert "device timer" in t["clock"], t
ratio = t["device_host_ratio"]
assert 0.5 < ratio <= 1.05, ratio
na = [x for x in d["run"]["not_applicable"] if x["kernel"] == "lu"]
assert len(na) == 1, d["run"]["not_applicable"]
assert na[0]["implementation"] == "peak" and na[0]["device"] == "opencl:0.0", na
assert "CLBlast" in na[0]["reason"] and "getrf" in na[0]["reason"], na
print("  ok lu n=300 %.2f %s, device/host %.3f; peak: %s" % (r["rate"]["value"], r["rate"]["unit"], ratio, na[0]["reason"]))
PYEOF

big="$tmp/big.json"
if ! "$HB" run -q --device opencl:0.0 --kernel lu --precision f64 --size 40000 -o "$big" \
  >"$tmp/out" 2>"$tmp/err"; then
  echo "FAIL: hetbench run (too large) exited $?"; cat "$tmp/out" "$tmp/err"; exit 1
fi
"$PY" "$VALIDATE" "$SCHEMA" "$big" || { echo "FAIL: schema (too large)"; exit 1; }
"$PY" - "$big" <<'PYEOF' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
st = {r["implementation"]["kind"]: r for r in d["records"]}
b = st["base"]
assert b["status"] == "skipped", b
assert "CL_DEVICE_MAX_MEM_ALLOC_SIZE" in b["reason"], b["reason"]
assert st["peak"]["status"] == "unsupported" and "CLBlast" in st["peak"]["reason"], st["peak"]
print("  ok lu n=40000: %s" % b["reason"])
PYEOF
echo "opencl lu cli: ok"
