#!/usr/bin/env bash
# Runs every test with node's test runner. Integration tests start their own real Temporal dev
# server (the pinned CLI binary in .tools/bin) on free ports and stop it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
files=(test/unit/*.test.ts test/integration/*.test.ts)
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "$@" "${files[@]}"
