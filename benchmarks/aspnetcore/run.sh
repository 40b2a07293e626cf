#!/usr/bin/env bash
# End-to-end benchmark of ContextFlow.AspNetCore against the hand-written equivalent (docs/performance.md).
#
#   (a) HandWritten:   minimal API + Serilog Enrich.FromLogContext() + a Host tenant middleware with LogContext.PushProperty
#   (b) OnContextFlow: the same endpoints on UseContextFlow() + UseRateLimiter(UseContextFlowLimiter) (a limit never hit)
#   (c) OnContextFlow with LoggingContext.TrackCpuTime on
#   (d) SameFields:    (a) logging what (b) logs: the eight context properties of (b)'s request events pushed by hand,
#                      and Serilog's request line with the thirteen values of (b)'s access line
#
# Each request writes two log events into the same Serilog file sink in every app. The four apps run at once and
# wrk drives them in turn, round after round, so a change in the machine's load falls on all of them alike. On a
# 2-core machine the apps share core 0 and wrk has core 1 (taskset), so the load generator never takes the server's
# core. Reports per run requests/s, p50 and p99 latency, and the server's CPU time per request (from /proc, user +
# system, the figure least moved by other processes on a shared machine); then the medians, and the ratios (b)/(a),
# (b)/(d), (c)/(a) and (c)/(d), each per round, of the medians, and as the median of the rounds' own ratios; and the
# log bytes each app wrote per request.
#
# Everything listens on 127.0.0.1 only; the apps are stopped when the script ends, however it ends.
#
#   benchmarks/aspnetcore/run.sh [ROUNDS] [SECONDS] [CONNECTIONS]      (defaults: 5 rounds of 10 s, 64 connections)
#   WARMUP=S: seconds of load per app before the rounds (default 30: on two cores an app's throughput still climbs
#   for 20-30 s of load while tiered compilation finishes, so a shorter warm-up puts the JIT into the first rounds)
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
dotnet build -c Release --nologo -v quiet SameFields/SameFields.csproj >/dev/null

apps=(a b c d)
declare -A port=([a]=5301 [b]=5302 [c]=5303 [d]=5304)
declare -A pid
declare -A name=([a]="(a) hand-written" [b]="(b) ContextFlow" [c]="(c) ContextFlow, CPU tracking on" [d]="(d) hand-written, same fields as (b)")
start() {   # variant dll args...
  local variant=$1; shift
  taskset -c "$server_cpu" dotnet "$@" >"$work/$variant.out" 2>&1 &
  pids+=($!)
  pid[$variant]=$!
}
start a HandWritten/bin/Release/net10.0/HandWritten.dll "${port[a]}" "$work/a.log"
start b OnContextFlow/bin/Release/net10.0/OnContextFlow.dll "${port[b]}" "$work/b.log"
start c OnContextFlow/bin/Release/net10.0/OnContextFlow.dll "${port[c]}" "$work/c.log" --track-cpu
start d SameFields/bin/Release/net10.0/SameFields.dll "${port[d]}" "$work/d.log"

for v in "${apps[@]}"; do
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
log_bytes() { stat -c %s "$work/$1.log" 2>/dev/null || echo 0; }
measure() {   # variant seconds -> "rps p50 p99 cpu-us-per-request log-bytes-per-request"
  local out cpu_before cpu_after bytes_before bytes_after
  cpu_before=$(cpu_ticks "${pid[$1]}")
  bytes_before=$(log_bytes "$1")
  out=$(taskset -c "$load_cpu" wrk -t1 -c"$connections" -d"$2"s --latency -s tenants.lua "http://127.0.0.1:${port[$1]}")
  cpu_after=$(cpu_ticks "${pid[$1]}")
  bytes_after=$(log_bytes "$1")
  local rps p50 p99 errors total
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  if [ -n "$errors" ]; then echo "$1: $errors non-2xx answers" >&2; exit 1; fi
  total=$(awk '/requests in/ { print $1 }' <<<"$out")
  # The file sink is buffered: what reaches the file lags by at most its buffer, next to hundreds of MB per round.
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") $(awk -v d=$((cpu_after - cpu_before)) -v t="$ticks" -v n="$total" 'BEGIN { printf "%.1f", d / t * 1e6 / n }')" \
    "$(awk -v d=$((bytes_after - bytes_before)) -v n="$total" 'BEGIN { printf "%.0f", d / n }')"
}

