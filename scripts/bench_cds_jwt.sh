#!/usr/bin/env bash
# CDS Hooks as EHRs call it (BENCHMARKS.md, issue 16 §4): patient-view with full prefetch at 50
# connections, once with a Haven API token and once with a signed JWT per call (ES384, each with
# its own jti, so each call also records its jti in the database, the replay cache).
#   scripts/bench_cds_jwt.sh [PATIENTS] [PATIENT]   default 10000 and pat-5000
# Needs wrk and python3; writes to $BENCH_DIR (default /tmp/haven-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
PATIENT=${2:-pat-5000}
WORK=${BENCH_DIR:-/tmp/haven-bench}
DB=$WORK/cds-$N.db
PORT=${PORT:-18083}
DURATION=${DURATION:-15s}
mkdir -p "$WORK"
cargo build --release -p haven -p haven-web --example cds_jwts >/dev/null 2>&1
cargo build --release -p haven >/dev/null 2>&1
H=target/release/haven
if [ ! -f "$DB" ]; then
    $H --db "$DB" demo --patients "$N" --seed 1 --as-of 2026-11-28 >/dev/null
    rm -rf "$WORK/cds-export-$N"
    $H --db "$DB" export --out "$WORK/cds-export-$N" --include-sensitive >/dev/null
fi
python3 scripts/bench_cds_body.py "$WORK/cds-export-$N" "$PATIENT" >"$WORK/cds-body.json"
python3 - "$WORK/issuers.json" <<'PY'
import json, sys
jwks = json.load(open("crates/haven-web/tests/interop/keys/ec384-jwks.json"))
json.dump({"issuers": [{"iss": "https://ehr.example.org", "jwks": jwks}]}, open(sys.argv[1], "w"))
PY
TOKEN=$($H --db "$DB" token add cds-bench --scope read | awk 'NF==1 {print $1}' | head -n 1)
BASE="http://127.0.0.1:$PORT"
HAVEN_PUBLIC_URL=$BASE HAVEN_CDS_ISSUERS=$WORK/issuers.json $H --db "$DB" serve --addr "127.0.0.1:$PORT" >"$WORK/cds-serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done
sleep "${SETTLE:-10}"
SERVICE="$BASE/cds-services/haven-patient-view"

echo "== $PATIENT, API token, 50 connections, $DURATION"
cat >"$WORK/cds-token.lua" <<LUA
wrk.method = "POST"
wrk.body = io.open("$WORK/cds-body.json"):read("*a")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
wrk -t2 -c50 -d"$DURATION" --latency -s "$WORK/cds-token.lua" "$SERVICE" | grep -E "50%|90%|99%|Requests/sec|Non-2xx"

echo "== $PATIENT, a signed JWT per call, 50 connections, $DURATION"
target/release/examples/cds_jwts "${JWTS:-120000}" "$SERVICE" >"$WORK/jwts.txt"
cat >"$WORK/cds-jwt.lua" <<LUA
-- Each of wrk's threads takes every other token, so no token is sent twice.
local threads = 0
function setup(thread)
    thread:set("id", threads)
    threads = threads + 1
end
function init(args)
    tokens, next_token = {}, 1
    local n = 0
    for line in io.lines("$WORK/jwts.txt") do
        if n % 2 == id then tokens[#tokens + 1] = line end
        n = n + 1
    end
    body = io.open("$WORK/cds-body.json"):read("*a")
end
function request()
    local token = tokens[next_token] or "exhausted"
    next_token = next_token + 1
    return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
LUA
wrk -t2 -c50 -d"$DURATION" --latency -s "$WORK/cds-jwt.lua" "$SERVICE" | grep -E "50%|90%|99%|Requests/sec|Non-2xx"
echo "-- jti rows recorded: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from cds_jti').fetchone()[0])" "$DB")"
