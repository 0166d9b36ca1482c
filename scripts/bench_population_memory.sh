#!/usr/bin/env bash
# Issue 18: peak memory of `haven evaluate` and `haven import` on an N-patient demo export, to
# show that it follows `--memory-limit` (default 512M), not the input (BENCHMARKS.md, "Issue 18
# — 300,000 patients").
#
#   scripts/bench_population_memory.sh N [HAVEN_BINARY]
#
# Makes the N-patient demo export (seed 1, as of 2026-11-28), then runs `haven evaluate` and
# `haven import` (into an empty SQLite database) on it under `/usr/bin/time -v`, printing peak
# RSS, CPU and wall time and resources per second. Everything is made in $WORK (default
# /work/tmp/bench-memory-N) and deleted at the end. Disk: about 55 KB of NDJSON per patient,
# the same again for the parts' temporary files, and the database (300,000 patients: about
# 16 GB + 16 GB + 6 GB); `df -h` first.
set -euo pipefail

n=$1
bin=$(realpath "${2:-target/release/haven}")
work=${WORK:-/work/tmp/bench-memory-$n}
mkdir -p "$work"
cd "$work"
trap 'cd /; rm -rf "$work"' EXIT
df -h "$work" | tail -1

step() { # NAME COMMAND...: run under /usr/bin/time -v; print its figures
    local name=$1
    shift
    /usr/bin/time -v "$@" >"$name.out" 2>"$name.time" || {
        tail -5 "$name.time"
        exit 1
    }
    local wall user sys rss
    wall=$(grep 'Elapsed (wall clock)' "$name.time" | awk '{print $NF}')
    user=$(grep 'User time' "$name.time" | awk '{print $NF}')
    sys=$(grep 'System time' "$name.time" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' "$name.time" | awk '{print $NF}')
    echo "$name: ${wall} wall, ${user} s user, ${sys} s sys, peak RSS $((rss / 1024)) MB"
}

step demo "$bin" --db source.db demo --patients "$n" --seed 1 --as-of 2026-11-28
step export "$bin" --db source.db export --out export --include-sensitive
rm -f source.db*
resources=$(cat export/*.ndjson | wc -l)
bytes=$(cat export/*.ndjson | wc -c)
echo "export: $n patients, $resources resources, $bytes bytes"

step evaluate "$bin" --db unused.db evaluate export/*.ndjson --as-of 2026-11-28 --json
echo "evaluate: $(wc -l <evaluate.out) lines of output"
step import "$bin" --db imported.db import export/*.ndjson
echo "import: $(tr -d '\n' <import.out)"
