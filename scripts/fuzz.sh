#!/usr/bin/env bash
# Runs the parsers' property tests (every test named `fuzz_*`: CLUSTER NODES, the redis-cli argument
# rewriter and the secret scan, plan files, journals, SYNC replies and RDB headers) with many more
# generated inputs than the test suite's CI-sized budget.
#   CASES=200000 bash scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CASES="${CASES:-50000}"
echo "fuzzing with ${CASES} cases per target" >&2
PROPTEST_CASES="$CASES" cargo test --release --lib fuzz_ -- --test-threads 2
