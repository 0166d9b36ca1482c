#!/usr/bin/env python3
"""Ask DuckDB the questions `haven evaluate` answers, on the same NDJSON, and compare.

Usage (through scripts/duckdb_compare.sh, which makes the venv with `duckdb`):

    duckdb_compare.py DIR --as-of 2026-11-28 [--haven target/release/haven] [--runs 3]
                      [--same-files] [--before OTHER_HAVEN]

DIR holds a `haven export` (one `<Type>.ndjson` per resource type). The script runs, alternating,
`haven evaluate DIR/*.ndjson --as-of D --json` (all rules) and this script's own DuckDB query
(`--duckdb-only`, in a child process, so that each gets its own CPU time and peak memory from
/usr/bin/time), `--runs` times each, and prints the medians. After every run it checks that
DuckDB's patient set for each rule below equals Haven's, and exits non-zero naming the rule and
patients when they differ.

The SQL matches Haven's rules on input shaped like Haven's own export (BENCHMARKS.md, issue 18,
says what it does not cover): the rules are

- interpreter.need-unknown: no main language (a `communication` with `preferred: true`, else
  one without `preferred`) or no `patient-interpreterRequired` extension;
- interpreter.flag-missing: `patient-interpreterRequired` true and no visible interpreter Flag;
- screening.hiv, screening.hepatitis-b, screening.hepatitis-c: no visible result of the test,
  and the latest visible offer (by date, then meta.lastUpdated, then id) is missing, or is a
  decline more than 365 days (the default policy) before the evaluation date;
- sexual-health.referral: a visible rape or sexual violence disclosure (abuse-history code
  `sexual-violence`), and no sexual health referral started on or after the latest one whose
  status today (its last step dated on or before it) is sent, accepted, seen or completed, or
  declined or not taken up at most 365 days ago.

"Visible" is Haven's: not entered-in-error and not dated after the evaluation date.

With `--before OTHER_HAVEN` (a build of another commit, say main's), that binary runs too, in the
same rotation, and every run of the two must print the same bytes: the JSON, standard error, and
(once, after the timed runs) the table without `--json`; the script exits naming what differs.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile

RULES = [
    "interpreter.need-unknown",
    "interpreter.flag-missing",
    "screening.hiv",
    "screening.hepatitis-b",
    "screening.hepatitis-c",
    "sexual-health.referral",
]

# The files the SQL reads.
READ = [
    "Patient.ndjson",
    "Flag.ndjson",
    "Observation.ndjson",
    "Condition.ndjson",
    "ServiceRequest.ndjson",
]
H = "https://haven-health.github.io/fhir"
INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
# The SNOMED CT concept Haven writes for its interpreter flag ("Interpreter needed").
INTERPRETER_FLAG = ("http://snomed.info/sct", "315594003")
SCREENING_REOFFER_DAYS = 365  # crates/haven-core/src/policy.rs defaults
REFERRAL_REOFFER_DAYS = 365
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"

SQL = f"""
CREATE TEMP VIEW patient AS
SELECT id,
       communication,
       list_filter(extension, lambda e: e.url = '{INTERPRETER_REQUIRED}') AS required
FROM read_json('@DIR@/Patient.ndjson', format = 'newline_delimited',
    columns = {{id: 'VARCHAR',
               communication: 'STRUCT(preferred BOOLEAN)[]',
               extension: 'STRUCT(url VARCHAR, valueBoolean BOOLEAN)[]'}});

CREATE TEMP TABLE need_unknown AS
SELECT id AS patient FROM patient
WHERE NOT (len(list_filter(communication, lambda c: c.preferred IS NULL OR c.preferred)) > 0)
   OR len(required) = 0 OR required[1].valueBoolean IS NULL;

CREATE TEMP TABLE interpreter_flag AS
SELECT DISTINCT substr(subject.reference, 9) AS patient
FROM read_json('@DIR@/Flag.ndjson', format = 'newline_delimited',
    columns = {{status: 'VARCHAR', subject: 'STRUCT(reference VARCHAR)',
               code: 'STRUCT(coding STRUCT(system VARCHAR, code VARCHAR)[])',
               period: 'STRUCT("start" VARCHAR)'}})
