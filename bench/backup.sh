#!/usr/bin/env bash
# Backup and restore at 100,000 lessons: seeds a SQLite data dir (5,000 people, 100,000
# lessons), backs it up, restores the file into a new SQLite data dir and, when
# FIKA_BENCH_DATABASE_URL names an empty PostgreSQL database, into PostgreSQL and backs that up
# again. Prints wall time and peak memory of each step (GNU time).
#
#   bash bench/backup.sh                       # SQLite only
#   FIKA_BENCH_DATABASE_URL=postgres://fika@127.0.0.1:55432/bench bash bench/backup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/fika
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FIKA_LOG=warn

step() {
    local name=$1
    shift
    /usr/bin/time -f "$name: %e s wall, %M KiB peak" "$@"
}

"$bin" seed --people 5000 --lessons 100000 --data-dir "$work/src"
echo "SQLite database: $(du -h "$work/src/fika.db" | cut -f1)"
step "backup (SQLite)" "$bin" backup "$work/site.fika" --data-dir "$work/src"
echo "backup file: $(du -h "$work/site.fika" | cut -f1)"
step "restore into SQLite (rows and index)" "$bin" restore "$work/site.fika" --data-dir "$work/sqlite"
if [ -n "${FIKA_BENCH_DATABASE_URL:-}" ]; then
    step "restore into PostgreSQL (rows and index)" "$bin" restore "$work/site.fika" \
        --data-dir "$work/pg" --database-url "$FIKA_BENCH_DATABASE_URL"
    step "backup (PostgreSQL)" "$bin" backup "$work/pg.fika" \
        --data-dir "$work/pg" --database-url "$FIKA_BENCH_DATABASE_URL"
fi
