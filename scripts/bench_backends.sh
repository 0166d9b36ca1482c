#!/usr/bin/env bash
# The ordinary store figures on SQLite and on PostgreSQL, same machine, same run (BENCHMARKS.md,
# "Issue 17"): demo load, the population worklist and report, export, and import into an empty
# database.
#   scripts/bench_backends.sh [PATIENTS]      default 10000
# PostgreSQL: HAVEN_BENCH_POSTGRES names a server on which this script may create and drop the
# databases ${BENCH_DB:-haven_bench}_* (default server postgres://postgres@127.0.0.1:5432).
#
# Before and after a change: HAVEN_BIN=path/to/haven (default: build this checkout's release
# binary) and HAVEN_BIN_BEFORE=path/to/an/older/haven. With HAVEN_BIN_BEFORE each PostgreSQL
# step runs with both binaries, one after the other, the order alternating from step to step;
# SQLite runs with HAVEN_BIN alone. The import input is one export (SQLite's, by HAVEN_BIN), so
# every import reads the same files. The load average is printed before each step.
# BENCH_IMPORT=0 leaves out the export and the imports (the longest steps at large sizes).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
SERVER=${HAVEN_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
WORK=${BENCH_DIR:-/tmp/haven-bench-backends}
DB=${BENCH_DB:-haven_bench}
AS_OF=2026-11-28
rm -rf "$WORK" && mkdir -p "$WORK"
if [ -z "${HAVEN_BIN:-}" ]; then
    cargo build --release -p haven >/dev/null 2>&1
    HAVEN_BIN=$PWD/target/release/haven
fi
declare -A BIN=([sqlite]=$HAVEN_BIN [postgres]=$HAVEN_BIN)
declare -A URL=([sqlite]=$WORK/haven.db [postgres]=$SERVER/${DB}_after)
declare -A IMPORT=([sqlite]=$WORK/import.db [postgres]=$SERVER/${DB}_import_after)
PG=(postgres)
if [ -n "${HAVEN_BIN_BEFORE:-}" ]; then
    BIN[postgres-before]=$HAVEN_BIN_BEFORE
    URL[postgres-before]=$SERVER/${DB}_before
    IMPORT[postgres-before]=$SERVER/${DB}_import_before
    PG=(postgres-before postgres)
fi
t() { /usr/bin/time -f "    %e s wall, %U s user, %S s system, %M KB peak RSS" "$@"; }
fresh_pg() { psql -q "$SERVER/postgres" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"; }
drop_pg() { psql -q "$SERVER/postgres" -c "DROP DATABASE IF EXISTS $1"; }
load() { echo "    load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }

STEP=0
# The configurations of the next step: SQLite, then the PostgreSQL ones, their order alternating.
order() {
    STEP=$((STEP + 1))
    ORDER=(sqlite "${PG[@]}")
    if [ $((STEP % 2)) -eq 0 ] && [ ${#PG[@]} -eq 2 ]; then
        ORDER=(sqlite "${PG[1]}" "${PG[0]}")
    fi
}
# The command line of CONFIG on DB (its audit files named after KEY).
cmd() { # CONFIG DB KEY
    CMD=("${BIN[$1]}" --db "$2" --audit-key "$WORK/$3.key" --audit-checkpoints "$WORK/$3.checkpoints")
}

for name in "${PG[@]}"; do
    fresh_pg "${URL[$name]##*/}"
    fresh_pg "${IMPORT[$name]##*/}"
done
order; for name in "${ORDER[@]}"; do
    echo "== $name: demo, $N patients"; load
    cmd "$name" "${URL[$name]}" "$name"
    t "${CMD[@]}" demo --patients "$N" --seed 1 --as-of $AS_OF >/dev/null
done
order; for name in "${ORDER[@]}"; do
    echo "== $name: worklist --counts over $N patients"; load
    cmd "$name" "${URL[$name]}" "$name"
    t "${CMD[@]}" worklist --counts --as-of $AS_OF >"$WORK/$name.counts"
done
order; for name in "${ORDER[@]}"; do
    echo "== $name: report population over $N patients"; load
    cmd "$name" "${URL[$name]}" "$name"
    t "${CMD[@]}" report population --as-of $AS_OF >"$WORK/$name.report"
done
if [ "${BENCH_IMPORT:-1}" != 0 ]; then
    echo "== sqlite: export"; load
    cmd sqlite "${URL[sqlite]}" sqlite
    t "${CMD[@]}" export --out "$WORK/export" --include-sensitive >/dev/null
    order; for name in "${ORDER[@]}"; do
        echo "== $name: import of the export into an empty database"; load
        cmd "$name" "${IMPORT[$name]}" "$name-import"
        t "${CMD[@]}" import "$WORK/export"/*.ndjson >/dev/null
    done
fi
echo "== the worklists and reports agree with SQLite's"
for name in "${PG[@]}"; do
    for what in counts report; do
        if cmp -s "$WORK/sqlite.$what" "$WORK/$name.$what"; then
            echo "    $name $what: identical"
        else
            echo "    $name $what: DIFFERENT (see $WORK/$name.$what)"
        fi
    done
done
for name in "${PG[@]}"; do
    drop_pg "${URL[$name]##*/}"
    drop_pg "${IMPORT[$name]##*/}"
done
