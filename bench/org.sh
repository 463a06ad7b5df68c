#!/usr/bin/env bash
# Org pages at scale: `fika serve --demo` plus `fika seed --people N` (default 5000), signed
# in, then wrk (2 threads, 32 connections) on /org, a squad page and /org/chart.svg.
#   bash bench/org.sh [DURATION] [PEOPLE]       e.g. bash bench/org.sh 20s 5000
set -euo pipefail
cd "$(dirname "$0")/.."
DUR="${1:-20s}"
PEOPLE="${2:-5000}"
PORT="${FIKA_BENCH_PORT:-18081}"
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
DATA="$(mktemp -d)"
FIKA_LOG=warn ./target/release/fika serve --demo --data-dir "$DATA" --addr "127.0.0.1:$PORT" >/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
FIKA_LOG=warn ./target/release/fika seed --people "$PEOPLE" --data-dir "$DATA"

COOKIE="$(curl -si -d 'username=alice&password=fika-demo-2026' "$BASE/login" \
  | tr -d '\r' | sed -n 's/^set-cookie: \(fika_session=[^;]*\).*/\1/Ip')"
[ -n "$COOKIE" ] || { echo "sign-in failed" >&2; exit 1; }
SQUAD=/squads/seed1-squad-3-4
echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
# The first request after a write rebuilds the org snapshot (the seed was the last write).
curl -s -o /dev/null -w '## cold GET /org (snapshot rebuilt): %{time_total}s\n' -H "Cookie: $COOKIE" "$BASE/org"
curl -s -o /dev/null -w '## warm GET /org: %{time_total}s\n' -H "Cookie: $COOKIE" "$BASE/org"
for path in /org "$SQUAD" /org/chart.svg; do
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$path")"
  [ "$status" = 200 ] || { echo "GET $path answered $status" >&2; exit 1; }
done
for path in /org "$SQUAD" /org/chart.svg; do
  echo "## GET $path ($PEOPLE seeded people, signed in)"
  wrk -t2 -c32 -d"$DUR" --latency -H "Cookie: $COOKIE" "$BASE$path"
done
