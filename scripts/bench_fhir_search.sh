#!/usr/bin/env bash
# FHIR search latency (BENCHMARKS.md, issue 16): `haven serve` on a demo database, then wrk on
# each kind of search integrators send, in turn: one patient's resources, a patient by NHS
# number, by family name, population-wide first pages (in patient order and by code), a later
# page by cursor, and counts.
#   scripts/bench_fhir_search.sh [PATIENTS] [HAVEN]   default 100000 and target/release/haven
# The database is made once per population size and kept in $BENCH_DIR (default
# /tmp/haven-bench), or named by DB. THREADS, CONNECTIONS and DURATION are wrk's -t, -c, -d.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
H=${2:-target/release/haven}
WORK=${BENCH_DIR:-/tmp/haven-bench}
DB=${DB:-$WORK/search-$N.db}
PORT=${PORT:-18082}
mkdir -p "$WORK"
if [ "$H" = target/release/haven ]; then cargo build --release -p haven >/dev/null 2>&1; fi
if [ ! -f "$DB" ]; then
    $H --db "$DB" demo --patients "$N" --seed 1 --as-of 2026-11-28 >/dev/null
fi
TOKEN=$($H --db "$DB" token add fhir-bench --scope read | awk 'NF==1 {print $1}' | head -n 1)
$H --db "$DB" serve --addr "127.0.0.1:$PORT" >"$WORK/fhir-search-serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
# The server evaluates the population at start; let it finish before measuring.
sleep "${SETTLE:-30}"
BASE="http://127.0.0.1:$PORT/fhir"
PID=pat-$(( N >= 10000 ? 5000 : (N + 1) / 2 ))
NHS=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/Patient/$PID" | python3 -c 'import json,sys; p=json.load(sys.stdin); print(next((i["value"] for i in p.get("identifier",[]) if i["system"].endswith("nhs-number")), ""))')
FAMILY=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/Patient/$PID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"][0]["family"])')
# A cursor half way through the patients, as a client paging from the start would reach.
MID=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/Patient?_count=500" | python3 -c 'import json,sys,urllib.parse as u; b=json.load(sys.stdin); n=[l["url"] for l in b["link"] if l["relation"]=="next"][0]; print(u.parse_qs(u.urlparse(n).query)["_cursor"][0])')
PHQ9="http://loinc.org%7C44261-6"
for path in \
    "Observation?patient=$PID" \
    "Observation?patient=$PID&_sort=-date&_count=10" \
    "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C$NHS" \
    "Patient?family=$FAMILY" \
    "Patient?_count=50" \
    "Patient?_count=50&_cursor=$MID" \
    "Observation?code=$PHQ9&_count=50" \
    "Patient?_summary=count" \
    "Observation?code=$PHQ9&_summary=count"; do
    URL="$BASE/$path"
    FOUND=$(curl -s -H "Authorization: Bearer $TOKEN" "$URL" | python3 -c 'import json,sys; b=json.load(sys.stdin); print(b.get("total", "no total"), "matches,", len(b.get("entry", [])), "on the page")')
    echo "-- GET /fhir/$path ($FOUND)"
    wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-4}" -d"${DURATION:-20s}" --latency -H "Authorization: Bearer $TOKEN" "$URL" | grep -E "50%|90%|99%|Requests/sec|Non-2xx"
done
