#!/usr/bin/env bash
# test.sh: install the test dependencies (Redis, checks for cargo), then run
# the whole test suite from the repo root. Extra args go to `cargo test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-deps.sh
cargo test --all-targets "$@"
