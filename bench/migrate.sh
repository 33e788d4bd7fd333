#!/usr/bin/env bash
# bench/migrate.sh: time a reshard of ${SLOTS:-4096} slots between two masters with redis-cli (each
# --cluster-pipeline in ${PIPELINES:-10 100 1000}) and with rcluster (default options), on one
# 3-master cluster holding ${KEYS:-1000000} keys spread over every slot (50-byte values, loaded by
# bench/load_keys.py).
# Moves alternate direction (A->B with redis-cli, B->A with rcluster), so both tools move the same
# slots and keys. Prints seconds, keys/s and the ratio against redis-cli's best pipeline.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

slots=${SLOTS:-4096}
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
setup_bench
base=$(free_base_port "${BASE_PORT:-22000}" 3)
seed=127.0.0.1:$base
new_state_dir
state=$REPLY

"$rc_bin" local up --masters 3 --port "$base" --node-timeout 15000 --state-dir "$state" >/dev/null 2>&1
python3 bench/load_keys.py "$base" --keys "${KEYS:-1000000}" --size 50
a=$(redis-cli -p "$base" cluster myid)
b=$(redis-cli -p $((base + 1)) cluster myid)
keys_in() { # keys in the first $slots slots of node $1 (approximation: its share)
  redis-cli -p "$1" dbsize
}
echo "nproc: $(nproc); $(redis-cli --version); $("$rc_bin" --version)"
echo "keys: A=$(keys_in "$base") B=$(keys_in $((base + 1))); moving $slots slots each run"

now() { date +%s%N; }
results=()
floors=()
serials=()
best_redis=""
for pipeline in ${PIPELINES:-10 100 1000}; do
  before=$(redis-cli -p "$base" dbsize)
  t0=$(now)
  redis-cli --cluster reshard "$seed" --cluster-from "$b" --cluster-to "$a" --cluster-slots "$slots" \
    --cluster-yes --cluster-pipeline "$pipeline" >/dev/null
  t1=$(now)
  moved=$(($(redis-cli -p "$base" dbsize) - before))
  ms=$(((t1 - t0) / 1000000))
  results+=("redis-cli --cluster-pipeline $pipeline: $ms ms, $moved keys, $((moved * 1000 / (ms + 1))) keys/s")
  if [ -z "$best_redis" ] || [ "$ms" -lt "$best_redis" ]; then best_redis=$ms; fi
  sleep 1
  before=$(redis-cli -p $((base + 1)) dbsize)
  cpu_total "$base" $((base + 1)) $((base + 2)) >"$state/cpu0"
  t0=$(now)
  # shellcheck disable=SC2086
  RCLUSTER_PROFILE=1 "$rc_bin" reshard "$seed" --from "$a" --to "$b" --slots "$slots" --yes ${RC_ARGS:-} >/dev/null 2>"$state/profile"
  t1=$(now)
  cpu_total "$base" $((base + 1)) $((base + 2)) >"$state/cpu1"
  moved=$(($(redis-cli -p $((base + 1)) dbsize) - before))
  ms=$(((t1 - t0) / 1000000))
  floor=$(cpu_floor "$state/cpu0" "$state/cpu1" "$(nproc)")
  ratio=$(awk -v w="$ms" -v f="$floor" 'BEGIN { printf "%.2f", w / 1000 / f }')
  serial=$(cpu_sum "$state/cpu0" "$state/cpu1")
  serial_ratio=$(awk -v w="$ms" -v f="$serial" 'BEGIN { printf "%.2f", w / 1000 / f }')
  results+=("rcluster (defaults):            $ms ms, $moved keys, $((moved * 1000 / (ms + 1))) keys/s, CPU floor $floor s, wall/floor $ratio")
  results+=("  source + target CPU (a synchronous MIGRATE cannot overlap them) $serial s, wall/that $serial_ratio")
  serials+=("$serial_ratio")
  results+=("  $(grep '^profile' "$state/profile" || true)")
  ours_ms+=("$ms")
  floors+=("$ratio")
  sleep 1
done
printf '%s\n' "${results[@]}"
best_ours=$(printf '%s\n' "${ours_ms[@]}" | sort -n | head -1)
awk -v r="$best_redis" -v o="$best_ours" 'BEGIN { printf "reshard %s slots: redis-cli best %d ms, rcluster best %d ms, speedup %.2fx\n", "'"$slots"'", r, o, r / o }'
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "rcluster wall time / CPU floor, median: $(printf '%s\n' "${floors[@]}" | median)"
echo "rcluster wall time / (source + target CPU), median: $(printf '%s\n' "${serials[@]}" | median)"
"$rc_bin" check "$seed" -q >/dev/null && echo "check after the runs: clean"