WHERE status = 'active'
  AND CAST(left(period."start", 10) AS DATE) <= DATE '@TODAY@'
  AND len(list_filter(code.coding,
        lambda c: c.system = '{INTERPRETER_FLAG[0]}' AND c.code = '{INTERPRETER_FLAG[1]}')) > 0;

CREATE TEMP TABLE flag_missing AS
SELECT id AS patient FROM patient
WHERE required[1].valueBoolean
  AND id NOT IN (SELECT patient FROM interpreter_flag);

CREATE TEMP TABLE screening AS
SELECT substr(subject.reference, 9) AS patient,
       code.coding[1].code AS test,
       valueCodeableConcept.coding[1].code AS status,
       CAST(left(effectiveDateTime, 10) AS DATE) AS date,
       meta.lastUpdated AS changed_at,
       id
FROM read_json('@DIR@/Observation.ndjson', format = 'newline_delimited',
    columns = {{id: 'VARCHAR', status: 'VARCHAR', subject: 'STRUCT(reference VARCHAR)',
               code: 'STRUCT(coding STRUCT(system VARCHAR, code VARCHAR)[])',
               effectiveDateTime: 'VARCHAR',
               meta: 'STRUCT(lastUpdated TIMESTAMPTZ)',
               valueCodeableConcept: 'STRUCT(coding STRUCT(system VARCHAR, code VARCHAR)[])'}})
WHERE code.coding[1].system = '{H}/CodeSystem/screening'
  AND status <> 'entered-in-error'
  AND CAST(left(effectiveDateTime, 10) AS DATE) <= DATE '@TODAY@';

CREATE TEMP TABLE screening_due AS
WITH per_test AS (
  SELECT p.id AS patient, t.test FROM patient p,
    (VALUES ('hiv'), ('hepatitis-b'), ('hepatitis-c')) t(test)
), summary AS (
  SELECT patient, test,
         bool_or(status IN ('result-negative', 'result-positive')) AS resulted,
         arg_max(status, row(date, changed_at, id)) AS latest_status,
         arg_max(date, row(date, changed_at, id)) AS latest_date
  FROM screening GROUP BY patient, test
)
SELECT t.patient, t.test FROM per_test t LEFT JOIN summary s USING (patient, test)
WHERE s.patient IS NULL
   OR (NOT s.resulted AND s.latest_status = 'declined'
       AND DATE '@TODAY@' - s.latest_date > {SCREENING_REOFFER_DAYS});

CREATE TEMP TABLE disclosed AS
SELECT substr(subject.reference, 9) AS patient,
       max(CAST(left(coalesce(recordedDate, onsetDateTime), 10) AS DATE)) AS disclosed
FROM read_json('@DIR@/Condition.ndjson', format = 'newline_delimited',
    columns = {{subject: 'STRUCT(reference VARCHAR)',
               code: 'STRUCT(coding STRUCT(system VARCHAR, code VARCHAR)[])',
               verificationStatus: 'STRUCT(coding STRUCT(system VARCHAR, code VARCHAR)[])',
               recordedDate: 'VARCHAR', onsetDateTime: 'VARCHAR'}})
WHERE list_filter(code.coding, lambda c: c.system = '{H}/CodeSystem/abuse-history')[1].code
      = 'sexual-violence'
  AND coalesce(list_filter(verificationStatus.coding, lambda c: c.system = '{VERIFICATION}')[1].code,
               '') NOT IN ('entered-in-error', 'refuted')
  AND CAST(left(coalesce(recordedDate, onsetDateTime), 10) AS DATE) <= DATE '@TODAY@'
GROUP BY ALL;

