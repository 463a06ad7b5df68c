#!/usr/bin/env bash
# Wiki pages under load: a typical 500-word page and a 5,000-word page with tables and code,
# signed in, on `fika serve --demo` (release, SQLite), with wrk: 2 threads, 32 connections.
#   bash bench/pages.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
DUR="${1:-20s}"
PORT="${FIKA_BENCH_PORT:-18082}"
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
DATA="$(mktemp -d)"
FIKA_LOG=warn ./target/release/fika serve --demo --data-dir "$DATA" --addr "127.0.0.1:$PORT" >/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done

TOKEN="$(FIKA_LOG=warn ./target/release/fika user token alice --name bench --data-dir "$DATA" 2>/dev/null)"
# The same text generator as the criterion benchmark (benches/markdown.rs), in Python here.
make_page() {
  python3 - "$1" <<'PY'
import json, sys
words = int(sys.argv[1])
section = ("## Deploying safely\n\nWe deploy many times a day. Every change goes behind a "
  "[[Feature flags guide|feature flag]] and is watched on the dashboards for fifteen minutes "
  "after it ships; if error rates rise we roll back first and ask questions later, then "
  "write what we learned into [[squad:payments]]'s lessons so the next team knows.\n\n"
  "- [x] dashboards open\n- [ ] pager acknowledged within five minutes\n\n"
  "| Step | Owner | Time |\n|---|---|---|\n| Build | CI | 4 min |\n| Canary | squad | 15 min |\n\n"
  "```rust\nfn rollback(release: &Release) -> Result<(), Error> {\n    release.previous()?.deploy()\n}\n```\n\n")
per = len(section.split())
body = "# A page\n\n" + section * -(-words // per)
print(json.dumps({"title": f"Bench {words}", "body": body}))
PY
}
for words in 500 5000; do
  make_page "$words" | curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @- "$BASE/api/v1/pages"
done
COOKIE="$(curl -si -d 'username=alice&password=fika-demo-2026' "$BASE/login" \
  | tr -d '\r' | sed -n 's/^set-cookie: \(fika_session=[^;]*\).*/\1/Ip')"
echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
for words in 500 5000; do
  path="/pages/bench-$words"
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$path")"
  [ "$status" = 200 ] || { echo "GET $path answered $status" >&2; exit 1; }
  echo "## GET $path (signed in; $(curl -s -H "Cookie: $COOKIE" "$BASE$path" | wc -c) bytes)"
  wrk -t2 -c32 -d"$DUR" --latency -H "Cookie: $COOKIE" "$BASE$path"
done
