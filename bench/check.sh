#!/usr/bin/env bash
# bench/check.sh: benchmark `rcluster --cluster check|info` against
# `redis-cli --cluster check|info` on a local ${MASTERS:-120}-master cluster.
# Each tool runs ${RUNS:-11} times per command, interleaved; prints the median
# wall-clock time (ms) of each and the speedup (redis-cli / rcluster).
# The nodes run with cluster-node-timeout ${NODE_TIMEOUT:-15000} (the Redis default) and get ${SETTLE:-5} s
# to settle after forming, so both tools meet the same steady cluster.
# Ports: ${BASE_PORT:-20000}.. (+10000 for the cluster bus), scanning upwards
# if taken. The cluster and its temp state dir are removed on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

masters=${MASTERS:-120}
runs=${RUNS:-11}
base=${BASE_PORT:-20000}

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
setup_bench
base=$(free_base_port "$base" "$masters")

new_state_dir
state=$REPLY

echo "nproc: $(nproc)"
echo "redis-cli: $(redis-cli --version)"
echo "rcluster: $("$rc_bin" --version)"
echo "cluster: $masters masters, 0 replicas, ports $base..$((base + masters - 1)); $runs runs each"

"$rc_bin" local up --masters "$masters" --replicas 0 --port "$base" --state-dir "$state" \
  --node-timeout "${NODE_TIMEOUT:-15000}" >/dev/null

# Wait (max 120 s) until redis-cli itself sees a healthy, agreed-on cluster.
for ((i = 0; ; i++)); do
  if redis-cli --cluster check "127.0.0.1:$base" >/dev/null 2>&1; then break; fi
  if ((i >= 240)); then
    echo "bench: cluster not healthy after 120 s" >&2
    exit 1
  fi
  sleep 0.5
done

# A new cluster gossips hard for a few seconds; let it settle so both tools meet the same steady state.
sleep "${SETTLE:-5}"

# time_us CMD...: run CMD silently; print "MICROSECONDS EXIT_CODE".
time_us() {
  local t0 t1 rc=0
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || rc=$?
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000)) $rc"
}

# median: of the numbers on stdin, in microseconds -> ms with 1 decimal.
median() {
  sort -n | awk '{ v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%.1f", m / 1000 }'
}

failures=0
rows=()
for cmd in check info; do
  redis_cmd=(redis-cli --cluster "$cmd" "127.0.0.1:$base")
  ours_cmd=("$rc_bin" --cluster "$cmd" "127.0.0.1:$base")
  # One untimed warm-up run of each (page cache, connections).
  "${redis_cmd[@]}" >/dev/null 2>&1 || true
  "${ours_cmd[@]}" >/dev/null 2>&1 || true
  redis_t=() ours_t=()
  for ((i = 0; i < runs; i++)); do
    # Alternate which tool goes first to spread out any drift.
    if ((i % 2)); then order=(ours redis); else order=(redis ours); fi
    for who in "${order[@]}"; do
      if [ "$who" = redis ]; then
        read -r us rc < <(time_us "${redis_cmd[@]}")
        redis_t+=("$us")
        tool=redis-cli
      else
        read -r us rc < <(time_us "${ours_cmd[@]}")
        ours_t+=("$us")
        tool=rcluster
      fi
      if [ "$rc" -ne 0 ]; then
        echo "warning: $tool --cluster $cmd run $((i + 1)) exited $rc" >&2
        failures=$((failures + 1))
      fi
    done
  done
  r=$(printf '%s\n' "${redis_t[@]}" | median)
  o=$(printf '%s\n' "${ours_t[@]}" | median)
  rows+=("$(awk -v c="$cmd" -v r="$r" -v o="$o" \
    'BEGIN { printf "%-8s %13s %13s %11.2f", c, r, o, (o > 0 ? r / o : 0) }')")
done

echo
printf '%-8s %13s %13s %11s\n' command 'redis-cli(ms)' 'rcluster(ms)' 'speedup(x)'
printf '%s\n' "${rows[@]}"
if ((failures > 0)); then
  echo "$failures timed run(s) exited non-zero (see warnings above)"
  exit 1
fi