-- Each sexual health referral's steps, oldest first: the earlier ones, then the current one.
CREATE TEMP TABLE sexual_health_referral AS
WITH r AS (
  SELECT substr(subject.reference, 9) AS patient,
         list_transform(list_filter(extension, lambda e: e.url = '{H}/StructureDefinition/referral-step'),
           lambda e: {{'status': list_filter(e.extension, lambda x: x.url = 'status')[1].valueCode,
                      'date': CAST(list_filter(e.extension, lambda x: x.url = 'date')[1].valueDate AS DATE)}})
           AS earlier,
         coalesce(list_filter(extension, lambda e: e.url = '{H}/StructureDefinition/referral-status')[1].valueCode,
                  CASE status WHEN 'draft' THEN 'drafted' WHEN 'completed' THEN 'completed'
                              WHEN 'revoked' THEN 'not-taken-up' ELSE 'sent' END) AS current_status,
         CAST(coalesce(list_filter(extension,
                 lambda e: e.url = '{H}/StructureDefinition/referral-status-date')[1].valueDate,
              authoredOn) AS DATE) AS current_date_
  FROM read_json('@DIR@/ServiceRequest.ndjson', format = 'newline_delimited',
      columns = {{status: 'VARCHAR', subject: 'STRUCT(reference VARCHAR)', authoredOn: 'VARCHAR',
                 category: 'STRUCT(coding STRUCT(system VARCHAR, code VARCHAR)[])[]',
                 extension: 'STRUCT(url VARCHAR, valueCode VARCHAR, valueDate VARCHAR,
                     extension STRUCT(url VARCHAR, valueCode VARCHAR, valueDate VARCHAR)[])[]'}})
  WHERE status <> 'entered-in-error'
    AND list_filter(category[1].coding, lambda c: c.system = '{H}/CodeSystem/referral-type')[1].code
        = 'sexual-health'
), steps AS (
  SELECT patient,
         list_append(earlier, {{'status': current_status, 'date': current_date_}}) AS steps
  FROM r
)
SELECT patient, steps[1].date AS started,
       -- Its status today: the last step dated on or before today (steps never go backwards).
       list_filter(steps, lambda s: s.date <= DATE '@TODAY@')[-1] AS today_step
FROM steps
WHERE steps[1].date <= DATE '@TODAY@';

CREATE TEMP TABLE sexual_health AS
SELECT d.patient FROM disclosed d
WHERE NOT EXISTS (
  SELECT 1 FROM sexual_health_referral r
  WHERE r.patient = d.patient AND r.started >= d.disclosed AND r.today_step IS NOT NULL
    AND (r.today_step.status IN ('sent', 'accepted', 'seen', 'completed')
         OR (r.today_step.status IN ('declined', 'not-taken-up')
             AND DATE '@TODAY@' - r.today_step.date <= {REFERRAL_REOFFER_DAYS})));
"""

QUERIES = {
    "interpreter.need-unknown": "SELECT patient FROM need_unknown",
    "interpreter.flag-missing": "SELECT patient FROM flag_missing",
    "screening.hiv": "SELECT patient FROM screening_due WHERE test = 'hiv'",
    "screening.hepatitis-b": "SELECT patient FROM screening_due WHERE test = 'hepatitis-b'",
    "screening.hepatitis-c": "SELECT patient FROM screening_due WHERE test = 'hepatitis-c'",
    "sexual-health.referral": "SELECT patient FROM sexual_health",
}


def duckdb_only(directory, today, out):
    """The timed DuckDB side: read the NDJSON, answer every rule, write {rule: [patients]}."""
    import duckdb

    con = duckdb.connect()
    sql = SQL.replace("@DIR@", directory.replace("'", "''")).replace("@TODAY@", today)
    con.execute(sql)
    answers = {
        rule: sorted(row[0] for row in con.execute(query).fetchall())
        for rule, query in QUERIES.items()
    }
    with open(out, "w") as f:
        json.dump(answers, f)


def timed(cmd, stdout_path, stderr_path=os.devnull):
    """Run `cmd` under /usr/bin/time; return (wall s, CPU s, peak RSS MB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t, open(stdout_path, "w") as out, \
            open(stderr_path, "w") as err:
        fmt = "%e %U %S %M"
        proc = subprocess.run(["/usr/bin/time", "-o", t.name, "-f", fmt, *cmd], stdout=out,
                              stderr=err)
        if proc.returncode != 0:
            sys.exit(f"duckdb_compare: {' '.join(cmd)} failed with status {proc.returncode}")
        wall, user, sys_, rss = t.read().split()[-4:]
    return float(wall), float(user) + float(sys_), int(rss) / 1024


def same_bytes(out, err, what):
    """Exit unless the two havens printed the same bytes (output and standard error)."""
    for kind, paths in ((what, out), ("standard error", err)):
        with open(paths["haven"], "rb") as a, open(paths["before"], "rb") as b:
            if a.read() != b.read():
                sys.exit(f"duckdb_compare: before and after differ in their {kind}")


def haven_sets(path):
    with open(path) as f:
        actions = json.load(f)["actions"]
    sets = {rule: set() for rule in RULES}
    for a in actions:
        if a["rule"] in sets:
            sets[a["rule"]].add(a["patient"])
    return sets


def check(haven_json, duck_json):
    """Fail loudly, naming the rule and some patients, when the two answers differ."""
    haven = haven_sets(haven_json)
    with open(duck_json) as f:
        duck = {rule: set(patients) for rule, patients in json.load(f).items()}
    counts = {}
    for rule in RULES:
        only_haven = sorted(haven[rule] - duck[rule])
        only_duck = sorted(duck[rule] - haven[rule])
        if only_haven or only_duck:
            sys.exit(
                f"duckdb_compare: DISAGREEMENT on {rule}: {len(only_haven)} patients only in"
                f" Haven's answer (first: {only_haven[:5]}), {len(only_duck)} only in DuckDB's"
                f" (first: {only_duck[:5]})"
            )
        counts[rule] = len(haven[rule])
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", help="directory of a `haven export` (<Type>.ndjson files)")
    ap.add_argument("--as-of", required=True, help="evaluation date, YYYY-MM-DD")
    ap.add_argument("--haven", default="target/release/haven", help="the haven binary")
    ap.add_argument("--runs", type=int, default=3, help="runs of each, alternating")
    ap.add_argument(
        "--same-files",
        action="store_true",
        help="give Haven only the files DuckDB reads (by default Haven reads all of DIR)",
    )
    ap.add_argument("--before", help="another haven binary, timed alongside and compared byte for byte")
    ap.add_argument("--duckdb-only", metavar="OUT", help=argparse.SUPPRESS)
    args = ap.parse_args()
    try:
        # Checked here because the SQL takes it as a literal.
        args.as_of = datetime.date.fromisoformat(args.as_of).isoformat()
    except ValueError:
        sys.exit(f"duckdb_compare: --as-of {args.as_of!r} is not a date (YYYY-MM-DD)")
    if args.runs < 1:
        sys.exit(f"duckdb_compare: --runs {args.runs} must be at least 1")
    directory = os.path.abspath(args.dir)

    if args.duckdb_only:
        duckdb_only(directory, args.as_of, args.duckdb_only)
        return

    for needed in READ:
        if not os.path.exists(os.path.join(directory, needed)):
            sys.exit(f"duckdb_compare: {directory} has no {needed}")
    names = READ if args.same_files else [f for f in os.listdir(directory) if f.endswith(".ndjson")]
    files = sorted(os.path.join(directory, f) for f in names)
    evaluate = ["evaluate", *files, "--as-of", args.as_of]
    havens = {"haven": args.haven}
    if args.before:
        havens["before"] = args.before
    duck_cmd = [sys.executable, os.path.abspath(__file__), directory, "--as-of", args.as_of]
    results = {who: [] for who in [*havens, "duckdb"]}
    with tempfile.TemporaryDirectory() as tmp:
        out = {who: os.path.join(tmp, f"{who}.json") for who in results}
        err = {who: os.path.join(tmp, f"{who}.err") for who in havens}
        for run in range(args.runs):
            # Rotate which goes first, so none always meets a warmer page cache.
            order = list(results)
            order = order[run % len(order):] + order[:run % len(order)]
            for who in order:
                if who in havens:
                    results[who].append(timed([havens[who], *evaluate, "--json"], out[who], err[who]))
                else:
                    results[who].append(timed([*duck_cmd, "--duckdb-only", out[who]], os.devnull))
                w, c, m = results[who][-1]
                print(f"run {run + 1} {who:6}: {w:6.2f} s wall {c:6.2f} s CPU {m:7.0f} MB peak",
                      flush=True)
            counts = check(out["haven"], out["duckdb"])
            if args.before:
                same_bytes(out, err, "JSON")
        if args.before:
            for who in havens:
                timed([havens[who], *evaluate], out[who], err[who])
            same_bytes(out, err, "table")
            print("before and after: the same JSON, table and standard error, byte for byte")
    print(f"Haven read {len(files)} files, DuckDB {len(READ)}")
    print("patient sets agree: " + ", ".join(f"{r} {n}" for r, n in counts.items()))
    for who, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        mem = max(r[2] for r in runs)
        print(f"median {who:6}: {wall:6.2f} s wall {cpu:6.2f} s CPU; peak {mem:.0f} MB")


if __name__ == "__main__":
    main()
