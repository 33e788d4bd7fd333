#!/usr/bin/env bash
# bench/rebalance.sh: the scale-out everybody does. Two identical 3-master clusters, each holding
# ${KEYS:-1000000} keys (50-byte values, spread over every slot); an empty 4th master is added to each;
# then `redis-cli --cluster rebalance --cluster-use-empty-masters` (default options) runs on one and
# `rcluster rebalance --use-empty-masters` (default options) on the other. Prints seconds, keys/s and
# the ratio. Ports from ${BASE_PORT:-23000} (+10000 for the bus).
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

first=$(free_base_port "${BASE_PORT:-23000}" 8)
prepare "$first"
prepare $((first + 4))
echo "nproc: $(nproc); $(redis-cli --version); $("$rc_bin" --version); ${KEYS:-1000000} keys per cluster"

now() { date +%s%N; }
t0=$(now)
redis-cli --cluster rebalance "127.0.0.1:$first" --cluster-use-empty-masters >/dev/null
t1=$(now)
redis_ms=$(((t1 - t0) / 1000000))
redis_keys=$(redis-cli -p $((first + 3)) dbsize)
ports=$(seq $((first + 4)) $((first + 7)))
# shellcheck disable=SC2086
cpu_total $ports >"${bench_states[0]}/cpu0"
t0=$(now)
TIMEFORMAT='%U %S'
# shellcheck disable=SC2086
{ time RCLUSTER_PROFILE=1 "$rc_bin" rebalance "127.0.0.1:$((first + 4))" --use-empty-masters --yes ${RC_ARGS:-} >/dev/null 2>"${bench_states[0]}/profile"; } 2>"${bench_states[0]}/tool"
t1=$(now)
# shellcheck disable=SC2086
cpu_total $ports >"${bench_states[0]}/cpu1"
ours_ms=$(((t1 - t0) / 1000000))
floor=$(cpu_floor "${bench_states[0]}/cpu0" "${bench_states[0]}/cpu1" "$(nproc)")
ours_keys=$(redis-cli -p $((first + 7)) dbsize)
echo "redis-cli rebalance (defaults): $redis_ms ms, $redis_keys keys moved, $((redis_keys * 1000 / (redis_ms + 1))) keys/s"
echo "rcluster rebalance (defaults):  $ours_ms ms, $ours_keys keys moved, $((ours_keys * 1000 / (ours_ms + 1))) keys/s"
grep '^profile' "${bench_states[0]}/profile" || true
awk '{ printf "rcluster its own CPU (user + sys): %.3f s\n", $1 + $2 }' "${bench_states[0]}/tool"
awk -v r="$redis_ms" -v o="$ours_ms" -v f="$floor" 'BEGIN { printf "rebalance onto an empty 4th master: speedup %.2fx; rcluster CPU floor %.3f s, wall/floor %.2f\n", r / o, f, o / 1000 / f }'
"$rc_bin" check "127.0.0.1:$first" -q >/dev/null && "$rc_bin" check "127.0.0.1:$((first + 4))" -q >/dev/null && echo "both clusters check clean"
