#!/usr/bin/env bash
# The database benchmarks against a throwaway PostgreSQL, started and removed as ./test.sh does (scripts/postgres.sh).
#   benchmarks/ContextFlow.Benchmarks/Database/run.sh                # InteractionBenchmarks (BenchmarkDotNet)
#   benchmarks/ContextFlow.Benchmarks/Database/run.sh --job short    # ... with any BenchmarkDotNet options
#   benchmarks/ContextFlow.Benchmarks/Database/run.sh pairs [n]      # InteractionPairs: n alternating pairs (20,000)
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
project="$root/benchmarks/ContextFlow.Benchmarks"
if [ "${1:-}" = pairs ]; then
  shift
  exec "$root/scripts/postgres.sh" run dotnet run -c Release --project "$project" -- database-pairs "$@"
fi
exec "$root/scripts/postgres.sh" run dotnet run -c Release --project "$project" -- --filter '*InteractionBenchmarks*' "$@"
