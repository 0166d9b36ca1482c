#!/usr/bin/env bash
# Page throughput of one `haven serve` against two on one PostgreSQL database (BENCHMARKS.md,
# "Issue 17 — one server or two on one PostgreSQL database"): 100 wrk connections to a
# signed-in patient page, all on one server, then split 50/50 across two (one session, made on
# the first, used on both: no affinity). Release build, demo patients.
#   scripts/bench_two_servers.sh [PATIENTS] [SECONDS]      defaults 10000, 20
# HAVEN_BENCH_POSTGRES names a server on which this script may create and drop the database
# haven_bench_two (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
SECONDS_EACH=${2:-20}
SERVER=${HAVEN_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
WORK=${BENCH_DIR:-/tmp/haven-bench-two}
rm -rf "$WORK" && mkdir -p "$WORK/exports"
cargo build --release -p haven >/dev/null 2>&1
H=$PWD/target/release/haven
DB="$SERVER/haven_bench_two"
psql -q "$SERVER/postgres" -c "DROP DATABASE IF EXISTS haven_bench_two" -c "CREATE DATABASE haven_bench_two"
haven() { # WHO ARGS…: the one audit key, a checkpoint file per server
    local who=$1; shift
    "$H" --db "$DB" --audit-key "$WORK/audit-key" --audit-checkpoints "$WORK/checkpoints-$who" "$@"
}
echo "== demo, $N patients, on PostgreSQL"
haven operator demo --patients "$N" --seed 1 --as-of 2026-11-28 >/dev/null
printf 'bench-password-123\n' | haven operator user add bench --role clinician --password-stdin >/dev/null
PAGE=/patients/pat-17

PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
serve() { # WHO PORT (the binary itself in the background, so that its pid is the one signalled)
    HAVEN_EXPORT_DIR="$WORK/exports" "$H" --db "$DB" --audit-key "$WORK/audit-key" \
        --audit-checkpoints "$WORK/checkpoints-$1" serve --addr "127.0.0.1:$2" >"$WORK/serve-$1.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return; sleep 0.2; done
    echo "haven serve on port $2 did not start" >&2; exit 1
}
rate() { grep -E "Requests/sec" "$1" | awk '{print $2}'; }
load() { # PORT CONNECTIONS OUT
    wrk -t1 -c"$2" -d"${SECONDS_EACH}s" --latency -H "Cookie: $COOKIE" "http://127.0.0.1:$1$PAGE" >"$3"
}

serve a 18081
# The first server brings the stored actions from the demo's date to today as it starts (a
# minute at 100,000 patients): measure after that, not against it.
for _ in $(seq 600); do
    grep -q "actions refreshed for the population\|actions refresh failed" "$WORK/serve-a.log" && break
    sleep 0.5
done
echo "-- $(grep -o 'actions refresh.*' "$WORK/serve-a.log" || echo "no refresh logged")"
COOKIE=$(python3 scripts/bench_login.py http://127.0.0.1:18081 bench bench-password-123)
echo "== one server: 100 connections, GET $PAGE, ${SECONDS_EACH} s"
load 18081 100 "$WORK/one.txt"
grep -E "Latency|50%|99%|Requests/sec|Non-2xx" "$WORK/one.txt"

serve b 18082
echo "== two servers: 50 connections each, same session, GET $PAGE, ${SECONDS_EACH} s"
load 18081 50 "$WORK/two-a.txt" & A=$!
load 18082 50 "$WORK/two-b.txt" & B=$!
wait "$A" "$B"
for f in two-a two-b; do echo "-- $f"; grep -E "Latency|50%|99%|Requests/sec|Non-2xx" "$WORK/$f.txt"; done
ONE=$(rate "$WORK/one.txt")
TWO=$(python3 -c "print(round($(rate "$WORK/two-a.txt") + $(rate "$WORK/two-b.txt"), 2))")
echo "== one server $ONE req/s; two servers $TWO req/s; ratio $(python3 -c "print(round($TWO / $ONE, 2))")"
echo "-- load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"
for p in "${PIDS[@]}"; do kill -TERM "$p"; done
wait "${PIDS[@]}" 2>/dev/null || true
PIDS=()
psql -q "$SERVER/postgres" -c "DROP DATABASE haven_bench_two WITH (FORCE)"
