#!/usr/bin/env bash
# HTTP load benchmark of post-mortems against `fika serve --demo` (release build, SQLite),
# signed in as the demo admin, with wrk: 2 threads, 32 connections.
#   bash bench/postmortems.sh [DURATION]      e.g. bash bench/postmortems.sh 10s
# wrk and the server share the machine's cores; record the figures in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR="${1:-10s}"
PORT="${FIKA_BENCH_PORT:-18097}"
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
CSRF="$(curl -s -H "Cookie: $COOKIE" "$BASE/postmortems/new" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)"
[ -n "$CSRF" ] || { echo "no CSRF token" >&2; exit 1; }

echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
for path in /postmortems /postmortems/9 /postmortems/12 /postmortems/insights /actions \
  "/api/v1/actions?status=open" /api/v1/postmortems/9; do
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$path")"
  [ "$status" = 200 ] || { echo "GET $path answered $status" >&2; exit 1; }
  echo "## GET $path"
  wrk -t2 -c32 -d"$DUR" --latency -H "Cookie: $COOKIE" "$BASE$path"
done
# The check the form runs as people type: one field of about 60 words with two findings.
LUA="$(mktemp)"
cat > "$LUA" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "$COOKIE"
wrk.headers["X-CSRF-Token"] = "$CSRF"
wrk.body = '{"text": "The deploy reached every region at once because the tool had no canary step for configuration changes. The on-call engineer should have rolled back sooner, and the runbook simply said to wait for the alert to clear before acting on it.", "place": "contributing_factors"}'
LUA
echo "## POST /api/v1/blameless/check"
wrk -t2 -c32 -d"$DUR" --latency -s "$LUA" "$BASE/api/v1/blameless/check"
rm -f "$LUA"
