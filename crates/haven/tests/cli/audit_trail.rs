//! `haven audit verify` against someone who can write the database file but does not hold the
//! audit key: each way of rewriting or shortening the log is named by its first entry. The
//! database's triggers refuse changes to audit rows, so the tampering drops them first, as
//! such a person would.

use haven_testdb::Backend;
use sha2::{Digest, Sha256};

use super::Haven;

/// A few commands' worth of audit entries, each command ending with a checkpoint.
async fn a_day_of_work() -> Haven {
    let h = Haven::new().await;
    h.ok(&["demo", "--patients", "3", "--as-of", "2026-11-28"]);
    for patient in ["pat-1", "pat-2", "pat-3"] {
        h.ok(&["worklist", "--patient", patient, "--as-of", "2026-11-28"]);
    }
    h
}

async fn last_entry(h: &Haven) -> i64 {
    h.database
        .one("SELECT CAST(MAX(seq) AS TEXT) FROM audit_log")
        .await
        .parse()
        .expect("a number")
}

/// Runs `sql` on the database with the append-only triggers gone.
async fn tamper(h: &Haven, sql: &str) {
    let drop_triggers = match h.database.backend {
        Backend::Sqlite => {
            "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;"
        }
        Backend::Postgres => "DROP TRIGGER IF EXISTS audit_no_update ON audit_log;",
    };
    h.database.execute(&format!("{drop_triggers} {sql}")).await;
}

/// What an attacker without the key can compute: the unkeyed SHA-256 chain of earlier Haven
/// versions, from entry `from` to the end.
async fn rechain_without_the_key(h: &Haven, from: i64) {
    let mut prev: String = if from == 1 {
        "0".repeat(64)
    } else {
        h.database
            .one(&format!(
                "SELECT hash FROM audit_log WHERE seq = {}",
                from - 1
            ))
            .await
    };
    let rows = h
        .database
        .rows(&format!(
            "SELECT CAST(seq AS TEXT), at, actor, action, COALESCE(patient_id, ''), detail
             FROM audit_log WHERE seq >= {from} ORDER BY seq"
        ))
        .await;
    let mut updates = String::new();
    for fields in rows {
        let mut h = Sha256::new();
        h.update(prev.as_bytes());
        h.update([0x1f]);
        for field in &fields {
            h.update(field.as_bytes());
            h.update([0x1f]);
        }
        let hash = hex::encode(h.finalize());
        updates.push_str(&format!(
            "UPDATE audit_log SET prev_hash = '{prev}', hash = '{hash}' WHERE seq = {};\n",
            fields[0]
        ));
        prev = hash;
    }
    h.database.execute(&updates).await;
}

/// Deletes entry `seq` and closes the gap: every later entry moves down one. Through negative
/// numbers, so that no row is moved onto one not yet moved (PostgreSQL checks the key at each
/// row, in whatever order it updates them).
fn delete_and_renumber(seq: i64) -> String {
    format!(
        "DELETE FROM audit_log WHERE seq = {seq}; \
         UPDATE audit_log SET seq = 1 - seq WHERE seq > {seq}; \
         UPDATE audit_log SET seq = -seq WHERE seq < 0;"
    )
}

fn verify_fails_at(h: &Haven, seq: i64) -> String {
    let err = h.fails(&["audit", "verify"], 1);
    assert!(
        err.contains(&format!("audit log broken at entry {seq}:")),
        "expected entry {seq} named: {err}"
    );
    err
}

haven_testdb::both! {
    async fn an_honest_log_verifies_against_its_checkpoints() {
        let h = a_day_of_work().await;
        let out = h.ok(&["audit", "verify"]);
        assert!(
            out.starts_with(&format!(
                "audit log intact: {} entries, hash chain verified end to end; ",
                last_entry(&h).await
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
                last_entry(&h).await
            )),
            "{written}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let key = std::fs::metadata(&h.database.audit_key).expect("key file");
            assert_eq!(key.permissions().mode() & 0o777, 0o600, "owner-only key");
        }
    }
}

haven_testdb::both! {
    async fn an_edited_row_is_detected_even_re_chained() {
        let h = a_day_of_work().await;
        tamper(
            &h,
            "UPDATE audit_log SET actor = 'someone else' WHERE seq = 4",
        )
        .await;
        rechain_without_the_key(&h, 4).await;
        verify_fails_at(&h, 4);
    }
}

haven_testdb::both! {
    async fn a_deleted_row_is_detected() {
        let h = a_day_of_work().await;
        tamper(&h, "DELETE FROM audit_log WHERE seq = 2").await;
        assert!(verify_fails_at(&h, 2).contains("entry 2 is missing"));
    }
}

