#!/usr/bin/env bash
# Project-local Python virtual environment for the interop tests (Spark, pyarrow, pandas, DuckDB,
# Polars), created on demand and cached in .venv (ignored by git). Versions pinned here.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUIREMENTS="pyspark==4.3.0 pyarrow==26.0.1 pandas==3.1.1 duckdb==2.0.1 polars==2.1.0"
STAMP=.venv/.requirements
if [ ! -x .venv/bin/python ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$REQUIREMENTS" ]; then
  echo "[setup] creating .venv with $REQUIREMENTS ..." >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check $REQUIREMENTS >&2
  echo "$REQUIREMENTS" > "$STAMP"
fi
