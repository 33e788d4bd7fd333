#!/usr/bin/env bash
# install-deps.sh: make sure redis-server and redis-cli (Redis >= 7.0), openssl
# (the TLS tests make certificates with it) and the Rust toolchain (cargo) are
# on PATH. Installs Redis and openssl when missing, with
# apt-get (Debian/Ubuntu: redis-server redis-tools) or brew (macOS); never
# installs Rust. Also Prometheus (Debian's prometheus), for the metrics tests. Debian's redis-server package also starts a system service
# on port 6379; nothing in this project relies on it. Also iptables (apt), for the partition drill
# (`failover --drill --partition`) and its test, which add and remove real firewall rules as root.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

# Run a command as root: directly if we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif have sudo; then
    sudo "$@"
  else
    echo "install-deps: need root or sudo to run: $*" >&2
    exit 1
  fi
}

# Prometheus (the metrics tests have a real Prometheus server scrape `rcluster metrics`) and tmux
# (the watch test reads the screen through tmux capture-pane).
if { ! have prometheus || ! have tmux; } && have apt-get; then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus tmux
fi

# iptables: the partition drill and its test cut a node off with real DROP rules. Missing, the test
# fails (it is never skipped), so install it here.
if ! have iptables && ! [ -x /usr/sbin/iptables ] && ! [ -x /sbin/iptables ]; then
  if have apt-get; then
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iptables
  else
    echo "install-deps: please install iptables (the partition drill and its test need it)" >&2
    exit 1
  fi
fi

if ! have redis-server || ! have redis-cli || ! have openssl; then
  if have apt-get; then
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server redis-tools openssl
  elif have brew; then
    brew install redis openssl
  else
    echo "install-deps: please install Redis >= 7.0 (redis-server and redis-cli) and openssl, and put them on PATH" >&2
    exit 1
  fi
  if ! have redis-server || ! have redis-cli || ! have openssl; then
    echo "install-deps: redis-server/redis-cli/openssl still not on PATH after installing" >&2
    exit 1
  fi
fi

if ! have cargo; then
  echo "install-deps: cargo not found; install the Rust toolchain (rustup) and put ~/.cargo/bin on PATH" >&2
  exit 1
fi
