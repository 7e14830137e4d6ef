#!/usr/bin/env bash
# Project-local Python virtual environment for the interop tests (Spark, pyarrow, pandas, DuckDB,
# Polars) and `npm run evaluate` (scikit-learn, LightGBM), created on demand and cached in .venv
# (ignored by git). Every package, dependencies included, is pinned in python-requirements.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
LOCK=python-requirements.lock
STAMP=.venv/.requirements
if [ ! -x .venv/bin/python ] || ! cmp -s "$LOCK" "$STAMP"; then
  echo "[setup] creating .venv from $LOCK (pyspark, pyarrow, pandas, duckdb, polars, scikit-learn, lightgbm) ..." >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$LOCK" >&2
  cp "$LOCK" "$STAMP"
fi
