//! What the tests of reading in parts share (`evaluate_in_parts.rs`, `import_in_parts.rs`): a
//! demo export, the binary run with its temporary files in a directory of the test's own, and
//! what a run left there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::Haven;

/// A 300-patient demo population of `seed`, exported: its NDJSON files, and a file of another
/// system's (types Haven skips, a resource it cannot use). Kept for the whole test run. Input
/// for the tests, so made on SQLite whatever their backend.
pub fn demo_export(seed: &str) -> Vec<String> {
    let h = Haven::sqlite();
    h.ok(&["migrate"]);
    h.ok(&[
        "demo",
        "--patients",
        "300",
        "--seed",
        seed,
        "--as-of",
        "2026-11-28",
    ]);
    let out = h.dir.path().join("export");
    let out_arg = out.to_string_lossy().into_owned();
    h.ok(&["export", "--out", &out_arg, "--include-sensitive"]);
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .expect("export dir")
        .map(|e| e.expect("entry").path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".ndjson"))
        .collect();
    files.sort();
    let other = h.dir.path().join("other-system.ndjson");
    std::fs::write(&other, super::other_system_ndjson()).expect("write");
    files.push(other.to_string_lossy().into_owned());
    std::mem::forget(h);
    files
}

/// `files` written one after another to `dir/all.ndjson`; its path.
pub fn concatenated(dir: &Path, files: &[String]) -> String {
    let mut text = String::new();
    for f in files {
        text.push_str(&std::fs::read_to_string(f).expect("read"));
    }
    let path = dir.join("all.ndjson");
    std::fs::write(&path, text).expect("write");
    path.to_string_lossy().into_owned()
}

/// `haven` (`--db DB`, from `support/`) `COMMAND FILES… ARGS…`, with `TMPDIR` set to `tmp`
/// and the debug log on (it says how the input was read).
pub fn haven(
    mut haven: Command,
    tmp: &Path,
    command: &str,
    files: &[String],
    args: &[&str],
) -> Output {
    haven
        .arg(command)
        .args(files)
        .args(args)
        .env("TMPDIR", tmp)
        .env("HAVEN_LOG", "haven=debug")
        .stdin(Stdio::null())
        .output()
        .expect("run haven")
}

/// Standard error without the debug log.
pub fn notes(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.contains(" DEBUG "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Whether the debug log says the input was read `how` ("read in 7 parts").
pub fn read_as(out: &Output, how: &str) -> bool {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .any(|l| l.contains(" DEBUG ") && l.contains(how))
}

/// What runs left in `tmp`, besides a database named `unused.db`.
pub fn left_behind(tmp: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(tmp)
        .expect("tmp")
        .map(|e| e.expect("entry").path())
        .filter(|p| !p.to_string_lossy().contains("unused.db"))
        .collect()
}

/// Starts `haven` (given its arguments, many parts: long enough to be caught mid-way) with
/// `TMPDIR` set to `tmp`, sends it Ctrl-C once its parts' files are being written, and checks
/// that it ends as interrupted (130) leaving nothing in `tmp`.
pub fn interrupt_while_parts_are_written(mut haven: Command, tmp: &Path) {
    let mut child = haven
        .env("TMPDIR", tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    loop {
        let written = left_behind(tmp)
            .iter()
            .any(|d| std::fs::read_dir(d).is_ok_and(|mut e| e.next().is_some()));
        if written {
            break;
        }
        assert!(
            child.try_wait().expect("wait").is_none(),
            "finished before its temporary files were seen"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no temporary files"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130), "ended by Ctrl-C");
    assert_eq!(left_behind(tmp), Vec::<PathBuf>::new());
}
