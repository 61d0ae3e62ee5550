#!/usr/bin/env bash
# OpenCL faults that PoCL never produces on its own, injected in front of the ICD loader by
# tests/fault_ocl.c (LD_PRELOAD): each becomes an `error` record that names the CL error, the
# run goes on with the next measurement, and the result file keeps every record.
# usage: opencl_fault.sh HETBENCH FAULT_LIB PYTHON
set -u
HB=$1 LIB=$2 PY=$3
unset HETBENCH_PLUGIN_PATH
tmp=$(mktemp -d /tmp/hb-ocl-fault-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; cat "$tmp/err" 2>/dev/null | tail -20; exit 1; }

# 1. CL_OUT_OF_RESOURCES from the launch of one kernel (what NVIDIA returns for a kernel that
#    needs too many resources, or one killed by the display watchdog): that record is an
#    error, the three other operations are measured.
env LD_PRELOAD="$LIB" HB_FAULT_CALL=enqueue HB_FAULT_KERNEL=stream_triad HB_FAULT_ERROR=-5 \
  "$HB" run -q --device opencl:0.0 --kernel stream --precision f32 --size 100003 \
  --min-time 0 -o "$tmp/oor.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] || fail "out-of-resources run exited $rc, expected 1 (a record in error)"
"$PY" - "$tmp/oor.json" <<'PY' || fail "out-of-resources records"
import json, sys
recs = json.load(open(sys.argv[1]))["records"]
by = {r["operation"]: r for r in recs}
assert sorted(by) == ["add", "copy", "scale", "triad"], sorted(by)
t = by["triad"]
assert t["status"] == "error", t["status"]
assert "CL_OUT_OF_RESOURCES" in t["reason"], t["reason"]
assert "rate" not in t or t["rate"] is None, t.get("rate")
for op in ("copy", "scale", "add"):
    assert by[op]["status"] == "ok", (op, by[op]["status"], by[op]["reason"])
print("  triad:", t["reason"])
PY

# 2. A lost device: once the add kernel has been launched, every later wait fails with a code
#    the loader does not know (NVIDIA's -9999 after an Xid): copy and scale stay ok, every
#    later record is an error naming the code, none is lost, the run writes its file.
env LD_PRELOAD="$LIB" HB_FAULT_CALL=wait HB_FAULT_FROM=stream_add HB_FAULT_STICKY=1 HB_FAULT_ERROR=-9999 \
  "$HB" run -q --device opencl:0.0 --kernel stream,peak --precision f32 --size 100003 \
  --min-time 0 -o "$tmp/lost.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] || fail "lost-device run exited $rc, expected 1"
"$PY" - "$tmp/lost.json" <<'PY' || fail "lost-device records"
import json, sys
d = json.load(open(sys.argv[1]))
recs = d["records"]
assert len(recs) == 5, [(r["kernel"], r.get("operation")) for r in recs]
st = [r["status"] for r in recs]
assert st[:2] == ["ok", "ok"], st
first_err = 2
assert all(s == "error" for s in st[first_err:]), st
for r in recs[first_err:]:
    assert "-9999" in r["reason"], r["reason"]
assert d["summary"]["complete"] is True, d["summary"]
print("  statuses:", st)
print("  first error:", recs[first_err]["reason"])
PY
# 3. Every launch of the GEMM tile search fails: the gemm record names the first CL error,
#    and the lu record (its trailing update uses the same tiles) gets the remembered failure
#    instead of a second search.
env LD_PRELOAD="$LIB" HB_FAULT_CALL=enqueue HB_FAULT_KERNEL=gemm HB_FAULT_ERROR=-5 \
  "$HB" run -q --device opencl:0.0 --kernel gemm,lu --precision f64 --impl base --size 300 \
  --min-time 0 -o "$tmp/tiles.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] || fail "tile-search run exited $rc, expected 1"
"$PY" - "$tmp/tiles.json" <<'PY' || fail "tile-search records"
import json, sys
recs = {r["kernel"]: r for r in json.load(open(sys.argv[1]))["records"]}
g, l = recs["gemm"], recs["lu"]
assert g["status"] == "error" and "CL_OUT_OF_RESOURCES" in g["reason"], g["reason"]
assert l["status"] == "error" and "not redone" in l["reason"], l["reason"]
print("  gemm:", g["reason"])
PY
echo "opencl faults: ok"
