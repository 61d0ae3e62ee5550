#!/usr/bin/env bash
# The CUDA platform through the command.
#   cuda_cli.sh info HETBENCH PYTHON VALIDATE SCHEMA   any machine: `info` lists the platform,
#       its JSON says how many devices and why (no driver, no GPU); without a device, a run on
#       "cuda" is refused with exit 2 and a message, never a crash.
#   cuda_cli.sh run  HETBENCH PYTHON VALIDATE SCHEMA   a GPU machine (exit 77 without one): every
#       kernel and precision on cuda:0 at small odd sizes, all records ok, schema-valid, timed
#       by CUDA events consistent with the host clock.
set -u
sub=$1 HB=$2 PY=$3 VALIDATE=$4 SCHEMA=$5
unset HETBENCH_PLUGIN_PATH
tmp=$(mktemp -d /tmp/hb-cuda-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$HB" info --json >"$tmp/info.json" 2>"$tmp/err" || { echo "FAIL: info --json"; cat "$tmp/err"; exit 1; }
ndev=$("$PY" - "$tmp/info.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
p = [p for p in d["platforms"] if p["name"] == "cuda"]
assert len(p) == 1, "no cuda platform in info --json"
props = p[0]["properties"]
for k in ("status", "runtime_version", "driver_version", "cublas_version", "cusolver_version"):
    assert k in props, k
devs = [x for x in d["devices"] if x["id"].startswith("cuda:")]
assert int(props["devices"]) == len(devs), (props["devices"], len(devs))
if devs:
    assert props["status"] == "ok", props["status"]
    for x in devs:
        assert "pci_bus_id" in x["properties"], x["properties"]
else:
    assert props["status"].startswith("no CUDA device"), props["status"]
print(len(devs))
sys.stderr.write("cuda: %d device(s), status: %s\n" % (len(devs), props["status"]))
PYEOF
) || { echo "FAIL: info --json content"; exit 1; }
case "$sub" in
info)
  "$HB" info >"$tmp/info.txt" 2>&1 || { echo "FAIL: info"; exit 1; }
  grep -qE '^  cuda +version' "$tmp/info.txt" || { echo "FAIL: no cuda line in info"; cat "$tmp/info.txt"; exit 1; }
  if [ "$ndev" -eq 0 ]; then
    "$HB" run -q --device cuda --kernel stream -o "$tmp/x.json" >"$tmp/out" 2>&1
    rc=$?
    [ "$rc" -eq 2 ] || { echo "FAIL: run on cuda without a device exited $rc (want 2)"; cat "$tmp/out"; exit 1; }
    grep -q "no device matches 'cuda'" "$tmp/out" || { echo "FAIL: message"; cat "$tmp/out"; exit 1; }
  fi
  # A machine without the CUDA runtime: the platform's library does not load (simulated with
  # a module path that is not a library): the command still works, without a cuda platform,
  # and says why.
  echo "not a library" >"$tmp/libhetbench_cuda.so"
  HETBENCH_CUDA_MODULE="$tmp/libhetbench_cuda.so" "$HB" info >"$tmp/info2.txt" 2>&1 \
    || { echo "FAIL: info without a loadable CUDA module"; cat "$tmp/info2.txt"; exit 1; }
  grep -q "cuda: the CUDA platform is not loaded" "$tmp/info2.txt" \
    || { echo "FAIL: no reason for the missing cuda platform"; cat "$tmp/info2.txt"; exit 1; }
  if grep -qE '^  cuda +version' "$tmp/info2.txt"; then echo "FAIL: cuda listed"; exit 1; fi
  HETBENCH_CUDA_MODULE="$tmp/libhetbench_cuda.so" "$HB" run -q --device cpu --kernel stream \
    --precision f64 --size 10007 --min-time 0 -o "$tmp/cpu.json" >"$tmp/out" 2>&1 \
    || { echo "FAIL: a cpu run without a loadable CUDA module"; cat "$tmp/out"; exit 1; }
  echo "cuda info: ok ($ndev device(s)); without the CUDA runtime: no cuda platform, the reason, cpu runs"
  ;;
run)
  if [ "$ndev" -eq 0 ]; then
    "$PY" -c 'import json,sys; print("SKIP:", [p for p in json.load(open(sys.argv[1]))["platforms"] if p["name"] == "cuda"][0]["properties"]["status"])' "$tmp/info.json"
    exit 77
  fi
  "$HB" run -q --device cuda:0 --kernel gemm --size 257x129x300 --min-time 0.05 -o "$tmp/gemm.json" \
    >"$tmp/out" 2>&1 || { echo "FAIL: gemm run"; cat "$tmp/out"; exit 1; }
  "$HB" run -q --device cuda:0 --kernel stream,peak,transfer,latency --min-time 0.05 -o "$tmp/rest.json" \
    >"$tmp/out" 2>&1 || { echo "FAIL: stream/peak/transfer/latency run"; cat "$tmp/out"; exit 1; }
  "$HB" run -q --device cuda:0 --kernel lu --size 1001 --min-time 0.05 -o "$tmp/lu.json" \
    >"$tmp/out" 2>&1 || { echo "FAIL: lu run"; cat "$tmp/out"; exit 1; }
  for f in gemm rest lu; do
    "$PY" "$VALIDATE" "$SCHEMA" "$tmp/$f.json" --all-ok || { echo "FAIL: schema/--all-ok ($f)"; exit 1; }
  done
  "$PY" - "$tmp/gemm.json" "$tmp/rest.json" "$tmp/lu.json" <<'PYEOF' || exit 1
import json, sys
recs = [r for f in sys.argv[1:] for r in json.load(open(f))["records"]]
seen = set()
for r in recs:
    assert r["status"] == "ok", r
    assert r["device"] == "cuda:0", r["device"]
    seen.add((r["kernel"], r["implementation"]["kind"], r["variant"]))
    t = r["timing"]
    if r["kernel"] != "latency":
        assert "device timer" in t["clock"], t
        assert 0 < t["device_host_ratio"] <= 1.05, t
    print("  ok %-8s %-4s %-5s %-14s %10.4g %s" % (r["kernel"], r["implementation"]["kind"],
          r["variant"], r.get("operation") or "-", r["rate"]["value"], r["rate"]["unit"]))
need = {("gemm", "peak", v) for v in ("f64", "f32", "tf32", "f16", "bf16", "i8", "fp8")}
need |= {("gemm", "base", "f64"), ("gemm", "base", "f32"), ("lu", "peak", "f64")}
need |= {("stream", "base", "f64"), ("peak", "base", "f32"), ("transfer", "base", "f32")}
missing = need - seen
assert not missing, missing
PYEOF
  echo "cuda run: ok"
  ;;
*) echo "usage: cuda_cli.sh info|run HETBENCH PYTHON VALIDATE SCHEMA"; exit 2 ;;
esac
