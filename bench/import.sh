#!/usr/bin/env bash
# bench/import.sh: time `import` of ${KEYS:-200000} keys (50-byte values) from a standalone
# redis-server into a 3-master cluster with redis-cli and with rcluster, ${RUNS:-2} runs each, both
# with --cluster-copy --cluster-replace so every run imports the same keys. Prints keys/s, and the
# ratio of the medians (issue 12's target: 10x for KEYS=500000 RUNS=3).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
setup_bench
base=$(free_base_port "${BASE_PORT:-22200}" 4)
seed=127.0.0.1:$base
source_port=$((base + 3))
new_state_dir
state=$REPLY
"$rc_bin" local up --masters 3 --port "$base" --node-timeout 15000 --state-dir "$state" >/dev/null 2>&1
redis-server --port "$source_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --dir "$state" --pidfile "$state/source.pid" --logfile "$state/source.log"
trap 'kill "$(cat "$state/source.pid")" 2>/dev/null || true; bench_cleanup' EXIT
until redis-cli -p "$source_port" ping >/dev/null 2>&1; do sleep 0.05; done
value=$(head -c 50 /dev/zero | tr '\0' v)
seq 1 "${KEYS:-200000}" | awk -v v="$value" '{ printf "SET imp:%d %s\n", $1, v }' |
  redis-cli -p "$source_port" --pipe >/dev/null
keys=$(redis-cli -p "$source_port" dbsize)
echo "nproc: $(nproc); $(redis-cli --version); $("$rc_bin" --version); $keys keys to import"

now() { date +%s%N; }
redis_ms=() ours_ms=()
for ((run = 1; run <= ${RUNS:-2}; run++)); do
  t0=$(now)
  redis-cli --cluster import "$seed" --cluster-from "127.0.0.1:$source_port" --cluster-copy \
    --cluster-replace >/dev/null
  ms=$((($(now) - t0) / 1000000))
  echo "redis-cli --cluster import: $ms ms, $((keys * 1000 / (ms + 1))) keys/s"
  redis_ms+=("$ms")
  t0=$(now)
  "$rc_bin" import "$seed" --from "127.0.0.1:$source_port" --copy --replace -q >/dev/null
  ms=$((($(now) - t0) / 1000000))
  echo "rcluster import:            $ms ms, $((keys * 1000 / (ms + 1))) keys/s"
  ours_ms+=("$ms")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
awk -v r="$(median "${redis_ms[@]}")" -v o="$(median "${ours_ms[@]}")" -v n="${RUNS:-2}" \
  'BEGIN { printf "import: median of %d runs, redis-cli %d ms, rcluster %d ms, speedup %.2fx\n", n, r, o, r / o }'
