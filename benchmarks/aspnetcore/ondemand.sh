#!/usr/bin/env bash
# Servers on demand, measured (docs/performance.md): the same app (OnDemand) holding 10 servers all the time, against
# 10,000 configured servers activated on their first request and released after IDLE seconds without one, under a load
# (wrk, ondemand.lua) whose window of WINDOW servers slides through the 10,000 so that about a thousand are live at any
# moment (the window, and those still within their idle time). Rounds alternate between the two apps. Reports per
# round requests/s, p50, p99 and the live servers, heap and RSS of the on-demand app; then the medians and their
# ratios; then the latency of a first request (an activation), and the time and size of the admin API's first page of
# servers with 10,000 configured.
#
#   benchmarks/aspnetcore/ondemand.sh [ROUNDS] [SECONDS] [CONNECTIONS] [IDLE] [WINDOW] [SLIDE]
#   (defaults: 5 rounds of 10 s, 64 connections, idle 10 s, a window of 900, one name further every 750 requests)
set -euo pipefail
cd "$(dirname "$0")"

rounds=${1:-5}
seconds=${2:-10}
connections=${3:-64}
idle=${4:-10}
export WINDOW=${5:-900}
export SLIDE=${6:-750}
export SERVERS=10000
server_cpu=0
load_cpu=1
[ "$(nproc)" -ge 2 ] || load_cpu=0
command -v wrk >/dev/null 2>&1 || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release --nologo -v quiet OnDemand/OnDemand.csproj >/dev/null
app=OnDemand/bin/Release/net10.0/OnDemand.dll
declare -A port=([few]=5311 [many]=5312)
declare -A pid
taskset -c "$server_cpu" dotnet "$app" "${port[few]}" "$work/few.log" 10 eager >"$work/few.out" 2>&1 &
pids+=($!); pid[few]=$!
taskset -c "$server_cpu" dotnet "$app" "${port[many]}" "$work/many.log" "$SERVERS" ondemand "$idle" >"$work/many.out" 2>&1 &
pids+=($!); pid[many]=$!
for v in few many; do
  for _ in $(seq 1 150); do
    curl -fsS -o /dev/null -H "Host: t1.localhost" "http://127.0.0.1:${port[$v]}/rooms/1" 2>/dev/null && break
    sleep 0.2
  done
  curl -fsS -o /dev/null -H "Host: t1.localhost" "http://127.0.0.1:${port[$v]}/rooms/1" || { cat "$work/$v.out"; exit 1; }
done

to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'; }
measure() {   # app seconds -> "rps p50 p99 non-2xx"
  local script=tenants.lua out
  [ "$1" = many ] && script=ondemand.lua
  out=$(taskset -c "$load_cpu" wrk -t1 -c"$connections" -d"$2"s --latency -s "$script" "http://127.0.0.1:${port[$1]}")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") ${errors:-0}"
}
stats() { curl -fsS "http://127.0.0.1:${port[many]}/_stats"; }   # "live heap-bytes rss-bytes"

echo "Machine: $(nproc) cores; apps on core $server_cpu, wrk on core $load_cpu; $connections connections, $rounds rounds of ${seconds}s"
echo "On demand: $SERVERS configured, idle release after ${idle}s, a window of $WINDOW sliding one name every $SLIDE requests"
echo "Load before: $(uptime)"
measure few 3 >/dev/null; measure many 3 >/dev/null
declare -A results
printf '%-6s %-28s %12s %9s %9s %8s %8s %10s %10s\n' round app requests/s p50-ms p99-ms non-2xx live heap-MB rss-MB
for r in $(seq 1 "$rounds"); do
  order="few many"; [ $((r % 2)) -eq 0 ] && order="many few"
  for v in $order; do
    line=$(measure "$v" "$seconds")
    results[$v]+="$line"$'\n'
    read -r rps p50 p99 errors <<<"$line"
    if [ "$v" = many ]; then
      read -r live heap rss <<<"$(stats)"
      printf '%-6s %-28s %12s %9s %9s %8s %8s %10.1f %10.1f\n' "$r" "10,000 configured, on demand" "$rps" "$p50" "$p99" "$errors" "$live" "$(awk -v b="$heap" 'BEGIN{print b/1e6}')" "$(awk -v b="$rss" 'BEGIN{print b/1e6}')"
    else
      printf '%-6s %-28s %12s %9s %9s %8s\n' "$r" "10 servers" "$rps" "$p50" "$p99" "$errors"
    fi
  done
done
echo "Load after:  $(uptime)"

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A rps_m p99_m
for v in few many; do
  rps_m[$v]=$(awk 'NF { print $1 }' <<<"${results[$v]}" | median)
  p99_m[$v]=$(awk 'NF { print $3 }' <<<"${results[$v]}" | median)
done
echo
awk -v r="${rps_m[many]}" -v rf="${rps_m[few]}" -v p="${p99_m[many]}" -v pf="${p99_m[few]}" \
  'BEGIN { printf "medians: 10 servers %.0f requests/s, p99 %.3f ms; on demand %.0f requests/s, p99 %.3f ms: %.3fx the requests/s, %.3fx the p99\n", rf, pf, r, p, r / rf, p / pf }'

# A first request: one cold server at a time, nothing else running (names the load never reached).
for i in $(seq 0 199); do
  curl -fsS -o /dev/null -w '%{time_total}\n' -H "Host: t$((SERVERS - 1 - i)).localhost" "http://127.0.0.1:${port[many]}/rooms/1"
done | sort -g | awk '{ a[NR] = $1 * 1000 } END { printf "first request (activation), %d servers: p50 %.2f ms, p99 %.2f ms\n", NR, a[int(NR * 0.5)], a[int(NR * 0.99)] }'
for i in $(seq 0 199); do
  curl -fsS -o /dev/null -w '%{time_total}\n' -H "Host: t$((SERVERS - 1 - i)).localhost" "http://127.0.0.1:${port[many]}/rooms/1"
done | sort -g | awk '{ a[NR] = $1 * 1000 } END { printf "second request, same servers:         p50 %.2f ms, p99 %.2f ms\n", a[int(NR * 0.5)], a[int(NR * 0.99)] }'

curl -fsS -o "$work/list.json" -w 'GET /_contextflow/servers (first page) with 10,000 configured: %{time_total} s, %{size_download} bytes\n' \
  "http://127.0.0.1:${port[many]}/_contextflow/servers"
