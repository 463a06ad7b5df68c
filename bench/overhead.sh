#!/usr/bin/env bash
# What the request log and /metrics cost a page view (issue 26): a signed-in lesson page on
# `fika serve --demo` (release, SQLite) with wrk, 2 threads, 32 connections, in three modes
# taken in turns, each three times: bare (access log off: `info,fika::access=warn`; no
# metrics), log (the default `info`, written to a file), and log+metrics (--metrics-addr, and
# a scrape every second, as Prometheus would).
#   [ROUNDS=3] bash bench/overhead.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
DUR="${1:-15s}"
PORT="${FIKA_BENCH_PORT:-18096}"
MPORT=$((PORT + 1))
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
DATA="$(mktemp -d)"
trap 'rm -rf "$DATA"' EXIT
echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
for round in $(seq "${ROUNDS:-3}"); do
  for mode in bare log log+metrics; do
    filter=info; extra=()
    [ "$mode" = bare ] && filter="info,fika::access=warn"
    [ "$mode" = log+metrics ] && extra=(--metrics-addr "127.0.0.1:$MPORT")
    FIKA_LOG="$filter" ./target/release/fika serve --demo --data-dir "$DATA" \
      --addr "127.0.0.1:$PORT" "${extra[@]}" 2>>"$DATA/log-$mode.txt" &
    PID=$!
    for _ in $(seq 200); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
    COOKIE="$(curl -si -d 'username=alice&password=fika-demo-2026' "$BASE/login" \
      | tr -d '\r' | sed -n 's/^set-cookie: \(fika_session=[^;]*\).*/\1/Ip')"
    SCRAPER=""
    if [ "$mode" = log+metrics ]; then
      (while sleep 1; do curl -sf "http://127.0.0.1:$MPORT/metrics" >/dev/null || true; done) &
      SCRAPER=$!
    fi
    # fika's CPU time (user + system, in clock ticks) around the run, per request served:
    # steadier than the rate, which moves with what wrk and the machine take.
    ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
    before="$(ticks)"
    out="$(wrk -t2 -c32 -d"$DUR" -H "Cookie: $COOKIE" "$BASE/lessons/38")"
    after="$(ticks)"
    rate="$(echo "$out" | awk '/Requests\/sec/{print $2}')"
    n="$(echo "$out" | awk '/requests in/{print $1}')"
    cpu="$(awk -v t=$((after - before)) -v n="$n" -v hz="$(getconf CLK_TCK)" \
      'BEGIN{printf "%.1f", t / hz * 1e6 / n}')"
    echo "round $round, $mode: $rate requests/s, $cpu µs of CPU a request"
    [ -n "$SCRAPER" ] && kill "$SCRAPER"
    kill "$PID"; wait "$PID" 2>/dev/null || true
  done
done
echo "access lines written: $(cat "$DATA"/log-log*.txt | grep -c 'fika::access')"
