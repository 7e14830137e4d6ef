#!/usr/bin/env bash
# Test-only tools, built once and cached in .tools/bin (ignored by git):
#  - versitygw, an S3-compatible server (posix backend), for the S3 tests.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSITYGW_VERSION=v1.8.0
if [ ! -x .tools/bin/versitygw ] || [ "$(cat .tools/bin/versitygw.version 2>/dev/null)" != "$VERSITYGW_VERSION" ]; then
  echo "[setup] building versitygw $VERSITYGW_VERSION with go install (cached in .tools/bin)..." >&2
  mkdir -p .tools/bin
  GOBIN="$PWD/.tools/bin" GOFLAGS=-modcacherw go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" >&2
  echo "$VERSITYGW_VERSION" > .tools/bin/versitygw.version
fi

# Debian's Chromium, for the test that renders report.html headless.
if ! command -v chromium > /dev/null 2>&1; then
  echo "[setup] installing Debian's chromium (apt-get)..." >&2
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) > /dev/null 2>&1 || echo "[setup] could not install chromium; the report rendering test will fail" >&2
  else
    echo "[setup] chromium missing and not root: install Debian's chromium package" >&2
  fi
fi
