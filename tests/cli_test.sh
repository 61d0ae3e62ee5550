#!/usr/bin/env bash
# CLI tests of the `hetbench` command.
# usage: cli_test.sh SUBTEST HETBENCH PYTHON VALIDATE_PY SCHEMA [GOOD_PLUGIN_DIR BAD_PLUGIN_DIR]
#   SUBTEST: help | info | list | usage_errors | size_strict | dry_run | output_errors | check | sigint |
#            small_run | plugin | energy_log |
#            energy_sensors | catalog | all
set -u
sub=$1 HB=$2 PY=$3 VALIDATE=$4 SCHEMA=$5 GOOD=${6:-} BAD=${7:-}
unset HETBENCH_PLUGIN_PATH
tmp=$(mktemp -d /tmp/hb-cli-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

pass() { checks=$((checks + 1)); echo "  ok   $*"; }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "  FAIL $*"; }

# expect RC NAME -- CMD...   (stdout/stderr in $tmp/out, $tmp/err)
expect() {
  local want=$1 name=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq "$want" ]; then pass "$name (exit $rc)"
  else fail "$name: exit $rc, expected $want"; sed 's/^/      stderr: /' "$tmp/err" | head -5; fi
}
# grep_in FILE PATTERN NAME : fixed-string search
grep_in() {
  if grep -qF -- "$2" "$1"; then pass "$3 mentions '$2'"
  else fail "$3: '$2' not in $(basename "$1"):"; sed 's/^/      /' "$1" | head -5; fi
}
validate() { # FILE [--all-ok]
  if "$PY" "$VALIDATE" "$SCHEMA" "$@" >"$tmp/val" 2>&1; then pass "schema: $(cat "$tmp/val")"
  else fail "schema validation of $1:"; sed 's/^/      /' "$tmp/val" | head -20; fi
}

# A power logger writing "unix_time,watts" every 50 ms: a ramp 100 W + 10 W/s from its start,
# so that a misaligned window gives a wrong figure.
start_logger() { # FILE
  "$PY" - "$1" <<'PYEOF' &
import sys, time
t0 = time.time()
with open(sys.argv[1], "w") as f:
    f.write("timestamp,watts\n")
    while time.time() - t0 < 120:
        t = time.time()
        f.write("%.6f,%.6f\n" % (t, 100.0 + 10.0 * (t - t0)))
        f.flush()
        time.sleep(0.05)
PYEOF
  logger_pid=$!
  sleep 0.5
}

