#!/usr/bin/env bash
# End-to-end benchmark of ContextFlow.AspNetCore against the hand-written equivalent (docs/performance.md).
#
#   (a) HandWritten:   minimal API + Serilog Enrich.FromLogContext() + a Host tenant middleware with LogContext.PushProperty
#   (b) OnContextFlow: the same endpoints on UseContextFlow() + UseRateLimiter(UseContextFlowLimiter) (a limit never hit)
#   (c) OnContextFlow with LoggingContext.TrackCpuTime on
#
# Each request writes two log events into the same Serilog file sink in every app. The three apps run at once and
# wrk drives them in turn, round after round, so a change in the machine's load falls on all of them alike. On a
# 2-core machine the apps share core 0 and wrk has core 1 (taskset), so the load generator never takes the server's
# core. Reports per run requests/s, p50 and p99 latency, and the server's CPU time per request (from /proc, user +
# system, the figure least moved by other processes on a shared machine); then the medians, and the ratios (b)/(a) and
# (c)/(a) both of the medians and as the median of each round's own ratio.
#
#   benchmarks/aspnetcore/run.sh [ROUNDS] [SECONDS] [CONNECTIONS]      (defaults: 5 rounds of 10 s, 64 connections)
set -euo pipefail
cd "$(dirname "$0")"

rounds=${1:-5}
seconds=${2:-10}
connections=${3:-64}
server_cpu=0
load_cpu=1
if [ "$(nproc)" -lt 2 ]; then
  server_cpu=0
  load_cpu=0
  echo "one core only: the apps and wrk share it" >&2
fi

if ! command -v wrk >/dev/null 2>&1; then
  echo "Installing wrk"
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    sudo apt-get update -qq >/dev/null && sudo apt-get install -y -qq wrk >/dev/null
  fi
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release --nologo -v quiet HandWritten/HandWritten.csproj >/dev/null
dotnet build -c Release --nologo -v quiet OnContextFlow/OnContextFlow.csproj >/dev/null

declare -A port=([a]=5301 [b]=5302 [c]=5303)
declare -A pid
declare -A name=([a]="(a) hand-written" [b]="(b) ContextFlow" [c]="(c) ContextFlow, CPU tracking on")
start() {   # variant dll args...
  local variant=$1; shift
  taskset -c "$server_cpu" dotnet "$@" >"$work/$variant.out" 2>&1 &
  pids+=($!)
  pid[$variant]=$!
}
start a HandWritten/bin/Release/net10.0/HandWritten.dll "${port[a]}" "$work/a.log"
start b OnContextFlow/bin/Release/net10.0/OnContextFlow.dll "${port[b]}" "$work/b.log"
start c OnContextFlow/bin/Release/net10.0/OnContextFlow.dll "${port[c]}" "$work/c.log" --track-cpu

for v in a b c; do
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null -H "Host: t1.localhost" "http://127.0.0.1:${port[$v]}/rooms/1" 2>/dev/null; then break; fi
    sleep 0.2
  done
  curl -fsS -o /dev/null -H "Host: t1.localhost" "http://127.0.0.1:${port[$v]}/rooms/1" || { cat "$work/$v.out"; exit 1; }
done

# wrk prints latency with a unit (us, ms, s): convert to milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'; }
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
measure() {   # variant seconds -> "rps p50 p99 cpu-us-per-request"
  local out before after
  before=$(cpu_ticks "${pid[$1]}")
  out=$(taskset -c "$load_cpu" wrk -t1 -c"$connections" -d"$2"s --latency -s tenants.lua "http://127.0.0.1:${port[$1]}")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  if [ -n "$errors" ]; then echo "$1: $errors non-2xx answers" >&2; exit 1; fi
  after=$(cpu_ticks "${pid[$1]}")
  local total
  total=$(awk '/requests in/ { print $1 }' <<<"$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") $(awk -v d=$((after - before)) -v t="$ticks" -v n="$total" 'BEGIN { printf "%.1f", d / t * 1e6 / n }')"
}

echo "Machine: $(nproc) cores; apps on core $server_cpu, wrk on core $load_cpu; $connections connections, $rounds rounds of ${seconds}s"
echo "Load before: $(uptime)"
for v in a b c; do measure "$v" 3 >/dev/null; done   # warm-up: JIT, tiering, connection set-up
declare -A results
printf '%-6s %-36s %12s %9s %9s %11s\n' round app requests/s p50-ms p99-ms cpu-us/req
for r in $(seq 1 "$rounds"); do
  for v in a b c; do
    line=$(measure "$v" "$seconds")
    results[$v]+="$line"$'\n'
    read -r rps p50 p99 cpu <<<"$line"
    printf '%-6s %-36s %12s %9s %9s %11s\n' "$r" "${name[$v]}" "$rps" "$p50" "$p99" "$cpu"
  done
done
echo "Load after:  $(uptime)"

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A rps_m p50_m p99_m cpu_m
echo
printf '%-36s %12s %9s %9s %11s\n' "median of $rounds runs" requests/s p50-ms p99-ms cpu-us/req
for v in a b c; do
  rps_m[$v]=$(awk 'NF { print $1 }' <<<"${results[$v]}" | median)
  p50_m[$v]=$(awk 'NF { print $2 }' <<<"${results[$v]}" | median)
  p99_m[$v]=$(awk 'NF { print $3 }' <<<"${results[$v]}" | median)
  cpu_m[$v]=$(awk 'NF { print $4 }' <<<"${results[$v]}" | median)
  printf '%-36s %12.0f %9.3f %9.3f %11.1f\n' "${name[$v]}" "${rps_m[$v]}" "${p50_m[$v]}" "${p99_m[$v]}" "${cpu_m[$v]}"
done
for v in b c; do
  awk -v n="${name[$v]}" -v r="${rps_m[$v]}" -v ra="${rps_m[a]}" -v p="${p99_m[$v]}" -v pa="${p99_m[a]}" -v c="${cpu_m[$v]}" -v ca="${cpu_m[a]}" \
    'BEGIN { printf "%s / (a), of the medians: %.3fx the requests/s, %.3fx the p99, %.3fx the CPU per request\n", n, r / ra, p / pa, c / ca }'
  paste <(awk 'NF' <<<"${results[$v]}") <(awk 'NF' <<<"${results[a]}") | awk -v n="${name[$v]}" '
    { r[NR] = $1 / $5; p[NR] = $3 / $7; c[NR] = $4 / $8 }
    function med(a, k, i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                  return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    END { printf "%s / (a), median of the rounds: %.3fx the requests/s, %.3fx the p99, %.3fx the CPU per request\n", n, med(r, NR), med(p, NR), med(c, NR) }'
done
lines_a=$(wc -l <"$work/a.log"); lines_b=$(wc -l <"$work/b.log")
echo "log lines written: (a) $lines_a, (b) $lines_b (two per request in each)"
