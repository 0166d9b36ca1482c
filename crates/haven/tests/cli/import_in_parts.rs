//! `haven import` read in parts through temporary files (input larger than its memory limit)
//! stores exactly what one pass stores, says the same, refuses with the same error, leaves
//! the database exactly as it was when any part fails, and leaves no temporary file behind
//! after success, failure or Ctrl-C. On both backends.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::OnceLock;

use crate::database::TestDb;

use super::parts::{
    concatenated, demo_export, haven, interrupt_while_parts_are_written, left_behind, notes,
    read_as,
};

/// The demo export every test here reads.
fn export() -> &'static [String] {
    static FILES: OnceLock<Vec<String>> = OnceLock::new();
    FILES.get_or_init(|| demo_export("7"))
}

/// Runs `haven import` into `db` with `TMPDIR` set to `tmp`.
fn import(db: &TestDb, tmp: &Path, files: &[String], extra: &[&str]) -> Output {
    haven(db.haven(), tmp, "import", files, extra)
}

/// Everything `db` holds, as `haven export` writes it: file name and bytes.
fn exported(db: &TestDb) -> Vec<(String, Vec<u8>)> {
    let out = tempfile::tempdir().expect("out");
    let status = db
        .haven()
        .args(["export", "--include-sensitive", "--out"])
        .arg(out.path())
        .stdout(Stdio::null())
        .status()
        .expect("export");
    assert!(status.success());
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(out.path())
        .expect("out")
        .map(|e| {
            let path = e.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("read"))
        })
        .collect();
    files.sort();
    files
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

haven_testdb::both! {
    async fn parts_store_what_one_pass_stores_and_leave_nothing_behind() {
        let files = export();
        let dbs = tempfile::tempdir().expect("dbs");
        let tmp = tempfile::tempdir().expect("tmp");
        let whole_db = TestDb::named(dbs.path(), "whole.db").await;
        let whole = import(&whole_db, tmp.path(), files, &[]);
        ok(&whole);
        assert!(!read_as(&whole, "imported in"), "small input: one pass");
        let stored = exported(&whole_db);
        assert!(stored.iter().any(|(name, _)| name == "Patient.ndjson"));
        for parts in ["2", "7"] {
            let db = TestDb::named(dbs.path(), &format!("parts-{parts}.db")).await;
            let apart = import(&db, tmp.path(), files, &["--parts", parts]);
            ok(&apart);
            assert!(
                read_as(&apart, &format!("imported in {parts} parts")),
                "{}",
                String::from_utf8_lossy(&apart.stderr)
            );
            assert_eq!(whole.stdout, apart.stdout, "{parts} parts: the summary");
            assert_eq!(notes(&whole), notes(&apart), "{parts} parts: the notes");
            assert_eq!(left_behind(tmp.path()), Vec::<PathBuf>::new());
            assert!(
                exported(&db) == stored,
                "{parts} parts store what one pass stores"
            );
            // Again: nothing changes, as one pass says.
            let again_whole = import(&whole_db, tmp.path(), files, &[]);
            let again = import(&db, tmp.path(), files, &["--parts", parts]);
            ok(&again);
            assert_eq!(again_whole.stdout, again.stdout);
            assert!(String::from_utf8_lossy(&again.stdout).contains("0 entries added, 0 changed"));
        }
    }
}

const PARTS: usize = 7;

