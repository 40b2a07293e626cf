#!/usr/bin/env bash
# Runs every test project of Packages.sln and ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

./scripts/chromium.sh   # the dashboard test loads the page in headless Chromium

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The database tests run against a real PostgreSQL: the one CONTEXTFLOW_TEST_POSTGRES names, or else a throwaway
# server started here (installed with apt when missing) and removed on exit, also on failure or interruption.
# Should none start, the tests still run and the database ones fail saying why.
if [ -z "${CONTEXTFLOW_TEST_POSTGRES:-}" ]; then
  source scripts/postgres.sh
  trap 'postgres_stop; rm -f "$log"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  postgres_start || echo "test.sh: no PostgreSQL could be started; the database tests will fail" >&2
fi

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
