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

# True if something listens on 127.0.0.1:$1.
in_use() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# True if PORT..PORT+nodes-1 and their cluster bus ports (+10000) are free.
range_free() {
  local p
  for ((p = $1; p < $1 + nodes; p++)); do
    if in_use "$p" || in_use $((p + 10000)); then return 1; fi
  done
}

port=${PORT:-7000}
until range_free "$port"; do
  port=$((port + nodes))
  if ((port + nodes + 10000 > 65535)); then
    echo "demo: no free port range found" >&2
    exit 1
  fi
done

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

# Wait (max ~10 s) until the cluster serves all slots.
for _ in $(seq 50); do
  if redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; then break; fi
  sleep 0.2
done

echo "+ writing 1000 keys with redis-cli -c -p $port"
seq 1 1000 | awk '{ print "SET key:" $1 " value" $1 }' | redis-cli -c -p "$port" >/dev/null

show check "127.0.0.1:$port"
show info "127.0.0.1:$port"
echo "+ rcluster check 127.0.0.1:$port --json | head -c 600"
json=$("$rc_bin" check "127.0.0.1:$port" --json)
printf '%s\n' "${json:0:600}"
show --cluster check 127.0.0.1 "$port"
