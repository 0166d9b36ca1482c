#!/usr/bin/env bash
# The ordinary store figures on SQLite and on PostgreSQL, same machine, same run (BENCHMARKS.md,
# "Issue 17"): demo load, the population worklist, export, and import into an empty database.
#   scripts/bench_backends.sh [PATIENTS]      default 10000
# PostgreSQL: HAVEN_BENCH_POSTGRES names a server on which this script may create and drop the
# databases haven_bench and haven_bench_import (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
SERVER=${HAVEN_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
WORK=${BENCH_DIR:-/tmp/haven-bench-backends}
rm -rf "$WORK" && mkdir -p "$WORK"
cargo build --release -p haven >/dev/null 2>&1
H=$PWD/target/release/haven
t() { /usr/bin/time -f "    %e s wall, %U s user, %S s system, %M KB peak RSS" "$@"; }
fresh_pg() {
    psql -q "$SERVER/postgres" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
}

run() { # NAME DB IMPORT_DB
    local name=$1 db=$2 import=$3
    local audit=(--audit-key "$WORK/$name.key" --audit-checkpoints "$WORK/$name.checkpoints")
    local audit_import=(--audit-key "$WORK/$name-import.key" --audit-checkpoints "$WORK/$name-import.checkpoints")
    echo "== $name: demo, $N patients"
    t "$H" --db "$db" "${audit[@]}" demo --patients "$N" --seed 1 --as-of 2026-11-28 >/dev/null
    echo "== $name: worklist --counts over $N patients"
    t "$H" --db "$db" "${audit[@]}" worklist --counts --as-of 2026-11-28 >"$WORK/$name.counts"
    echo "== $name: export"
    t "$H" --db "$db" "${audit[@]}" export --out "$WORK/$name-export" --include-sensitive >/dev/null
    echo "== $name: import of the export into an empty database"
    t "$H" --db "$import" "${audit_import[@]}" import "$WORK/$name-export"/*.ndjson >/dev/null
}

run sqlite "$WORK/haven.db" "$WORK/import.db"
fresh_pg haven_bench
fresh_pg haven_bench_import
run postgres "$SERVER/haven_bench" "$SERVER/haven_bench_import"
echo "== the two worklists agree"
diff "$WORK/sqlite.counts" "$WORK/postgres.counts" && echo "    identical"
psql -q "$SERVER/postgres" -c "DROP DATABASE haven_bench" -c "DROP DATABASE haven_bench_import"
