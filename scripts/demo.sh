#!/usr/bin/env bash
# demo.sh: fresh-machine demo. Installs deps, builds rcluster (release),
# starts a local 3-master/3-replica cluster on ${PORT:-7000} (scanning upwards
# if taken), writes 1000 keys, then shows check/info/--json/--cluster output.
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

echo "+ writing 1000 keys with redis-cli -c -p $port"
seq 1 1000 | awk '{ print "SET key:" $1 " value" $1 }' | redis-cli -c -p "$port" >/dev/null

show check "127.0.0.1:$port"
show info "127.0.0.1:$port"
echo "+ rcluster check 127.0.0.1:$port --json | head -c 600"
json=$("$rc_bin" check "127.0.0.1:$port" --json)
printf '%s\n' "${json:0:600}"
show --cluster check 127.0.0.1 "$port"