t_energy_log() {
  local log="$tmp/power.csv" out="$tmp/energy.json" out2="$tmp/energy-lu.json"
  start_logger "$log"
  expect 0 "run stream with an external meter log" -- "$HB" run -q --kernel stream --precision f64 \
    --size 200000 --min-time 0.3 --idle 0.5 --meter-log "$log" -o "$out"
  expect 0 "run lu (per-repetition windows) with the log" -- "$HB" run -q --kernel lu \
    --precision f64 --size 150 --min-time 0.3 --idle 0 --meter-log "$log" -o "$out2"
  kill "$logger_pid" 2>/dev/null; wait "$logger_pid" 2>/dev/null
  validate "$out" --all-ok
  validate "$out2" --all-ok
  "$PY" - "$out" "$out2" "$log" <<'PYEOF' >"$tmp/py" 2>&1 && pass "external log: joules match the integral of the logged ramp over each window" || { fail "external log energy"; cat "$tmp/py"; }
import json, sys
log = [l.split(",") for l in open(sys.argv[3]).read().splitlines()[1:] if l]
t0 = float(log[0][0]); P0 = float(log[0][1])
def ramp_energy(a, b):  # the logger's power is 100 + 10 (t - start); P0 is its first value
    ts = t0 - (P0 - 100.0) / 10.0
    return 100.0 * (b - a) + 5.0 * ((b - ts) ** 2 - (a - ts) ** 2)
for path in sys.argv[1:3]:
    d = json.load(open(path))
    e = d["run"]["energy"]
    assert e["external_log"]["path"] == sys.argv[3], e
    for r in d["records"]:
        en = r["energy"]
        assert en["meter"] == "external-log" and en["scope"] == "node-ac", en
        assert en["in_band"] is False
        w = en["window"]
        assert en["joules"] > 0 and abs(en["average_watts"] * w["seconds"] - en["joules"]) < 1e-6 * en["joules"]
        ops = r["counts"]["bytes" if r["rate"]["basis"] == "bytes" else "ops"] * w["repetitions"]
        assert abs(en["ops_per_joule"] - ops / en["joules"] * 1e-9) <= 1e-9 * en["ops_per_joule"], en
        assert w["repetitions"] == r["timing"]["repetitions"], (w, r["timing"])
        if w["kind"] == "span":
            exp = ramp_energy(w["start_unix"], w["end_unix"])
            assert abs(en["joules"] - exp) < 0.002 * exp, (en["joules"], exp)
        else:  # per repetition: only the timed runs, less than the whole span
            span = ramp_energy(w["start_unix"], w["end_unix"])
            assert r["kernel"] == "lu" and en["joules"] < span, (en["joules"], span)
            assert abs(w["seconds"] - r["timing"]["measured_total"]) < 1e-9
            assert 100 < en["average_watts"] < 100 + 10 * 200
print("ok")
d = json.load(open(sys.argv[1]))
idle = d["run"]["energy"]["idle"]
assert idle["seconds"] == 0.5 and idle["meters"][-1]["name"] == "external-log" and idle["meters"][-1]["watts"] > 100, idle
PYEOF
  # a malformed log is bad input found before anything runs, named by file and line
  printf 'timestamp,watts\n1795700000,100\n1795700001,lots\n' >"$tmp/bad.csv"
  expect 2 "malformed meter log" -- "$HB" run -q --kernel stream --size 1000 --meter-log "$tmp/bad.csv" -o "$tmp/never.json"
  grep_in "$tmp/err" "bad.csv:3" "malformed meter log"
  grep_in "$tmp/err" "watts" "malformed meter log"
  [ ! -e "$tmp/never.json" ] && pass "no result file for bad input" || fail "a result file was written for bad input"
  expect 2 "missing meter log" -- "$HB" run -q --kernel stream --size 1000 --meter-log "$tmp/none.csv" -o "$tmp/never.json"
  grep_in "$tmp/err" "none.csv" "missing meter log"
  expect 2 "--meters unknown source" -- "$HB" run -q --meters powercap,rapl -o "$tmp/never.json"
  grep_in "$tmp/err" "'rapl'" "--meters"
  expect 2 "--meter-log-scope unknown" -- "$HB" run -q --kernel stream --size 1000 --meter-log "$log" --meter-log-scope wall -o "$tmp/never.json"
  grep_in "$tmp/err" "'wall'" "--meter-log-scope"
  expect 2 "--meter-log-scope without a log" -- "$HB" run -q --meter-log-scope dram -o "$tmp/never.json"
  grep_in "$tmp/err" "need --meter-log" "--meter-log-scope without a log"
  # Ctrl-C during the idle baseline stops the run at once (nothing measured, exit 3)
  start_logger "$log"
  "$HB" run -q --kernel stream --size 1000 --idle 30 --meter-log "$log" -o "$tmp/idle-int.json" \
    >"$tmp/out" 2>"$tmp/err" &
  local pid=$! t0=$SECONDS
  sleep 1.5
  kill -INT "$pid"
  wait "$pid"
  local rc=$?
  kill "$logger_pid" 2>/dev/null; wait "$logger_pid" 2>/dev/null
  [ "$rc" -eq 3 ] && [ $((SECONDS - t0)) -lt 10 ] && pass "SIGINT during the idle baseline: exit 3 in $((SECONDS - t0)) s" \
    || fail "SIGINT during the idle baseline: exit $rc after $((SECONDS - t0)) s"
  grep_in "$tmp/err" "before the first measurement" "SIGINT during idle"
  validate "$tmp/idle-int.json"
  expect 2 "--idle negative" -- "$HB" run -q --idle -1
  expect 2 "--energy-window text" -- "$HB" run -q --energy-window long
}

