#!/usr/bin/env bash
# Peak server memory while FHIR transaction Bundles of about 62 MB are posted to `POST /fhir`,
# one alone and then four at once (issue 15 §3; figures in BENCHMARKS.md). The Bundle is made
# from a demo population's export. Each run uses a fresh server, whose peak resident memory is
# read from /proc/PID/status (VmHWM) after the posts are answered. The Bundle is kept in
# BENCH_DIR and made again only when it is missing.
#   scripts/bench_bundle_memory.sh [HAVEN_BINARY]     default target/release/haven
# Environment: HAVEN_MAX_FHIR_WRITES passes through to the server (default: from the machine).
set -euo pipefail
cd "$(dirname "$0")/.."
H=${1:-target/release/haven}
WORK=${BENCH_DIR:-/tmp/haven-bundle-bench}
PORT=${PORT:-18091}
mkdir -p "$WORK" && rm -f "$WORK"/serve-*

if [ ! -f "$WORK/bundle.json" ]; then
echo "== a demo population, exported, as one transaction Bundle of about 62 MB"
rm -rf "$WORK/source.db" "$WORK/export"
$H --db "$WORK/source.db" demo --patients 6000 --seed 1 --as-of 2026-11-28 >/dev/null
$H --db "$WORK/source.db" export --out "$WORK/export" --include-sensitive >/dev/null
python3 - "$WORK/export" "$WORK/bundle.json" <<'EOF'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
limit = 62_000_000
# Patients first, then every other resource of those patients, until the Bundle is full.
files = sorted(os.listdir(src), key=lambda f: (f != "Patient.ndjson", f))
patients, others = [], []
for f in files:
    with open(os.path.join(src, f)) as fh:
        (patients if f == "Patient.ndjson" else others).extend(json.loads(l) for l in fh if l.strip())
def entry(r):
    return {"resource": r, "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}}
by_patient = {}
for r in others:
    ref = (r.get("subject") or r.get("patient") or {}).get("reference", "")
    if not ref and r.get("participant"):
        ref = r["participant"][0].get("actor", {}).get("reference", "")
    by_patient.setdefault(ref, []).append(r)
entries, size = [], 100
for p in patients:
    group = [entry(p)] + [entry(r) for r in by_patient.get(f"Patient/{p['id']}", [])]
    grown = sum(len(json.dumps(e, separators=(",", ":"))) + 1 for e in group)
    if size + grown > limit:
        break
    entries.extend(group)
    size += grown
with open(out, "w") as fh:
    json.dump({"resourceType": "Bundle", "type": "transaction", "entry": entries}, fh, separators=(",", ":"))
print(f"    {len(entries)} entries, {os.path.getsize(out) / 1e6:.1f} MB")
EOF
fi

# Serves a fresh database, posts the Bundle $1 times at once, prints each status and the
# server's peak resident memory.
run() {
    local n=$1 db="$WORK/serve-$1.db"
    local token
    token=$($H --db "$db" token add bench --scope write | grep -oE 'hvn_[0-9a-f]+')
    $H --db "$db" serve --addr "127.0.0.1:$PORT" >"$WORK/serve-$n.log" 2>&1 &
    local server=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
    local before
    before=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
    local started=$SECONDS posts=()
    for i in $(seq "$n"); do
        curl -s -o "$WORK/response-$n-$i.json" -w "    post $i: %{http_code} in %{time_total} s\n" \
            -H "Authorization: Bearer $token" -H "Content-Type: application/fhir+json" \
            --data-binary @"$WORK/bundle.json" "http://127.0.0.1:$PORT/fhir" &
        posts+=($!)
    done
    wait "${posts[@]}"
    local peak
    peak=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
    echo "    $n at once: server RSS $((before / 1024)) MB before, peak $((peak / 1024)) MB ($((SECONDS - started)) s)"
    kill "$server"
    wait "$server" 2>/dev/null || true
}
echo "== one Bundle"
run 1
echo "== four Bundles at once"
run 4
