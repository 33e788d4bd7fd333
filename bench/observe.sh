#!/usr/bin/env bash
# bench/observe.sh: what a client sees while slots move, and `--max-latency` holding it. Two
# identical 3-master clusters, each holding ${KEYS:-1000000} keys (50-byte values, spread over every
# slot, bench/load_keys.py), each given an empty 4th master; then `rcluster rebalance
# --use-empty-masters` with the legacy mover while a client writes (redis-benchmark --cluster: SETs of
# 50-byte values to its own keys, in bursts of 100, about ${WRITES:-2000} a second):
#   1. on the first cluster with --observe;
#   2. on the second with --max-latency set to twice the p99 run 1 measured before its move (or to
#      ${BOUND}, e.g. BOUND=0.9ms, to hold a bound of one's own), for at
#      most ${HELD_MAX_TIME:-180s} (--max-time: a pause that grows to its cap could make it last hours;
#      every slot is closed when it stops, and the report says how many moved).
# Prints, for both runs, the observing client's p99 before and during the move (keys in the moved
# slots and in others), its redirects and errors, the move time, and the pace --max-latency held.
# Ports from ${BASE_PORT:-24000} (+10000 for the bus).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
setup_bench

# prepare BASE: a loaded 3-master cluster on BASE..BASE+2 and an empty master BASE+3 added to it.
prepare() {
  local base=$1 cluster extra
  new_state_dir
  cluster=$REPLY
  new_state_dir
  extra=$REPLY
  "$rc_bin" local up --masters 3 --port "$base" --node-timeout 15000 --state-dir "$cluster" >/dev/null 2>&1
  python3 bench/load_keys.py "$base" --keys "${KEYS:-1000000}" --size 50
  "$rc_bin" local up --no-create --masters 1 --port $((base + 3)) --node-timeout 15000 --state-dir "$extra" >/dev/null 2>&1
  "$rc_bin" add-node "127.0.0.1:$((base + 3))" "127.0.0.1:$base" -q >/dev/null
}

# writer PORT: a client writing in bursts of 100 SETs, about WRITES a second, until killed (each
# burst reads the slot table afresh, so it follows the move).
writer() {
  local port=$1 pause
  pause=$(awk -v w="${WRITES:-2000}" 'BEGIN { printf "%.3f", 100 / w }')
  while :; do
    redis-benchmark -p "$port" --cluster -t set -d 50 -r "${KEYS:-1000000}" -n 100 -c 1 -q >/dev/null 2>&1 || true
    sleep "$pause"
  done
}

# observed PORT REPORT ARGS...: rebalances onto the empty master of the cluster at PORT while the
# writer runs, the JSON report in REPORT.
observed() {
  local port=$1 report=$2 pid
  shift 2
  writer "$port" &
  pid=$!
  sleep 2
  "$rc_bin" rebalance "127.0.0.1:$port" --use-empty-masters --yes --migration legacy --json "$@" >"$report" 2>"$report.stderr"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# show NAME REPORT: one run's figures.
show() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
name, path = sys.argv[1], sys.argv[2]
report = json.load(open(path))
o = report["observe"]
def line(phase, label):
    m, x = o[phase]["moved_slots"], o[phase]["other_slots"]
    r = [m["redirects"][k] + x["redirects"][k] for k in ("ask", "moved", "tryagain")]
    print(f"{name}: {label:6} p99 moved slots {m['p99_ms']:7.2f} ms, other slots {x['p99_ms']:7.2f} ms;"
          f" max {max(m['max_ms'], x['max_ms']):8.2f} ms; {m['samples'] + x['samples']} samples,"
          f" {m['errors'] + x['errors']} errors, ASK {r[0]}, MOVED {r[1]}, TRYAGAIN {r[2]}")
line("baseline", "before")
line("during", "during")
s = report["summary"]
pace = o.get("pace")
held = ""
if pace:
    held = (f"; --max-latency {o['max_latency_ms']:.2f} ms: window end {pace['window_end']}, peak {pace['window_peak']}"
            f" of {pace['window_limit']}; batch end {pace['batch_end']}, peak {pace['batch_peak']} of {pace['batch_limit']};"
            f" pause end {pace['pause_end_ms']:.1f} ms, peak {pace['pause_peak_ms']:.1f} ms;"
            f" shrunk {pace['shrunk']}, grown {pace['grown']}")
step = report.get("step") or {}
rest = f" (--max-time ran out: {step.get('left_slots')} slots left)" if step.get("timed_out") else ""
print(f"{name}: moved {s['slot_count']} slots, {s['keys']} keys in {s['seconds']:.2f} s{rest}{held}")
EOF
}

first=$(free_base_port "${BASE_PORT:-24000}" 8)
prepare "$first"
prepare $((first + 4))
echo "nproc: $(nproc); $(redis-cli --version); $("$rc_bin" --version); ${KEYS:-1000000} keys per cluster; writer about ${WRITES:-2000} SET/s"

observed "$first" "${bench_states[0]}/observe.json" --observe
show "--observe" "${bench_states[0]}/observe.json"
bound=${BOUND:-$(python3 -c 'import json, sys
b = json.load(open(sys.argv[1]))["observe"]["baseline"]
print("%.3fms" % (2 * max(b["moved_slots"]["p99_ms"], b["other_slots"]["p99_ms"])))' "${bench_states[0]}/observe.json")}
observed $((first + 4)) "${bench_states[0]}/held.json" --max-latency "$bound" --max-time "${HELD_MAX_TIME:-180s}"
show "--max-latency $bound" "${bench_states[0]}/held.json"
"$rc_bin" check "127.0.0.1:$first" -q >/dev/null && "$rc_bin" check "127.0.0.1:$((first + 4))" -q >/dev/null && echo "both clusters check clean"