# Energy end to end on fake sensors: a copy of a two-socket RAPL tree whose counters a writer
# advances in real time (package 60 + 40 W, wrapping every 2 s on package-0; dram 10 W; psys
# 300 W), an IPMI BMC replayed from a recorded output (220 W), and the fake NVML library.
t_energy_sensors() {
  [ -n "${HB_FIXTURES:-}" ] && [ -n "${HB_FAKE_NVML:-}" ] || { fail "HB_FIXTURES / HB_FAKE_NVML not set"; return; }
  local sys="$tmp/sys" out="$tmp/sensors.json"
  cp -r "$HB_FIXTURES/sysfs/intel-2pkg" "$sys"
  local pc="$sys/class/powercap"
  echo 120000000 >"$pc/intel-rapl:0/max_energy_range_uj" # 120 J: wraps every 2 s at 60 W
  "$PY" - "$pc" <<'PYEOF' &
import os, sys, time
pc = sys.argv[1]
zones = {"intel-rapl:0": (60.0, 120000000), "intel-rapl:1": (40.0, 262143328850),
         "intel-rapl:0:1": (5.0, 65712999613), "intel-rapl:1:1": (5.0, 65712999613),
         "intel-rapl:2": (300.0, 262143328850), "intel-rapl-mmio:0": (999.0, 262143328850)}
fds = {z: os.open(os.path.join(pc, z, "energy_uj"), os.O_WRONLY) for z in zones}
t0 = time.time()
while time.time() - t0 < 120:
    el = time.time() - t0
    for z, (watts, rng) in zones.items():
        # in place, fixed width: a reader's pread never sees a half-written file
        os.pwrite(fds[z], b"%020d\n" % (int(watts * el * 1e6) % rng), 0)
    time.sleep(0.005)
PYEOF
  local writer=$!
  sleep 0.3
  export HETBENCH_SYSFS_ROOT="$sys" HETBENCH_NVML_LIBRARY="$HB_FAKE_NVML" FAKE_NVML_COUNT=1
  export HETBENCH_IPMI_COMMAND="cat $HB_FIXTURES/ipmi/ipmitool_reading.txt"
  expect 0 "info lists the fake meters" -- "$HB" info
  grep_in "$tmp/out" "powercap:package" "info"
  grep_in "$tmp/out" "ipmi-dcmi" "info"
  grep_in "$tmp/out" "nvml:" "info"
  grep_in "$tmp/out" "perf-power" "info"
  expect 0 "info --json has the meters" -- "$HB" info --json
  "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); n={m["name"] for m in d["energy"]["meters"]}; assert {"powercap:package","powercap:dram","powercap:psys","ipmi-dcmi"} <= n, n; assert any(u["name"]=="perf-power" for u in d["energy"]["unavailable"]); assert d["counters"]' "$tmp/out" \
    && pass "info --json: energy meters and unavailable sources" || fail "info --json energy"
  expect 0 "run stream on fake sensors" -- "$HB" run -q --kernel stream --precision f64 \
    --size 300000 --min-time 0.5 --idle 0.5 -o "$out"
  local rc_lu=0
  # one thread: the other core keeps the fake counters' writer running (a real RAPL counter is
  # advanced by hardware, not by a process competing for the cores)
  "$HB" run -q --kernel lu --precision f64 --size 1000 --threads 1 --min-time 0.5 --idle 0 -o "$tmp/sensors-lu.json" || rc_lu=$?
  [ "$rc_lu" -eq 0 ] && pass "run lu on fake sensors" || fail "run lu on fake sensors: exit $rc_lu"
  expect 0 "run with --meters none" -- "$HB" run -q --kernel stream --precision f64 --size 100000 \
    --min-time 0.05 --meters none -o "$tmp/nometers.json"
  unset HETBENCH_SYSFS_ROOT HETBENCH_NVML_LIBRARY FAKE_NVML_COUNT HETBENCH_IPMI_COMMAND
  kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
  validate "$out" --all-ok
  validate "$tmp/sensors-lu.json" --all-ok
  validate "$tmp/nometers.json" --all-ok
  "$PY" - "$out" "$tmp/sensors-lu.json" "$tmp/nometers.json" <<'PYEOF' >"$tmp/py" 2>&1 && pass "fake sensors: package headline ~100 W across wraps, node 220 W exact, dram listed, GPU board not covering" || { fail "fake sensors energy"; cat "$tmp/py"; }
import json, sys
recs = []
for p in sys.argv[1:3]:
    d = json.load(open(p))
    recs += d["records"]
d = json.load(open(sys.argv[1]))
idle = {m["name"]: m for m in d["run"]["energy"]["idle"]["meters"]}
assert 60 < idle["powercap:package"]["watts"] < 140, idle
assert abs(idle["ipmi-dcmi"]["watts"] - 220) < 1e-6, idle
assert any(u["name"] == "perf-power" for u in d["run"]["energy"]["unavailable"])
kinds = set()
for r in recs:
    en = r["energy"]
    assert en["meter"] == "powercap:package" and en["scope"] == "cpu-package", en
    assert en["in_band"] is True
    assert 60 < en["average_watts"] < 140, (r["kernel"], en["average_watts"])
    m = {x["name"]: x for x in en["meters"]}
    assert abs(m["ipmi-dcmi"]["average_watts"] - 220) < 1e-6 and m["ipmi-dcmi"]["covers_device"]
    assert m["ipmi-dcmi"]["uncertain"] and "shorter than the 10 s" in m["ipmi-dcmi"]["reason"]
    assert m["powercap:dram"]["covers_device"] and 5 < m["powercap:dram"]["average_watts"] < 15
    assert 200 < m["powercap:psys"]["average_watts"] < 400
    gpu = [x for x in en["meters"] if x["name"].startswith("nvml:")]
    assert len(gpu) == 1 and gpu[0]["covers_device"] is False and gpu[0]["scope"] == "accelerator-board"
    # the window reached the package meter's 0.1 s and the --energy-window cap (quick: 1 s)
    assert en["window"]["seconds"] >= 0.5 and en["window"]["needed_seconds"] == 1.0, en["window"]
    assert en["window"]["seconds"] >= 1.0 or r["timing"]["min_time_reached"] is False
    kinds.add(en["window"]["kind"])
    c = {e["name"]: e for e in r["counters"]["events"]}
    assert c["task-clock"]["value"] > 0, c
assert kinds == {"span", "per-repetition"}, kinds
for r in json.load(open(sys.argv[3]))["records"]:
    assert r["energy"]["joules"] is None and "--meters none" in r["energy"]["reason"], r["energy"]
print("ok")
PYEOF
}

t_help() {
  expect 0 "hetbench --help" -- "$HB" --help
  grep_in "$tmp/out" "usage: hetbench" "--help"
  grep_in "$tmp/out" "Exit codes" "--help"
  expect 0 "hetbench run --help" -- "$HB" run --help
  grep_in "$tmp/out" "--min-time" "run --help"
  grep_in "$tmp/out" "--kernel" "run --help"
  expect 0 "hetbench info --help" -- "$HB" info --help
  expect 0 "hetbench list --help" -- "$HB" list --help
  expect 0 "hetbench --version" -- "$HB" --version
  grep_in "$tmp/out" "hetbench " "--version"
  expect 2 "hetbench (no command)" -- "$HB"
}

