#!/usr/bin/env bash
# Issue 18: the peak memory of `haven evaluate` and `haven import` refusing an input larger than
# `--memory-limit` whose only fault is a line late in it (BENCHMARKS.md, "Issue 18 — an error
# at the parts' memory"). The parts name it without reading the input again in one pass.
#
#   scripts/bench_parts_error_memory.sh N [HAVEN_BINARY] [EXPORT_DIR] [BEFORE_BINARY]
#
# Uses EXPORT_DIR (an N-patient `haven export`) when given, else makes the N-patient demo export
# (seed 1, as of 2026-11-28) in $WORK (default /work/tmp/bench-error-N, deleted at the end).
# The last line of the last file (in argument order: ServiceRequest.ndjson) is cut short, so
# that one pass reads everything before it meets the fault; then, each under
# `/usr/bin/time -v`: `haven evaluate` at the default limit (in parts), the same with
# `--memory-limit 64G` (one pass, for the comparison), BEFORE_BINARY's `haven evaluate` at the
# default limit when given (a build that read the input again in one pass to name the error),
# and `haven import` into an empty SQLite database (in parts). It checks that every evaluation
# says the same error, that it names that line, and that the import stored nothing.
set -euo pipefail

n=$1
bin=$(realpath "${2:-target/release/haven}")
work=${WORK:-/work/tmp/bench-error-$n}
mkdir -p "$work"
work=$(realpath "$work")
trap 'cd /; rm -rf "$work"' EXIT
cd "$work"

if [ -n "${3:-}" ]; then
    export_dir=$(realpath "$3")
else
    "$bin" --db source.db demo --patients "$n" --seed 1 --as-of 2026-11-28 >/dev/null
    "$bin" --db source.db export --out export --include-sensitive >/dev/null
    rm -f source.db*
    export_dir=$work/export
fi
mkdir -p input
for f in "$export_dir"/*.ndjson; do
    ln -s "$f" "input/$(basename "$f")"
done
last=$(basename "$(ls "$export_dir"/*.ndjson | sort | tail -n 1)")
rm "input/$last"
lines=$(wc -l <"$export_dir/$last")
head -n $((lines - 1)) "$export_dir/$last" >"input/$last"
tail -n 1 "$export_dir/$last" | cut -c1-100 >>"input/$last"
echo "input: $(cat input/*.ndjson | wc -c) bytes; the fault on line $lines of $last"

step() { # NAME COMMAND...: run under /usr/bin/time -v, expecting failure; print its figures
    local name=$1
    shift
    if /usr/bin/time -v "$@" >"$name.out" 2>"$name.err"; then
        echo "$name: succeeded, but the input is faulty" >&2
        exit 1
    fi
    local wall user sys rss
    wall=$(grep 'Elapsed (wall clock)' "$name.err" | awk '{print $NF}')
    user=$(grep 'User time' "$name.err" | awk '{print $NF}')
    sys=$(grep 'System time' "$name.err" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' "$name.err" | awk '{print $NF}')
    grep '^error: ' "$name.err" >"$name.said"
    echo "$name: ${wall} wall, ${user} s user, ${sys} s sys, peak RSS $((rss / 1024)) MB: $(head -c 160 "$name.said")"
}

step evaluate-parts "$bin" --db unused.db evaluate input/*.ndjson --as-of 2026-11-28 --json
step evaluate-one-pass "$bin" --db unused.db evaluate input/*.ndjson --as-of 2026-11-28 --json --memory-limit 64G
cmp evaluate-parts.said evaluate-one-pass.said
if [ -n "${4:-}" ]; then
    step evaluate-before "$(realpath "$4")" --db unused.db evaluate input/*.ndjson --as-of 2026-11-28 --json
    cmp evaluate-parts.said evaluate-before.said
fi
grep -q "$last: line $lines: " evaluate-parts.said
echo "evaluate: the same error in parts and in one pass (cmp)"
step import-parts "$bin" --db imported.db import input/*.ndjson
grep -q "$last: line $lines: " import-parts.said
"$bin" --db imported.db export --out stored --include-sensitive >/dev/null
if [ -n "$(cat stored/*.ndjson 2>/dev/null)" ]; then
    echo "import: something was stored" >&2
    exit 1
fi
echo "import: the same error, nothing stored"
