# shellcheck shell=bash
# lib.sh: helpers sourced by demo.sh and bench/check.sh.

# in_use PORT: true if something listens on 127.0.0.1:PORT.
in_use() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_base_port START COUNT: print the first port from START (stepping by COUNT) such that
# PORT..PORT+COUNT-1 and their cluster bus ports (+10000) are all free; fail if none.
free_base_port() {
  local base=$1 count=$2 p busy
  while ((base + count + 10000 <= 65535)); do
    busy=0
    for ((p = base; p < base + count; p++)); do
      if in_use "$p" || in_use $((p + 10000)); then busy=1 && break; fi
    done
    if ((busy == 0)); then
      echo "$base"
      return 0
    fi
    base=$((base + count))
  done
  echo "no free range of $count ports (and bus ports) found from $1" >&2
  return 1
}

# setup_bench: install dependencies, build the release binary (sets rc_bin), and arrange for every
# state folder made with new_state_dir to be brought down and removed on exit.
setup_bench() {
  bash scripts/install-deps.sh
  cargo build --release -q
  rc_bin=${CARGO_TARGET_DIR:-$PWD/target}/release/rcluster
  bench_states=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# new_state_dir: make a temporary state folder, cleaned up on exit, and leave its path in REPLY
# (call it without a subshell: `new_state_dir; state=$REPLY`).
new_state_dir() {
  REPLY=$(mktemp -d)
  bench_states+=("$REPLY")
}

bench_cleanup() {
  local state
  for state in "${bench_states[@]}"; do
    "$rc_bin" local down --state-dir "$state" >/dev/null 2>&1 || true
    rm -rf "$state"
  done
}

# cpu_total PORT...: for each port, two lines: the server's used_cpu_sys + used_cpu_user (seconds), and
# the same for its forked children (a snapshot, or Valkey's atomic slot migration), which run as
# processes of their own.
cpu_total() {
  local port
  for port in "$@"; do
    redis-cli -p "$port" info cpu | tr -d '\r' |
      awk -F: '/^used_cpu_(sys|user):/ { s += $2 } /^used_cpu_(sys|user)_children:/ { c += $2 }
        END { printf "%.6f\n%.6f\n", s, c }'
  done
}

# cpu_sum BEFORE AFTER: every server's CPU seconds added up. For one source and one target this is
# the floor of a synchronous MIGRATE: the source's thread waits while the target restores.
cpu_sum() {
  paste "$1" "$2" | awk '{ sum += $2 - $1 } END { printf "%.3f\n", sum }'
}

# cpu_floor BEFORE AFTER CORES: the CPU floor of a move from two cpu_total outputs (files): the
# larger of the busiest process's CPU seconds (a server, or a server's children) and all of their
# CPU seconds over the cores.
cpu_floor() {
  paste "$1" "$2" | awk -v cores="$3" '{ d = $2 - $1; sum += d; if (d > max) max = d }
    END { f = sum / cores; if (max > f) f = max; printf "%.3f\n", f }'
}