t_info() {
  expect 0 "hetbench info" -- "$HB" info
  grep_in "$tmp/out" "cpu:0" "info"
  # the CLI tests hide OpenCL (an empty ICD directory): the platform says why it has no device
  if grep -q "^  opencl " "$tmp/out"; then
    grep_in "$tmp/out" "implementations, 0 devices" "info: a platform with 0 devices"
    grep_in "$tmp/out" "status: no OpenCL platform" "info: why opencl has no device"
  fi
  expect 0 "hetbench info --json" -- "$HB" info --json
  if "$PY" -m json.tool "$tmp/out" >/dev/null 2>"$tmp/jerr"; then pass "info --json is valid JSON"
  else fail "info --json is not JSON: $(head -3 "$tmp/jerr")"; fi
  if "$PY" - "$tmp/out" <<'PYEOF' 2>"$tmp/jerr"; then pass "info --json has system fields and device cpu:0"; else fail "info --json content: $(cat "$tmp/jerr")"; fi
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("host", "os", "kernel", "cpu", "memory", "compiler", "libraries", "platforms", "devices"):
    assert k in d, "missing " + k
assert any(dev["id"] == "cpu:0" for dev in d["devices"]), "no cpu:0"
# every built-in platform is accounted for: registered, not built (with the reason), or a
# module that did not load (a plugin problem naming it)
built = {p["name"] for p in d["platforms"]}
not_built = {p["name"]: p["reason"] for p in d["platforms_not_built"]}
for name in ("cpu", "opencl", "cuda"):
    assert (name in built) != (name in not_built) or any(
        q.startswith(name + ":") for q in d.get("plugin_problems", [])), name + " unaccounted for"
    assert name not in not_built or not_built[name].startswith("not built:"), not_built
assert "cpu" in built
PYEOF
  cp "$tmp/out" "$tmp/info.json"
  expect 0 "hetbench info (text)" -- "$HB" info
  if "$PY" -c 'import json,sys; sys.exit(0 if any(p["name"] == "cuda" for p in json.load(open(sys.argv[1]))["platforms_not_built"]) else 1)' "$tmp/info.json"; then
    grep_in "$tmp/out" "cuda     not built: " "info says the CUDA platform was not built"
  fi
  expect 2 "info --bogus" -- "$HB" info --bogus
  grep_in "$tmp/err" "--bogus" "info --bogus"
  expect 2 "info --threads zero" -- "$HB" info --threads zero
  grep_in "$tmp/err" "zero" "info --threads zero"
}

t_list() {
  expect 0 "hetbench list" -- "$HB" list
  for k in gemm lu stream; do grep_in "$tmp/out" "$k" "list"; done
  expect 2 "list extra-arg" -- "$HB" list extra-arg
  grep_in "$tmp/err" "extra-arg" "list extra-arg"
}

# bad input: exit 2, the message names the bad thing, and no result file is written
bad_run() { # NAME NEEDLE ARGS...
  local name=$1 needle=$2; shift 2
  local out="$tmp/bad-$checks.json"
  expect 2 "run $name" -- "$HB" run -q -o "$out" "$@"
  grep_in "$tmp/err" "$needle" "run $name"
  if [ -e "$out" ]; then fail "run $name wrote $out"; else pass "run $name wrote no result file"; fi
}

t_usage_errors() {
  bad_run "--kernel nope" "nope" --kernel nope
  bad_run "--kernel gemm,nope" "nope" --kernel gemm,nope
  bad_run "--precision f128" "f128" --precision f128
  bad_run "--device opencl:9.9" "opencl:9.9" --device opencl:9.9
  bad_run "--size 12x" "12x" --size 12x
  bad_run "--size abc" "abc" --size abc
  bad_run "--size 0" "--size" --size 0
  bad_run "--size 2x3" "2x3" --size 2x3
  bad_run "--threads two" "two" --threads two
  bad_run "--min-time -1" "-1" --min-time -1
  bad_run "--min-time abc" "abc" --min-time abc
  bad_run "--seed x" "--seed" --seed x
  bad_run "--min-reps 2" "--min-reps" --min-reps 2
  bad_run "--impl fast" "fast" --impl fast
  bad_run "--suite huge" "huge" --suite huge
  bad_run "--mem-fraction 2" "--mem-fraction" --mem-fraction 2
  bad_run "--frobnicate" "--frobnicate" --frobnicate
  bad_run "stray argument" "stray" stray
  bad_run "--kernel (no value)" "--kernel" --kernel
  bad_run "short option cluster -xq" "'-x'" -xq
  bad_run "--kernel ''" "--kernel" --kernel ""
  bad_run "--kernel gemm,,lu" "--kernel" --kernel gemm,,lu
  bad_run "--device ''" "--device" --device ""
  bad_run "--min-time 0x10" "0x10" --min-time 0x10
  bad_run "--size 3000000000 (over 2^31-1)" "3000000000" --size 3000000000
  bad_run "--threads 100000" "100000" --threads 100000
  expect 2 "unknown command" -- "$HB" frobnicate
  grep_in "$tmp/err" "frobnicate" "unknown command"
}

