//! The store's story suite, on a real SQLite file per test.

use haven_core::record::*;
use haven_core::{LanguageTag, NhsNumber, PatientId};
use haven_store::{
    Actor, AuditFiles, AuditVerification, PatientQuery, RecordStream, Store, StoreError,
};
use time::macros::{date, datetime};

struct Db {
    _dir: tempfile::TempDir,
    path: String,
    store: Store,
}

async fn db() -> Db {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("haven.db").to_string_lossy().into_owned();
    let store = Store::open(&path).await.expect("open");
    Db {
        _dir: dir,
        path,
        store,
    }
}

fn actor() -> Actor {
    Actor::new("dr.test")
}

fn patient(given: &str, family: &str) -> Patient {
    let mut p = Patient::new(PatientId::new(""), given, family);
    p.birth_date = Some(date!(1990 - 01 - 01).into());
    p.main_language = LanguageTag::parse("ar").ok();
    p
}

fn life_event(id: &str, pid: &PatientId) -> Entry {
    let body = EntryBody::LifeEvent(LifeEvent {
        kind: LifeEventKind::AsylumRefused,
        date: date!(2026 - 11 - 01),
        note: String::new(),
    });
    Entry::new(
        id.into(),
        pid.clone(),
        body,
        "dr.test".into(),
        datetime!(2026-11-02 10:00 UTC),
    )
}

#[tokio::test]
async fn migrates_an_empty_file_and_reopens_an_existing_one() {
    let db = db().await;
    let p = db
        .store
        .create_patient(&actor(), patient("Amina", "Haddad"), vec![])
        .await
        .expect("create");
    db.store.close().await;
    let again = Store::open(&db.path).await.expect("reopen");
    assert_eq!(
        again
            .patient(p.id.as_str())
            .await
            .expect("patient")
            .patient
            .given_name,
        "Amina"
    );
}

