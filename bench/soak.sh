#!/usr/bin/env bash
# Soak (issue #18): `fika serve --demo` (release, SQLite) under a mix of reads, searches and
# writes (bench/soak.lua) from wrk, 2 threads and 32 connections, in one-minute slices; after
# each slice: requests, errors, p50/p99, the writes so far and the server's resident memory.
#   bash bench/soak.sh [SLICES]        (default 10: ten minutes)
# FIKA_BIN=path runs that binary instead of building this checkout's.
set -euo pipefail
cd "$(dirname "$0")/.."
SLICES="${1:-10}"
PORT="${FIKA_BENCH_PORT:-18090}"
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
if [ -n "${FIKA_BIN:-}" ]; then FIKA="$FIKA_BIN"; else cargo build --release --quiet; FIKA=./target/release/fika; fi
export FIKA_LOG=warn
DATA="$(mktemp -d)"
LOG="$DATA.log"
$FIKA serve --demo --data-dir "$DATA" --addr "127.0.0.1:$PORT" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA" "$LOG"' EXIT
for _ in $(seq 300); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
TOKEN="$($FIKA user token alice --data-dir "$DATA")"
count() { curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/$1?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
L0=$(count lessons); P0=$(count pages)
echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
echo "## start: $L0 lessons, $P0 pages, RSS $(( $(ps -o rss= -p $PID) / 1024 )) MiB"
printf '| minute | requests | req/s | errors | p50 | p99 | writes so far | RSS MiB |\n|---|---|---|---|---|---|---|---|\n'
for i in $(seq "$SLICES"); do
  out="$(wrk -t2 -c32 -d60s --latency -H "Authorization: Bearer $TOKEN" -s bench/soak.lua "$BASE")"
  reqs=$(echo "$out" | awk '/requests in/{print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/{print $5}'); non2xx=${non2xx:-0}
  sock=$(echo "$out" | awk '/Socket errors/{gsub(",","");print $4+$6+$8+$10}'); sock=${sock:-0}
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  writes=$(( $(count lessons) - L0 + $(count pages) - P0 ))
  rss=$(( $(ps -o rss= -p $PID) / 1024 ))
  printf '| %d | %s | %s | %s | %s | %s | %s | %s |\n' "$i" "$reqs" "$rps" "$((non2xx + sock))" "$p50" "$p99" "$writes" "$rss"
done
echo "## server log lines at WARN or above: $(grep -cE ' (WARN|ERROR) ' "$LOG" || true)"
grep -E ' (WARN|ERROR) ' "$LOG" | head -5 || true
