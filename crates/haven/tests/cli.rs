//! The `haven` binary end to end, each test on a database of its own: on SQLite (a file) and
//! on PostgreSQL (a database copied from a migrated template), one test body for both
//! (`haven_testdb::both!`). A test that is about a SQLite file stays on SQLite and says why;
//! one that opens no database runs once.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

#[allow(dead_code)] // the server half of the harness is used by some tests only
#[path = "support/server.rs"]
mod server;

#[path = "support/database.rs"]
mod database;

use database::TestDb;

struct Haven {
    dir: tempfile::TempDir,
    database: TestDb,
}

impl Haven {
    /// A database on the running test's backend (`haven_testdb::backend`).
    async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = TestDb::fresh(dir.path()).await;
        Self { dir, database }
    }

    /// A SQLite database, for the tests that run once and for preparing input files.
    fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = TestDb::sqlite(dir.path(), "haven.db");
        Self { dir, database }
    }

    /// What `--db` names: a SQLite file's path or a `postgres://` URL.
    fn db(&self) -> String {
        self.database.url.clone()
    }

    /// `haven` on this test's database, with its audit files.
    fn command(&self) -> Command {
        self.database.haven()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, "")
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn haven");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("wait")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "haven {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "haven {args:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("utf-8")
    }
}

haven_testdb::both! {
    async fn demo_then_worklist_lists_every_rule_in_the_contract_shape() {
        let h = Haven::new().await;
        h.ok(&["migrate"]);
        assert!(
            h.ok(&[
                "demo",
                "--patients",
                "200",
                "--seed",
                "3",
                "--as-of",
                "2026-11-28"
            ])
            .contains("added 200 demo patients")
        );
        let json: Value = serde_json::from_str(&h.ok(&["worklist", "--json", "--as-of", "2026-11-28"]))
            .expect("json");
        assert_eq!(json["as_of"], "2026-11-28");
        let actions = json["actions"].as_array().expect("actions");
        let rules: std::collections::BTreeSet<&str> =
            actions.iter().filter_map(|a| a["rule"].as_str()).collect();
        for info in haven_core::rules::catalogue() {
            assert!(
                rules.contains(info.id.id()),
                "no demo patient triggers {}",
                info.id.id()
            );
        }
        let first = &actions[0];
        for key in [
            "patient", "rule", "section", "urgency", "due", "reason", "resolve",
        ] {
            assert!(first.get(key).is_some(), "missing {key} in {first}");
        }
        let rank = |u: &str| {
            ["urgent", "soon", "routine", "info"]
                .iter()
                .position(|x| *x == u)
                .expect("urgency")
        };
        let order: Vec<usize> = actions
            .iter()
            .map(|a| rank(a["urgency"].as_str().expect("urgency")))
            .collect();
        assert!(
            order.windows(2).all(|w| w[0] <= w[1]),
            "actions are sorted by urgency"
        );

        let one: Value = serde_json::from_str(&h.ok(&[
            "worklist",
            "--json",
            "--patient",
            "pat-7",
            "--as-of",
            "2026-11-28",
        ]))
        .expect("json");
        assert!(
            one["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .all(|a| a["patient"] == "pat-7")
        );
        assert!(
            h.fails(&["worklist", "--patient", "pat-99999"], 1)
                .contains("pat-99999")
        );
        assert!(h.ok(&["audit", "verify"]).contains("intact"));
    }
}

haven_testdb::both! {
    async fn demo_is_deterministic_for_a_seed() {
        let (a, b) = (Haven::new().await, Haven::new().await);
        for h in [&a, &b] {
            h.ok(&[
                "demo",
                "--patients",
                "30",
                "--seed",
                "9",
                "--as-of",
                "2026-11-28",
            ]);
        }
        let args = ["worklist", "--json", "--as-of", "2026-11-28"];
        assert_eq!(a.ok(&args), b.ok(&args));
    }
}

haven_testdb::both! {
    async fn user_add_hashes_and_refuses_duplicates() {
        let h = Haven::new().await;
        let out = h.run_with_stdin(
            &[
                "user",
                "add",
                "dr.amari",
                "--role",
                "clinician",
                "--password-stdin",
            ],
            "correct horse battery\n",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let again = h.run_with_stdin(
            &[
                "user",
                "add",
                "dr.amari",
                "--role",
                "clinician",
                "--password-stdin",
            ],
            "another long password\n",
        );
        assert_eq!(again.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
        let short = h.run_with_stdin(
            &["user", "add", "dr.b", "--role", "admin", "--password-stdin"],
            "short\n",
        );
        assert_eq!(short.status.code(), Some(1));
        assert!(
            h.fails(
                &["user", "add", "x", "--role", "wizard", "--password-stdin"],
                2
            )
            .contains("wizard")
        );
        assert!(h.ok(&["user", "list"]).contains("dr.amari"));
    }
}

async fn password_hash(h: &Haven, user: &str) -> String {
    h.database
        .one(&format!(
            "SELECT password_hash FROM users WHERE username = '{user}'"
        ))
        .await
}

haven_testdb::both! {
    async fn user_passwd_sets_a_new_password_and_refuses_the_unknown_and_the_short() {
        let h = Haven::new().await;
        let add = [
            "user",
            "add",
            "dr.amari",
            "--role",
            "clinician",
            "--password-stdin",
        ];
        assert!(
            h.run_with_stdin(&add, "correct horse battery\n")
                .status
                .success()
        );
        let before = password_hash(&h, "dr.amari").await;

        let out = h.run_with_stdin(
            &["user", "passwd", "dr.amari", "--password-stdin"],
            "a different long passphrase\n",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("new password set for dr.amari"));
        let after = password_hash(&h, "dr.amari").await;
        assert_ne!(before, after);
        assert!(after.starts_with("$argon2id$"));

        let short = h.run_with_stdin(
            &["user", "passwd", "dr.amari", "--password-stdin"],
            "short\n",
        );
        assert_eq!(short.status.code(), Some(1));
        assert_eq!(password_hash(&h, "dr.amari").await, after, "nothing changed");
        let unknown = h.run_with_stdin(
            &["user", "passwd", "dr.nobody", "--password-stdin"],
            "a different long passphrase\n",
        );
        assert_eq!(unknown.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&unknown.stderr).contains("no user named \"dr.nobody\""));
    }
}

haven_testdb::both! {
    async fn serve_demo_on_a_database_with_accounts_says_how_to_sign_in() {
        use std::io::{BufRead, BufReader};
        let h = Haven::new().await;
        let add = [
            "user",
            "add",
            "demo-admin",
            "--role",
            "admin",
            "--password-stdin",
        ];
        assert!(
            h.run_with_stdin(&add, "correct horse battery\n")
                .status
                .success()
        );
        let mut child = h
            .command()
            .args(["serve", "--demo", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn haven serve");
        let mut printed = String::new();
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        for line in lines.by_ref() {
            let line = line.expect("line");
            printed.push_str(&line);
            printed.push('\n');
            if line.starts_with("Haven is ready") {
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        assert!(printed.contains("already holds data"), "{printed}");
        assert!(
            printed.contains("admin         user demo-admin"),
            "{printed}"
        );
        assert!(
            printed.contains("haven user passwd NAME --password-stdin"),
            "{printed}"
        );
    }
}

haven_testdb::both! {
    /// Without `HAVEN_PUBLIC_URL`, links name the address the server is bound to — never the
    /// request's `Host`, which anyone can set.
    async fn serve_makes_links_from_its_bound_address_never_the_host_header() {
        use std::io::{BufRead, BufReader, Read};
        let h = Haven::new().await;
        h.ok(&["migrate"]);
        let mut child = h
            .command()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn haven serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let ready = lines
            .by_ref()
            .map(|l| l.expect("line"))
            .find(|l| l.starts_with("Haven is ready at "))
            .expect("ready line");
        let base = ready
            .trim_start_matches("Haven is ready at ")
            .trim_end_matches('/')
            .to_owned();
        let mut stream =
            std::net::TcpStream::connect(base.trim_start_matches("http://")).expect("connect");
        stream
            .write_all(
                b"GET /fhir/metadata HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n",
            )
            .expect("send");
        let mut response = String::new();
        let read = stream.read_to_string(&mut response);
        let _ = child.kill();
        let _ = child.wait();
        read.expect("response");
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(
            response.contains(&format!("Base: {base}/fhir")),
            "{response}"
        );
        assert!(!response.contains("evil.example"), "{response}");
    }
}

/// Scoring opens no database: once.
#[test]
fn score_prints_contract_json_and_names_the_bad_item() {
    let h = Haven::sqlite();
    let json: Value =
        serde_json::from_str(&h.ok(&["score", "phq9", "--answers", "1,2,1,2,1,2,1,2,1", "--json"]))
            .expect("json");
    assert_eq!(json["instrument"], "phq9");
    assert_eq!(json["total"], 13);
    assert_eq!(json["band"], "moderate");
    assert_eq!(json["flags"], serde_json::json!(["item9-positive"]));
    assert!(
        h.fails(&["score", "phq9", "--answers", "1,2,1,9,1,2,1,2,1"], 1)
            .contains("item 4")
    );
    assert!(
        h.fails(&["score", "gad7", "--answers", "1,2"], 1)
            .contains("7")
    );
    assert!(
        h.fails(&["score", "nope", "--answers", "1"], 1)
            .contains("nope")
    );
}

// About a file that is not a SQLite database: SQLite only.
#[test]
fn foreign_files_are_refused_and_left_untouched() {
    let h = Haven::sqlite();
    std::fs::write(h.db(), b"this is somebody's notes file, not a database").expect("write");
    let err = h.fails(&["migrate"], 1);
    assert!(err.contains("not a SQLite database"), "{err}");
    assert_eq!(
        std::fs::read(h.db()).expect("read"),
        b"this is somebody's notes file, not a database"
    );
    assert!(
        h.fails(&["worklist", "--as-of", "2026-13-01"], 2)
            .contains("YYYY-MM-DD")
    );
}

haven_testdb::both! {
    async fn policy_changes_are_validated_audited_and_change_the_worklist() {
        let h = Haven::new().await;
        h.ok(&["demo", "--patients", "40", "--as-of", "2026-11-28"]);
        let count = |h: &Haven, rule: &str| -> usize {
            let json: Value =
                serde_json::from_str(&h.ok(&["worklist", "--json", "--as-of", "2026-11-28"]))
                    .expect("json");
            json["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .filter(|a| a["rule"] == rule)
                .count()
        };
        assert!(count(&h, "advice.wellbeing-not-given") > 0);
        h.ok(&[
            "policy",
            "set",
            "rules.disabled",
            "advice.wellbeing-not-given",
        ]);
        assert_eq!(count(&h, "advice.wellbeing-not-given"), 0);
        assert!(
            h.fails(&["policy", "set", "pcl5.cutoff", "40"], 1)
                .contains("pcl5.cutoff")
        );
        assert!(h.ok(&["policy", "show"]).contains("(changed)"));
        assert!(h.ok(&["audit", "verify"]).contains("intact"));
    }
}

haven_testdb::both! {
    /// The sensitive permission is the admin's explicit choice: warned about, listed, and absent
    /// unless asked for.
    async fn token_add_grants_the_sensitive_scope_only_when_asked_and_lists_it() {
        let h = Haven::new().await;
        let plain = h.ok(&["token", "add", "EHR", "--scope", "read"]);
        assert!(!plain.contains("WARNING"), "{plain}");
        let sensitive = h.ok(&["token", "add", "Therapy service", "--sensitive"]);
        assert!(
            sensitive.contains("(read, sensitive)") && sensitive.contains("WARNING"),
            "{sensitive}"
        );
        let list = h.ok(&["token", "list"]);
        let sensitivity = |name: &str| {
            let line = list
                .lines()
                .find(|l| l.ends_with(name))
                .unwrap_or_else(|| panic!("{name} in {list}"));
            line.split_whitespace().nth(2).map(str::to_owned)
        };
        assert!(list.contains("SENSITIVE"), "{list}");
        assert_eq!(sensitivity("EHR").as_deref(), Some("no"));
        assert_eq!(sensitivity("Therapy service").as_deref(), Some("yes"));
        assert!(h.ok(&["audit", "verify"]).contains("intact"));
    }
}

// `haven backup` of a SQLite file (PostgreSQL's backup and restore: migrate_db.rs).
#[test]
fn backup_and_restore() {
    let h = Haven::sqlite();
    h.ok(&["demo", "--patients", "5", "--as-of", "2026-11-28"]);
    let backup = h.dir.path().join("b.db").to_string_lossy().into_owned();
    h.ok(&["backup", "--out", &backup]);
    assert!(h.fails(&["restore", &backup], 1).contains("--force"));
    let other = Haven::sqlite();
    // The backup's audit log is sealed with the original database's key, kept outside it.
    assert!(
        other
            .fails(&["restore", &backup], 1)
            .contains("--audit-key")
    );
    // Restored from its own backup, beside the database, as the README says.
    std::fs::copy(
        format!("{}.audit-key", h.db()),
        format!("{}.audit-key", other.db()),
    )
    .expect("restore the key");
    other.ok(&["restore", &backup]);
    assert_eq!(
        h.ok(&["worklist", "--as-of", "2026-11-28"]),
        other.ok(&["worklist", "--as-of", "2026-11-28"])
    );
}

haven_testdb::both! {
    async fn interpreter_report_in_every_format_and_policy_file() {
        let h = Haven::new().await;
        h.ok(&["demo", "--patients", "60", "--as-of", "2026-11-28"]);
        let csv = h.ok(&[
            "report",
            "interpreters",
            "--from",
            "2026-01-01",
            "--to",
            "2026-11-28",
            "--csv",
        ]);
        assert!(
            csv.starts_with("table,row,row_label,column,column_label,value\n"),
            "{csv}"
        );
        let json: Value = serde_json::from_str(&h.ok(&[
            "report",
            "interpreters",
            "--from",
            "2026-01-01",
            "--to",
            "2026-11-28",
            "--json",
        ]))
        .expect("json");
        let by_language = &json["tables"][0];
        assert_eq!(by_language["id"], "by-language");
        for row in by_language["rows"].as_array().expect("rows") {
            let shown: u64 = row["cells"]
                .as_array()
                .expect("cells")
                .iter()
                .filter_map(Value::as_u64)
                .sum();
            assert_eq!(row["total"].as_u64(), Some(shown), "{row}");
        }
        assert!(
            h.fails(
                &[
                    "report",
                    "interpreters",
                    "--from",
                    "2026-11-28",
                    "--to",
                    "2026-01-01"
                ],
                1
            )
            .contains("before")
        );

        let file = h.dir.path().join("policy.toml");
        std::fs::write(&file, "# practice policy\npcl5.cutoff = 31\n").expect("write");
        h.ok(&["--policy-file", &file.to_string_lossy(), "policy", "show"]);
        assert!(h.ok(&["policy", "show"]).contains("pcl5.cutoff = 31"));
        std::fs::write(&file, "pcl5.cutoff = 99\n").expect("write");
        assert!(
            h.fails(
                &["--policy-file", &file.to_string_lossy(), "policy", "show"],
                1
            )
            .contains("line 1")
        );
    }
}

haven_testdb::both! {
    async fn export_then_import_in_any_file_order_round_trips_one_file_at_a_time() {
        let source = Haven::new().await;
        source.ok(&["demo", "--patients", "30", "--as-of", "2026-11-28"]);
        let first = source.dir.path().join("first");
        source.ok(&[
            "export",
            "--out",
            first.to_str().expect("path"),
            "--include-sensitive",
        ]);
        // Patient.ndjson last on the command line, and one broken file among them: the patients
        // are still stored first, the broken file is named and nothing of it is kept.
        let mut files: Vec<String> = std::fs::read_dir(&first)
            .expect("export dir")
            .map(|e| e.expect("entry").path().to_string_lossy().into_owned())
            .collect();
        files.sort_by(|a, b| b.cmp(a));
        let broken = source.dir.path().join("broken.ndjson");
        std::fs::write(&broken, "{\"resourceType\":\"Observation\",\n").expect("write");
        files.push(broken.to_string_lossy().into_owned());
        let target = Haven::new().await;
        let mut args = vec!["import"];
        args.extend(files.iter().map(String::as_str));
        let out = target.run(&args);
        assert!(!out.status.success(), "the broken file fails the command");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("broken.ndjson") && stderr.contains("1 of"),
            "{stderr}"
        );
        let second = target.dir.path().join("second");
        target.ok(&[
            "export",
            "--out",
            second.to_str().expect("path"),
            "--include-sensitive",
        ]);
        for entry in std::fs::read_dir(&first).expect("export dir") {
            let path = entry.expect("entry").path();
            let name = path.file_name().expect("name");
            assert_eq!(
                std::fs::read(&path).expect("first"),
                std::fs::read(second.join(name)).expect("second"),
                "{name:?} differs after the round trip"
            );
        }
    }
}

/// A GP system's record as it exports it: PHQ-9 as its total with only item 9 (as a LOINC
/// answer code), and a GAD-7 as its total only. Codes from haven-core's terminology.
fn recorded_elsewhere_ndjson(phq9_total: i64) -> String {
    use haven_core::terminology::{LOINC, by_key};
    let code =
        |key: &str| serde_json::json!({"coding": [{"system": LOINC, "code": by_key(key).code}]});
    let patient = serde_json::json!({"resourceType": "Patient", "id": "gp-1",
        "name": [{"family": "Rahimi", "given": ["Farid"]}], "birthDate": "1988-04-02"});
    let phq9 = serde_json::json!({"resourceType": "Observation", "id": "gp-phq9", "status": "final",
        "subject": {"reference": "Patient/gp-1"}, "code": code("phq9.total"),
        "effectiveDateTime": "2026-11-20", "valueInteger": phq9_total,
        "component": [{"code": code("phq9.item9"), "valueCodeableConcept": code("answer.2")}]});
    let gad7 = serde_json::json!({"resourceType": "Observation", "id": "gp-gad7", "status": "final",
        "subject": {"reference": "Patient/gp-1"}, "code": code("gad7.total"),
        "effectiveDateTime": "2026-11-20", "valueInteger": 12});
    [patient, phq9, gad7]
        .iter()
        .map(|r| format!("{r}\n"))
        .collect()
}

fn rules_for(actions: &Value, patient: &str) -> Vec<String> {
    actions["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| a["patient"] == patient)
        .filter_map(|a| a["rule"].as_str().map(str::to_owned))
        .collect()
}

/// `haven evaluate` opens no database (checked here): once.
#[test]
fn evaluate_reads_totals_recorded_elsewhere_and_item9_alone() {
    let h = Haven::sqlite();
    let file = h.dir.path().join("gp.ndjson");
    std::fs::write(&file, recorded_elsewhere_ndjson(6)).expect("write");
    let path = file.to_str().expect("path");
    let json: Value =
        serde_json::from_str(&h.ok(&["evaluate", path, "--as-of", "2026-11-28", "--json"]))
            .expect("json");
    let rules = rules_for(&json, "gp-1");
    assert!(rules.iter().any(|r| r == "risk.assess-now"), "{rules:?}");
    assert!(
        rules.iter().any(|r| r == "psych.consider-referral"),
        "{rules:?}"
    );
    let assess = json["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["rule"] == "risk.assess-now")
        .expect("assess-now");
    assert_eq!(assess["due"], "2026-11-20");
    assert!(
        !h.dir.path().join("haven.db").exists(),
        "evaluate touches no database"
    );
    // An impossible total (item 9 alone is 2) is refused, naming file, line and field.
    std::fs::write(&file, recorded_elsewhere_ndjson(1)).expect("write");
    let err = h.fails(&["evaluate", path, "--as-of", "2026-11-28"], 1);
    assert!(
        err.contains("gp.ndjson: line 2: Observation.valueInteger: PHQ-9 total 1 is less than the item answers recorded, which add up to 2"),
        "{err}"
    );
}

haven_testdb::both! {
    async fn import_keeps_results_recorded_elsewhere_and_refuses_the_impossible_whole() {
        let h = Haven::new().await;
        let bad = h.dir.path().join("bad.ndjson");
        std::fs::write(&bad, recorded_elsewhere_ndjson(28)).expect("write");
        let err = h.fails(&["import", bad.to_str().expect("path")], 1);
        assert!(
            err.contains(
                "bad.ndjson: line 2: Observation.valueInteger: 28 is not a possible PHQ-9 total (0–27)"
            ),
            "{err}"
        );
        assert!(
            h.fails(&["worklist", "--patient", "gp-1"], 1)
                .contains("gp-1"),
            "nothing of the refused file is stored"
        );
        let good = h.dir.path().join("gp.ndjson");
        std::fs::write(&good, recorded_elsewhere_ndjson(6)).expect("write");
        let path = good.to_str().expect("path");
        h.ok(&["import", path]);
        let worklist: Value = serde_json::from_str(&h.ok(&[
            "worklist",
            "--json",
            "--patient",
            "gp-1",
            "--as-of",
            "2026-11-28",
        ]))
        .expect("json");
        let rules = rules_for(&worklist, "gp-1");
        assert!(rules.iter().any(|r| r == "risk.assess-now"), "{rules:?}");
        assert!(
            rules.iter().any(|r| r == "psych.consider-referral"),
            "{rules:?}"
        );
        let again = h.ok(&["import", path]);
        assert!(
            again.contains("2 unchanged"),
            "re-import changes nothing: {again}"
        );
        // Exported as recorded (totals, item 9 only, no item-by-item response), and back again.
        let out = h.dir.path().join("export");
        h.ok(&["export", "--out", out.to_str().expect("path")]);
        let observations =
            std::fs::read_to_string(out.join("Observation.ndjson")).expect("observations");
        let phq9: Value = observations
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).expect("json"))
            .find(|o| o["id"] == "gp-phq9")
            .expect("exported");
        assert_eq!(phq9["valueInteger"], 6);
        assert_eq!(phq9["component"].as_array().map(Vec::len), Some(1));
        assert!(!out.join("QuestionnaireResponse.ndjson").exists());
        let copy = Haven::new().await;
        let mut args = vec!["import".to_owned()];
        for entry in std::fs::read_dir(&out).expect("export dir") {
            args.push(entry.expect("entry").path().to_string_lossy().into_owned());
        }
        copy.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let back: Value = serde_json::from_str(&copy.ok(&[
            "worklist",
            "--json",
            "--patient",
            "gp-1",
            "--as-of",
            "2026-11-28",
        ]))
        .expect("json");
        assert_eq!(rules_for(&back, "gp-1"), rules);
    }
}

haven_testdb::both! {
    /// `haven import` keeps the ids of the system it came from, so an id can equal a stored
    /// patient's by chance: the record is never given to another person, and a refusal stores
    /// nothing of the file (the export before and after is byte-identical).
    async fn import_never_gives_a_record_to_another_person() {
        const NHS: &str = "https://fhir.nhs.uk/Id/nhs-number";
        const EVENTS: &str = "https://haven-health.github.io/fhir/CodeSystem/life-event";
        let h = Haven::new().await;
        let file = |name: &str, entries: Vec<Value>| -> String {
            let bundle =
                serde_json::json!({"resourceType": "Bundle", "type": "transaction", "entry": entries});
            let path = h.dir.path().join(name);
            std::fs::write(&path, bundle.to_string()).expect("write");
            path.to_string_lossy().into_owned()
        };
        let patient = |id: &str, family: &str, nhs: Option<&str>| {
            let mut p = serde_json::json!({"resourceType": "Patient", "id": id,
                "name": [{"family": family, "given": ["Amina"]}], "birthDate": "1990-05-01"});
            if let Some(nhs) = nhs {
                p["identifier"] = serde_json::json!([{"system": NHS, "value": nhs}]);
            }
            serde_json::json!({"fullUrl": format!("urn:uuid:{id}"), "resource": p,
                "request": {"method": "PUT", "url": format!("Patient/{id}")}})
        };
        let event = |id: &str, subject: &str| {
            serde_json::json!({"resource": {"resourceType": "Observation", "id": id, "status": "final",
                "subject": {"reference": subject},
                "code": {"coding": [{"system": EVENTS, "code": "asylum-refused"}]},
                "effectiveDateTime": "2026-11-20"},
                "request": {"method": "PUT", "url": format!("Observation/{id}")}})
        };
        let exported = |name: &str| -> Vec<(String, String)> {
            let out = h.dir.path().join(name);
            h.ok(&[
                "export",
                "--out",
                out.to_str().expect("path"),
                "--include-sensitive",
            ]);
            let mut files: Vec<(String, String)> = std::fs::read_dir(&out)
                .expect("export dir")
                .map(|e| {
                    let path = e.expect("entry").path();
                    let text = std::fs::read_to_string(&path).expect("read");
                    (
                        path.file_name()
                            .expect("name")
                            .to_string_lossy()
                            .into_owned(),
                        text,
                    )
                })
                .collect();
            files.sort();
            files
        };
        let first = file(
            "first.json",
            vec![
                patient("pat-3", "Haddad", Some("9000000009")),
                event("ev-1", "Patient/pat-3"),
            ],
        );
        h.ok(&["import", &first]);
        let before = exported("before");

        // Another person under pat-3's id: refused, naming the file, both ids and the field.
        let other = file(
            "other.json",
            vec![
                patient("pat-3", "Tesfaye", None),
                event("ev-2", "Patient/pat-3"),
            ],
        );
        let err = h.fails(&["import", &other], 1);
        assert!(
            err.contains("other.json: Patient pat-3 in the input is not the patient stored as pat-3 (the family name differs), so nothing was imported"),
            "{err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
        let other = file(
            "other-nhs.json",
            vec![patient("pat-3", "Haddad", Some("9434765919"))],
        );
        assert!(
            h.fails(&["import", &other], 1)
                .contains("(the NHS number differs)")
        );
        // A second patient with pat-3's NHS number is never created.
        let twin = file(
            "twin.json",
            vec![patient("ehr-9", "Haddad", Some("9000000009"))],
        );
        assert!(
            h.fails(&["import", &twin], 1)
                .contains("Patient ehr-9 in the input has the same NHS number as patient pat-3")
        );
        // A deliberate change names the stored version; a stale one is refused.
        let mut stale = patient("pat-3", "Haddad-Noor", Some("9000000009"));
        stale["resource"]["birthDate"] = serde_json::json!("1990-05-02");
        stale["request"]["ifMatch"] = serde_json::json!("W/\"4\"");
        let stale_file = file("stale.json", vec![stale.clone()]);
        assert!(
            h.fails(&["import", &stale_file], 1)
                .contains("patient pat-3 is at version 1, not version 4 as If-Match says")
        );
        assert_eq!(exported("after"), before, "nothing was stored");

        // A conditional create that finds pat-3 by NHS number adds to pat-3.
        let mut conditional = patient("their-7", "Someone Else", Some("9000000009"));
        conditional["request"] = serde_json::json!({"method": "POST", "url": "Patient",
            "ifNoneExist": format!("identifier={NHS}|9000000009")});
        let found = file(
            "found.json",
            vec![conditional, event("ev-3", "urn:uuid:their-7")],
        );
        h.ok(&["import", &found]);
        let after = exported("found");
        let patients = &after
            .iter()
            .find(|(n, _)| n == "Patient.ndjson")
            .expect("patients")
            .1;
        assert_eq!(
            patients,
            &before
                .iter()
                .find(|(n, _)| n == "Patient.ndjson")
                .expect("patients")
                .1
        );
        let observations = &after
            .iter()
            .find(|(n, _)| n == "Observation.ndjson")
            .expect("obs")
            .1;
        assert!(
            observations
                .lines()
                .any(|l| l.contains("\"id\":\"ev-3\"") && l.contains("\"reference\":\"Patient/pat-3\"")),
            "{observations}"
        );

        stale["request"]["ifMatch"] = serde_json::json!("W/\"1\"");
        let deliberate = file("deliberate.json", vec![stale]);
        h.ok(&["import", &deliberate]);
        let changed = exported("changed");
        let patients = &changed
            .iter()
            .find(|(n, _)| n == "Patient.ndjson")
            .expect("patients")
            .1;
        assert!(
            patients.contains("Haddad-Noor") && patients.contains("1990-05-02"),
            "{patients}"
        );
    }
}

/// A record from another system: one patient and a life event Haven uses, and seven resources
/// of four types it does not (one line each, NDJSON).
fn other_system_ndjson() -> String {
    let h = "https://haven-health.github.io/fhir";
    let mut lines = vec![
        r#"{"resourceType":"Patient","id":"ehr-1","name":[{"family":"Rahimi","given":["Sara"]}],"birthDate":"1988"}"#.to_owned(),
        format!(
            r#"{{"resourceType":"Observation","id":"ev1","status":"final","subject":{{"reference":"Patient/ehr-1"}},"code":{{"coding":[{{"system":"{h}/CodeSystem/life-event","code":"asylum-refused"}}]}},"effectiveDateTime":"2026-11-20"}}"#
        ),
    ];
    for (resource_type, id) in [
        ("AllergyIntolerance", "a1"),
        ("AllergyIntolerance", "a2"),
        ("MedicationRequest", "m1"),
        ("MedicationRequest", "m2"),
        ("Immunization", "i1"),
        ("Immunization", "i2"),
        ("DiagnosticReport", "d1"),
    ] {
        lines.push(format!(
            r#"{{"resourceType":"{resource_type}","id":"{id}","status":"active","patient":{{"reference":"Patient/ehr-1"}},"subject":{{"reference":"Patient/ehr-1"}}}}"#
        ));
    }
    lines.join("\n") + "\n"
}

const SKIPPED_TYPES: &str = "7 resources of 4 types Haven does not use were skipped: AllergyIntolerance (2), DiagnosticReport (1), Immunization (2), MedicationRequest (2)";

haven_testdb::both! {
    async fn import_and_evaluate_say_which_resource_types_they_skipped() {
        let h = Haven::new().await;
        let file = h.dir.path().join("other-system.ndjson");
        std::fs::write(&file, other_system_ndjson()).expect("write");
        let path = file.to_string_lossy().into_owned();
        let imported = h.ok(&["import", &path]);
        assert_eq!(
            imported,
            format!(
                "{path}: 1 patients added, 0 updated; 1 entries added, 0 changed, 0 unchanged; {SKIPPED_TYPES}\n"
            )
        );
        let out = h.run(&["evaluate", &path, "--as-of", "2026-11-28", "--json"]);
        assert!(out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("note: {SKIPPED_TYPES}")),
            "{stderr}"
        );
        let json: Value = serde_json::from_slice(&out.stdout).expect("the worklist JSON is untouched");
        assert!(
            json["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .any(|a| a["patient"] == "ehr-1" && a["rule"] == "risk.reassess-after-event")
        );
    }
}

haven_testdb::both! {
    /// A resource Haven would read that carries a modifier extension refuses the whole file,
    /// naming the line, the element and the extension; nothing of the file is stored.
    async fn a_modifier_extension_refuses_the_file_and_stores_nothing() {
        let h = Haven::new().await;
        let mut text = other_system_ndjson();
        text = text.replacen(
            r#""effectiveDateTime":"2026-11-20"}"#,
            r#""effectiveDateTime":"2026-11-20","modifierExtension":[{"url":"https://ehr.example/not-the-patient","valueBoolean":true}]}"#,
            1,
        );
        let file = h.dir.path().join("modified.ndjson");
        std::fs::write(&file, text).expect("write");
        let path = file.to_string_lossy().into_owned();
        let stderr = h.fails(&["import", &path], 1);
        assert!(
            stderr.contains(&format!(
                "{path}: line 2: Observation.modifierExtension[0]: the modifier extension \"https://ehr.example/not-the-patient\" changes what this Observation means"
            )),
            "{stderr}"
        );
        let worklist: Value =
            serde_json::from_str(&h.ok(&["worklist", "--json", "--as-of", "2026-11-28"]))
                .expect("json");
        assert_eq!(worklist["actions"], serde_json::json!([]), "nothing stored");
    }
}

haven_testdb::both! {
    async fn the_policy_page_documents_every_setting_as_haven_policy_show_prints_it() {
        let h = Haven::new().await;
        let shown = h.ok(&["policy", "show"]);
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/policy.md"))
            .expect("docs/policy.md");
        let block = doc
            .split("## Settings and defaults")
            .nth(1)
            .and_then(|rest| rest.split("```text\n").nth(1))
            .and_then(|rest| rest.split("```").next())
            .expect("the settings block in docs/policy.md");
        assert_eq!(
            block, shown,
            "docs/policy.md is stale: paste `haven policy show` there"
        );
    }
}

#[path = "cli/audit_trail.rs"]
mod audit_trail;

#[path = "cli/reports.rs"]
mod reports;

#[path = "cli/parts.rs"]
mod parts;

#[path = "cli/evaluate_in_parts.rs"]
mod evaluate_in_parts;

#[path = "cli/practices.rs"]
mod practices;

#[path = "cli/import_in_parts.rs"]
mod import_in_parts;
