#!/usr/bin/env bash
# The benchmarks behind the README's figures. Expects release binaries (make bench builds
# them) and PG_BASE_URL / REDIS_BASE_URL (make bench finds or starts the services).
# Starts two Parley instances sharing PostgreSQL and Redis, runs the load generator
# against them, and prints one JSON line per measurement. BENCH_QUICK=1 shortens runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=target/release/parley
gen=target/release/loadgen
db="parley_bench"
dur=${BENCH_DURATION:-10}
[ "${BENCH_QUICK:-0}" = 1 ] && dur=3

psql -w "$PG_BASE_URL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
psql -w "$PG_BASE_URL/postgres" -qc "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="$PG_BASE_URL/$db"
$bin migrate >/dev/null
echo "postgres fsync: $(psql -w "$DATABASE_URL" -Atc 'SHOW fsync'), synchronous_commit: $(psql -w "$DATABASE_URL" -Atc 'SHOW synchronous_commit')" >&2

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
# Payments against the fake Stripe (release build), its webhooks to the first instance.
stripe_port=12114
stripe="http://127.0.0.1:$stripe_port"
FAKE_STRIPE_ADDR="127.0.0.1:$stripe_port" PARLEY_WEBHOOK_URL=http://127.0.0.1:8081/v1/webhooks/stripe \
  PARLEY_CONNECT_WEBHOOK_URL=http://127.0.0.1:8081/v1/webhooks/stripe/connect target/release/fake-stripe >/tmp/parley-bench-stripe.log 2>&1 &
pids+=($!)
export STRIPE_SECRET_KEY=sk_test_parley STRIPE_API_BASE="$stripe" STRIPE_WEBHOOK_SECRET=whsec_parleyDevPlatformSecret0000000000 \
  STRIPE_CONNECT_WEBHOOK_SECRET=whsec_parleyDevConnectSecret00000000000
start() { # port
  # Two instances share two cores: one HTTP worker and one runtime thread each.
  REDIS_URL="$REDIS_BASE_URL" REDIS_PREFIX="bench$$" BIND_ADDR="127.0.0.1:$1" AUTH_MODE=dev HTTP_WORKERS=1 TOKIO_WORKER_THREADS=1 \
    SEND_RATE_PER_SEC=1000000 WS_QUEUE_CAPACITY=4096 RUST_LOG=warn INSTANCE_ID="bench-$1" \
    $bin serve >/tmp/parley-bench-$1.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.1; done
  echo "instance on $1 did not start" >&2; exit 1
}
start 8081
start 8082
urls="urls=http://127.0.0.1:8081,http://127.0.0.1:8082"

echo "# REST: posting and history paging (one instance, 32 concurrent clients)"
$gen rest urls=http://127.0.0.1:8081 duration=$dur concurrency=32
echo "# history query plan"
psql -w "$DATABASE_URL" -qc "ANALYZE"
room=$(psql -w "$DATABASE_URL" -Atc "SELECT room_id FROM messages GROUP BY room_id ORDER BY count(*) DESC LIMIT 1")
psql -w "$DATABASE_URL" -Atc "EXPLAIN ANALYZE SELECT * FROM messages WHERE room_id = '$room' AND seq < 5000 ORDER BY seq DESC LIMIT 50" | sed 's/^/  /'

echo "# chat 10: 1,000 clients, 100 rooms of 10, one sender per room, over two instances"
# 10,000 offered is above what this machine sustains: the acked rate is the ceiling.
for rate in ${BENCH_RATES:-3600 10000}; do
  $gen chat $urls clients=1000 rooms=100 rate=$rate duration=$dur
done
echo "# chat 10 with notifications: 0 % and 20 % of messages mention one member (every socket subscribed to its feed), one run after the other"
for pct in 0 20; do
  $gen chat $urls clients=1000 rooms=100 rate=${BENCH_MENTION_RATE:-3600} duration=$dur mentions=$pct
done
echo "# chat 10 with pay-per-view: 0 % and 10 % of messages PPV (each member's entitlement decided on every path), one run after the other"
for pct in 0 10; do
  $gen chat $urls clients=1000 rooms=100 rate=${BENCH_PPV_RATE:-3600} duration=$dur ppv=$pct stripe="$stripe"
done
echo "# payments: Stripe webhook events applied per second, each delivered to both instances (half are duplicates)"
target/release/paybench $urls events=${BENCH_WEBHOOK_EVENTS:-4000} db="$DATABASE_URL"
echo "# bookings: 60 days of slots of a rich schedule (one instance), and 200 clients racing for 50 slots over two instances"
target/release/bookbench $urls duration=$dur
echo "# short links: redirects on one instance with click counting on, against a static 302 on a bare server"
target/release/linkbench floor 127.0.0.1:8090 >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:8090/s/x && break; sleep 0.1; done
target/release/linkbench url=http://127.0.0.1:8081 floor=http://127.0.0.1:8090 duration=$dur
echo "# e-mail: booking confirmations rendered and built (one core), then handed to MailDev (SMTP with AUTH) by 8 senders"
eval "$(api/scripts/maildev.sh 12028 12083 parley parley-smtp-bench)"
[ -n "${MAILDEV_PID:-}" ] && pids+=("$MAILDEV_PID")
target/release/mailbench smtp="$SMTP_URL" count=${BENCH_MAILS:-3000} concurrency=8
echo "# @room: one mention of a 1,000-member room, members' sockets over two instances"
$gen fanout $urls members=1000 repeat=${BENCH_FANOUT_REPEAT:-5}
echo "# chat 10, bursty (bursts of 10)"
$gen chat $urls clients=1000 rooms=100 rate=${BENCH_BURSTY_RATE:-3600} duration=$dur bursty=true
if [ "${BENCH_RAMP:-1}" = 1 ]; then
  echo "# ramp: highest rate with p99 delivery <= 100 ms and nothing lost"
  $gen ramp $urls clients=1000 rooms=100 duration=$dur start=${BENCH_RAMP_START:-3000} step=${BENCH_RAMP_STEP:-300} max=20000
fi
echo "# idle sockets on one instance"
$gen connections urls=http://127.0.0.1:8082 count=${BENCH_SOCKETS:-19000} pid="${pids[1]}"
# The framework's own cost per idle socket (tests/src/bin/ws_floor.rs), on a server whose
# sockets do nothing: through actix-ws as Parley, and through actix-http's upgrade service.
port=8083
for mode in actix-ws upgrade; do
  echo "# idle sockets on a bare server, $mode"
  target/release/ws_floor 127.0.0.1:$port $mode >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf -X POST http://127.0.0.1:$port/v1/dev/token >/dev/null && break; sleep 0.1; done
  $gen connections urls=http://127.0.0.1:$port count=${BENCH_SOCKETS:-19000} pid="${pids[-1]}"
  kill "${pids[-1]}"
  port=$((port + 1))
done

echo "# files: upload throughput against a plain write to the same store, memory under 32 large uploads, download redirects"
files_dir=target/bench-files
rm -rf "$files_dir"
REDIS_URL="$REDIS_BASE_URL" REDIS_PREFIX="benchf$$" BIND_ADDR="127.0.0.1:8085" AUTH_MODE=dev SEND_RATE_PER_SEC=1000000 \
  FILES_DIR="$files_dir" RUST_LOG=warn INSTANCE_ID="bench-files" $bin serve >/tmp/parley-bench-8085.log 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:8085/healthz" >/dev/null && break; sleep 0.1; done
target/release/filebench url=http://127.0.0.1:8085 pid="${pids[-1]}" dir="$files_dir" duration=$dur
