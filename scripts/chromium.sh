#!/usr/bin/env bash
# Installs Debian's Chromium for the dashboard's browser test when it is missing (the test runs /usr/bin/chromium).
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing: install Debian's chromium package (apt-get install chromium) to run the dashboard test" >&2
  exit 0
fi

echo "Installing chromium for the dashboard test"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium >/dev/null
