#!/usr/bin/env bash
# The web figures on each backend, same machine, same run (BENCHMARKS.md, "Issue 17 — pages,
# search and CDS Hooks at 100,000 patients on both backends"): one `haven serve` per database,
# then the same requests against each in turn, the order of the databases alternating from
# request to request so that whatever else loads the machine falls on both:
#   the worklist page, a patient page, four kinds of patient search (wrk, 2 threads,
#   4 connections), and CDS Hooks patient-view with full prefetch (wrk, 50 connections).
#
#   scripts/bench_backends_web.sh [--patients N] [--seconds S] [--demo] [--connections C]
#                                 [--request PATH …] --db URL [--db URL …]
#       defaults: 10000 patients (which patient and CDS body to use), 15 s a request, 4 wrk
#       connections for the pages and searches, every request below (--request names one of
#       them, "CDS" for CDS Hooks; repeat it for several).
# --demo loads the demo practice (N patients, seed 1, as of 2026-11-28) into each database first
# (they must be empty; the loads run side by side and are not timed here: bench_backends.sh times
# them). The CDS body is made once from an export of the first database and kept in $BENCH_DIR.
# Audit key and checkpoint files of each database are kept in $BENCH_DIR (default
# /tmp/haven-bench-web) as db1.*, db2.* …: run with the same BENCH_DIR and --db order after a
# --demo run. HAVEN_BIN names the binary (default: build this checkout's release binary);
# `--bin PATH` before a `--db` serves that database with another binary instead, and the same
# URL may be named twice: one run then compares two builds on one database (two servers on it,
# one audit key: the files are named after the URL's first --db).
# Prints each figure as it comes, then a table: p50, p99, requests/s per database, and each
# database's p99 and throughput over the first's.
set -euo pipefail
cd "$(dirname "$0")/.."
N=10000
SECS=15
DEMO=0
CONNECTIONS=4
ONLY=()
DBS=()
BINS=()
NEXT_BIN=""
while [ $# -gt 0 ]; do
    case $1 in
        --patients) N=$2; shift 2 ;;
        --seconds) SECS=$2; shift 2 ;;
        --demo) DEMO=1; shift ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --request) ONLY+=("$2"); shift 2 ;;
        --bin) NEXT_BIN=$2; shift 2 ;;
        --db) DBS+=("$2"); BINS+=("$NEXT_BIN"); NEXT_BIN=""; shift 2 ;;
        *) echo "bench_backends_web.sh: unknown argument $1 (see the comment at the top)" >&2; exit 2 ;;
    esac
