#!/usr/bin/env bash
# Runs every test project of Packages.sln and ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

./scripts/chromium.sh   # the dashboard test loads the page in headless Chromium

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet test Packages.sln --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Each test assembly prints "Passed!  - Failed: F, Passed: P, ..." (or "Failed!  - ..."); add them up.
read -r passed failed < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i + 1) + 0
      if ($i == "Passed:") p += $(i + 1) + 0
    }
  }
  END { print p + 0, f + 0 }' "$log")

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the run broke before reporting (build or host failure): never report it green
fi
echo "$passed passed, $failed failed"
exit "$status"
