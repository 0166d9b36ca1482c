#!/usr/bin/env bash
# `haven migrate-db` and backup/restore on PostgreSQL, timed (BENCHMARKS.md, "migrate-db"):
# the demo practice moved from SQLite to PostgreSQL and verified, compared again alone, backed up
# from PostgreSQL to a file, restored into an empty PostgreSQL, and moved back to SQLite. Then
# the two ways of sending rows to PostgreSQL, on the same rows: COPY (what migrate-db uses) and
# multi-row INSERTs of 500 rows, both written by pg_dump and fed through psql.
#   scripts/bench_migrate.sh [PATIENTS]      default 10000
# HAVEN_BENCH_POSTGRES names a server on which this script may create and drop the databases
# haven_mig, haven_mig_restore and haven_mig_rows (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
SERVER=${HAVEN_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
WORK=${BENCH_DIR:-/tmp/haven-bench-migrate}
rm -rf "$WORK" && mkdir -p "$WORK"
cargo build --release -p haven >/dev/null 2>&1
H=$PWD/target/release/haven
t() { /usr/bin/time -f "    %e s wall, %U s user, %S s system, %M KB peak RSS" "$@"; }
fresh_pg() {
    psql -q "$SERVER/postgres" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
}
KEY=(--audit-key "$WORK/haven.db.audit-key")

echo "== setup: demo, $N patients, into SQLite"
"$H" --db "$WORK/haven.db" demo --patients "$N" --seed 1 --as-of 2026-11-28 >/dev/null
ls -l "$WORK/haven.db" | awk '{print "    SQLite file: " $5 " bytes"}'
fresh_pg haven_mig
fresh_pg haven_mig_restore

echo "== migrate-db SQLite -> PostgreSQL (copy in one transaction, then verify)"
t "$H" "${KEY[@]}" migrate-db --from "sqlite://$WORK/haven.db" --to "$SERVER/haven_mig" \
    --to-checkpoints "$WORK/pg.checkpoints" | head -1
echo "== migrate-db --verify-only (compare again, change nothing)"
t "$H" "${KEY[@]}" migrate-db --verify-only --from "sqlite://$WORK/haven.db" \
    --to "$SERVER/haven_mig" --to-checkpoints "$WORK/pg.checkpoints" | head -1
echo "== backup on PostgreSQL (snapshot -> SQLite file, verified)"
t "$H" --db "$SERVER/haven_mig" "${KEY[@]}" --audit-checkpoints "$WORK/pg.checkpoints" \
    backup --out "$WORK/pg-backup.db" >/dev/null
echo "== restore of that file into an empty PostgreSQL (verified)"
t "$H" --db "$SERVER/haven_mig_restore" "${KEY[@]}" --audit-checkpoints "$WORK/restore.checkpoints" \
    restore "$WORK/pg-backup.db" >/dev/null
echo "== migrate-db PostgreSQL -> SQLite"
t "$H" "${KEY[@]}" migrate-db --from "$SERVER/haven_mig" --from-checkpoints "$WORK/pg.checkpoints" \
    --to "sqlite://$WORK/back.db" | head -1

echo "== rows to PostgreSQL: COPY vs multi-row INSERT (entries and audit_log, same rows)"
pg_dump --data-only -t entries -t audit_log "$SERVER/haven_mig" >"$WORK/rows-copy.sql"
pg_dump --data-only --inserts --rows-per-insert=500 -t entries -t audit_log "$SERVER/haven_mig" >"$WORK/rows-insert.sql"
grep -c '^[^\\].*\t' "$WORK/rows-copy.sql" | awk '{print "    rows: " $1}'
for how in copy insert; do
    fresh_pg haven_mig_rows
    # Only the two tables: their triggers and references (to a function and a table not copied)
    # fail to be made, alike for both ways, so the figures are the rows' alone.
    pg_dump --schema-only -t entries -t audit_log "$SERVER/haven_mig" | psql -q "$SERVER/haven_mig_rows" >/dev/null 2>&1
    psql -q "$SERVER/haven_mig_rows" -c "ALTER TABLE entries DISABLE TRIGGER USER" -c "ALTER TABLE audit_log DISABLE TRIGGER USER"
    echo "  -- $how"
    t psql -q -1 "$SERVER/haven_mig_rows" -f "$WORK/rows-$how.sql" >/dev/null
done
psql -q "$SERVER/postgres" -c "DROP DATABASE haven_mig" -c "DROP DATABASE haven_mig_restore" -c "DROP DATABASE haven_mig_rows"