haven_testdb::both! {
    async fn a_deleted_tail_is_detected_by_the_checkpoints() {
        let h = a_day_of_work().await;
        let last = last_entry(&h).await;
        tamper(
            &h,
            &format!("DELETE FROM audit_log WHERE seq > {}", last - 2),
        )
        .await;
        let err = verify_fails_at(&h, last - 1);
        assert!(
            err.contains(&format!("vouches for {last} entries")),
            "{err}"
        );
    }
}

haven_testdb::both! {
    async fn a_deleted_row_re_chained_without_the_key_is_detected() {
        let h = a_day_of_work().await;
        tamper(
            &h,
            &delete_and_renumber(3),
        )
        .await;
        rechain_without_the_key(&h, 3).await;
        let err = verify_fails_at(&h, 3);
        assert!(err.contains("does not match its seal"), "{err}");
    }
}

haven_testdb::both! {
    async fn a_whole_log_rewritten_under_a_new_key_is_caught_by_the_old_checkpoints() {
        let h = a_day_of_work().await;
        tamper(
            &h,
            &delete_and_renumber(2),
        )
        .await;
        rechain_without_the_key(&h, 1).await;
        // With the key file gone too, Haven takes the rewritten log for one from before the key.
        std::fs::remove_file(&h.database.audit_key).expect("remove key");
        let err = h.fails(&["audit", "verify"], 1);
        assert!(
            err.contains("cannot be trusted: it is not signed with this database's audit key"),
            "{err}"
        );
    }
}

haven_testdb::both! {
    async fn an_edited_checkpoint_is_not_trusted() {
        let h = a_day_of_work().await;
        let file = &h.database.audit_checkpoints;
        let text = std::fs::read_to_string(file).expect("checkpoints");
        let last = last_entry(&h).await;
        let forged = text.replace(
            &format!("audit-checkpoint {last} "),
            &format!("audit-checkpoint {} ", last + 5),
        );
        assert_ne!(forged, text);
        std::fs::write(file, forged).expect("forge");
        assert!(
            h.fails(&["audit", "verify"], 1)
                .contains("line 4 cannot be trusted")
        );
    }
}

haven_testdb::both! {
    async fn a_log_from_before_the_audit_key_keeps_verifying() {
        let h = Haven::new().await;
        h.ok(&["migrate"]);
        std::fs::remove_file(&h.database.audit_key).expect("as before the key");
        for seq in 1..=3 {
            h.database
                .execute(&format!(
                    "INSERT INTO audit_log (seq, at, actor, action, patient_id, detail, prev_hash, hash)
                     VALUES ({seq}, '2025-01-01T09:00:00Z', 'dr.earlier', 'patient.view', 'pat-1', '', '', '')"
                ))
                .await;
        }
        tamper(&h, "").await;
        rechain_without_the_key(&h, 1).await;
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
}

// `haven backup` of a SQLite file, read byte by byte (PostgreSQL's backups: migrate_db.rs).
#[tokio::test]
async fn a_backup_cut_short_is_caught_by_its_manifest() {
    let h = a_day_of_work().await;
    let backup = h.dir.path().join("b.db");
    let out = h.ok(&["backup", "--out", backup.to_str().expect("utf-8")]);
    let manifest = h.dir.path().join("b.db.manifest");
    assert!(out.contains("b.db.manifest"), "{out}");
    let key = std::fs::read_to_string(&h.database.audit_key).expect("key");
    let key = key.lines().last().expect("key line");
    let copy = std::fs::read(&backup).expect("backup");
    let raw = hex::decode(key).expect("hex");
    assert!(
        !copy.windows(key.len()).any(|w| w == key.as_bytes())
            && !copy.windows(raw.len()).any(|w| w == raw),
        "the audit key is never in a backup"
    );
    // The backup as a restored database elsewhere, with its key restored beside it.
    let restored = Haven::sqlite();
    std::fs::copy(&backup, restored.db()).expect("copy");
    std::fs::copy(
        &h.database.audit_key,
        format!("{}.audit-key", restored.db()),
    )
    .expect("key");
    let manifest = manifest.to_str().expect("utf-8");
    assert!(
        restored
            .ok(&["audit", "verify", "--checkpoint", manifest])
            .contains("1 checkpoint agrees")
    );
    let last = last_entry(&restored).await;
    tamper(
        &restored,
        &format!("DELETE FROM audit_log WHERE seq = {last}"),
    )
    .await;
    assert!(restored.ok(&["audit", "verify"]).contains("intact"));
    assert!(
        restored
            .fails(&["audit", "verify", "--checkpoint", manifest], 1)
            .contains(&format!("broken at entry {last}: entry {last} is missing"))
    );
}
