#!/usr/bin/env bash
# bench/fix.sh: the many-slot fix of docs/handoff.md. Two identical clusters of ${MASTERS:-10} masters
# with ${KEYS:-40000} keys; on each, slots 0..${SLOTS:-1000}-1 are left MIGRATING on their owner and
# IMPORTING on a random other master with a random share of their keys moved (bench/open_slots.py,
# same seed), so every master gives and receives. Then `redis-cli --cluster fix` on one and
# `rcluster fix --yes` on the other; each for ${ROUNDS:-3} rounds (another slot range each round).
# Prints each run's time, the keys left (must equal the keys loaded), the median ratio and, for
# rcluster, wall time / CPU floor (the busiest server's CPU seconds, or all servers' over the cores).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
setup_bench
masters=${MASTERS:-10}
keys=${KEYS:-40000}
slots=${SLOTS:-1000}
first=$(free_base_port "${BASE_PORT:-24000}" $((2 * masters)))
second=$((first + masters))
for base in "$first" "$second"; do
  new_state_dir
  "$rc_bin" local up --masters "$masters" --port "$base" --node-timeout 15000 --state-dir "$REPLY" >/dev/null 2>&1
  python3 bench/load_keys.py "$base" --keys "$keys" --size 50
done
total() { # keys in the cluster at $1
  local sum=0 p
  for ((p = $1; p < $1 + masters; p++)); do sum=$((sum + $(redis-cli -p "$p" dbsize))); done
  echo "$sum"
}
ports() { seq "$1" $(($1 + masters - 1)); }
now() { date +%s%N; }
echo "nproc: $(nproc); $(redis-cli --version); $("$rc_bin" --version); $masters masters, $keys keys, $slots open slots"
redis_times=() ours_times=() ratios=()
for ((round = 0; round < ${ROUNDS:-3}; round++)); do
  from=$((round * slots % 15000))
  python3 bench/open_slots.py "$first" --first "$from" --count "$slots" --seed "$round"
  python3 bench/open_slots.py "$second" --first "$from" --count "$slots" --seed "$round"
  t0=$(now)
  redis-cli --cluster fix "127.0.0.1:$first" --cluster-yes >/dev/null 2>&1 || true
  t1=$(now)
  redis_ms=$(((t1 - t0) / 1000000))
  cpu_total $(ports "$second") >/tmp/rcluster-fix-cpu0.$$
  t0=$(now)
  "$rc_bin" fix "127.0.0.1:$second" --yes --no-journal -q >/dev/null 2>&1 || true
  t1=$(now)
  cpu_total $(ports "$second") >/tmp/rcluster-fix-cpu1.$$
  ours_ms=$(((t1 - t0) / 1000000))
  floor=$(cpu_floor /tmp/rcluster-fix-cpu0.$$ /tmp/rcluster-fix-cpu1.$$ "$(nproc)")
  echo "round $round: redis-cli fix $redis_ms ms ($(total "$first") keys left); rcluster fix $ours_ms ms ($(total "$second") keys left, CPU floor ${floor} s, wall/floor $(awk -v w="$ours_ms" -v f="$floor" 'BEGIN { printf "%.1f", w / 1000 / f }'))"
  redis_times+=("$redis_ms") ours_times+=("$ours_ms")
  ratios+=("$(awk -v r="$redis_ms" -v o="$ours_ms" 'BEGIN { printf "%.2f", r / o }')")
done
rm -f /tmp/rcluster-fix-cpu0.$$ /tmp/rcluster-fix-cpu1.$$
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "many-slot fix: redis-cli median $(median "${redis_times[@]}") ms, rcluster median $(median "${ours_times[@]}") ms, speedup (median of ratios) $(median "${ratios[@]}")x"
"$rc_bin" check "127.0.0.1:$second" -q >/dev/null && echo "rcluster's cluster checks clean"
