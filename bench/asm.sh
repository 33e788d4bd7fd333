#!/usr/bin/env bash
# bench/asm.sh: on Redis 8.6 (Debian experimental, unpacked by scripts/fetch-servers.sh), time a
# reshard of ${SLOTS:-4096} slots between two masters of a 3-master cluster holding ${KEYS:-1000000}
# keys (50-byte values) with redis-cli 8.6 (--cluster-pipeline 1000, per key), rcluster's per-slot
# engine (--migration legacy) and rcluster's default (the servers' own CLUSTER MIGRATION), ${RUNS:-2}
# rounds, each run moving the slots back the other way. For the default it also prints the servers'
# own task time (CLUSTER MIGRATION STATUS on both sides: from the task's creation to the later
# end_time) and rcluster's wall time over it; then the same with the source's trim of the moved keys
# after its end_time, which the settle gate waits for (rcluster's RCLUSTER_PROFILE settle time less
# the time from the destination's end_time to the source's, so an upper bound by the gate's polling). Then it adds an empty 4th master and times `rebalance --use-empty-masters` onto
# it with the same three tools (the master drained back, untimed, between runs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

slots=${SLOTS:-4096}
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
setup_bench
bash scripts/fetch-servers.sh >/dev/null
bin=${RCLUSTER_SERVER_CACHE:-$HOME/.cache/rcluster/servers}/bin
server=$bin/redis-server-8.6
cli=$bin/redis-cli-8.6
base=$(free_base_port "${BASE_PORT:-22200}" 3)
seed=127.0.0.1:$base
new_state_dir
state=$REPLY

"$rc_bin" local up --masters 3 --port "$base" --node-timeout 15000 --server-bin "$server" \
  --state-dir "$state" >/dev/null 2>&1
python3 bench/load_keys.py "$base" --keys "${KEYS:-1000000}" --size 50
ports=("$base" $((base + 1)) $((base + 2)))
a=$("$cli" -p "$base" cluster myid)
b=$("$cli" -p $((base + 1)) cluster myid)
echo "nproc: $(nproc); $("$server" --version | cut -d' ' -f1-3); $("$cli" --version); $("$rc_bin" --version)"

now() { date +%s%N; }
# task_ms SINCE_MS: the servers' own time of the tasks created since SINCE_MS, from every master's
# CLUSTER MIGRATION STATUS: per task id, from its creation on the destination to the later of its
# two sides' end_time (the source finishes after the destination), summed over the tasks (they run
# one after the other when they share a node, as here); then, summed the same way, the time from
# the earlier end_time to the later.
task_ms() {
  local port
  for port in "${ports[@]}"; do
    "$cli" -p "$port" cluster migration status all | paste - -
  done | awk -v since="$1" '
    $1 == "id" { id = $2 }
    $1 == "create_time" { if (!(id in created) || $2 < created[id]) created[id] = $2 }
    $1 == "end_time" {
      if ($2 > ended[id]) ended[id] = $2
      if (!(id in first) || $2 < first[id]) first[id] = $2
    }
    END {
      for (t in created) if (created[t] >= since && ended[t] > 0) {
        total += ended[t] - created[t]
        gap += ended[t] - first[t]
      }
      print total + 0, gap + 0
    }'
}
# move NAME FROM_PORT TO_PORT COMMAND...: run COMMAND, print its time and the keys TO_PORT gained.
move() {
  local name=$1 to=$3 before t0 t1 ms moved since tasks gap settle trim
  shift 3
  before=$("$cli" -p "$to" dbsize)
  since=$(($(date +%s%N) / 1000000))
  t0=$(now)
  RCLUSTER_PROFILE=1 "$@" >/dev/null 2>"$state/stderr"
  t1=$(now)
  moved=$(($("$cli" -p "$to" dbsize) - before))
  ms=$(((t1 - t0) / 1000000))
  read -r tasks gap < <(task_ms "$since")
  printf '%-34s %6d ms, %7d keys, %8d keys/s' "$name" "$ms" "$moved" $((moved * 1000 / (ms + 1)))
  if [ "$tasks" -gt 0 ]; then
    printf ', servers'"'"' task time %d ms, wall/task %s' "$tasks" \
      "$(awk -v w="$ms" -v t="$tasks" 'BEGIN { printf "%.2f", w / t }')"
    settle=$(sed -n 's/.*settle (source completed, trim) \([0-9.]*\).*/\1/p' "$state/stderr")
    if [ -n "$settle" ]; then
      trim=$(awk -v s="$settle" -v g="$gap" 'BEGIN { t = s * 1000 - g; printf "%d", (t > 0 ? t : 0) }')
      printf '; with the trim after it %d ms, wall/that %s' $((tasks + trim)) \
        "$(awk -v w="$ms" -v t=$((tasks + trim)) 'BEGIN { printf "%.2f", w / t }')"
    fi
  fi
  printf '\n'
  echo "$name $ms" >>"$state/${times:-times}"
  sleep 1
}
for ((run = 1; run <= ${RUNS:-2}; run++)); do
  move "redis-cli 8.6 --cluster-pipeline 1000" $((base + 1)) "$base" \
    "$cli" --cluster reshard "$seed" --cluster-from "$b" --cluster-to "$a" --cluster-slots "$slots" \
    --cluster-yes --cluster-pipeline 1000
  move "rcluster --migration legacy" "$base" $((base + 1)) \
    "$rc_bin" reshard "$seed" --from "$a" --to "$b" --slots "$slots" --yes --migration legacy
  move "rcluster (default: CLUSTER MIGRATION)" $((base + 1)) "$base" \
    "$rc_bin" reshard "$seed" --from "$b" --to "$a" --slots "$slots" --yes
  move "rcluster (default: CLUSTER MIGRATION)" "$base" $((base + 1)) \
    "$rc_bin" reshard "$seed" --from "$a" --to "$b" --slots "$slots" --yes
