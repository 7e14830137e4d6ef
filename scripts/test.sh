#!/usr/bin/env bash
# Runs the tests with node's test runner. Tests start their own real servers on free ports of
# 127.0.0.1 (the pinned Temporal CLI dev server, versitygw for S3) and stop them afterwards.
#   npm test              every suite: the fast floor, realism (the default cohort and every therapy × age
#                         cell simulated: ~1,050 patient-runs), integration (the CLI with real servers),
#                         S3, faults, interop
#   npm test -- --fast    the fast floor only (pure functions, in-memory store, workflow with stub
#                         activities, replay of recorded histories): seconds, no servers to build
set -euo pipefail
cd "$(dirname "$0")/.."
fast=false
if [ "${1:-}" = "--fast" ]; then fast=true; shift; fi
# Types first, then lint and formatting, then the layering (no cycles of modules or of folders, layers only point down):
# any of them fails the run before a server starts.
npx tsc --noEmit -p .
npx eslint .
npx prettier --check --log-level warn .
npx depcruise src activities workflows --config .dependency-cruiser.cjs
node scripts/folderCycles.mjs src activities workflows
files=(test/fast/*.test.ts)
if [ "$fast" = false ]; then
  bash scripts/ensure-test-tools.sh
  files+=(test/realism/*.test.ts test/integration/*.test.ts test/s3/*.test.ts test/faults/*.test.ts)
  if compgen -G "test/interop/*.test.ts" > /dev/null; then files+=(test/interop/*.test.ts); fi
fi
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout "$@" "${files[@]}"
