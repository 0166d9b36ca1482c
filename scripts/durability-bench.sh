#!/usr/bin/env bash
# What `synchronous = FULL` costs Haven's writes, against NORMAL, side by side in one run:
# - form submissions: N commits, each one entry-sized row and one audit row (as a saved form
#   is one transaction holding both);
# - bulk import: one transaction of M such pairs (as `haven import` stores a file).
# Uses the sqlite3 shell on a WAL database in a temporary directory on the same disk as Haven's
# database would be. Usage: scripts/durability-bench.sh [N] [M] [DIR]
set -euo pipefail
N=${1:-1000}
M=${2:-100000}
DIR=${3:-$(mktemp -d -p "${TMPDIR:-/var/tmp}")}
BODY=$(head -c 600 /dev/zero | tr '\0' 'x')

run() { # mode kind
    local db="$DIR/bench-$1-$2.db"
    rm -f "$db"*
    {
        echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = $1;"
        echo "CREATE TABLE entries (id INTEGER PRIMARY KEY, patient TEXT, body TEXT);"
        echo "CREATE TABLE audit (seq INTEGER PRIMARY KEY, actor TEXT, detail TEXT, hash TEXT);"
        if [ "$2" = forms ]; then
            for i in $(seq "$N"); do
                echo "BEGIN IMMEDIATE; INSERT INTO entries (patient, body) VALUES ('pat-$i', '$BODY'); INSERT INTO audit (actor, detail, hash) VALUES ('dr.amal', 'entry.add $i', hex(randomblob(32))); COMMIT;"
            done
        else
            echo "BEGIN IMMEDIATE;"
            echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $M) INSERT INTO entries (patient, body) SELECT 'pat-' || i, '$BODY' FROM n;"
            echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $M) INSERT INTO audit (actor, detail, hash) SELECT 'cli:import', 'fhir.import ' || i, hex(randomblob(32)) FROM n;"
            echo "COMMIT;"
        fi
    } > "$DIR/script.sql"
    local start end
    start=$(date +%s%N)
    sqlite3 "$db" < "$DIR/script.sql" > /dev/null
    end=$(date +%s%N)
    rm -f "$db"*
    echo $(( (end - start) / 1000000 ))
}

printf '%-26s %10s %10s\n' "" NORMAL FULL
for round in 1 2 3; do
    fn=$(run NORMAL forms); ff=$(run FULL forms)
    bn=$(run NORMAL bulk); bf=$(run FULL bulk)
    printf '%-26s %8s ms %8s ms\n' "$N form saves (round $round)" "$fn" "$ff"
    printf '%-26s %8s ms %8s ms\n' "import of $M (round $round)" "$bn" "$bf"
done