done
[ ${#DBS[@]} -gt 0 ] || { echo "bench_backends_web.sh: name at least one --db URL" >&2; exit 2; }
WORK=${BENCH_DIR:-/tmp/haven-bench-web}
mkdir -p "$WORK"
if [ -z "${HAVEN_BIN:-}" ]; then
    cargo build --release -p haven >/dev/null 2>&1
    HAVEN_BIN=$PWD/target/release/haven
fi
AS_OF=2026-11-28
PID=pat-$(( N >= 10000 ? 5000 : (N + 1) / 2 ))
NAMES=() # how the figures name each server: its database, and its binary when they differ
for i in "${!DBS[@]}"; do
    BINS[$i]=${BINS[$i]:-$HAVEN_BIN}
    NAMES[$i]=${DBS[$i]##*/}
done
if [ "$(printf '%s\n' "${BINS[@]}" | sort -u | wc -l)" -gt 1 ]; then
    for i in "${!DBS[@]}"; do NAMES[$i]="${NAMES[$i]}[${BINS[$i]##*/}]"; done
fi
files() { # INDEX: the audit files' stem, that of the first --db naming the same URL
    local j
    for j in "${!DBS[@]}"; do [ "${DBS[$j]}" = "${DBS[$1]}" ] && { echo "$WORK/db$j"; return; }; done
}
haven() { # INDEX ARGS…: database INDEX's binary on it, with its audit files (EXEC=1: in place
    # of the shell, so that a server started in the background has the pid the trap signals)
    local i=$1; shift
    ${EXEC:+exec} "${BINS[$i]}" --db "${DBS[$i]}" --audit-key "$(files "$i").key" --audit-checkpoints "$(files "$i").checkpoints" "$@"
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

if [ "$DEMO" = 1 ]; then
    echo "== demo, $N patients, into each database side by side (not timed); load average $(loadavg)"
    LOADS=()
    FIRSTS=() # each database once
    for i in "${!DBS[@]}"; do [ "$(files "$i")" = "$WORK/db$i" ] && FIRSTS+=("$i"); done
    for i in "${FIRSTS[@]}"; do haven "$i" demo --patients "$N" --seed 1 --as-of $AS_OF >"$WORK/db$i.demo.log" 2>&1 & LOADS+=($!); done
    for p in "${LOADS[@]}"; do wait "$p"; done
    for i in "${FIRSTS[@]}"; do
        printf 'bench-password-123\n' | haven "$i" user add bench --role clinician --password-stdin >/dev/null
    done
fi
BODY=$WORK/cds-$N-$PID.json
if [ ! -s "$BODY" ]; then
    echo "== export of the first database, for the CDS Hooks body of $PID"
    rm -rf "$WORK/export"
    haven 0 export --out "$WORK/export" --include-sensitive >/dev/null
    python3 scripts/bench_cds_body.py "$WORK/export" "$PID" >"$BODY"
    rm -rf "$WORK/export"
fi

SERVERS=()
trap 'for p in "${SERVERS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
declare -A COOKIE TOKEN
for i in "${!DBS[@]}"; do
    TOKEN[$i]=$(haven "$i" token add "bench-web-$$" --scope read | awk 'NF==1 {print $1}' | head -n 1)
    port=$((18091 + i))
    EXEC=1 haven "$i" serve --addr "127.0.0.1:$port" >"$WORK/serve-$i.log" 2>&1 &
    SERVERS+=($!)
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "haven serve on ${DBS[$i]} did not start" >&2; exit 1; }
    # A server left from another run answers on the port while this one could not bind it.
    kill -0 "${SERVERS[-1]}" 2>/dev/null || { echo "haven serve on ${DBS[$i]} exited: $(head -n 1 "$WORK/serve-$i.log")" >&2; exit 1; }
    COOKIE[$i]=$(python3 scripts/bench_login.py "http://127.0.0.1:$port" bench bench-password-123)
done
# Each server brings the stored actions up to today as it starts (from the demo's as-of date,
# that is every patient whose horizon has come since): wait for that, since until then the
# worklist refreshes on view and every page competes with it.
for i in "${!DBS[@]}"; do
    port=$((18091 + i))
    for n in $(seq "${SETTLE_MAX:-180}"); do # 5 s each; nothing is logged if nothing was stale
        grep -q "actions refreshed for the population\|actions refresh failed" "$WORK/serve-$i.log" && break
        [ $((n % 6)) -eq 0 ] && curl -sf -m 3 -o /dev/null -H "Cookie: ${COOKIE[$i]}" \
            "http://127.0.0.1:$port/worklist/practice" && break
        sleep 5
    done
    echo "-- ${DBS[$i]##*/}: $(grep -o 'actions refresh.*' "$WORK/serve-$i.log" || echo "no refresh logged; the worklist answers")"
done
sleep "${SETTLE:-10}"
for i in "${!DBS[@]}"; do
    cat >"$WORK/cds-$i.lua" <<LUA
wrk.method = "POST"
wrk.body = io.open("$BODY"):read("*a")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${TOKEN[$i]}"
LUA
done

REQUESTS=("/worklist/practice" "/patients/$PID" "/patients?q=rahimi" "/patients?q=ahmad"
    "/patients?q=%D8%A7%D8%AD%D9%85%D8%AF" "/patients?q=1990-01-01" "CDS patient-view $PID")
if [ ${#ONLY[@]} -gt 0 ]; then
    CHOSEN=()
    for req in "${REQUESTS[@]}"; do
        for want in "${ONLY[@]}"; do [ "$req" = "$want" ] || [ "${req%% *}" = "$want" ] && CHOSEN+=("$req"); done
    done
    [ ${#CHOSEN[@]} -gt 0 ] || { echo "bench_backends_web.sh: --request names none of: ${REQUESTS[*]}" >&2; exit 2; }
    REQUESTS=("${CHOSEN[@]}")
fi
# wrk's output → "p50_ms p90_ms p99_ms requests_per_s non_2xx"
figures() {
    python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s|m)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
pct = {p: ms(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", text, re.M)}
rate = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
print(f"{pct['50']:.2f} {pct['90']:.2f} {pct['99']:.2f} {rate} {bad.group(1) if bad else 0}"
      + (f" ({errors.group(0)})" if errors else ""))
PY
}
: >"$WORK/results.txt"
for r in "${!REQUESTS[@]}"; do
    ORDER=("${!DBS[@]}")
    if [ $((r % 2)) -eq 1 ]; then ORDER=($(printf '%s\n' "${!DBS[@]}" | tac)); fi
    for i in "${ORDER[@]}"; do
        port=$((18091 + i)); req=${REQUESTS[$r]}; out=$WORK/wrk-$r-$i.txt
        before=$(loadavg)
        if [ "${req#CDS}" != "$req" ]; then
            wrk -t2 -c50 -d"${SECS}s" --latency -s "$WORK/cds-$i.lua" \
                "http://127.0.0.1:$port/cds-services/haven-patient-view" >"$out"
        else
            wrk -t2 -c"$CONNECTIONS" -d"${SECS}s" --latency -H "Cookie: ${COOKIE[$i]}" "http://127.0.0.1:$port$req" >"$out"
        fi
        line="$r $i $(figures "$out")"
        echo "$line" >>"$WORK/results.txt"
        found=""
        if [[ $req == "/patients?q="* ]]; then # what the search finds, the same on every backend
            found=" [$(curl -s -H "Cookie: ${COOKIE[$i]}" "http://127.0.0.1:$port$req" | grep -o 'of [0-9]* patients*\.\|No patients found' | head -n 1 || true)]"
        fi
        echo "-- ${NAMES[$i]} $req$found: p50/p90/p99 ms, req/s, non-2xx: ${line#* * } (load average $before)"
    done
done
for i in "${!DBS[@]}"; do echo "-- server $i (${NAMES[$i]}) resident memory: $(ps -o rss= -p "${SERVERS[$i]}") KB"; done

echo "== summary (ratios: database over the first)"
python3 - "$WORK/results.txt" "${#DBS[@]}" "${NAMES[@]}" "${REQUESTS[@]}" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
names, requests = sys.argv[3:3 + n], sys.argv[3 + n:]
rows = {}
for line in open(path):
    r, i, p50, p90, p99, rate, bad = line.split()[:7]
    rows[int(r), int(i)] = (float(p50), float(p99), float(rate), int(bad))
for r, req in enumerate(requests):
    cells = []
    for i in range(n):
        p50, p99, rate, bad = rows[r, i]
        cell = f"{names[i]}: p50 {p50:.1f} ms, p99 {p99:.1f} ms, {rate:,.0f} req/s"
        if bad:
            cell += f", {bad} non-2xx"
        if i:
            b = rows[r, 0]
            cell += f" (p99 ×{p99 / b[1]:.2f}, throughput ×{rate / b[2]:.2f})"
        cells.append(cell)
    print(f"{req}: " + "; ".join(cells))
PY
echo "-- load average at the end: $(loadavg); cores: $(nproc)"
