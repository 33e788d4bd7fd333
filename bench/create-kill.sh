#!/usr/bin/env bash
# bench/create-kill.sh: issue 26's first "done when", both tools in one run. For each tool, 6 fresh
# local nodes (Redis 7.0 defaults: repl-diskless-sync yes, repl-diskless-sync-delay 5), then:
#   1. `create` with 1 replica per master (redis-cli --cluster create --cluster-replicas 1
#      --cluster-yes, or rcluster create --replicas 1 --yes), and the same wait for
#      cluster_state:ok on every node;
#   2. ${KEYS:-20000} keys written (bench/load_keys.py, pipelined to each slot's owner);
#   3. 1 s later, the master of key:0's slot SIGKILLed (by the pid `local up` recorded);
#   4. its replica made to take over: it is asked with CLUSTER FAILOVER FORCE once the others mark
#      the master failed (Redis 7.0 does not promote on its own a replica whose link never came up,
#      cluster-replica-validity-factor; an operator, or `rcluster failover --force`, would);
#   5. once every surviving node says cluster_state:ok, the keys are counted on the masters.
# Prints the keys lost for each tool. Ports from ${BASE_PORT:-21100} (+10000 for the bus); the nodes
# run with cluster-node-timeout ${NODE_TIMEOUT:-2000}. RC_BIN=path uses that binary instead of
# building the release one.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")/.."

keys=${KEYS:-20000}
node_timeout=${NODE_TIMEOUT:-2000}
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
if [ -n "${RC_BIN:-}" ]; then
  rc_bin=$RC_BIN
  bench_states=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
else
  setup_bench
fi
base=$(free_base_port "${BASE_PORT:-21100}" 6)
ports=$(seq "$base" $((base + 5)))
addresses=()
for p in $ports; do addresses+=("127.0.0.1:$p"); done

new_state_dir
state=$REPLY

# all_ok PORT...: every given node says cluster_state:ok.
all_ok() {
  local p
  for p in "$@"; do
    redis-cli -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
}

# wait_for SECONDS COMMAND...: runs COMMAND every 50 ms until it succeeds; fails after SECONDS.
wait_for() {
  local limit=$(($(date +%s) + $1))
  shift
  until "$@"; do
    (($(date +%s) < limit)) || return 1
    sleep 0.05
  done
}

# role PORT: master or slave, from ROLE.
role() { redis-cli -p "$1" role 2>/dev/null | head -1; }
is_master() { [ "$(role "$1")" = master ]; }

# failed_seen_by PORT VICTIM_ID: PORT's table flags the victim as failed.
failed_seen_by() { redis-cli -p "$1" cluster nodes 2>/dev/null | grep "^$2 " | grep -q ',fail'; }

# run_tool TOOL: one round; prints "TOOL LOST KEPT REPLICA_KEYS_AT_KILL PROMOTED" (PROMOTED: by
# itself, or asked with FORCE).
run_tool() {
  local tool=$1
  "$rc_bin" local down --state-dir "$state" >/dev/null 2>&1 || true
  "$rc_bin" local up --no-create --masters 6 --port "$base" --node-timeout "$node_timeout" \
    --state-dir "$state" >/dev/null 2>&1
  sleep 3 # a fresh Redis master holds its cluster state at fail for 2 s
  if [ "$tool" = redis-cli ]; then
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >/dev/null
  else
    "$rc_bin" create "${addresses[@]}" --replicas 1 --yes -q >/dev/null
  fi
  # shellcheck disable=SC2086
  wait_for 30 all_ok $ports
  python3 bench/load_keys.py "$base" --keys "$keys" --size 16
  sleep 1
  # The master of key:0's slot, its id, and its replica.
  local slot victim victim_id replica
  slot=$(redis-cli -p "$base" cluster keyslot key:0)
  victim=$(redis-cli -p "$base" cluster nodes | awk -v s="$slot" '$3 ~ /master/ {
      for (i = 9; i <= NF; i++) { n = split($i, r, "-"); lo = r[1]; hi = (n > 1) ? r[2] : r[1];
        if (s >= lo && s <= hi) { split($2, a, "@"); split(a[1], b, ":"); print b[2] } } }')
  victim_id=$(redis-cli -p "$victim" cluster myid)
  replica=$(redis-cli -p "$base" cluster nodes | awk -v id="$victim_id" '$4 == id { split($2, a, "@"); split(a[1], b, ":"); print b[2]; exit }')
  local at_kill
  at_kill=$(redis-cli -p "$replica" dbsize)
  kill -KILL "$(cat "$state/$victim/pid")"
  local survivors=() p
  for p in $ports; do [ "$p" != "$victim" ] && survivors+=("$p"); done
  # Each survivor marks the victim failed, then the replica is promoted (asked with FORCE if it
  # does not go by itself within twice the node timeout).
  wait_for 30 failed_seen_by "$replica" "$victim_id"
  local promoted=itself
  if ! wait_for $((2 * node_timeout / 1000)) is_master "$replica"; then
    redis-cli -p "$replica" cluster failover force >/dev/null
    promoted=FORCE
  fi
  wait_for 30 is_master "$replica"
  wait_for 30 all_ok "${survivors[@]}"
  local kept=0 n
  for p in "${survivors[@]}"; do
    if [ "$(role "$p")" = master ]; then
      n=$(redis-cli -p "$p" dbsize)
      kept=$((kept + n))
    fi
  done
  echo "$tool $((keys - kept)) $kept $at_kill $promoted"
}

echo "nproc: $(nproc); $(redis-server --version | cut -d' ' -f1-3); $(redis-cli --version); $("$rc_bin" --version)"
echo "$keys keys written right after create, the master of key:0 SIGKILLed 1 s later, its replica promoted"
printf '%-10s %10s %10s %26s %10s\n' create 'keys lost' 'keys kept' 'replica keys at the kill' promoted
for tool in redis-cli rcluster; do
  line=$(run_tool "$tool")
  read -r name lost kept at_kill promoted <<<"$line"
  printf '%-10s %10s %10s %26s %10s\n' "$name" "$lost" "$kept" "$at_kill" "$promoted"
done
