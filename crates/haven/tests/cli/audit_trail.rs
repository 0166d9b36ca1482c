//! `haven audit verify` against someone who can write the database file but does not hold the
//! audit key: each way of rewriting or shortening the log is named by its first entry. The
//! database's triggers refuse changes to audit rows, so the tampering drops them first, as
//! such a person would.

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use super::Haven;

/// A few commands' worth of audit entries, each command ending with a checkpoint.
fn a_day_of_work() -> Haven {
    let h = Haven::new();
    h.ok(&["demo", "--patients", "3", "--as-of", "2026-11-28"]);
    for patient in ["pat-1", "pat-2", "pat-3"] {
        h.ok(&["worklist", "--patient", patient, "--as-of", "2026-11-28"]);
    }
    h
}

fn database(h: &Haven) -> Connection {
    Connection::open(h.db()).expect("open the database file")
}

fn last_entry(h: &Haven) -> i64 {
    database(h)
        .query_row("SELECT MAX(seq) FROM audit_log", [], |r| r.get(0))
        .expect("count")
}

/// Runs `sql` on the file with the append-only triggers gone.
fn tamper(h: &Haven, sql: &str) {
    database(h)
        .execute_batch(&format!(
            "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete; {sql}"
        ))
        .expect("tamper");
}

