#!/bin/sh
# Compare `haven evaluate` with DuckDB on a `haven export` directory (scripts/duckdb_compare.py).
# Makes the venv with the `duckdb` package under target/duckdb-venv on first use.
#   scripts/duckdb_compare.sh DIR --as-of 2026-11-28 [--haven target/release/haven] [--runs 3]
#                             [--same-files] [--before OTHER_HAVEN]
set -eu
cd "$(dirname "$0")/.."
venv=target/duckdb-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet duckdb
fi
exec "$venv/bin/python" scripts/duckdb_compare.py "$@"
