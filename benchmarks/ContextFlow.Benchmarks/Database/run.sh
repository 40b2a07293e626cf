#!/usr/bin/env bash
# The database benchmarks against a throwaway PostgreSQL, started and removed as ./test.sh does (scripts/postgres.sh).
#   benchmarks/ContextFlow.Benchmarks/Database/run.sh                 # InteractionBenchmarks, its own job
#   benchmarks/ContextFlow.Benchmarks/Database/run.sh --job short     # any BenchmarkDotNet options
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
exec "$root/scripts/postgres.sh" run \
  dotnet run -c Release --project "$root/benchmarks/ContextFlow.Benchmarks" -- --filter '*InteractionBenchmarks*' "$@"
