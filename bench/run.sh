#!/usr/bin/env bash
# HTTP load benchmark of the foundation: GET /healthz and a signed-in GET / against
# `fika serve --demo` (release build, SQLite), with wrk: 2 threads, 32 connections.
#   bash bench/run.sh [DURATION]      e.g. bash bench/run.sh 30s
# wrk and the server share the machine's cores; record the figures in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR="${1:-20s}"
PORT="${FIKA_BENCH_PORT:-18080}"
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
DATA="$(mktemp -d)"
FIKA_LOG=warn ./target/release/fika serve --demo --data-dir "$DATA" --addr "127.0.0.1:$PORT" >/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT

for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
COOKIE="$(curl -si -d 'username=alice&password=fika-demo-2026' "$BASE/login" \
  | tr -d '\r' | sed -n 's/^set-cookie: \(fika_session=[^;]*\).*/\1/Ip')"
[ -n "$COOKIE" ] || { echo "sign-in failed" >&2; exit 1; }
# Make sure the signed-in page really is the page, not a redirect to sign-in.
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/")"
[ "$status" = 200 ] || { echo "signed-in GET / answered $status" >&2; exit 1; }

echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
echo "## GET /healthz"
wrk -t2 -c32 -d"$DUR" --latency "$BASE/healthz"
echo "## GET / (signed in)"
wrk -t2 -c32 -d"$DUR" --latency -H "Cookie: $COOKIE" "$BASE/"