# The comparisons reported: each app on the left against the one on the right.
pairs=("b a" "b d" "c a" "c d")
ratio_line() {   # label line-of-left line-of-right -> the three ratios
  awk -v label="$1" -v l="$2" -v r="$3" 'BEGIN {
    split(l, x, " "); split(r, y, " ")
    printf "%s %.3fx the requests/s, %.3fx the p99, %.3fx the CPU per request\n", label, x[1] / y[1], x[3] / y[3], x[4] / y[4] }'
}

echo "Machine: $(nproc) cores; apps on core $server_cpu, wrk on core $load_cpu; $connections connections, $rounds rounds of ${seconds}s after ${WARMUP:-30}s of warm-up per app"
echo "Load before: $(uptime)"
for v in "${apps[@]}"; do measure "$v" "${WARMUP:-30}" >/dev/null; done   # warm-up: JIT, tiering, connection set-up
declare -A results
declare -A round
printf '%-6s %-40s %12s %9s %9s %11s %10s\n' round app requests/s p50-ms p99-ms cpu-us/req log-B/req
for r in $(seq 1 "$rounds"); do
  # Every other round in the opposite order, so that no app always runs right after the same other one.
  order=("${apps[@]}")
  if [ $((r % 2)) -eq 0 ]; then
    order=()
    for ((i = ${#apps[@]} - 1; i >= 0; i--)); do order+=("${apps[$i]}"); done
  fi
  for v in "${order[@]}"; do
    line=$(measure "$v" "$seconds")
    results[$v]+="$line"$'\n'
    round[$v]=$line
    read -r rps p50 p99 cpu bytes <<<"$line"
    printf '%-6s %-40s %12s %9s %9s %11s %10s\n' "$r" "${name[$v]}" "$rps" "$p50" "$p99" "$cpu" "$bytes"
  done
  for pair in "${pairs[@]}"; do
    read -r left right <<<"$pair"
    ratio_line "       ($left)/($right):" "${round[$left]}" "${round[$right]}"
  done
done
echo "Load after:  $(uptime)"

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A medians
echo
printf '%-40s %12s %9s %9s %11s %10s\n' "median of $rounds runs" requests/s p50-ms p99-ms cpu-us/req log-B/req
for v in "${apps[@]}"; do
  m=()
  for column in 1 2 3 4 5; do
    m+=("$(awk -v c="$column" 'NF { print $c }' <<<"${results[$v]}" | median)")
  done
  medians[$v]="${m[*]}"
  printf '%-40s %12.0f %9.3f %9.3f %11.1f %10.0f\n' "${name[$v]}" "${m[@]}"
done
echo
for pair in "${pairs[@]}"; do
  read -r left right <<<"$pair"
  ratio_line "($left)/($right), of the medians:        " "${medians[$left]}" "${medians[$right]}"
  paste <(awk 'NF' <<<"${results[$left]}") <(awk 'NF' <<<"${results[$right]}") | awk -v label="($left)/($right), median of the rounds' ratios:" '
    { r[NR] = $1 / $6; p[NR] = $3 / $8; c[NR] = $4 / $9 }
    function med(a, k, i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                  return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    END { printf "%s %.3fx the requests/s, %.3fx the p99, %.3fx the CPU per request\n", label, med(r, NR), med(p, NR), med(c, NR) }'
done
echo
echo "What one request writes in each app's file (its first request, sent alone before the rounds):"
for v in "${apps[@]}"; do
  echo "${name[$v]}:"
  grep -m1 -A1 "Fetched room" "$work/$v.log" | sed 's/^/    /'
done