haven_testdb::both! {
    async fn a_refusal_in_the_last_part_stores_nothing_and_says_what_one_pass_says() {
        let files = export();
        let dir = tempfile::tempdir().expect("dir");
        let tmp = tempfile::tempdir().expect("tmp");
        let all = concatenated(dir.path(), files);
        // A patient of the last part is already stored as someone else: the store refuses it,
        // after the six parts before it were written in the import's transaction.
        let text = std::fs::read_to_string(&all).expect("all");
        let last_part = text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|v| {
                v["resourceType"] == "Patient"
                    && v["id"]
                        .as_str()
                        .is_some_and(|id| haven_fhir::part_of(id, PARTS) == PARTS - 1)
            })
            .expect("a patient of the last part");
        let id = last_part["id"].as_str().expect("id").to_owned();
        let mut someone_else = last_part.clone();
        someone_else["name"] = serde_json::json!([{"family": "Other", "given": ["Someone"]}]);
        someone_else["birthDate"] = serde_json::json!("1950-02-03");
        someone_else
            .as_object_mut()
            .expect("object")
            .remove("identifier");
        let first = dir.path().join("someone-else.json");
        std::fs::write(&first, someone_else.to_string()).expect("write");
        let first = first.to_string_lossy().into_owned();
        let db = TestDb::named(dir.path(), "parts.db").await;
        let copy = TestDb::named(dir.path(), "whole.db").await;
        ok(&import(&db, tmp.path(), std::slice::from_ref(&first), &[]));
        ok(&import(&copy, tmp.path(), &[first], &[]));
        let before = exported(&db);
        let apart = import(
            &db,
            tmp.path(),
            std::slice::from_ref(&all),
            &["--parts", &PARTS.to_string()],
        );
        let whole = import(&copy, tmp.path(), &[all], &[]);
        assert_eq!(whole.status.code(), Some(1));
        assert_eq!(apart.status.code(), Some(1));
        assert!(
            read_as(&apart, "refused by the store"),
            "{}",
            String::from_utf8_lossy(&apart.stderr)
        );
        let error = notes(&apart);
        assert_eq!(notes(&whole), error);
        assert!(
            error.contains(&id) && error.contains("all.ndjson"),
            "{error}"
        );
        assert!(exported(&db) == before, "the database is exactly as it was");
        assert_eq!(left_behind(tmp.path()), Vec::<PathBuf>::new());
    }
}

haven_testdb::both! {
    async fn a_bad_line_is_named_as_one_pass_names_it() {
        let files = export();
        let dir = tempfile::tempdir().expect("dir");
        let tmp = tempfile::tempdir().expect("tmp");
        let all = concatenated(dir.path(), files);
        let mut text = std::fs::read_to_string(&all).expect("all");
        text.push_str(r#"{"resourceType":"Patient","id":"late","birthDate":"2999-01-01"}"#);
        text.push('\n');
        std::fs::write(&all, text).expect("write");
        let whole = import(
            &TestDb::named(dir.path(), "whole.db").await,
            tmp.path(),
            std::slice::from_ref(&all),
            &[],
        );
        let parts_db = TestDb::named(dir.path(), "parts.db").await;
        let apart = import(&parts_db, tmp.path(), &[all], &["--parts", "3"]);
        assert_eq!(apart.status.code(), Some(1));
        assert_eq!(notes(&whole), notes(&apart));
        assert!(notes(&apart).contains("all.ndjson:"), "{}", notes(&apart));
        assert!(
            exported(&parts_db)
                .iter()
                .all(|(name, bytes)| name != "Patient.ndjson" || bytes.is_empty()),
            "nothing stored"
        );
        assert_eq!(left_behind(tmp.path()), Vec::<PathBuf>::new());
    }
}

haven_testdb::both! {
    /// An Observation id used again by a patient of another part: one pass refuses the repeat;
    /// the parts, which cannot see it within any one of them, must too (their keys or the store
    /// tell), and store nothing.
    async fn an_id_repeated_across_parts_is_refused_as_one_pass_refuses_it() {
        let files = export();
        let dir = tempfile::tempdir().expect("dir");
        let tmp = tempfile::tempdir().expect("tmp");
        let all = concatenated(dir.path(), files);
        let text = std::fs::read_to_string(&all).expect("all");
        let lines: Vec<&str> = text.lines().collect();
        let part = |v: &serde_json::Value| {
            let reference = v["subject"]["reference"].as_str()?;
            Some(haven_fhir::part_of(reference.rsplit('/').next()?, PARTS))
        };
        let observations: Vec<(usize, serde_json::Value)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| Some((i, serde_json::from_str::<serde_json::Value>(l).ok()?)))
            .filter(|(_, v)| v["resourceType"] == "Observation" && part(v).is_some())
            .collect();
        let (_, first) = &observations[0];
        let (at, other) = observations
            .iter()
            .rev()
            .find(|(_, v)| part(v) != part(first))
            .expect("an Observation in another part");
        let mut other = other.clone();
        other["id"] = first["id"].clone();
        let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        out[*at] = other.to_string();
        std::fs::write(&all, out.join("\n") + "\n").expect("write");
        let whole = import(
            &TestDb::named(dir.path(), "whole.db").await,
            tmp.path(),
            std::slice::from_ref(&all),
            &[],
        );
        let parts_db = TestDb::named(dir.path(), "parts.db").await;
        let apart = import(
            &parts_db,
            tmp.path(),
            &[all],
            &["--parts", &PARTS.to_string()],
        );
        assert_eq!(whole.status.code(), Some(1));
        assert_eq!(apart.status.code(), Some(1));
        assert_eq!(notes(&whole), notes(&apart));
        assert!(notes(&apart).contains("used twice"), "{}", notes(&apart));
        assert!(
            exported(&parts_db)
                .iter()
                .all(|(name, bytes)| name != "Patient.ndjson" || bytes.is_empty()),
            "nothing stored"
        );
        assert_eq!(left_behind(tmp.path()), Vec::<PathBuf>::new());
    }
}

