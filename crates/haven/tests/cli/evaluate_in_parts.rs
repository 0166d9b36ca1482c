//! `haven evaluate` read in parts through temporary files (input larger than its memory limit)
//! answers exactly as one pass: the same output byte for byte, the same notes, the same first
//! error; and its temporary files are gone after success, failure and Ctrl-C. `haven
//! evaluate` opens no database, so these run once, not once per backend.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use super::parts::{
    concatenated, demo_export, haven, interrupt_while_parts_are_written, left_behind, notes,
    read_as,
};

/// The demo export every test here reads.
fn export() -> &'static [String] {
    static FILES: OnceLock<Vec<String>> = OnceLock::new();
    FILES.get_or_init(|| demo_export("5"))
}

/// Runs `haven evaluate` as of 2026-11-28 with `TMPDIR` set to `tmp`.
fn evaluate(tmp: &Path, files: &[String], extra: &[&str]) -> Output {
    let args: Vec<&str> = ["--as-of", "2026-11-28"]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    haven(
        crate::server::haven(tmp.join("unused.db")),
        tmp,
        "evaluate",
        files,
        &args,
    )
}

#[test]
fn parts_print_what_one_pass_prints_and_leave_nothing_behind() {
    let files = export();
    let tmp = tempfile::tempdir().expect("tmp");
    for format in [&["--json"][..], &[]] {
        let whole = evaluate(tmp.path(), files, format);
        assert!(
            whole.status.success(),
            "{}",
            String::from_utf8_lossy(&whole.stderr)
        );
        for parts in ["2", "7"] {
            let args: Vec<&str> = format.iter().copied().chain(["--parts", parts]).collect();
            let apart = evaluate(tmp.path(), files, &args);
            assert!(
                apart.status.success(),
                "{}",
                String::from_utf8_lossy(&apart.stderr)
            );
            assert!(
                whole.stdout == apart.stdout,
                "{parts} parts, {format:?}: output differs"
            );
            assert!(
                read_as(&apart, &format!("read in {parts} parts")),
                "{}",
                String::from_utf8_lossy(&apart.stderr)
            );
            assert_eq!(notes(&whole), notes(&apart), "{parts} parts: notes differ");
            assert_eq!(left_behind(tmp.path()), Vec::<PathBuf>::new());
        }
    }
    let noted = notes(&evaluate(tmp.path(), files, &["--parts", "3"]));
    assert!(
        noted.contains("skipped"),
        "the other system's file gives notes: {noted}"
    );
}

/// The lines of `files`, with `change` applied to the text of the one named, written to `tmp`.
fn changed(
    tmp: &Path,
    files: &[String],
    name: &str,
    change: impl Fn(String) -> String,
) -> Vec<String> {
    files
        .iter()
        .map(|f| {
            if !f.ends_with(name) {
                return f.clone();
            }
            let text = std::fs::read_to_string(f).expect("read");
            let out = tmp.join(format!("changed-{name}"));
            std::fs::write(&out, change(text)).expect("write");
            out.to_string_lossy().into_owned()
        })
        .collect()
}

const PARTS: usize = 5;

#[test]
fn parts_name_the_first_error_one_pass_names_and_leave_nothing_behind() {
    let files = export();
    let tmp = tempfile::tempdir().expect("tmp");
    let inputs = tempfile::tempdir().expect("inputs");
    // A late Patient with an impossible birth date, and before it an Observation id used
    // again by another patient's Observation (a repeat only seen across parts).
    let late_patient = changed(inputs.path(), files, "Patient.ndjson", |mut text| {
        text.push_str(r#"{"resourceType":"Patient","id":"late","birthDate":"2999-01-01"}"#);
        text.push('\n');
        text
    });
    let repeated = changed(inputs.path(), files, "Observation.ndjson", |text| {
        let lines: Vec<&str> = text.lines().collect();
        let first: serde_json::Value = serde_json::from_str(lines[0]).expect("json");
        let id = first["id"].as_str().expect("id").to_owned();
        let part = |v: &serde_json::Value| {
            let reference = v["subject"]["reference"].as_str().expect("subject");
            let patient = reference.rsplit('/').next().expect("id");
            haven_fhir::part_of(patient, PARTS)
        };
        // The last line of a patient in another part takes the first line's id.
        let (at, other) = lines
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, l)| {
                let v: serde_json::Value = serde_json::from_str(l).ok()?;
                (part(&v) != part(&first)).then_some((i, v))
            })
            .expect("an Observation in another part");
        let mut other = other;
        other["id"] = serde_json::Value::String(id);
        let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        out[at] = other.to_string();
        out.join("\n") + "\n"
    });
    let found = [
        (late_patient, "a part found the first error"),
        (repeated, "a part found the first error"),
    ];
    for (input, how) in found {
        let whole = evaluate(tmp.path(), &input, &[]);
        assert_eq!(whole.status.code(), Some(1));
        let apart = evaluate(tmp.path(), &input, &["--parts", &PARTS.to_string()]);
        assert_eq!(apart.status.code(), Some(1));
        assert!(
            read_as(&apart, how),
            "{}",
            String::from_utf8_lossy(&apart.stderr)
        );
        assert_eq!(notes(&whole), notes(&apart));
        assert!(notes(&apart).starts_with("error: "), "{}", notes(&apart));
        assert!(apart.stdout.is_empty());
        assert_eq!(left_behind(tmp.path()), Vec::<PathBuf>::new());
    }
}

