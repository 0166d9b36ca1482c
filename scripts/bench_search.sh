#!/usr/bin/env bash
# Patient search latency (BENCHMARKS.md, issue 12 §8): `haven serve` on a demo database, then
# wrk on each kind of search in turn: a family name, a very common name, a transliteration
# variant, two names family first, Arabic script, a UK date, an ISO date.
#   scripts/bench_search.sh [PATIENTS] [HAVEN]   default 100000 and target/release/haven
# The database is made once per population size and kept in $BENCH_DIR (default
# /tmp/haven-bench), or named by DB; pass another binary as HAVEN (with its own DB if its schema
# differs) to compare builds. THREADS, CONNECTIONS and DURATION are wrk's -t, -c and -d.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
H=${2:-target/release/haven}
WORK=${BENCH_DIR:-/tmp/haven-bench}
DB=${DB:-$WORK/search-$N.db}
PORT=${PORT:-18081}
mkdir -p "$WORK"
if [ "$H" = target/release/haven ]; then cargo build --release -p haven >/dev/null 2>&1; fi
if [ ! -f "$DB" ]; then
    $H --db "$DB" demo --patients "$N" --seed 1 --as-of 2026-11-28 >/dev/null
    printf 'bench-password-123\n' | $H --db "$DB" user add bench --role clinician --password-stdin >/dev/null
fi
$H --db "$DB" serve --addr "127.0.0.1:$PORT" >"$WORK/search-serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
COOKIE=$(python3 scripts/bench_login.py "http://127.0.0.1:$PORT" bench bench-password-123)
# The server evaluates the population at start; let it finish before measuring.
sleep "${SETTLE:-30}"
for q in rahimi ahmad abdel+rahman Mohammad+Ahmadi ahmadi+mohammad %D8%A7%D8%AD%D9%85%D8%AF 19%2F06%2F1994 1990-01-01; do
    URL="http://127.0.0.1:$PORT/patients?q=$q"
    FOUND=$(curl -s -H "Cookie: $COOKIE" "$URL" | grep -o 'of [0-9]* patients*\.\|No patients found' | head -n 1)
    echo "-- GET /patients?q=$q ($FOUND)"
    wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-4}" -d"${DURATION:-20s}" --latency -H "Cookie: $COOKIE" "$URL" | grep -E "50%|90%|99%|Requests/sec|Non-2xx"
done
