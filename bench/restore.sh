#!/usr/bin/env bash
# bench/restore.sh: a backup of a 3-master cluster holding ${KEYS:-1000000} keys (50-byte values),
# restored into a 4-master cluster, timed against `rcluster import --copy` of the same keys from one
# running standalone server into the same cluster, ${RUNS:-2} runs each (the target is flushed before
# each). Prints both times and the ratio restore/import (the goal: at most 1.5).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
setup_bench
keys=${KEYS:-1000000}
base=$(free_base_port "${BASE_PORT:-23200}" 8)
backed=127.0.0.1:$base
target=127.0.0.1:$((base + 3))
source_port=$((base + 7))
new_state_dir
state_a=$REPLY
new_state_dir
state_b=$REPLY
new_state_dir
backup=$REPLY/backup
mkdir -p "$backup"
"$rc_bin" local up --masters 3 --port "$base" --node-timeout 15000 --state-dir "$state_a" >/dev/null 2>&1
"$rc_bin" local up --masters 4 --port "$((base + 3))" --node-timeout 15000 --state-dir "$state_b" >/dev/null 2>&1
redis-server --port "$source_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --dir "$state_b" --pidfile "$state_b/source.pid" --logfile "$state_b/source.log"
trap 'kill "$(cat "$state_b/source.pid")" 2>/dev/null || true; bench_cleanup' EXIT
until redis-cli -p "$source_port" ping >/dev/null 2>&1; do sleep 0.05; done
python3 bench/load_keys.py "$base" --keys "$keys" --size 50
value=$(head -c 50 /dev/zero | tr '\0' x)
seq 0 $((keys - 1)) | awk -v v="$value" '{ printf "SET key:%d %s\n", $1, v }' |
  redis-cli -p "$source_port" --pipe >/dev/null
"$rc_bin" backup "$backed" "$backup" -q >/dev/null
echo "nproc: $(nproc); $(redis-server --version | cut -d' ' -f1-3); $("$rc_bin" --version); $keys keys"

now() { date +%s%N; }
flush_target() { "$rc_bin" call "$target" FLUSHALL >/dev/null; }
best_import="" best_restore=""
for ((run = 1; run <= ${RUNS:-2}; run++)); do
  flush_target
  t0=$(now)
  "$rc_bin" import "$target" --from "127.0.0.1:$source_port" --copy -q >/dev/null
  ms=$((($(now) - t0) / 1000000))
  echo "rcluster import --copy: $ms ms, $((keys * 1000 / (ms + 1))) keys/s"
  if [ -z "$best_import" ] || [ "$ms" -lt "$best_import" ]; then best_import=$ms; fi
  flush_target
  t0=$(now)
  "$rc_bin" restore "$backup" "$target" -q >/dev/null
  ms=$((($(now) - t0) / 1000000))
  echo "rcluster restore:       $ms ms, $((keys * 1000 / (ms + 1))) keys/s"
  if [ -z "$best_restore" ] || [ "$ms" -lt "$best_restore" ]; then best_restore=$ms; fi
done
awk -v i="$best_import" -v r="$best_restore" 'BEGIN { printf "restore: import best %d ms, restore best %d ms, restore/import %.2f (goal <= 1.5)\n", i, r, r / i }'
