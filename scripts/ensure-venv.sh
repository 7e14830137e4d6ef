#!/usr/bin/env bash
# Project-local Python virtual environment for the interop tests (Spark, pyarrow, pandas, DuckDB,
# Polars, delta-rs) and `npm run evaluate` (scikit-learn, LightGBM), created on demand and cached in
# .venv (ignored by git). Every package, dependencies included, is pinned in python-requirements.lock.
# Also Delta Lake's Spark jars (Maven Central, checksummed) in .tools/jars, so Spark reads Delta
# tables without downloading anything while a test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
LOCK=python-requirements.lock
STAMP=.venv/.requirements
if [ ! -x .venv/bin/python ] || ! cmp -s "$LOCK" "$STAMP"; then
  echo "[setup] creating .venv from $LOCK (pyspark, pyarrow, pandas, duckdb, polars, deltalake, scikit-learn, lightgbm) ..." >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$LOCK" >&2
  cp "$LOCK" "$STAMP"
fi

# delta-spark 4.4.0 is built for Spark 4.2.0 (its POM) and its Python package asks for pyspark <= 4.2.0:
# the lock pins pyspark 4.2.0 to match. (4.4.1 is on PyPI but not on Maven Central.)
DELTA_VERSION=4.4.0
DELTA_JARS=(
  "io/delta/delta-spark_2.13/$DELTA_VERSION/delta-spark_2.13-$DELTA_VERSION.jar 27d4fd8b1f879535c573ed1c718177d6a27f24d3e626ba02e216369725721ead"
  "io/delta/delta-storage/$DELTA_VERSION/delta-storage-$DELTA_VERSION.jar c46735481fa8e326b0957be02b4420cbcab4b325bb08009b7f2045a95133f1cc"
)
mkdir -p .tools/jars
for entry in "${DELTA_JARS[@]}"; do
  path=${entry% *}
  sha=${entry#* }
  jar=.tools/jars/$(basename "$path")
  if [ ! -f "$jar" ]; then
    echo "[setup] fetching $(basename "$path") from Maven Central..." >&2
    curl -fsSL --retry 3 -o "$jar.tmp" "https://repo1.maven.org/maven2/$path"
    echo "$sha  $jar.tmp" | sha256sum -c --quiet - >&2
    mv "$jar.tmp" "$jar"
  fi
done