# Sizes with an empty dimension or stray characters must be rejected like "12x".
t_size_strict() {
  for sz in 1xx2x3 2x3xx4 " 12" "12 "; do
    bad_run "--size '$sz'" "--size" --kernel stream --min-time 0 --size "$sz"
  done
}

# --dry-run lists the plan with the suite's sizes, measures nothing and writes no file.
t_dry_run() {
  expect 0 "run --suite node --dry-run" -- "$HB" run --suite node --dry-run -o "$tmp/dry.json"
  grep_in "$tmp/out" "dry run: nothing measured" "--dry-run"
  grep_in "$tmp/out" "lu " "--dry-run"
  grep_in "$tmp/out" "gemm     -            f64   base" "--dry-run (node gemm)"
  if [ -e "$tmp/dry.json" ]; then fail "--dry-run wrote a result file"; else pass "--dry-run wrote no file"; fi
  expect 0 "run --kernel gemm --size 7x5x3 --dry-run" -- "$HB" run --kernel gemm --size 7x5x3 --dry-run
  grep_in "$tmp/out" "7x5x3" "--dry-run --size"
  expect 2 "run --kernel nope --dry-run" -- "$HB" run --kernel nope --dry-run
}

t_output_errors() {
  for out in /nonexistent-dir/r.json /proc/r.json; do
    expect 2 "run -o $out" -- "$HB" run -q --kernel stream --size 1000 --min-time 0 -o "$out"
    grep_in "$tmp/err" "$out" "run -o $out"
    if [ -e "$out" ]; then fail "$out was created"; else pass "$out not created"; fi
  done
  mkdir "$tmp/adir"
  expect 2 "run -o DIRECTORY" -- "$HB" run -q --kernel stream --size 1000 --min-time 0 -o "$tmp/adir"
  grep_in "$tmp/err" "$tmp/adir" "run -o DIRECTORY"
}

t_check() {
  printf '{\n  "schema_version": "1.0",\n  "system": {,\n  "run": {}\n}\n' >"$tmp/broken.json"
  expect 2 "check malformed JSON" -- "$HB" check "$tmp/broken.json"
  grep_in "$tmp/err" "$tmp/broken.json:3:" "check malformed JSON (file:line)"
  expect 2 "check missing file" -- "$HB" check "$tmp/none.json"
  grep_in "$tmp/err" "$tmp/none.json" "check missing file"
  printf '{"schema_version":"1.0","system":{},"run":{},"records":[{"kernel":"gemm","variant":"f64","device":"cpu:0","reason":""}]}' >"$tmp/nostatus.json"
  expect 2 "check record without status" -- "$HB" check "$tmp/nostatus.json"
  grep_in "$tmp/err" "records[0].status" "check record without status"
  expect 2 "check (no file)" -- "$HB" check
  # an ok record whose verification did not pass is not a valid result
  expect 0 "run for check" -- "$HB" run -q --kernel stream --precision f64 --size 1001 --min-time 0 -o "$tmp/v.json"
  "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["records"][0]["verification"]["passed"]=False; json.dump(d,open(sys.argv[2],"w"),indent=1)' "$tmp/v.json" "$tmp/unverified.json"
  expect 2 "check an ok record that failed verification" -- "$HB" check "$tmp/unverified.json"
  grep_in "$tmp/err" "records[0].verification.passed" "check unverified ok record"
  # a problem larger than memory is skipped with the reason, never attempted
  expect 0 "run gemm larger than memory" -- "$HB" run -q --kernel gemm --precision f64 --impl base --size 200000 --min-time 0 -o "$tmp/huge.json"
  "$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["records"][0]; assert r["status"]=="skipped" and "GiB" in r["reason"], r' "$tmp/huge.json" && pass "huge gemm skipped with the reason" || fail "huge gemm not skipped"
  expect 0 "run lu and stream larger than memory" -- "$HB" run -q --kernel lu,stream --precision f64 --impl base --size 2000000000 --min-time 0 -o "$tmp/huge2.json"
  "$PY" -c 'import json,sys; rs=json.load(open(sys.argv[1]))["records"]; assert len(rs)==5 and all(r["status"]=="skipped" and "GiB" in r["reason"] for r in rs), rs' "$tmp/huge2.json" && pass "huge lu and stream skipped with the reason" || fail "huge lu/stream not skipped"
  expect 2 "show malformed JSON" -- "$HB" show "$tmp/broken.json"
  grep_in "$tmp/err" "$tmp/broken.json:3:" "show malformed JSON (file:line)"
  expect 0 "run for show" -- "$HB" run -q --kernel stream --precision f32 --size 1003 --min-time 0 -o "$tmp/show.json"
  expect 0 "show a result" -- "$HB" show "$tmp/show.json"
  grep_in "$tmp/out" "triad        f32   base  cpu:0      1003" "show"
  grep_in "$tmp/out" "host " "show"
}

