#!/usr/bin/env bash
# bench/create.sh: time `rcluster create` against `redis-cli --cluster create --cluster-yes` on 6 fresh
# local nodes (3 masters + 3 replicas, cluster-node-timeout 500), each until every node reports
# cluster_state:ok (the same polling loop for both tools). ${RUNS:-5} runs each, alternating; prints
# the medians and the ratio (redis-cli / rcluster). Ports from ${BASE_PORT:-21000} (+10000 for the bus).
# The nodes are up for ${SETTLE:-3} s before each timed create: a Redis master holds its cluster state at
# "fail" for the first 2 s after it starts (CLUSTER_WRITABLE_DELAY), which would otherwise dominate both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=${RUNS:-5}
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
setup_bench
base=$(free_base_port "${BASE_PORT:-21000}" 6)
ports=$(seq "$base" $((base + 5)))
addresses=()
for p in $ports; do addresses+=("127.0.0.1:$p"); done

new_state_dir
state=$REPLY

# all_ok: every node says cluster_state:ok.
all_ok() {
  local p
  for p in $ports; do
    redis-cli -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
}

# time_create TOOL: fresh nodes, then the tool's create and the wait; prints milliseconds.
time_create() {
  "$rc_bin" local down --state-dir "$state" >/dev/null 2>&1 || true
  "$rc_bin" local up --no-create --masters 6 --port "$base" --node-timeout 500 --state-dir "$state" >/dev/null 2>&1
  sleep "${SETTLE:-3}"
  local t0 t1
  t0=$(date +%s%N)
  if [ "$1" = redis-cli ]; then
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >/dev/null
  else
    "$rc_bin" create "${addresses[@]}" --replicas 1 --yes -q >/dev/null
  fi
  until all_ok; do sleep 0.01; done
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "nproc: $(nproc); $(redis-cli --version); $("$rc_bin" --version); $runs runs each"
redis_t=() ours_t=()
for ((i = 0; i < runs; i++)); do
  redis_t+=("$(time_create redis-cli)")
  ours_t+=("$(time_create rcluster)")
done
r=$(printf '%s\n' "${redis_t[@]}" | median)
o=$(printf '%s\n' "${ours_t[@]}" | median)
echo "redis-cli runs (ms): ${redis_t[*]}"
echo "rcluster runs (ms):  ${ours_t[*]}"
printf '%-8s %13s %13s %11s\n' command 'redis-cli(ms)' 'rcluster(ms)' 'speedup(x)'
awk -v r="$r" -v o="$o" 'BEGIN { printf "%-8s %13s %13s %11.2f\n", "create", r, o, (o > 0 ? r / o : 0) }'
