#!/usr/bin/env bash
# Search at scale (issue #5): seeds LESSONS lessons and 2,000 people into a SQLite data dir,
# times `fika reindex`, then measures /search with wrk (2 threads, 32 connections) over a mix
# of one-word, two-word, phrase and typo queries, the time from saving a lesson to finding it,
# and the server's resident memory.
#   bash bench/search.sh [LESSONS] [DURATION]
# FIKA_BENCH_DATA=DIR keeps the seeded data between runs (seeding 100,000 lessons takes a while).
# Also times relaxed questions (bench/search-relaxed.lua) and both mixes without the caches.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
DUR="${2:-20s}"
PORT="${FIKA_BENCH_PORT:-18083}"
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
# FIKA_BIN=path runs that binary instead of building this checkout's.
if [ -n "${FIKA_BIN:-}" ]; then FIKA="$FIKA_BIN"; else cargo build --release --quiet; FIKA=./target/release/fika; fi
export FIKA_LOG=warn
DATA="${FIKA_BENCH_DATA:-$(mktemp -d)}"
mkdir -p "$DATA"
echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
if [ ! -f "$DATA/fika.db" ]; then
  echo "## seeding $N lessons and 2000 people"
  $FIKA seed --people 2000 --lessons "$N" --data-dir "$DATA"
  FIKA_PASSWORD=bench-password-2026 $FIKA user add bench --name "Bench Person" --data-dir "$DATA" >/dev/null
fi
echo "## full index build: fika reindex"
/usr/bin/time -f "reindex: %e s wall, %M KiB max RSS" $FIKA reindex --data-dir "$DATA"
du -sh "$DATA/index" | sed 's/^/index size: /'

$FIKA serve --data-dir "$DATA" --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; [ -n "${FIKA_BENCH_DATA:-}" ] || rm -rf "$DATA"' EXIT
for _ in $(seq 200); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
COOKIE="$(curl -si -d 'username=bench&password=bench-password-2026' "$BASE/login" \
  | tr -d '\r' | sed -n 's/^set-cookie: \(fika_session=[^;]*\).*/\1/Ip')"
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/search?q=cache")"
[ "$status" = 200 ] || { echo "GET /search answered $status" >&2; exit 1; }
echo "## hits per query"
for q in cache deploy cache+stampede %22error+budget%22 stampeed; do
  printf '%s: ' "$q"
  curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/search?q=$q" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], "hits", "(corrected to %s)" % d["corrected"] if d["corrected"] else "")'
done
echo "## wrk: /search, query mix (bench/search.lua), signed in"
wrk -t2 -c32 -d"$DUR" --latency -H "Cookie: $COOKIE" -s bench/search.lua "$BASE"
echo "## hits per relaxed query (all words / shown)"
for q in $(grep -o '/search?q=[^"]*' bench/search-relaxed.lua); do
  printf '%s: ' "${q#/search?q=}"
  curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/search?q=${q#/search?q=}" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("all_words"), "/", d["total"], "relaxed" if d.get("relaxed") else "")'
done
echo "## wrk: /search, relaxed questions (bench/search-relaxed.lua), signed in"
wrk -t2 -c32 -d"$DUR" --latency -H "Cookie: $COOKIE" -s bench/search-relaxed.lua "$BASE"
echo "## the same without the per-generation caches: every request counts and facets again"
kill $PID; wait $PID 2>/dev/null || true
FIKA_SEARCH_CACHE=0 $FIKA serve --data-dir "$DATA" --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
PID=$!
for _ in $(seq 200); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
wrk -t2 -c32 -d"$DUR" --latency -H "Cookie: $COOKIE" -s bench/search.lua "$BASE"
wrk -t2 -c32 -d"$DUR" --latency -H "Cookie: $COOKIE" -s bench/search-relaxed.lua "$BASE"
echo "## resident memory of the server after the run"
grep VmRSS "/proc/$PID/status"
echo "## from save to searchable (20 lessons, API save then API search every 5 ms)"
TOKEN="$($FIKA user token bench --name bench --data-dir "$DATA")"
python3 - "$BASE" "$TOKEN" <<'PY'
import json, sys, time, urllib.request
base, token = sys.argv[1], sys.argv[2]
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
waits = []
for i in range(20):
    word = "freshness%dq%d" % (int(time.time()), i)
    t0 = time.monotonic()
    call("POST", "/api/v1/lessons", {"title": "Freshness probe " + word, "body": "probe"})
    saved = time.monotonic()
    while (lambda r: r["total"] != 1 or r["corrected"])(call("GET", "/api/v1/search?q=" + word)):
        time.sleep(0.005)
    waits.append((time.monotonic() - saved) * 1000)
waits.sort()
print("save→searchable ms: min %.0f, median %.0f, max %.0f" % (waits[0], waits[len(waits)//2], waits[-1]))
PY
grep VmRSS "/proc/$PID/status"