t_small_run() {
  local out="$tmp/stream.json"
  expect 0 "run stream 100003 elements" -- "$HB" run -q --kernel stream --size 100003 --min-time 0.01 --threads 2 -o "$out"
  validate "$out" --all-ok
  expect 0 "check on a fresh result" -- "$HB" check "$out"
  grep_in "$tmp/out" "ok" "check"
  "$PY" - "$out" <<'PYEOF' >"$tmp/py" 2>&1 && pass "stream result: 8 ok records, n=100003, summary complete" || { fail "stream result content"; cat "$tmp/py"; }
import json, sys
d = json.load(open(sys.argv[1]))
r = d["records"]
assert len(r) == 8, len(r)
for x in r:
    assert x["status"] == "ok" and x["parameters"]["n"] == 100003, x
    assert x["verification"]["passed"] and x["verification"]["after_timing"]["passed"]
    t = x["timing"]
    assert t["repetitions"] >= 5 and t["min"] <= t["median"] <= t["max"]
    lo, hi = t["median_ci"]
    assert t["min"] <= lo <= t["median"] <= hi <= t["max"]
s = d["summary"]
assert s["complete"] and s["ok"] == 8 and s["total"] == 8, s
PYEOF
  # explicitly asked-for combinations that the CBLAS provider lacks: unsupported records
  out="$tmp/f16peak.json"
  expect 0 "run gemm f16 peak (unsupported)" -- "$HB" run -q --kernel gemm --precision f16,i8 --impl peak --size 7x5x3 --min-time 0 -o "$out"
  validate "$out"
  "$PY" - "$out" <<'PYEOF' >"$tmp/py" 2>&1 && pass "unsupported records carry a reason and no rate" || { fail "unsupported records"; cat "$tmp/py"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["records"]) == 2, len(d["records"])
for x in d["records"]:
    assert x["status"] == "unsupported", x["status"]
    assert x["reason"] and "rate" not in x, x
PYEOF
  # odd gemm size, every precision, both implementations
  out="$tmp/gemm.json"
  expect 0 "run gemm 33x17x65 all precisions" -- "$HB" run -q --kernel gemm --size 33x17x65 --min-time 0.01 --threads 2 -o "$out"
  validate "$out" --all-ok
  out="$tmp/lu.json"
  expect 0 "run lu 257" -- "$HB" run -q --kernel lu --size 257 --min-time 0.01 --threads 2 -o "$out"
  validate "$out" --all-ok
  # a tuning variable with a value it does not take: an error record naming it, never a
  # silent default (exit 1: the run goes on, the record says why)
  local v
  for v in HETBENCH_GEMM_ISA=nosuch:gemm HETBENCH_PEAK_ISA=nosuch:peak HETBENCH_STREAM_NT=7:stream; do
    out="$tmp/badenv.json"
    env "${v%%:*}" "$HB" run -q --kernel "${v##*:}" --impl base --precision f64 --size 1000 \
      --min-time 0 --threads 2 -o "$out" >"$tmp/out" 2>"$tmp/err"
    if [ $? -eq 1 ] && grep -q '"status": "error"' "$out" && grep -qF "${v%%=*}=" "$out"; then
      pass "${v%%:*}: an error record naming the variable"
    else
      fail "${v%%:*}: no error record naming the variable"
    fi
  done
}

# The schema itself: a real result validates, and each kind of damage is rejected.
t_schema() {
  local out="$tmp/schema.json"
  expect 0 "run stream+gemm small" -- "$HB" run -q --kernel stream,gemm --precision f64 --size 1001 --min-time 0 -o "$out"
  validate "$out" --all-ok
  local bad
  for bad in ok_without_rate unknown_status few_repetitions failed_with_rate no_reason_error \
             bad_variant missing_system negative_rate; do
    "$PY" - "$out" "$tmp/bad-$bad.json" "$bad" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1])); how = sys.argv[3]; r = d["records"][0]
if how == "ok_without_rate": del r["rate"]
elif how == "unknown_status": r["status"] = "great"
elif how == "few_repetitions": r["timing"]["repetitions"] = 3
elif how == "failed_with_rate": r["status"] = "failed_verification"
elif how == "no_reason_error": r["status"] = "error"; r["reason"] = ""; del r["rate"]
elif how == "bad_variant": r["variant"] = "f128"
elif how == "missing_system": del d["system"]
elif how == "negative_rate": r["rate"]["value"] = -1.0
json.dump(d, open(sys.argv[2], "w"))
PYEOF
    if "$PY" "$VALIDATE" "$SCHEMA" "$tmp/bad-$bad.json" >/dev/null 2>&1; then
      fail "schema accepted a document with $bad"
    else pass "schema rejects $bad"; fi
  done
}