/// What an attacker without the key can compute: the unkeyed SHA-256 chain of earlier Haven
/// versions, from entry `from` to the end.
fn rechain_without_the_key(h: &Haven, from: i64) {
    let conn = database(h);
    let mut prev: String = if from == 1 {
        "0".repeat(64)
    } else {
        conn.query_row(
            "SELECT hash FROM audit_log WHERE seq = ?",
            [from - 1],
            |r| r.get(0),
        )
        .expect("previous")
    };
    let rows: Vec<[String; 6]> = conn
        .prepare(
            "SELECT seq, at, actor, action, COALESCE(patient_id, ''), detail
             FROM audit_log WHERE seq >= ? ORDER BY seq",
        )
        .expect("prepare")
        .query_map([from], |r| {
            Ok([
                r.get::<_, i64>(0)?.to_string(),
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ])
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    for fields in rows {
        let mut h = Sha256::new();
        h.update(prev.as_bytes());
        h.update([0x1f]);
        for field in &fields {
            h.update(field.as_bytes());
            h.update([0x1f]);
        }
        let hash = hex::encode(h.finalize());
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?",
            params![prev, hash, fields[0]],
        )
        .expect("rechain");
        prev = hash;
    }
}

fn verify_fails_at(h: &Haven, seq: i64) -> String {
    let err = h.fails(&["audit", "verify"], 1);
    assert!(
        err.contains(&format!("audit log broken at entry {seq}:")),
        "expected entry {seq} named: {err}"
    );
    err
}

#[test]
fn an_honest_log_verifies_against_its_checkpoints() {
    let h = a_day_of_work();
    let out = h.ok(&["audit", "verify"]);
    assert!(
        out.starts_with(&format!(
            "audit log intact: {} entries, hash chain verified end to end; ",
            last_entry(&h)
        )),
        "{out}"
    );
    assert!(
        out.contains("4 checkpoints agree"),
        "one per command: {out}"
    );
    let written = h.ok(&["audit", "checkpoint"]);
    assert!(
        written.starts_with(&format!(
            "audit checkpoint at entry {} written to ",
            last_entry(&h)
        )),
        "{written}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = std::fs::metadata(format!("{}.audit-key", h.db())).expect("key file");
        assert_eq!(key.permissions().mode() & 0o777, 0o600, "owner-only key");
    }
}

#[test]
fn an_edited_row_is_detected_even_re_chained() {
    let h = a_day_of_work();
    tamper(
        &h,
        "UPDATE audit_log SET actor = 'someone else' WHERE seq = 4",
    );
    rechain_without_the_key(&h, 4);
    verify_fails_at(&h, 4);
}

#[test]
fn a_deleted_row_is_detected() {
    let h = a_day_of_work();
    tamper(&h, "DELETE FROM audit_log WHERE seq = 2");
    assert!(verify_fails_at(&h, 2).contains("entry 2 is missing"));
}

#[test]
fn a_deleted_tail_is_detected_by_the_checkpoints() {
    let h = a_day_of_work();
    let last = last_entry(&h);
    tamper(
        &h,
        &format!("DELETE FROM audit_log WHERE seq > {}", last - 2),
    );
    let err = verify_fails_at(&h, last - 1);
    assert!(
        err.contains(&format!("vouches for {last} entries")),
        "{err}"
    );
}

#[test]
fn a_deleted_row_re_chained_without_the_key_is_detected() {
    let h = a_day_of_work();
    tamper(
        &h,
        "DELETE FROM audit_log WHERE seq = 3; UPDATE audit_log SET seq = seq - 1 WHERE seq > 3;",
    );
    rechain_without_the_key(&h, 3);
    let err = verify_fails_at(&h, 3);
    assert!(err.contains("does not match its seal"), "{err}");
}

#[test]
fn a_whole_log_rewritten_under_a_new_key_is_caught_by_the_old_checkpoints() {
    let h = a_day_of_work();
    tamper(
        &h,
        "DELETE FROM audit_log WHERE seq = 2; UPDATE audit_log SET seq = seq - 1 WHERE seq > 2;",
    );
    rechain_without_the_key(&h, 1);
    // With the key file gone too, Haven takes the rewritten log for one from before the key.
    std::fs::remove_file(format!("{}.audit-key", h.db())).expect("remove key");
    let err = h.fails(&["audit", "verify"], 1);
    assert!(
        err.contains("cannot be trusted: it is not signed with this database's audit key"),
        "{err}"
    );
}

#[test]
fn an_edited_checkpoint_is_not_trusted() {
    let h = a_day_of_work();
    let file = format!("{}.audit-checkpoints", h.db());
    let text = std::fs::read_to_string(&file).expect("checkpoints");
    let last = last_entry(&h);
    let forged = text.replace(
        &format!("audit-checkpoint {last} "),
        &format!("audit-checkpoint {} ", last + 5),
    );
    assert_ne!(forged, text);
    std::fs::write(&file, forged).expect("forge");
    assert!(
        h.fails(&["audit", "verify"], 1)
            .contains("line 4 cannot be trusted")
    );
}

#[test]
fn a_log_from_before_the_audit_key_keeps_verifying() {
    let h = Haven::new();
    h.ok(&["migrate"]);
    std::fs::remove_file(format!("{}.audit-key", h.db())).expect("as before the key");
    let conn = database(&h);
    for seq in 1..=3 {
        conn.execute(
            "INSERT INTO audit_log (seq, at, actor, action, patient_id, detail, prev_hash, hash)
             VALUES (?, '2025-01-01T09:00:00Z', 'dr.earlier', 'patient.view', 'pat-1', '', '', '')",
            [seq],
        )
        .expect("insert");
    }
    drop(conn);
    tamper(&h, "");
    rechain_without_the_key(&h, 1);
    let out = h.ok(&["audit", "verify"]);
    assert!(
        out.starts_with(
            "audit log intact: 4 entries, hash chain verified end to end (the first 3 from before the audit key"
        ),
        "{out}"
    );
    h.ok(&["worklist", "--as-of", "2026-11-28"]);
    assert!(h.ok(&["audit", "verify"]).contains("intact: 5 entries"));
}

#[test]
fn a_backup_cut_short_is_caught_by_its_manifest() {
    let h = a_day_of_work();
    let backup = h.dir.path().join("b.db");
    let out = h.ok(&["backup", "--out", backup.to_str().expect("utf-8")]);
    let manifest = h.dir.path().join("b.db.manifest");
    assert!(out.contains("b.db.manifest"), "{out}");
    let key = std::fs::read_to_string(format!("{}.audit-key", h.db())).expect("key");
    let key = key.lines().last().expect("key line");
    let copy = std::fs::read(&backup).expect("backup");
    let raw = hex::decode(key).expect("hex");
    assert!(
        !copy.windows(key.len()).any(|w| w == key.as_bytes())
            && !copy.windows(raw.len()).any(|w| w == raw),
        "the audit key is never in a backup"
    );
    // The backup as a restored database elsewhere, with its key restored beside it.
    let restored = Haven::new();
    std::fs::copy(&backup, restored.db()).expect("copy");
    std::fs::copy(
        format!("{}.audit-key", h.db()),
        format!("{}.audit-key", restored.db()),
    )
    .expect("key");
    let manifest = manifest.to_str().expect("utf-8");
    assert!(
        restored
            .ok(&["audit", "verify", "--checkpoint", manifest])
            .contains("1 checkpoint agrees")
    );
    let last = last_entry(&restored);
    tamper(
        &restored,
        &format!("DELETE FROM audit_log WHERE seq = {last}"),
    );
    assert!(restored.ok(&["audit", "verify"]).contains("intact"));
    assert!(
        restored
            .fails(&["audit", "verify", "--checkpoint", manifest], 1)
            .contains(&format!("broken at entry {last}: entry {last} is missing"))
    );
}