haven_testdb::both! {
    async fn ctrl_c_removes_the_temporary_files_and_stores_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let tmp = tempfile::tempdir().expect("tmp");
        let db = TestDb::fresh(dir.path()).await;
        let mut command = db.haven();
        command
            .arg("import")
            .args(export())
            .args(["--parts", "64"]);
        interrupt_while_parts_are_written(command, tmp.path());
        assert!(
            exported(&db)
                .iter()
                .all(|(name, bytes)| name != "Patient.ndjson" || bytes.is_empty()),
            "nothing stored"
        );
    }
}

haven_testdb::both! {
    /// Files given apart, a line late in one of them broken: the parts name it as one pass
    /// names that file's error, without reading the input again, and store nothing of any
    /// file (one pass would have stored the good files one at a time, at one pass's memory).
    async fn a_bad_line_in_one_of_several_files_is_named_and_nothing_is_stored() {
        let files = export();
        let dir = tempfile::tempdir().expect("dir");
        let tmp = tempfile::tempdir().expect("tmp");
        let observations = files
            .iter()
            .position(|f| f.ends_with("Observation.ndjson"))
            .expect("Observation.ndjson");
        let mut broken = files.to_vec();
        let text = std::fs::read_to_string(&files[observations]).expect("read");
        let lines = text.lines().count();
        let changed = dir.path().join("Observation.ndjson");
        std::fs::write(&changed, format!("{text}{{\"resourceType\":\n")).expect("write");
        broken[observations] = changed.to_string_lossy().into_owned();
        let whole_db = TestDb::named(dir.path(), "whole.db").await;
        let parts_db = TestDb::named(dir.path(), "parts.db").await;
        let whole = import(&whole_db, tmp.path(), &broken, &[]);
        let apart = import(&parts_db, tmp.path(), &broken, &["--parts", "7"]);
        assert_eq!(apart.status.code(), Some(1));
        assert!(
            read_as(&apart, "a part found the first error"),
            "{}",
            String::from_utf8_lossy(&apart.stderr)
        );
        let said = notes(&apart);
        let mut said_lines = said.lines();
        let first = said_lines.next().expect("an error");
        assert!(
            first.starts_with(&format!(
                "error: {}: line {}: ",
                changed.display(),
                lines + 1
            )),
            "{said}"
        );
        assert!(notes(&whole).contains(first), "one pass names it alike");
        assert_eq!(
            said_lines.next(),
            Some(
                format!(
                    "error: {n} of {n} files were not imported and nothing from them was stored: {}",
                    broken.join(", "),
                    n = broken.len()
                )
                .as_str()
            )
        );
        assert!(
            exported(&parts_db)
                .iter()
                .all(|(_, bytes)| bytes.is_empty()),
            "nothing stored"
        );
        assert_eq!(left_behind(tmp.path()), Vec::<PathBuf>::new());
    }
}