#[test]
fn ctrl_c_removes_the_temporary_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut command = crate::server::haven(tmp.path().join("unused.db"));
    command
        .arg("evaluate")
        .args(export())
        .args(["--as-of", "2026-11-28", "--parts", "64"]);
    interrupt_while_parts_are_written(command, tmp.path());
}

#[test]
fn standard_input_is_read_in_parts_from_disk_as_a_file_is() {
    let tmp = tempfile::tempdir().expect("tmp");
    let all = concatenated(tmp.path(), export());
    let from_file = evaluate(tmp.path(), std::slice::from_ref(&all), &["--json"]);
    assert!(from_file.status.success(), "{}", notes(&from_file));
    std::fs::rename(&all, tmp.path().join("unused.db-input")).expect("move");
    let mut command = crate::server::haven(tmp.path().join("unused.db"));
    let from_stdin = command
        .args([
            "evaluate",
            "-",
            "--as-of",
            "2026-11-28",
            "--json",
            "--parts",
            "3",
        ])
        .env("TMPDIR", tmp.path())
        .env("HAVEN_LOG", "haven=debug")
        .stdin(std::fs::File::open(tmp.path().join("unused.db-input")).expect("input"))
        .output()
        .expect("run haven");
    assert!(from_stdin.status.success(), "{}", notes(&from_stdin));
    assert!(
        read_as(&from_stdin, "read in 3 parts"),
        "{}",
        String::from_utf8_lossy(&from_stdin.stderr)
    );
    assert!(from_file.stdout == from_stdin.stdout, "output differs");
    assert_eq!(notes(&from_file).replace(&all, "stdin"), notes(&from_stdin));
    std::fs::remove_file(tmp.path().join("unused.db-input")).expect("remove");
    assert_eq!(left_behind(tmp.path()), Vec::<PathBuf>::new());
}

/// Faults placed at random in random files of the demo export, each met at another point of one
/// pass (a line that does not read, an id used again, a patient not in the input, a date in
/// the future): read in many parts, the error is one pass's, byte for byte, found by the parts
/// without reading the input again.
#[test]
fn a_fault_anywhere_is_named_by_the_parts_as_one_pass_names_it() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let files = export();
    let tmp = tempfile::tempdir().expect("tmp");
    let inputs = tempfile::tempdir().expect("inputs");
    let faults = (
        0usize..4,
        proptest::collection::vec((any::<usize>(), any::<usize>(), any::<usize>()), 1..3),
        2usize..40,
    );
    let mut runner = TestRunner::new(Config {
        cases: 10,
        ..Config::default()
    });
    runner
        .run(&faults, |(kind, places, parts)| {
            let mut texts: Vec<Vec<String>> = files
                .iter()
                .map(|f| {
                    let text = std::fs::read_to_string(f).expect("read");
                    text.lines().map(str::to_owned).collect()
                })
                .collect();
            for (file, line, other) in places {
                let file = file % texts.len();
                if texts[file].is_empty() {
                    continue;
                }
                let line = line % texts[file].len();
                let text = texts[file][line].clone();
                let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&text) else {
                    continue;
                };
                match kind {
                    0 => texts[file][line] = text[..text.len() / 2].to_owned(),
                    1 => {
                        // Another line's id, of the same type (often another part's patient).
                        let same: Vec<&String> = texts[file]
                            .iter()
                            .filter(|l| l.contains(v["resourceType"].as_str().unwrap_or("?")))
                            .collect();
                        let theirs: serde_json::Value =
                            serde_json::from_str(same[other % same.len()]).expect("json");
                        v["id"] = theirs["id"].clone();
                        texts[file][line] = v.to_string();
                    }
                    // Not a response or the result naming it: either sent to another
                    // patient's part ties two parts together, read in one pass (see
                    // ARCHITECTURE.md).
                    2 if v["subject"]["reference"].is_string()
                        && v["derivedFrom"].is_null()
                        && v["resourceType"] != "QuestionnaireResponse" =>
                    {
                        v["subject"]["reference"] = format!("Patient/gone-{line}").into();
                        texts[file][line] = v.to_string();
                    }
                    _ if v["resourceType"] == "Patient" => {
                        v["birthDate"] = "2999-01-01".into();
                        texts[file][line] = v.to_string();
                    }
                    _ => {}
                }
            }
            let changed: Vec<String> = texts
                .iter()
                .zip(files)
                .map(|(lines, f)| {
                    let name = Path::new(f).file_name().expect("name");
                    let out = inputs.path().join(name);
                    std::fs::write(&out, lines.join("\n") + "\n").expect("write");
                    out.to_string_lossy().into_owned()
                })
                .collect();
            let whole = evaluate(tmp.path(), &changed, &["--json"]);
            let apart = evaluate(
                tmp.path(),
                &changed,
                &["--json", "--parts", &parts.to_string()],
            );
            prop_assert_eq!(whole.status.code(), apart.status.code());
            prop_assert_eq!(notes(&whole), notes(&apart));
            prop_assert!(whole.stdout == apart.stdout, "output differs");
            if whole.status.code() == Some(1) {
                // A line cut short can make a small file read as something other than NDJSON:
                // that input is read in one pass by design (ARCHITECTURE.md), and still named
                // alike (above).
                prop_assert!(
                    read_as(&apart, "a part found the first error")
                        || read_as(&apart, "an input is not NDJSON"),
                    "{}",
                    String::from_utf8_lossy(&apart.stderr)
                );
            }
            prop_assert_eq!(left_behind(tmp.path()), Vec::<PathBuf>::new());
            Ok(())
        })
        .expect("the parts name one pass's error");
}
