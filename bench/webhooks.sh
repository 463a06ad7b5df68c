#!/bin/bash
# Webhook sending throughput (BENCHMARKS.md, issue 25): N deliveries queued with sqlite3 to
# a local nginx that answers 200, timed from `fika serve`'s start to the last one delivered.
#   cargo build --release && N=20000 bench/webhooks.sh
set -e
N=${N:-2000}
D=$(mktemp -d)
FIKA=${FIKA:-$(dirname "$0")/../target/release/fika}
mkdir -p $D/ngx/logs
cat > $D/ngx/nginx.conf <<CONF
worker_processes 1;
error_log $D/ngx/logs/error.log;
pid $D/ngx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $D/ngx/body;
  proxy_temp_path $D/ngx/proxy;
  fastcgi_temp_path $D/ngx/fcgi;
  uwsgi_temp_path $D/ngx/uwsgi;
  scgi_temp_path $D/ngx/scgi;
  server { listen 127.0.0.1:18098; location / { return 200 "ok"; } }
}
CONF
nginx -c $D/ngx/nginx.conf -p $D/ngx
trap 'nginx -c $D/ngx/nginx.conf -p $D/ngx -s stop; rm -rf $D' EXIT
# Any command that opens the database migrates it.
$FIKA user add bench --name Bench --data-dir $D < /dev/null > /dev/null 2>&1 || true
NOW=$(date -u +"%Y-%m-%d %H:%M:%S")
{
echo "BEGIN;"
echo "INSERT INTO webhooks (name, unit_id, url, format, events, secret, active, created_by, created_at, updated_at) VALUES ('bench', NULL, 'http://127.0.0.1:18098/hook', 'json', 'lesson_published', 's', 1, NULL, '$NOW', '$NOW');"
for i in $(seq 1 $N); do
echo "INSERT INTO webhook_deliveries (webhook_id, event_id, delivery_key, event_kind, title, payload, created_at, attempts, next_attempt_at, last_response) VALUES (1, NULL, 'k$i', 'lesson_published', 'Lesson $i', '{\"delivery\":\"k$i\",\"event\":\"lesson_published\",\"subject\":{\"title\":\"Lesson $i\",\"url\":\"http://127.0.0.1:18094/lessons/$i\"},\"summary\":\"What we learned, in a sentence or two of text.\"}', '$NOW', 0, '$NOW', '');"
done
echo "COMMIT;"
} | sqlite3 $D/fika.db
START=$(date +%s.%N)
$FIKA serve --data-dir $D --addr 127.0.0.1:18094 --public-url http://127.0.0.1:18094 \
  --webhook-allow-internal 127.0.0.1 > $D/serve.log 2>&1 &
PID=$!
until [ "$(sqlite3 $D/fika.db "select count(*) from webhook_deliveries where delivered_at is null" 2>/dev/null)" = "0" ]; do
  sleep 0.05
done
END=$(date +%s.%N)
kill $PID
echo "delivered $N in $(echo "$END - $START" | bc) s"
sqlite3 $D/fika.db "select count(*), sum(attempts), min(last_status), max(last_status) from webhook_deliveries"
