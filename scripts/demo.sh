#!/usr/bin/env bash
# demo.sh: fresh-machine demo. Installs deps, builds rcluster (release),
# starts a local 3-master/3-replica cluster on ${PORT:-7000} (scanning upwards
# if taken), writes 10000 keys, then shows check/info/--json/--cluster output, a
# reshard, an interrupted move explained by doctor and repaired by fix, and a
# rebalance.
# The cluster and its temp state dir are removed on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
cargo build --release
rc_bin=$PWD/target/release/rcluster
nodes=6 # 3 masters + 3 replicas, assumed on ports PORT..PORT+5

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
port=$(free_base_port "${PORT:-7000}" "$nodes")

state=$(mktemp -d)
cleanup() {
  "$rc_bin" local down --state-dir "$state" || true
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Print a command (as `+ rcluster ...`) and run it.
show() {
  echo "+ rcluster $*"
  "$rc_bin" "$@"
}

show local up --masters 3 --replicas 1 --port "$port" --state-dir "$state"

echo "+ writing 10000 keys with redis-cli -c -p $port"
seq 1 10000 | awk '{ print "SET key:" $1 " value" $1 }' | redis-cli -c -p "$port" >/dev/null

show check "127.0.0.1:$port"
show info "127.0.0.1:$port"
echo "+ rcluster check 127.0.0.1:$port --json | head -c 600"
json=$("$rc_bin" check "127.0.0.1:$port" --json)
printf '%s\n' "${json:0:600}"
show --cluster check 127.0.0.1 "$port"

seed=127.0.0.1:$port
a=$(redis-cli -p "$port" cluster myid)
b=$(redis-cli -p $((port + 1)) cluster myid)
show reshard "$seed" --from "$a" --to "$b" --slots 1000 --yes

slot=$(redis-cli -p "$port" cluster nodes | awk '/myself/ { split($9, r, "-"); print r[1] }')
echo "+ leaving slot $slot half-moved by hand, as an interrupted migration would"
"$rc_bin" setslot "127.0.0.1:$((port + 1))" "$slot" importing "$a" >/dev/null
"$rc_bin" setslot "$seed" "$slot" migrating "$b" >/dev/null
show doctor "$seed" || true
show fix "$seed" --yes
show rebalance "$seed" --yes
show check "$seed" -q
