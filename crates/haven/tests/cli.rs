//! The `haven` binary end to end, on a real SQLite file per test.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

struct Haven {
    dir: tempfile::TempDir,
}

impl Haven {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn db(&self) -> String {
        self.dir
            .path()
            .join("haven.db")
            .to_string_lossy()
            .into_owned()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, "")
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_haven"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("HAVEN_DB")
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

#[test]
fn demo_then_worklist_lists_every_rule_in_the_contract_shape() {
    let h = Haven::new();
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

#[test]
fn demo_is_deterministic_for_a_seed() {
    let (a, b) = (Haven::new(), Haven::new());
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

#[test]
fn user_add_hashes_and_refuses_duplicates() {
    let h = Haven::new();
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

#[test]
fn score_prints_contract_json_and_names_the_bad_item() {
    let h = Haven::new();
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

#[test]
fn foreign_files_are_refused_and_left_untouched() {
    let h = Haven::new();
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

#[test]
fn policy_changes_are_validated_audited_and_change_the_worklist() {
    let h = Haven::new();
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

#[test]
fn backup_and_restore() {
    let h = Haven::new();
    h.ok(&["demo", "--patients", "5", "--as-of", "2026-11-28"]);
    let backup = h.dir.path().join("b.db").to_string_lossy().into_owned();
    h.ok(&["backup", "--out", &backup]);
    assert!(h.fails(&["restore", &backup], 1).contains("--force"));
    let other = Haven::new();
    other.ok(&["restore", &backup]);
    assert_eq!(
        h.ok(&["worklist", "--as-of", "2026-11-28"]),
        other.ok(&["worklist", "--as-of", "2026-11-28"])
    );
}

#[test]
fn interpreter_report_in_every_format_and_policy_file() {
    let h = Haven::new();
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
    assert!(csv.starts_with("language,language_name,patients_needing,encounters,encounters_needing,professional,unmet\n"), "{csv}");
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
    let rows = json["rows"].as_array().expect("rows");
    assert!(
        rows.iter()
            .all(|r| r["unmet"].as_u64() <= r["encounters_needing"].as_u64())
    );
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

#[test]
fn export_then_import_in_any_file_order_round_trips_one_file_at_a_time() {
    let source = Haven::new();
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
    let target = Haven::new();
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

#[test]
fn import_and_evaluate_say_which_resource_types_they_skipped() {
    let h = Haven::new();
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

/// A resource Haven would read that carries a modifier extension refuses the whole file,
/// naming the line, the element and the extension; nothing of the file is stored.
#[test]
fn a_modifier_extension_refuses_the_file_and_stores_nothing() {
    let h = Haven::new();
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
