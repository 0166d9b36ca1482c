#!/usr/bin/env bash
# Haven's whole-system benchmarks (figures in BENCHMARKS.md). Needs wrk and hyperfine-free:
# only the release binary, wrk (Debian package `wrk`) and python3.
#   scripts/bench.sh [PATIENTS]      default 100000
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
# A patient every population has (pat-5000 from 10,000 patients up, as in BENCHMARKS.md).
PID=pat-$(( N >= 10000 ? 5000 : (N + 1) / 2 ))
WORK=${BENCH_DIR:-/tmp/haven-bench}
rm -rf "$WORK" && mkdir -p "$WORK"
DB="$WORK/haven.db"
cargo build --release -p haven --example ndjson_ceiling >/dev/null 2>&1
cargo build --release -p haven >/dev/null 2>&1
H=target/release/haven
t() { /usr/bin/time -f "    %e s wall, %U s user, %M KB peak RSS" "$@"; }

echo "== demo: $N patients"
t $H --db "$DB" demo --patients "$N" --seed 1 --as-of 2026-11-28
echo "== worklist --counts over $N patients (population evaluation)"
t $H --db "$DB" worklist --counts --as-of 2026-11-28 >/dev/null
echo "== worklist --json over $N patients (full sorted list)"
t $H --db "$DB" worklist --json --as-of 2026-11-28 >"$WORK/worklist.json"

echo "== export"
t $H --db "$DB" export --out "$WORK/export" --include-sensitive
echo "== plain serde_json parse of the export (the ceiling)"
target/release/examples/ndjson_ceiling "$WORK/export"
echo "== import of the export into an empty database"
t $H --db "$WORK/import.db" import "$WORK"/export/*.ndjson
echo "== evaluate on the export (no database)"
t $H evaluate "$WORK"/export/*.ndjson --as-of 2026-11-28 --json >/dev/null

echo "== web: patient page and search (wrk, 4 connections, 20 s each)"
printf 'bench-password-123\n' | $H --db "$DB" user add bench --role clinician --password-stdin >/dev/null
$H --db "$DB" serve --addr 127.0.0.1:18080 >"$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
COOKIE=$(python3 scripts/bench_login.py http://127.0.0.1:18080 bench bench-password-123)
for path in "/patients/$PID" "/patients?q=ahmad" "/patients?q=abdel+rahman" "/patients?q=1990-01-01" "/worklist/practice"; do
    echo "-- GET $path"
    wrk -t2 -c4 -d20s --latency -H "Cookie: $COOKIE" "http://127.0.0.1:18080$path" | grep -E "Latency|50%|99%|Requests/sec|Non-2xx"
done
echo "-- server resident memory: $(ps -o rss= -p $SERVER) KB"

TOKEN=$($H --db "$DB" token add bench --scope read | awk 'NF==1 {print $1}' | head -n 1)
# From 10,000 patients up (seed 1): pat-5000 is light (20 resources), pat-8649 the median
# (37), pat-5051 at the 90th percentile (68).
CDS_PATIENTS=$PID
[ "$N" -ge 10000 ] && CDS_PATIENTS="pat-5000 pat-8649 pat-5051"
for patient in $CDS_PATIENTS; do
    echo "== CDS Hooks patient-view with prefetch for $patient (wrk, 50 connections, 20 s)"
    python3 scripts/bench_cds_body.py "$WORK/export" "$patient" >"$WORK/cds.json"
    cat >"$WORK/cds.lua" <<LUA
wrk.method = "POST"
wrk.body = io.open("$WORK/cds.json"):read("*a")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
    wrk -t2 -c50 -d20s --latency -s "$WORK/cds.lua" http://127.0.0.1:18080/cds-services/haven-patient-view | grep -E "Latency|50%|99%|Requests/sec|Non-2xx"
done