count_records() { "$PY" -c 'import json,sys
try: print(len(json.load(open(sys.argv[1]))["records"]))
except Exception: print(0)' "$1"; }

# start the run in the background, wait until the file has >= MIN records, send SIGINT
interrupt_run() { # OUT MINRECS ARGS...
  local out=$1 min=$2; shift 2
  "$HB" run -q "$@" -o "$out" >"$tmp/int.out" 2>"$tmp/int.err" &
  local pid=$! n=0 i
  for i in $(seq 1 200); do
    [ -s "$out" ] && n=$(count_records "$out")
    [ "$n" -ge "$min" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$n" -lt "$min" ]; then fail "no $min record(s) in $out after 20 s"; kill -KILL "$pid" 2>/dev/null; wait "$pid"; return 1; fi
  pass "$out has $n record(s) while running"
  kill -INT "$pid"
  wait "$pid"
  local rc=$?
  if [ "$rc" -eq 3 ]; then pass "SIGINT: exit 3"; else fail "SIGINT: exit $rc, expected 3"; sed 's/^/      /' "$tmp/int.err" | tail -3; fi
  grep_in "$tmp/int.err" "interrupted" "stderr after SIGINT"
  validate "$out"
  "$PY" - "$out" <<'PYEOF' >"$tmp/py" 2>&1 && pass "$(cat "$tmp/py")" || { fail "interrupted file content:"; cat "$tmp/py"; }
import json, sys
d = json.load(open(sys.argv[1]))
r = d["records"]
assert r, "no records"
assert r[-1]["status"] == "interrupted", "last record: " + r[-1]["status"]
assert "rate" not in r[-1]
for x in r[:-1]:
    assert x["status"] == "ok", "completed record lost its status: " + x["status"]
    assert "rate" in x
assert d["summary"]["complete"] is False and d["summary"]["interrupted"] == 1, d["summary"]
print("last record interrupted, %d completed record(s) kept" % (len(r) - 1))
PYEOF
}

# the plugin seen through the command: info lists fake:0, a run on it validates; a bad ABI
# plugin is reported by info (text and JSON) and is not selectable
t_plugin() {
  [ -n "$GOOD" ] && [ -n "$BAD" ] || { fail "plugin dirs not given"; return; }
  HETBENCH_PLUGIN_PATH=$GOOD expect 0 "info with the fake plugin" -- "$HB" info
  grep_in "$tmp/out" "fake:0" "info with the fake plugin"
  local out="$tmp/fake.json"
  HETBENCH_PLUGIN_PATH=$GOOD expect 0 "run --device fake:0" -- "$HB" run -q --device fake:0 --kernel stream --impl base --size 10007 --min-time 0.01 -o "$out"
  validate "$out" --all-ok
  "$PY" - "$out" <<'PYEOF' >"$tmp/py" 2>&1 && pass "records on fake:0 only, by fake-loops" || { fail "fake run content"; cat "$tmp/py"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["records"]) == 8, len(d["records"])
assert all(r["device"] == "fake:0" and r["implementation"]["name"] == "fake-loops" for r in d["records"])
assert any(p["name"] == "fake" for p in d["system"]["platforms"]), d["system"]["platforms"]
PYEOF
  # the faulty implementation: error and failed_verification records, the run goes on, exit 1
  out="$tmp/faulty.json"
  HETBENCH_PLUGIN_PATH=$GOOD expect 1 "run a faulty implementation" -- "$HB" run -q --device fake:0 --kernel stream --impl peak --size 1001 --min-time 0.01 -o "$out"
  validate "$out"
  grep_in "$tmp/err" "4 failed verification" "exit summary"
  HETBENCH_PLUGIN_PATH=$BAD expect 0 "info with a bad-ABI plugin" -- "$HB" info
  grep_in "$tmp/out" "ABI" "info with a bad-ABI plugin"
  HETBENCH_PLUGIN_PATH=$BAD expect 0 "info --json with a bad-ABI plugin" -- "$HB" info --json
  grep_in "$tmp/out" "plugin_problems" "info --json with a bad-ABI plugin"
  HETBENCH_PLUGIN_PATH=$BAD expect 2 "run --device fake:0 with a bad-ABI plugin" -- "$HB" run -q --device fake:0 --kernel stream -o "$tmp/nofake.json"
  grep_in "$tmp/err" "fake:0" "run --device fake:0 with a bad-ABI plugin"
}

t_sigint() {
  # interrupted during the first (long) measurement
  interrupt_run "$tmp/int.json" 1 --kernel lu --size 1500 --min-time 30
  # interrupted during the second measurement: the first, completed record is kept
  interrupt_run "$tmp/int2.json" 2 --kernel stream --precision f64 --size 200000 --min-time 1.5 --threads 2
  # a second signal exits at once (exit 3); the file on disk still marks the running record
  "$HB" run -q --kernel lu --size 1500 --min-time 30 -o "$tmp/int3.json" >/dev/null 2>"$tmp/int.err" &
  local pid=$! i
  for i in $(seq 1 200); do [ -s "$tmp/int3.json" ] && break; sleep 0.1; done
  sleep 0.3
  kill -TERM "$pid"; kill -TERM "$pid"
  wait "$pid"; local rc=$?
  if [ "$rc" -eq 3 ]; then pass "two SIGTERMs: exit 3"; else fail "two SIGTERMs: exit $rc, expected 3"; fi
  validate "$tmp/int3.json"
  "$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["records"]; assert r[-1]["status"]=="interrupted", r[-1]["status"]' "$tmp/int3.json" 2>"$tmp/py" \
    && pass "after two signals the last record is interrupted" || { fail "after two signals:"; cat "$tmp/py"; }
}

# the inventory (docs/acceptance.md §2): `info` shows each component with its origin; a vendor
# catalog file adds entries; a bad one is refused (exit 2) naming file, line and field
t_catalog() {
  local fx="${HB_FIXTURES:-$(cd "$(dirname "$0")" && pwd)/fixtures}"
  HETBENCH_SYSFS_ROOT="$fx/sysfs/pci-h100" expect 0 "info on a fake sysfs with 4 H100" -- "$HB" info
  grep_in "$tmp/out" "inventory (catalog:" "info"
  grep_in "$tmp/out" "NVIDIA H100 SXM5 80GB" "info"
  grep_in "$tmp/out" "origin foreign, catalog nvidia-h100-sxm" "info"
  grep_in "$tmp/out" "66.9 TFLOP/s × 4 devices" "info"
  HETBENCH_SYSFS_ROOT="$fx/sysfs/pci-h100" expect 0 "info --json --catalog vendor file" -- \
    "$HB" info --json --catalog "$fx/catalog/vendor-override.json"
  "$PY" - "$tmp/out" <<'PYEOF' >"$tmp/py" 2>&1 && pass "info --json: system.inventory with the vendor file, pci and dmi" || { fail "info --json inventory"; cat "$tmp/py"; }
import json, sys
d = json.load(open(sys.argv[1]))
inv = d["inventory"]
assert inv["catalog"]["files"][-1].endswith("vendor-override.json"), inv["catalog"]
cats = {c["category"] for c in inv["components"]}
assert {"cpu", "accelerator", "display", "server", "os", "compiler"} <= cats, cats
h = [c for c in inv["components"] if c["catalog_id"] == "nvidia-h100-sxm"]
assert len(h) == 1 and h[0]["count"] == 4 and h[0]["origin"] == "foreign", h
assert len(d["pci"]) == 6 and d["dmi"]["sys_vendor"] == "Supermicro", (d["pci"], d["dmi"])
for c in inv["components"]:
    assert c["origin"] in ("domestic", "foreign", "unknown"), c
    assert (c["catalog_id"] is None) == (c["origin"] == "unknown"), c
PYEOF
  expect 2 "info --catalog bad file" -- "$HB" info --catalog "$fx/catalog/bad-peak.json"
  grep_in "$tmp/err" "bad-peak.json:23: entries[1].peak.tflops.f16: must be a number > 0 or null" "info --catalog bad"
  expect 2 "info --catalog with a syntax error" -- "$HB" info --catalog "$fx/catalog/bad-syntax.json"
  grep_in "$tmp/err" "bad-syntax.json:8:" "info --catalog syntax error"
  expect 2 "info --catalog missing file" -- "$HB" info --catalog "$tmp/none.json"
  grep_in "$tmp/err" "none.json: cannot open" "info --catalog missing"
  expect 2 "run --catalog bad file" -- "$HB" run -q --kernel stream --catalog "$fx/catalog/bad-pci.json" -o "$tmp/never.json"
  grep_in "$tmp/err" "bad-pci.json:10: entries[0].match.pci[1]" "run --catalog bad"
  [ -e "$tmp/never.json" ] && fail "run --catalog bad wrote a result" || pass "run --catalog bad measured nothing"
  local out="$tmp/cat.json"
  expect 0 "run with --catalog" -- "$HB" run -q --kernel stream --precision f64 --size 10007 --min-time 0.01 \
    --idle 0 --catalog "$fx/catalog/vendor-override.json" -o "$out"
  validate "$out" --all-ok
  "$PY" - "$out" <<'PYEOF' >"$tmp/py" 2>&1 && pass "result: schema 1.2 with system.inventory" || { fail "result inventory"; cat "$tmp/py"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == "1.2", d["schema_version"]
inv = d["system"]["inventory"]
assert inv["catalog"]["files"][-1].endswith("vendor-override.json"), inv["catalog"]
cpu = [c for c in inv["components"] if c["category"] == "cpu"]
assert len(cpu) == 1 and "cpu:0" in cpu[0]["devices"], cpu
PYEOF
}

case "$sub" in
  help) t_help ;;
  info) t_info ;;
  list) t_list ;;
  usage_errors) t_usage_errors ;;
  output_errors) t_output_errors ;;
  check) t_check ;;
  small_run) t_small_run ;;
  sigint) t_sigint ;;
  size_strict) t_size_strict ;;
  dry_run) t_dry_run ;;
  schema) t_schema ;;
  plugin) t_plugin ;;
  energy_log) t_energy_log ;;
  energy_sensors) t_energy_sensors ;;
  catalog) t_catalog ;;
  all) t_help; t_info; t_list; t_usage_errors; t_size_strict; t_dry_run; t_output_errors; t_check; t_small_run; t_schema; t_plugin; t_energy_log; t_energy_sensors; t_catalog; t_sigint ;;
  *) echo "unknown subtest $sub"; exit 2 ;;
esac
echo "cli $sub: $((checks - fails))/$checks checks passed"
[ "$fails" -eq 0 ]
