#!/usr/bin/env bash
# bench/big-key.sh: issue 27's big key. Redis 7.0 (the system redis-server), 3 masters with 1
# replica each, cluster-node-timeout ${NODE_TIMEOUT:-3000}, one hash of ${FIELDS:-3000000} fields
# (short fields and values, written with pipelined HSETs of 1,000 fields). Then the reshard of its
# slot to another master, on a fresh cluster each time:
#   1. redis-cli --cluster reshard (the reference): does the source fail over, does the move break?
#   2. rcluster reshard with defaults: refused before anything changes?
#   3. rcluster reshard --raise-node-timeout: done with no failover, the timeout restored?
# For each: the exit code, the wall time, whether the masters changed (a failover), open slots,
# the hash's fields where it is now, and every node's cluster-node-timeout afterwards.
# RC_BIN=path uses that rcluster binary instead of building the release one; ROUNDS picks rounds
# (default "redis-cli defaults raise").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
if [[ -n ${RC_BIN:-} ]]; then
  rc_bin=$RC_BIN
  bench_states=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
else
  setup_bench
fi
fields=${FIELDS:-3000000}
node_timeout=${NODE_TIMEOUT:-3000}
echo "nproc: $(nproc); $(redis-server --version | cut -d' ' -f1-3); $(redis-cli --version); $("$rc_bin" --version)"
echo "cluster-node-timeout $node_timeout, one hash of $fields fields"

# write_hash PORT KEY: the hash, pipelined through redis-cli --pipe.
write_hash() {
  python3 - "$2" "$fields" <<'EOF' | redis-cli -p "$1" --pipe >/dev/null
import sys
key, n = sys.argv[1].encode(), int(sys.argv[2])
out = sys.stdout.buffer
def bulk(b): return b"$%d\r\n%s\r\n" % (len(b), b)
for start in range(0, n, 1000):
    end = min(start + 1000, n)
    args = [b"HSET", key]
    for i in range(start, end):
        args += [b"field:%d" % i, b"value:%d" % i]
    out.write(b"*%d\r\n" % len(args) + b"".join(bulk(a) for a in args))
EOF
}

# masters PORTS...: the ports that are masters now, sorted.
masters() {
  local port
  for port in "$@"; do
    if redis-cli -p "$port" role 2>/dev/null | head -1 | grep -q master; then echo "$port"; fi
  done | sort | tr '\n' ' '
}

# key_in SLOT: a key name that hashes to SLOT (CRC16/XMODEM, as Redis Cluster).
key_in() {
  python3 - "$1" <<'EOF'
import sys
def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc
slot = int(sys.argv[1])
n = 0
while crc16(b"big%d" % n) % 16384 != slot:
    n += 1
print("big%d" % n)
EOF
}

# round NAME COMMAND...: a fresh cluster, the hash in the first slot of the second master, then
# COMMAND (with SEED, SLOT, KEY, SOURCE, TARGET ids in its environment) and what it left.
round() {
  local name=$1 state base seed ports owner target slot key before after t0 t1 code open
  shift
  new_state_dir
  state=$REPLY
  base=$(free_base_port "${BASE_PORT:-22600}" 6)
  seed=127.0.0.1:$base
  "$rc_bin" local up --masters 3 --replicas 1 --port "$base" --node-timeout "$node_timeout" \
    --state-dir "$state" >/dev/null 2>&1
  ports=("$base" $((base + 1)) $((base + 2)) $((base + 3)) $((base + 4)) $((base + 5)))
  owner=$((base + 1))
  target=$base
  slot=$(redis-cli -p "$owner" cluster nodes | awk '/myself/ { split($9, r, "-"); print r[1] }')
  key=$(key_in "$slot")
  write_hash "$owner" "$key"
  # Let the replica catch up with the hash before anything moves.
  sleep 3
  before=$(masters "${ports[@]}")
  echo
  echo "== $name: key $key ($(redis-cli -p "$owner" hlen "$key") fields, $(redis-cli -p "$owner" memory usage "$key" samples 16) bytes by MEMORY USAGE) in slot $slot, :$owner -> :$target"
  t0=$(date +%s%N)
  set +e
  SEED=$seed SLOT=$slot KEY=$key SOURCE=$(redis-cli -p "$owner" cluster myid) \
    TARGET=$(redis-cli -p "$target" cluster myid) timeout 300 "$@" >"$state/out" 2>&1 </dev/null
  code=$?
  set -e
  t1=$(date +%s%N)
  # Give a failover under way the time to finish before looking.
  sleep $((node_timeout * 3 / 1000 + 1))
  after=$(masters "${ports[@]}")
  echo "exit $code after $(((t1 - t0) / 1000000)) ms; its output, in part:"
  grep -E 'refused|Raised|Restored|Big key|ERR|rror|CLUSTERDOWN|IOERR|stopped|moved [0-9]|Moving slot' "$state/out" |
    cut -c1-300 | tail -8 | sed 's/^/  | /' || true
  echo "masters before: $before; after: $after ($([[ $before == "$after" ]] && echo 'no failover' || echo 'FAILED OVER'))"
  open=$(for p in "${ports[@]}"; do
    redis-cli -p "$p" cluster nodes | awk -v p=":$p" '/myself/ { for (i = 9; i <= NF; i++) if ($i ~ /^\[/) printf "%s %s ", p, $i }'
  done)
  echo "open slots: ${open:-none}"
  echo "HLEN $key: $(redis-cli -c -p "$base" hlen "$key" 2>&1 | tail -1) (of $fields); slot owner: $(redis-cli -p "$base" cluster nodes | awk -v s="$slot" '$3 ~ /master/ { for (i = 9; i <= NF; i++) { n = split($i, r, "-"); if (n == 1) r[2] = r[1]; if (s >= r[1] && s <= r[2]) print $2 } }' | cut -d@ -f1)"
  echo "cluster-node-timeout now: $(for p in "${ports[@]}"; do redis-cli -p "$p" config get cluster-node-timeout | tail -1; done | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
  "$rc_bin" local down --state-dir "$state" >/dev/null 2>&1 || true
}

rounds=${ROUNDS:-redis-cli defaults raise}
# redis-cli moves the first N slots of a source: the big key's slot is the source's first.
[[ " $rounds " == *" redis-cli "* ]] && round "redis-cli --cluster reshard" sh -c \
  'redis-cli --cluster reshard "$SEED" --cluster-from "$SOURCE" --cluster-to "$TARGET" --cluster-slots 1 --cluster-yes'
[[ " $rounds " == *" defaults "* ]] && round "rcluster reshard (defaults)" sh -c \
  '"$0" reshard "$SEED" --slot-ranges "$SLOT" --to "$TARGET" --yes' "$rc_bin"
[[ " $rounds " == *" raise "* ]] && round "rcluster reshard --raise-node-timeout" sh -c \
  '"$0" reshard "$SEED" --slot-ranges "$SLOT" --to "$TARGET" --yes --raise-node-timeout' "$rc_bin"
true
