//! The clinical-safety hazard log (`docs/safety/hazard-log.md`) names, for every hazard, the
//! tests that prove its control. This test fails when a named test does not exist, so a control
//! cannot quietly lose its proof by a rename or a deletion.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A test function found in the workspace: its name and the file it is in.
struct Found {
    file: PathBuf,
    /// `mod` names declared in that file, for paths through inline modules.
    modules: Vec<String>,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .expect("read a source directory")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every function marked as a test (`#[test]`, `#[tokio::test]`, proptest's `#[test]` inside
/// `proptest!`), every body of haven-store's `both!` (`async fn NAME(db)`, run once per
/// database backend) and of `haven_testdb::both!` (`async fn NAME()`), by name.
fn tests_in(files: &[PathBuf]) -> HashMap<String, Vec<Found>> {
    let mut found: HashMap<String, Vec<Found>> = HashMap::new();
    for file in files {
        let text = std::fs::read_to_string(file).expect("read a source file");
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let modules: Vec<String> = lines
            .iter()
            .filter_map(|l| {
                l.strip_prefix("mod ")
                    .or_else(|| l.strip_prefix("pub mod "))
            })
            .map(|l| l.trim_end_matches([';', '{', ' ']).to_owned())
            .collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(rest) = line
                .strip_prefix("fn ")
                .or_else(|| line.strip_prefix("async fn "))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let on_both_backends = line.starts_with("async fn ")
                && (rest[name.len()..].starts_with("(db) {")
                    || (rest[name.len()..].starts_with("() {") && in_shared_both(&lines[..i])));
            let marked = on_both_backends
                || lines[..i]
                    .iter()
                    .rev()
                    .take_while(|l| l.starts_with("#[") || l.starts_with("///"))
                    .any(|l| l.starts_with("#[test") || l.starts_with("#[tokio::test"));
            if marked {
                found.entry(name).or_default().push(Found {
                    file: file.clone(),
                    modules: modules.clone(),
                });
            }
        }
    }
    found
}

/// Whether the test whose lines come after `before` is the body of `haven_testdb::both!`
/// (its doc comments and attributes, then any runtime it asks for, `tokio(…)`, then the
/// macro's opening line, come before it).
fn in_shared_both(before: &[&str]) -> bool {
    before
        .iter()
        .rev()
        .find(|l| !(l.starts_with("#[") || l.starts_with("///") || l.starts_with("tokio(")))
        .is_some_and(|l| *l == "haven_testdb::both! {")
}

/// The test names a hazard log cites: every backticked name in its `- **Tests:**` items (an
/// item runs on over indented lines), with the line number.
fn cited(log: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_tests = false;
    for (n, line) in log.lines().enumerate() {
        in_tests = line.starts_with("- **Tests:**")
            || (in_tests && line.starts_with(' ') && !line.trim().is_empty());
        if in_tests {
            out.extend(
                line.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(|name| (n + 1, name.to_owned())),
            );
        }
    }
    out
}

/// Why a cited name proves nothing, or `None` when it names a real test. A path
/// (`haven_store::projection::the_format_is_pinned`) must also lead there: each segment before
/// the name is a directory, file or module of the file the test is in.
fn problem(name: &str, tests: &HashMap<String, Vec<Found>>) -> Option<String> {
    let segments: Vec<&str> = name.split("::").collect();
    let (test, path) = segments
        .split_last()
        .expect("split gives one part at least");
    let Some(candidates) = tests.get(*test) else {
        return Some(format!("no test named {test} exists"));
    };
    let leads_there = |f: &Found| {
        path.iter().all(|segment| {
            f.file
                .iter()
                .filter_map(|c| c.to_str())
                .map(|c| c.trim_end_matches(".rs").replace('-', "_"))
                .any(|c| c == *segment)
                || f.modules.iter().any(|m| m == segment)
        })
    };
    if candidates.iter().any(leads_there) {
        None
    } else {
        Some(format!("{test} exists, but not under {}", path.join("::")))
    }
}

#[test]
fn every_test_the_hazard_log_names_exists() {
    let root = workspace();
    let log = std::fs::read_to_string(root.join("docs/safety/hazard-log.md"))
        .expect("docs/safety/hazard-log.md");
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    let tests = tests_in(&files);
    let cited = cited(&log);
    assert!(
        cited.len() >= 20,
        "the log cites only {} tests",
        cited.len()
    );
    let missing: Vec<String> = cited
        .iter()
        .filter_map(|(line, name)| {
            problem(name, &tests).map(|p| format!("line {line}: `{name}`: {p}"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "hazard-log.md names tests that do not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_hazard_names_a_cause_an_effect_a_control_and_its_tests() {
    let log = std::fs::read_to_string(workspace().join("docs/safety/hazard-log.md"))
        .expect("docs/safety/hazard-log.md");
    for hazard in log.split("\n### ").skip(1) {
        let title = hazard.lines().next().unwrap_or_default();
        for part in [
            "- **Cause:**",
            "- **Effect:**",
            "- **Control:**",
            "- **Tests:**",
        ] {
            assert!(hazard.contains(part), "hazard {title:?} has no {part}");
        }
        assert!(!cited(hazard).is_empty(), "hazard {title:?} names no test");
    }
}

#[test]
fn the_check_catches_a_renamed_or_misplaced_test() {
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/haven/tests"), &mut files);
    let tests = tests_in(&files);
    assert_eq!(
        problem("the_check_catches_a_renamed_or_misplaced_test", &tests),
        None
    );
    assert_eq!(
        problem(
            "hazard_log::the_check_catches_a_renamed_or_misplaced_test",
            &tests
        ),
        None
    );
    assert!(problem("no_such_test_anywhere", &tests).is_some());
    assert!(
        problem(
            "haven_fhir::the_check_catches_a_renamed_or_misplaced_test",
            &tests
        )
        .is_some()
    );
    assert_eq!(
        cited("- **Tests:** `a`, `b::c` and `d`\n`not_this`"),
        vec![
            (1, "a".to_owned()),
            (1, "b::c".to_owned()),
            (1, "d".to_owned())
        ]
    );
}
