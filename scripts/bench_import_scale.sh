#!/usr/bin/env bash
# Issue 18: `haven import` in bounded memory, before and after, and the stored actions' refresh
# (BENCHMARKS.md, "Issue 18 — haven import in bounded memory").
#
#   scripts/bench_import_scale.sh N BEFORE_BINARY AFTER_BINARY [REFRESH_EXAMPLE]
#
# Makes the N-patient demo export (seed 1, as of 2026-11-28) with the after binary, imports it
# into an empty SQLite database with each binary under `/usr/bin/time -v` (peak RSS, CPU, wall),
# prints resources per second, checks at N <= 20000 that both databases export byte for byte
# the same, and with REFRESH_EXAMPLE (target/release/examples/refresh_timing) times the actions'
# refresh on the after database. Everything is made in $WORK (default /work/tmp/bench-import-N)
# and deleted at the end. Check `df -h` first: 100,000 patients is about 5.6 GB of NDJSON and
# 2 databases of about 4 GB.
set -euo pipefail

n=$1
before=$(realpath "$2")
after=$(realpath "$3")
refresh=${4:+$(realpath "$4")}
work=${WORK:-/work/tmp/bench-import-$n}
mkdir -p "$work"
cd "$work"
trap 'cd /; rm -rf "$work"' EXIT
df -h "$work" | tail -1

"$after" --db source.db demo --patients "$n" --seed 1 --as-of 2026-11-28 >/dev/null
"$after" --db source.db export --out export --include-sensitive >/dev/null
rm -f source.db*
resources=$(cat export/*.ndjson | wc -l)
bytes=$(cat export/*.ndjson | wc -c)
echo "export: $n patients, $resources resources, $bytes bytes"

timed() { # NAME BINARY: import the export into NAME.db, print wall, CPU, peak RSS, resources/s
    local name=$1 bin=$2
    /usr/bin/time -v "$bin" --db "$name.db" import export/*.ndjson >"$name.out" 2>"$name.time"
    local wall user sys rss
    wall=$(grep 'Elapsed (wall clock)' "$name.time" | awk '{print $NF}')
    user=$(grep 'User time' "$name.time" | awk '{print $NF}')
    sys=$(grep 'System time' "$name.time" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' "$name.time" | awk '{print $NF}')
    local seconds
    seconds=$(echo "$wall" | awk -F: '{s=0; for (i=1;i<=NF;i++) s=s*60+$i; print s}')
    echo "$name: $(cat "$name.out" | tr -d '\n')"
    echo "$name: ${wall} wall, ${user} s user, ${sys} s sys, peak RSS $((rss / 1024)) MB," \
        "$(awk -v r="$resources" -v s="$seconds" 'BEGIN {printf "%.0f", r / s}') resources/s"
}

timed before "$before"
timed after "$after"

if [ "$n" -le 20000 ]; then
    "$after" --db before.db export --out stored-before --include-sensitive >/dev/null
    "$after" --db after.db export --out stored-after --include-sensitive >/dev/null
    diff -r stored-before stored-after && echo "both databases export the same bytes"
fi

if [ -n "$refresh" ]; then
    "$refresh" after.db 2026-12-06
fi