#[tokio::test]
async fn refuses_foreign_and_newer_databases_without_touching_them() {
    let dir = tempfile::tempdir().expect("dir");
    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "not a database at all, just some text that is long enough",
    )
    .expect("write");
    let before = std::fs::read(&text).expect("read");
    assert!(matches!(
        Store::open(&text.to_string_lossy()).await,
        Err(StoreError::NotSqlite { .. })
    ));
    assert_eq!(std::fs::read(&text).expect("read"), before);

    let other = dir.path().join("other.db");
    {
        use sqlx::Connection;
        let mut c =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", other.display()))
                .await
                .expect("connect");
        sqlx::query("CREATE TABLE invoices (id INTEGER)")
            .execute(&mut c)
            .await
            .expect("create");
        c.close().await.expect("close");
    }
    let before = std::fs::read(&other).expect("read");
    let err = Store::open(&other.to_string_lossy())
        .await
        .expect_err("foreign");
    assert!(matches!(err, StoreError::NotHaven { .. }), "{err}");
    assert_eq!(
        std::fs::read(&other).expect("read"),
        before,
        "a refused file is not modified"
    );

    let db = db().await;
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', 1, x'00', 0)")
        .execute(&sqlx::SqlitePool::connect(&db.path).await.expect("pool"))
        .await
        .expect("insert");
    db.store.close().await;
    let err = Store::open(&db.path).await.expect_err("newer");
    assert!(
        matches!(err, StoreError::NewerSchema { found: 9999, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn amend_and_entered_in_error_keep_every_version() {
    let db = db().await;
    let p = db
        .store
        .create_patient(&actor(), patient("Dawit", "Tesfaye"), vec![])
        .await
        .expect("create");
    let v1 = life_event("e1", &p.id);
    db.store.add_entry(&actor(), &v1).await.expect("add");
    let body = EntryBody::LifeEvent(LifeEvent {
        kind: LifeEventKind::AppealDismissed,
        date: date!(2026 - 11 - 01),
        note: "corrected".into(),
    });
    let v2 = v1
        .amend(
            body,
            "dr.b".into(),
            datetime!(2026-11-03 9:00 UTC),
            "wrong event",
        )
        .expect("amend");
    db.store
        .change_entry(&actor(), &v2)
        .await
        .expect("store amend");
    let v3 = v2
        .mark_entered_in_error(
            "dr.c".into(),
            datetime!(2026-11-04 9:00 UTC),
            "wrong patient",
        )
        .expect("eie");
    db.store
        .change_entry(&actor(), &v3)
        .await
        .expect("store eie");

    let history = db.store.entry_history("e1").await.expect("history");
    assert_eq!(
        history.iter().map(|e| e.version).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(history[0].body, v1.body);
    assert_eq!(history[2].status, EntryStatus::EnteredInError);
    assert_eq!(history[2].change.reason, "wrong patient");

    // A stale writer (still at version 1) is refused.
    assert!(matches!(
        db.store.change_entry(&actor(), &v2).await,
        Err(StoreError::VersionConflict { current: 3 })
    ));
    let record = db
        .store
        .record(p.id.as_str(), Visibility::Sensitive)
        .await
        .expect("record");
    assert_eq!(
        record.active().count(),
        0,
        "entered-in-error entries are not active"
    );
    assert_eq!(record.entries.len(), 1, "but they are kept");
}

#[tokio::test]
async fn history_and_audit_cannot_be_deleted_even_with_sql() {
    let db = db().await;
    let p = db
        .store
        .create_patient(&actor(), patient("Reza", "Ahmadi"), vec![])
        .await
        .expect("create");
    db.store
        .add_entry(&actor(), &life_event("e1", &p.id))
        .await
        .expect("add");
    let pool = sqlx::SqlitePool::connect(&db.path).await.expect("pool");
    for sql in [
        "DELETE FROM entries",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM patients",
    ] {
        let err = sqlx::query(sql).execute(&pool).await.expect_err(sql);
        assert!(
            err.to_string().contains("never") || err.to_string().contains("append-only"),
            "{sql}: {err}"
        );
    }
}

#[tokio::test]
async fn audit_chain_verifies_and_detects_tampering() {
    let db = db().await;
    let p = db
        .store
        .create_patient(&actor(), patient("Leyla", "Karimi"), vec![])
        .await
        .expect("create");
    db.store
        .audit_read(&actor(), "patient.view", Some(p.id.as_str()), "")
        .await
        .expect("read");
    assert_eq!(
        db.store.audit_verify().await.expect("verify"),
        AuditVerification::Intact {
            entries: 2,
            unkeyed: 0,
            checkpoints: 0
        }
    );
    let pool = sqlx::SqlitePool::connect(&db.path).await.expect("pool");
    // Tampering needs the trigger gone first: exactly what an attacker with file access does.
    sqlx::query("DROP TRIGGER audit_no_update")
        .execute(&pool)
        .await
        .expect("drop");
    sqlx::query("UPDATE audit_log SET actor = 'someone else' WHERE seq = 1")
        .execute(&pool)
        .await
        .expect("tamper");
    assert!(matches!(
        db.store.audit_verify().await.expect("verify"),
        AuditVerification::Broken { seq: 1, .. }
    ));
}

#[tokio::test]
async fn many_new_entries_call_for_a_checkpoint_and_one_is_written_only_when_the_log_moved() {
    let db = db().await;
    assert_eq!(
        db.store.audit_checkpoint_if_moved().await.expect("none"),
        None
    );
    for i in 0..100 {
        db.store
            .audit_read(&actor(), "patient.view", Some("pat-1"), &i.to_string())
            .await
            .expect("read");
    }
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        db.store.audit_checkpoint_due(),
    )
    .await
    .expect("a hundred entries call for a checkpoint");
    let written = db
        .store
        .audit_checkpoint_if_moved()
        .await
        .expect("checkpoint")
        .expect("the log moved");
    assert_eq!(written.seq, 100);
    assert_eq!(
        db.store.audit_checkpoint_if_moved().await.expect("none"),
        None
    );
    let file = AuditFiles::beside(&db.path).expect("files").checkpoints;
    let text = std::fs::read_to_string(file).expect("checkpoint file");
    assert_eq!(text, format!("{}\n", written.line()));
    assert!(matches!(
        db.store.audit_verify().await.expect("verify"),
        AuditVerification::Intact {
            entries: 100,
            checkpoints: 1,
            ..
        }
    ));
}

#[tokio::test]
async fn search_is_accent_case_and_script_insensitive() {
    let db = db().await;
    let mut a = patient("José", "Müller");
    a.nhs_number = NhsNumber::parse("9434765919").ok();
    a.local_id = Some("L-77".into());
    let mut b = patient("Ahmad", "Rahimi");
    b.native_name = Some("أحمد رحيمي".into());
    let a = db
        .store
        .create_patient(&actor(), a, vec![])
        .await
        .expect("a");
    let b = db
        .store
        .create_patient(&actor(), b, vec![])
        .await
        .expect("b");
    let find = |text: &str| {
        let store = db.store.clone();
        let q = PatientQuery {
            text: Some(text.into()),
            limit: 50,
            ..Default::default()
        };
        async move {
            store
                .search_patients(&q)
                .await
                .expect("search")
                .0
                .into_iter()
                .map(|s| s.patient.id.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("jose muller").await, vec![a.id.to_string()]);
    assert_eq!(find("MÜLL").await, vec![a.id.to_string()]);
    assert_eq!(find("943 476 5919").await, vec![a.id.to_string()]);
    assert_eq!(find("L-77").await, vec![a.id.to_string()]);
    assert_eq!(find("1990-01-01").await.len(), 2);
    assert_eq!(
        find("احمد").await,
        vec![b.id.to_string()],
        "alef with hamza matches plain alef"
    );
    assert!(find("nobody").await.is_empty());
    assert_eq!(
        find("jo").await,
        vec![a.id.to_string()],
        "short queries still match"
    );
    // A renamed patient is found by the new name only.
    let mut renamed = db.store.patient(a.id.as_str()).await.expect("patient");
    renamed.patient.family_name = "Moreno".into();
    db.store
        .update_patient(
            &actor(),
            &renamed.patient,
            renamed.version,
            "name spelled as in passport",
        )
        .await
        .expect("rename");
    assert_eq!(find("moreno").await, vec![a.id.to_string()]);
    assert!(find("muller").await.is_empty());
}

#[tokio::test]
async fn patients_stored_before_name_keys_get_them_when_the_file_is_opened() {
    let db = db().await;
    let mut p = patient("Mahmoud", "Abdelrahman");
    p.phone = Some("07700 900123".into());
    let p = db
        .store
        .create_patient(&actor(), p, vec![])
        .await
        .expect("create");
    db.store.close().await;
    // The file as a build before migration 0006's keys (or with another key version) left it.
    {
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&db.path)
            .await
            .expect("connect");
        for sql in [
            "UPDATE patients SET search_key = NULL, phone_key = NULL",
            "DELETE FROM haven_meta WHERE key = 'name-keys'",
        ] {
            sqlx::query(sql)
                .execute(&mut conn)
                .await
                .expect("strip keys");
        }
    }
    let store = Store::open(&db.path).await.expect("reopen");
    let q = PatientQuery {
        text: Some("Abd al-Rahman".into()),
        limit: 10,
        ..Default::default()
    };
    let (found, _) = store.search_patients(&q).await.expect("search");
    assert_eq!(found.len(), 1, "found by key");
    assert_eq!(found[0].patient.id, p.id);
    let mut again = patient("Other", "Person");
    again.birth_date = None;
    again.phone = Some("+44 7700 900123".into());
    let dupes = store.possible_duplicates(&again).await.expect("check");
    assert_eq!(dupes.len(), 1, "found by phone key");
}

#[tokio::test]
async fn bulk_insert_and_scan_stream_records_in_order() {
    let db = db().await;
    let records: Vec<PatientRecord> = (0..5)
        .map(|i| {
            let mut r = PatientRecord::new(patient(&format!("P{i}"), "Bulk"));
            r.entries
                .push(life_event(&format!("bulk-{i}"), &PatientId::new("")));
            r
        })
        .collect();
    let ids = db
        .store
        .insert_records(
            &actor(),
            "test.load",
            vec![records[..2].to_vec(), records[2..].to_vec()],
            |_| {},
        )
        .await
        .expect("bulk");
    assert_eq!(ids, vec!["pat-1", "pat-2", "pat-3", "pat-4", "pat-5"]);
    let mut seen = Vec::new();
    let n = db
        .store
        .scan_records(&RecordStream::default(), Visibility::Sensitive, |r| {
            seen.push((r.patient.id.to_string(), r.entries.len()))
        })
        .await
        .expect("scan");
    assert_eq!(n, 5);
    assert!(seen.iter().all(|(_, n)| *n == 1));
    let one = RecordStream {
        patient: Some("pat-3".into()),
        ..Default::default()
    };
    let mut only = Vec::new();
    db.store
        .scan_records(&one, Visibility::Sensitive, |r| {
            only.push(r.entries[0].patient.to_string())
        })
        .await
        .expect("scan one");
    assert_eq!(only, vec!["pat-3"]);
    // A scan resumes at a patient, may leave out entries, and stops when told.
    let resume = RecordStream {
        from: Some("pat-3".into()),
        demographics_only: true,
        ..Default::default()
    };
    let mut resumed = Vec::new();
    let visited = db
        .store
        .scan_stamped_records_until(&resume, Visibility::Sensitive, |r, _| {
            resumed.push((r.patient.id.to_string(), r.entries.len()));
            if resumed.len() == 2 {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        })
        .await
        .expect("scan from pat-3");
    assert_eq!(visited, 2);
    assert_eq!(resumed, vec![("pat-3".into(), 0), ("pat-4".into(), 0)]);
    assert_eq!(
        db.store.audit_verify().await.expect("verify"),
        AuditVerification::Intact {
            entries: 5,
            unkeyed: 0,
            checkpoints: 0
        }
    );
}

/// What a refused bulk load leaves: no patient stored, and the WAL back on.
async fn assert_refused_load_left_nothing(db: &Db) {
    let (_, total) = db
        .store
        .search_patients(&PatientQuery::default())
        .await
        .expect("search");
    assert_eq!(total, 0, "nothing of the refused load remains");
    assert_eq!(journal_mode(&db.path).await, "wal");
}

/// The journal mode the file is left in, read on a connection of its own.
async fn journal_mode(path: &str) -> String {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
        .await
        .expect("connect");
    sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .expect("journal mode")
}

#[tokio::test]
async fn a_failed_bulk_load_writes_nothing_and_leaves_the_wal_on() {
    let db = db().await;
    let record = |i: usize, entry: &str| {
        let mut r = PatientRecord::new(patient(&format!("P{i}"), "Bulk"));
        r.entries.push(life_event(entry, &PatientId::new("")));
        r
    };
    // The second batch repeats an entry id of the first: the load fails part-way through.
    let failed = db
        .store
        .insert_records(
            &actor(),
            "test.load",
            vec![vec![record(0, "e-1")], vec![record(1, "e-1")]],
            |_| {},
        )
        .await;
    assert!(failed.is_err(), "a duplicate entry id is refused");
    assert_refused_load_left_nothing(&db).await;
    // The same connections load again normally afterwards.
    let ids = db
        .store
        .insert_records(&actor(), "test.load", vec![vec![record(2, "e-2")]], |_| {})
        .await
        .expect("load");
    assert_eq!(ids, vec!["pat-1"]);
    assert_eq!(journal_mode(&db.path).await, "wal");
    assert_eq!(
        db.store.audit_verify().await.expect("verify"),
        AuditVerification::Intact {
            entries: 1,
            unkeyed: 0,
            checkpoints: 0
        }
    );
}

/// `haven import`'s upsert loads as a bulk load does, and keeps the same promises: all or
/// nothing, the WAL back on afterwards, and the same records as the ordinary upsert.
#[tokio::test]
async fn a_bulk_upsert_is_all_or_nothing_and_leaves_the_wal_on() {
    let db = db().await;
    let record = |i: usize, entry: &str| {
        let id = PatientId::new(format!("ehr-{i}"));
        let mut r = PatientRecord::new(patient(&format!("P{i}"), "Bulk"));
        r.patient.id = id.clone();
        r.entries.push(life_event(entry, &id));
        r
    };
    // The second patient claims the first one's entry: refused whole.
    let failed = db
        .store
        .bulk_upsert_records(&actor(), &[record(0, "e-1"), record(1, "e-1")], "test")
        .await;
    assert!(failed.is_err(), "an entry of another patient is refused");
    assert_refused_load_left_nothing(&db).await;
    let records = [record(0, "e-1"), record(1, "e-2")];
    let summary = db
        .store
        .bulk_upsert_records(&actor(), &records, "test")
        .await
        .expect("import");
    assert_eq!((summary.patients_added, summary.entries_added), (2, 2));
    let again = db
        .store
        .bulk_upsert_records(&actor(), &records, "test")
        .await
        .expect("again");
    assert_eq!((again.patients_added, again.entries_unchanged), (0, 2));
    assert_eq!(journal_mode(&db.path).await, "wal");
    assert_eq!(
        db.store.audit_verify().await.expect("verify"),
        AuditVerification::Intact {
            entries: 2,
            unkeyed: 0,
            checkpoints: 0
        }
    );
}

#[tokio::test]
async fn sensitive_entries_stay_out_of_administrative_views() {
    let db = db().await;
    let p = db
        .store
        .create_patient(&actor(), patient("Mariam", "Yusuf"), vec![])
        .await
        .expect("create");
    let disclosure = EntryBody::Disclosure(Disclosure {
        kind: Some(AbuseKind::Torture),
        disclosed: date!(2026 - 10 - 01),
        note: String::new(),
    });
    db.store
        .add_entry(
            &actor(),
            &Entry::new(
                "d1".into(),
                p.id.clone(),
                disclosure,
                "dr.test".into(),
                datetime!(2026-10-01 9:00 UTC),
            ),
        )
        .await
        .expect("add");
    let admin = db
        .store
        .record(p.id.as_str(), Visibility::Administrative)
        .await
        .expect("admin view");
    assert!(admin.entries.is_empty());
    let clinical = db
        .store
        .record(p.id.as_str(), Visibility::Sensitive)
        .await
        .expect("clinical view");
    assert!(clinical.has_sensitive_history());
}

/// A database with one patient and a backup of it; the backup's path and its manifest's.
async fn backed_up() -> (Db, std::path::PathBuf, std::path::PathBuf) {
    let db = db().await;
    db.store
        .create_patient(&actor(), patient("Samir", "Nasser"), vec![])
        .await
        .expect("create");
    let backup = db._dir.path().join("backup.db");
    let manifest = db.store.backup_to(&actor(), &backup).await.expect("backup");
    (db, backup, manifest)
}

#[tokio::test]
async fn backup_and_restore_round_trip_and_refuse_to_overwrite() {
    let (db, backup, _) = backed_up().await;
    let target = db
        ._dir
        .path()
        .join("restored.db")
        .to_string_lossy()
        .into_owned();
    // The restored copy is sealed with the original database's key, wherever it is restored.
    let audit = AuditFiles {
        key: AuditFiles::beside(&db.path).expect("files").key,
        ..AuditFiles::beside(&target).expect("files")
    };
    let restored = Store::restore(
        &target,
        &backup,
        &audit,
        haven_store::Clock::system(),
        &actor(),
        false,
    )
    .await
    .expect("restore");
    assert_eq!(restored.count_patients().await.expect("count"), 1);
    restored.close().await;
    assert!(matches!(
        Store::restore(
            &target,
            &backup,
            &audit,
            haven_store::Clock::system(),
            &actor(),
            false
        )
        .await,
        Err(StoreError::RestoreTargetNotEmpty)
    ));
    assert!(
        Store::restore(
            &target,
            &backup,
            &audit,
            haven_store::Clock::system(),
            &actor(),
            true
        )
        .await
        .is_ok()
    );
}

#[tokio::test]
async fn a_restore_needs_the_backup_s_audit_key_and_its_log_verifies_against_the_manifest() {
    let (db, backup, manifest) = backed_up().await;
    assert_eq!(manifest, haven_store::manifest_path(&backup));
    let target = db._dir.path().join("elsewhere.db");
    let target = target.to_str().expect("utf-8");
    let beside_target = AuditFiles::beside(target).expect("files");
    assert!(matches!(
        Store::restore(
            target,
            &backup,
            &beside_target,
            haven_store::Clock::system(),
            &actor(),
            false
        )
        .await,
        Err(StoreError::AuditKeyMissing { .. })
    ));
    // Another database's key does not open this backup's log either.
    let other = db._dir.path().join("other.db");
    Store::open(other.to_str().expect("utf-8"))
        .await
        .expect("other")
        .close()
        .await;
    let with_other_key = AuditFiles {
        key: AuditFiles::beside(other.to_str().expect("utf-8"))
            .expect("files")
            .key,
        ..beside_target.clone()
    };
    assert!(matches!(
        Store::restore(
            target,
            &backup,
            &with_other_key,
            haven_store::Clock::system(),
            &actor(),
            false
        )
        .await,
        Err(StoreError::AuditKeyMismatch { .. })
    ));
    assert!(
        !std::path::Path::new(target).exists(),
        "a refused restore creates nothing"
    );
    let with_key = AuditFiles {
        key: AuditFiles::beside(&db.path).expect("files").key,
        ..beside_target
    };
    let restored = Store::restore(
        target,
        &backup,
        &with_key,
        haven_store::Clock::system(),
        &actor(),
        false,
    )
    .await
    .expect("restore");
    assert!(matches!(
        restored
            .audit_verify_against(&[manifest])
            .await
            .expect("verify"),
        AuditVerification::Intact {
            entries: 3,
            unkeyed: 0,
            checkpoints: 2
        }
    ));
}

#[tokio::test]
async fn actions_follow_every_change_and_refresh_when_the_day_or_policy_changes() {
    use haven_core::policy::Policy;
    use haven_store::ActionQuery;
    let db = db().await;
    let p = db
        .store
        .create_patient(&actor(), patient("Hana", "Abebe"), vec![])
        .await
        .expect("create");
    let rules_of = |store: Store| async move {
        let q = ActionQuery {
            limit: 100,
            ..Default::default()
        };
        store
            .actions(&q)
            .await
            .expect("actions")
            .0
            .into_iter()
            .map(|a| a.action.rule.id())
            .collect::<Vec<_>>()
    };
    assert!(
        !rules_of(db.store.clone())
            .await
            .contains(&"risk.reassess-after-event")
    );
    // A refusal yesterday: the urgent review appears at once, in the same transaction.
    let today = time::OffsetDateTime::now_utc().date();
    let body = EntryBody::LifeEvent(LifeEvent {
        kind: LifeEventKind::AsylumRefused,
        date: today.previous_day().expect("date"),
        note: String::new(),
    });
    let entry = Entry::new(
        "ev".into(),
        p.id.clone(),
        body,
        "dr.test".into(),
        time::OffsetDateTime::now_utc(),
    );
    db.store.add_entry(&actor(), &entry).await.expect("add");
    let first = rules_of(db.store.clone()).await;
    assert_eq!(
        first.first(),
        Some(&"risk.reassess-after-event"),
        "urgent first: {first:?}"
    );
    // Entered in error: the action goes away.
    let gone = entry
        .mark_entered_in_error(
            "dr.test".into(),
            time::OffsetDateTime::now_utc(),
            "wrong patient",
        )
        .expect("eie");
    db.store
        .change_entry(&actor(), &gone)
        .await
        .expect("change");
    assert!(
        !rules_of(db.store.clone())
            .await
            .contains(&"risk.reassess-after-event")
    );
    // A policy that switches a rule off takes effect on the next refresh.
    let mut policy = Policy::default();
    assert!(
        db.store
            .refresh_actions_if_stale(&policy, today)
            .await
            .expect("refresh")
    );
    assert!(
        !db.store
            .refresh_actions_if_stale(&policy, today)
            .await
            .expect("fresh"),
        "nothing to do the second time"
    );
    policy
        .set("rules.disabled", "advice.wellbeing-not-given")
        .expect("policy");
    assert!(
        db.store
            .refresh_actions_if_stale(&policy, today)
            .await
            .expect("refresh")
    );
    assert!(
        !rules_of(db.store.clone())
            .await
            .contains(&"advice.wellbeing-not-given")
    );
}

#[tokio::test]
async fn worklist_counts_match_the_actions_under_every_filter() {
    use haven_core::policy::Policy;
    use haven_core::rules::Urgency;
    use haven_store::ActionQuery;
    use sqlx::Connection;
    let db = db().await;
    let records: Vec<PatientRecord> = (0..12)
        .map(|i| {
            let mut p = patient(&format!("P{i}"), "Counted");
            p.named_clinician = (i % 3 != 0).then(|| format!("dr.{}", i % 3).as_str().into());
            p.main_language = LanguageTag::parse(["ar", "fa", "ti"][i % 3]).ok();
            let mut r = PatientRecord::new(p);
            if i % 2 == 0 {
                r.entries
                    .push(life_event(&format!("ev-{i}"), &PatientId::new("")));
            }
            r
        })
        .collect();
    db.store
        .insert_records(&actor(), "test.load", vec![records], |_| {})
        .await
        .expect("load");
    let today = time::OffsetDateTime::now_utc().date();
    db.store
        .refresh_actions_if_stale(&Policy::default(), today)
        .await
        .expect("refresh");
    let mut raw = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.path))
        .await
        .expect("connect");
    let filters = [
        ActionQuery::default(),
        ActionQuery {
            clinician: Some("dr.1".into()),
            ..Default::default()
        },
        ActionQuery {
            language: Some("fa".into()),
            urgency: Some(Urgency::Urgent),
            ..Default::default()
        },
        ActionQuery {
            clinician: Some("dr.2".into()),
            rule: Some("risk.reassess-after-event".into()),
            ..Default::default()
        },
        ActionQuery {
            rules_in: Some(vec!["interpreter.book", "continuity.no-named-clinician"]),
            ..Default::default()
        },
    ];
    let check = |counts: haven_store::ActionCounts, rows: Vec<(String, i64)>, q: &ActionQuery| {
        let rank = |u: Urgency| Urgency::ALL.iter().position(|x| *x == u).expect("urgency") as i64;
        let total = rows
            .iter()
            .filter(|(r, k)| {
                q.rule.as_deref().is_none_or(|w| w == r) && q.urgency.is_none_or(|u| rank(u) == *k)
            })
            .count() as i64;
        assert_eq!(counts.total, total, "total for {q:?}");
        for (u, n) in &counts.by_urgency {
            let want = rows
                .iter()
                .filter(|(r, k)| q.rule.as_deref().is_none_or(|w| w == r) && *k == rank(*u))
                .count() as i64;
            assert_eq!(*n, want, "{u:?} for {q:?}");
        }
        let by_rule_total: i64 = counts.by_rule.iter().map(|(_, n)| n).sum();
        let want = rows
            .iter()
            .filter(|(_, k)| q.urgency.is_none_or(|u| rank(u) == *k))
            .count() as i64;
        assert_eq!(by_rule_total, want, "by rule for {q:?}");
    };
    for round in 0..2 {
        for q in &filters {
            let mut sql = String::from("SELECT rule, urgency_rank FROM actions WHERE 1 = 1");
            if let Some(c) = &q.clinician {
                sql += &format!(" AND clinician = '{c}'");
            }
            if let Some(l) = &q.language {
                sql += &format!(" AND language = '{l}'");
            }
            if let Some(rules) = &q.rules_in {
                sql += &format!(" AND rule IN ('{}')", rules.join("', '"));
            }
            let rows: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut raw)
                .await
                .expect("raw");
            assert!(round == 1 || !rows.is_empty() || q.rule.is_some(), "{q:?}");
            let (_, counts) = db.store.actions(q).await.expect("actions");
            check(counts, rows, q);
        }
        // A change to one patient moves their actions; the counts follow in the same transaction.
        if round == 0 {
            let ev = db
                .store
                .record("pat-3", Visibility::Sensitive)
                .await
                .expect("record")
                .entries
                .into_iter()
                .find(|e| e.id.as_str() == "ev-2")
                .expect("event");
            let gone = ev
                .mark_entered_in_error("dr.test".into(), time::OffsetDateTime::now_utc(), "wrong")
                .expect("eie");
            db.store
                .change_entry(&actor(), &gone)
                .await
                .expect("change");
        }
    }
}

#[path = "store/views.rs"]
mod views;

#[path = "store/coordination.rs"]
mod coordination;

/// A deployment secret is made once and is the same ever after, across reopenings; two
/// names give two secrets.
#[tokio::test]
async fn a_deployment_secret_is_made_once_and_kept() {
    let db = db().await;
    let first = db
        .store
        .deployment_secret("cds-card")
        .await
        .expect("secret");
    assert_ne!(first, [0; 32]);
    assert_eq!(
        db.store.deployment_secret("cds-card").await.expect("again"),
        first
    );
    assert_ne!(
        db.store.deployment_secret("other").await.expect("other"),
        first
    );
    let reopened = Store::open(&db.path).await.expect("reopen");
    assert_eq!(
        reopened.deployment_secret("cds-card").await.expect("kept"),
        first
    );
}

/// The clinicians a patient may name: clinician users, any user named, and an id from another
/// system that is no user; a change to a user is a new version of what is served of them.
#[tokio::test]
async fn named_clinicians_are_clinician_users_anyone_named_and_foreign_ids() {
    use haven_store::{Role, User};
    let db = db().await;
    for (username, role) in [
        ("dr.lee", Role::Clinician),
        ("desk", Role::Receptionist),
        ("boss", Role::Admin),
    ] {
        let user = User {
            username: username.into(),
            display_name: format!("{username} display"),
            role,
            password_hash: "x".into(),
            active: true,
        };
        db.store.add_user(&actor(), &user).await.expect("user");
    }
    for named in ["boss", "ehr-gp-9"] {
        let mut p = patient("Amal", "Nasser");
        p.named_clinician = Some(named.into());
        db.store
            .create_patient(&actor(), p, vec![])
            .await
            .expect("patient");
    }
    let all = db.store.named_clinicians(None).await.expect("clinicians");
    let ids: Vec<(&str, Option<&str>, u32)> = all
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_deref(), c.stamp.version))
        .collect();
    assert_eq!(
        ids,
        [
            ("boss", Some("boss display"), 1),
            ("dr.lee", Some("dr.lee display"), 1),
            ("ehr-gp-9", None, 1)
        ]
    );
    db.store
        .set_user_active(&actor(), "dr.lee", false)
        .await
        .expect("deactivate");
    let lee = db
        .store
        .named_clinicians(Some("dr.lee"))
        .await
        .expect("one");
    assert_eq!(lee.len(), 1);
    assert!(!lee[0].active);
    assert_eq!(lee[0].stamp.version, 2);
    assert!(lee[0].stamp.changed_at >= all[1].stamp.changed_at);
    assert!(
        db.store
            .named_clinicians(Some("desk"))
            .await
            .expect("none")
            .is_empty()
    );
}

/// A name search through the trigram index finds every patient with the text in a name,
/// whatever its case or accents, in id order, and declines a text too short for the index.
#[tokio::test]
async fn patients_with_names_holding_a_text_come_from_the_name_index() {
    let db = db().await;
    for (given, family) in [("Amina", "Haddad"), ("Élif", "Hadid"), ("Omar", "Khan")] {
        db.store
            .create_patient(&actor(), patient(given, family), vec![])
            .await
            .expect("patient");
    }
    let ids = |found: Vec<(Patient, haven_store::VersionStamp)>| -> Vec<String> {
        found.into_iter().map(|(p, _)| p.id.to_string()).collect()
    };
    let had = db
        .store
        .patients_with_names_holding(&["HAD".into()])
        .await
        .expect("search")
        .expect("long enough");
    assert_eq!(ids(had), ["pat-1", "pat-2"]);
    let either = db
        .store
        .patients_with_names_holding(&["elif".into(), "khan".into()])
        .await
        .expect("search")
        .expect("long enough");
    assert_eq!(ids(either), ["pat-2", "pat-3"]);
    assert!(
        db.store
            .patients_with_names_holding(&["om".into()])
            .await
            .expect("search")
            .is_none()
    );
}
