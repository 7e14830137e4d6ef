#!/usr/bin/env bash
# Runs every test with node's test runner. Tests start their own real servers on free ports of
# 127.0.0.1 (the pinned Temporal CLI dev server, versitygw for S3) and stop them afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-test-tools.sh
# Types first, then the layering (no cycles, layers only point down): either fails the run before
# any server starts.
npx tsc --noEmit -p .
npx depcruise src activities workflows --config .dependency-cruiser.cjs
files=(test/unit/*.test.ts test/integration/*.test.ts test/s3/*.test.ts test/faults/*.test.ts)
if compgen -G "test/interop/*.test.ts" > /dev/null; then files+=(test/interop/*.test.ts); fi
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout "$@" "${files[@]}"
