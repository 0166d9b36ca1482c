#!/usr/bin/env bash
# Hazard H-74, end to end: a serving Haven must keep SQLite's lock on its database file, so that
# another process opening the file cannot delete the WAL the server still writes to.
#   scripts/check_sqlite_lock_kept.sh [HAVEN_BINARY]     (default: this checkout's release build)
# A 200-patient demo file; a server under 2 s of page views (which writes audit checkpoints);
# the `sqlite3` shell reads the file; two patients are created through the server's FHIR API;
# the server stops. Exit 0 when both are on disk, 1 when a created patient was lost.
# Needs wrk, sqlite3 and python3. The unit test is an_audit_checkpoint_leaves_sqlites_locks_on_
# the_database_in_place (haven-store).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-}
if [ -z "$B" ]; then cargo build --release -p haven >/dev/null 2>&1; B=$PWD/target/release/haven; fi
D=$(mktemp -d)
trap 'kill -TERM "${p:-}" 2>/dev/null || true; rm -rf "$D"' EXIT
H=(--db "$D/h.db" --audit-key "$D/k" --audit-checkpoints "$D/c")
PORT=${PORT:-18601}
"$B" "${H[@]}" demo --patients 200 --seed 1 >/dev/null 2>&1
printf 'check-password-123\n' | "$B" "${H[@]}" user add check --role clinician --password-stdin >/dev/null
T=$("$B" "${H[@]}" token add check --scope write 2>/dev/null | awk 'NF==1 {print $1}' | head -n 1)
"$B" "${H[@]}" serve --addr "127.0.0.1:$PORT" >"$D/serve.log" 2>&1 & p=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
C=$(python3 scripts/bench_login.py "http://127.0.0.1:$PORT" check check-password-123)
wrk -t2 -c4 -d2s -H "Cookie: $C" "http://127.0.0.1:$PORT/patients/pat-5" | grep Requests
sleep 2
echo "the server's locks on its database file: $(awk -v p=$p '$5==p' /proc/locks | grep -c ":$(stat -c %i "$D/h.db") " || true)"
before=$(sqlite3 "$D/h.db" 'SELECT count(*) FROM patients')
echo "patients: $before; files after the sqlite3 shell read the database: $(ls "$D" | tr '\n' ' ')"
for _ in 1 2; do
    curl -s -o /dev/null -w "FHIR create: %{http_code}\n" -X POST -H "Authorization: Bearer $T" \
        -H "Content-Type: application/fhir+json" \
        --data '{"resourceType":"Patient","name":[{"family":"Lockcheck","given":["Amina"]}],"birthDate":"1990-02-03","gender":"female"}' \
        "http://127.0.0.1:$PORT/fhir/Patient"
done
kill -TERM "$p"; wait "$p" || true
after=$(sqlite3 "$D/h.db" 'SELECT count(*) FROM patients')
echo "patients on disk after the server stopped: $after (expected $((before + 2)))"
[ "$after" -eq $((before + 2)) ]
