#!/usr/bin/env bash
# Test-only tools, built once and cached in .tools/bin (ignored by git):
#  - versitygw, an S3-compatible server (posix backend), for the S3 tests.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSITYGW_VERSION=v1.7.0
if [ ! -x .tools/bin/versitygw ] || [ "$(cat .tools/bin/versitygw.version 2>/dev/null)" != "$VERSITYGW_VERSION" ]; then
  echo "[setup] building versitygw $VERSITYGW_VERSION with go install (cached in .tools/bin)..." >&2
  mkdir -p .tools/bin
  GOBIN="$PWD/.tools/bin" GOFLAGS=-modcacherw go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" >&2
  echo "$VERSITYGW_VERSION" > .tools/bin/versitygw.version
fi