done
awk '
  /^redis-cli/ { cli += $NF; n_cli++ }
  /legacy/ { legacy += $NF; n_legacy++ }
  /default/ { asm += $NF; n_asm++ }
  END {
    printf "reshard %s slots, mean of each: redis-cli 8.6 %.0f ms, rcluster legacy %.0f ms (%.2fx), rcluster default %.0f ms (%.2fx)\n",
      "'"$slots"'", cli / n_cli, legacy / n_legacy, (cli / n_cli) / (legacy / n_legacy), asm / n_asm, (cli / n_cli) / (asm / n_asm)
  }' "$state/times"
"$rc_bin" check "$seed" -q >/dev/null && echo "check after the runs: clean"

# Rebalance onto an empty 4th master.
new_state_dir
extra_state=$REPLY
extra=$(free_base_port $((base + 10)) 1)
"$rc_bin" local up --masters 1 --port "$extra" --no-create --server-bin "$server" \
  --state-dir "$extra_state" >/dev/null 2>&1
"$rc_bin" add-node "127.0.0.1:$extra" "$seed" >/dev/null 2>&1
d=$("$cli" -p "$extra" cluster myid)
ports+=("$extra")
# A master drained of its last slot would otherwise become a replica (replica migration).
for port in "$base" $((base + 1)) $((base + 2)) "$extra"; do
  "$cli" -p "$port" config set cluster-allow-replica-migration no >/dev/null
done
drain() { "$rc_bin" rebalance "$seed" --weight "$d=0" --yes >/dev/null 2>&1; sleep 1; }
times=rtimes
for ((run = 1; run <= ${RUNS:-2}; run++)); do
  move "rebalance: redis-cli 8.6" 0 "$extra" \
    "$cli" --cluster rebalance "$seed" --cluster-use-empty-masters --cluster-pipeline 1000
  drain
  move "rebalance: rcluster --migration legacy" 0 "$extra" \
    "$rc_bin" rebalance "$seed" --use-empty-masters --yes --migration legacy
  drain
  move "rebalance: rcluster (default)" 0 "$extra" \
    "$rc_bin" rebalance "$seed" --use-empty-masters --yes
  drain
done
awk '
  /redis-cli/ { cli += $NF; n_cli++ }
  /legacy/ { legacy += $NF; n_legacy++ }
  /default/ { asm += $NF; n_asm++ }
  END {
    printf "rebalance onto an empty 4th master, mean of each: redis-cli 8.6 %.0f ms, rcluster legacy %.0f ms (%.2fx), rcluster default %.0f ms (%.2fx)\n",
      cli / n_cli, legacy / n_legacy, (cli / n_cli) / (legacy / n_legacy), asm / n_asm, (cli / n_cli) / (asm / n_asm)
  }' "$state/rtimes"
"$rc_bin" check "$seed" -q >/dev/null && echo "check after the rebalances: clean"
