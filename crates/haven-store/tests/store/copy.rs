//! Moving a practice between the backends (`Store::copy_into`, `haven migrate-db`) and backups
//! of a PostgreSQL database (SQLite files, restored into an empty PostgreSQL): everything
//! arrives, an occupied target is refused untouched, and a changed row is named by table and
//! key. Each test needs PostgreSQL and is skipped without one (required with CI=true).

use haven_store::{Actor, AuditFiles, AuditVerification, Clock, CopyError, Store, StoreError};
use time::macros::date;

use super::backends::{Db, Kind};

fn actor() -> Actor {
    Actor::new("dr.copy")
}

/// A SQLite practice with demo patients, a user, an amended entry and a break-glass grant.
async fn practice() -> Db {
    let db = Db::fresh(Kind::Sqlite).await.expect("a SQLite file");
    let options = haven_demo::DemoOptions {
        seed: 11,
        today: date!(2026 - 12 - 01),
        clinicians: vec!["dr.copy".into()],
    };
    db.store
        .insert_records(
            &actor(),
            "demo.create",
            [haven_demo::generate(&options, 0..40).collect::<Vec<_>>()],
            |_| {},
        )
        .await
        .expect("demo");
    db.store
        .add_user(
            &actor(),
            &haven_store::User {
                username: "dr.copy".into(),
                display_name: "Dr Copy".into(),
                role: haven_store::Role::Clinician,
                password_hash: "not-a-real-hash".into(),
                active: true,
            },
        )
        .await
        .expect("user");
    db.store
        .grant_break_glass(
            &actor(),
            "pat-3",
            "seen out of hours",
            time::OffsetDateTime::now_utc(),
            30,
        )
        .await
        .expect("break glass");
    db
}

/// The PostgreSQL database of `pg`, opened with `key` (the practice's audit key) and a
/// checkpoint file of its own.
async fn with_key(pg: &Db, key: &std::path::Path) -> (Store, AuditFiles) {
    let files = AuditFiles {
        key: key.to_owned(),
        checkpoints: pg._dir_path().join("moved-checkpoints"),
    };
    let store = Store::open_with(&pg.url, &files, Clock::system(), &|_, _| {})
        .await
        .expect("open the target with the practice's key");
    (store, files)
}

#[tokio::test]
async fn a_practice_moves_to_postgres_and_back_with_every_row_view_and_the_audit_chain() {
    let Some(pg) = Db::fresh(Kind::Postgres).await else {
        return;
    };
    let source = practice().await;
    let (target, _) = with_key(&pg, &source.audit.key).await;

    let copied = source
        .store
        .copy_into(&target, &pg.url, Some(&actor()), &|_, _, _| {})
        .await
        .expect("copy");
    let rows = |table: &str| {
        copied
            .tables
            .iter()
            .find(|(t, _)| t == table)
            .map(|(_, n)| *n)
    };
    assert_eq!(rows("patients"), Some(40));
    assert_eq!(rows("users"), Some(1));
    assert_eq!(rows("break_glass"), Some(1));
    assert!(rows("entries").is_some_and(|n| n > 40), "{copied:?}");
    assert_eq!(rows("patient_search"), None, "SQLite's own search table");
    assert_eq!(copied.views, 40);
    // The copy is audited in the source's log before its snapshot, so the copy holds it too.
    for store in [&source.store, &target] {
        let newest = store.audit_recent(None, 1).await.expect("audit");
        assert_eq!(newest[0].action, "database.copy");
        assert!(newest[0].detail.starts_with("to postgres://"), "{newest:?}");
    }

    // The chain verifies on PostgreSQL with the same head, against the source's checkpoints.
    source.store.audit_checkpoint().await.expect("checkpoint");
    assert!(matches!(
        target
            .audit_verify_against(std::slice::from_ref(&source.audit.checkpoints))
            .await
            .expect("verify"),
        AuditVerification::Intact { .. }
    ));
    assert_eq!(
        target.audit_head().await.expect("head"),
        source.store.audit_head().await.expect("head")
    );
    // Identity columns continue after the copied ids; searches and lists answer as before.
    let grant = target
        .grant_break_glass(
            &actor(),
            "pat-4",
            "again",
            time::OffsetDateTime::now_utc(),
            5,
        )
        .await
        .expect("a new grant after the copied one");
    assert_eq!(grant.id, 2);
    assert_eq!(target.count_patients().await.expect("count"), 40);
    let worklist = |store: Store| async move {
        let query = haven_store::ActionQuery {
            limit: 1_000,
            ..Default::default()
        };
        format!("{:?}", store.actions(&query).await.expect("worklist"))
    };
    assert_eq!(
        worklist(target.clone()).await,
        worklist(source.store.clone()).await,
        "the worklist and its counts (kept by triggers) are the same"
    );

    // And back: PostgreSQL into a new SQLite file compares equal to the PostgreSQL database.
    let back_dir = tempfile::tempdir().expect("dir");
    let back_url = back_dir
        .path()
        .join("back.db")
        .to_string_lossy()
        .into_owned();
    let back = Store::open_with(
        &back_url,
        &AuditFiles {
            key: source.audit.key.clone(),
            checkpoints: back_dir.path().join("checkpoints"),
        },
        Clock::system(),
        &|_, _| {},
    )
    .await
    .expect("open");
    target
        .copy_into(&back, &back_url, None, &|_, _, _| {})
        .await
        .expect("copy back");
    let found = back
        .search_patients(&haven_store::PatientQuery {
            text: Some(source_name(&source.store).await),
            ..Default::default()
        })
        .await
        .expect("search");
    assert!(
        found.1 >= 1,
        "name search works on the copy's own search tables"
    );
    target.close().await;
}

async fn source_name(store: &Store) -> String {
    store
        .patient("pat-1")
        .await
        .expect("pat-1")
        .patient
        .family_name
}

#[tokio::test]
async fn a_target_holding_data_is_refused_by_table_and_key_and_left_unchanged() {
    let Some(pg) = Db::fresh(Kind::Postgres).await else {
        return;
    };
    let source = practice().await;
    let (target, _) = with_key(&pg, &source.audit.key).await;
    target
        .create_patient(
            &actor(),
            haven_core::record::Patient::new(haven_core::PatientId::new(""), "Lina", "Haddad"),
            vec![],
        )
        .await
        .expect("a patient already there");
    let before = target.audit_head().await.expect("head");
    let err = source
        .store
        .copy_into(&target, &pg.url, Some(&actor()), &|_, _, _| {})
        .await
        .expect_err("refused");
    let CopyError::TargetNotEmpty { found, .. } = &err else {
        panic!("{err}");
    };
    // The first table in copy order holding a row a new database has not (here the worklist
    // counts the new patient's actions made), by its key.
    assert!(!found.table.is_empty() && !found.key.is_empty(), "{err}");
    assert!(
        err.to_string()
            .contains(&format!("table {}, key ", found.table)),
        "{err}"
    );
    assert!(err.to_string().contains("left it untouched"), "{err}");
    assert_eq!(target.count_patients().await.expect("count"), 1);
    assert_eq!(target.audit_head().await.expect("head"), before);
}

#[tokio::test]
async fn a_row_changed_after_the_copy_is_named_by_table_key_and_column() {
    let Some(pg) = Db::fresh(Kind::Postgres).await else {
        return;
    };
    let source = practice().await;
    let (target, _) = with_key(&pg, &source.audit.key).await;
    source
        .store
        .copy_into(&target, &pg.url, Some(&actor()), &|_, _, _| {})
        .await
        .expect("copy");
    pg.sql("UPDATE patients SET family_name = 'Altered' WHERE id = 'pat-7'")
        .await
        .expect("alter a row behind Haven's back");
    let err = source
        .store
        .compare_with(&target, &|_, _, _| {})
        .await
        .expect_err("a difference");
    let CopyError::Differs(d) = &err else {
        panic!("{err}");
    };
    assert_eq!((d.table.as_str(), d.key.as_str()), ("patients", "pat-7"));
    assert!(d.what.contains("family_name"), "{err}");
    assert!(d.what.contains("Altered"), "{err}");

    // A missing row is named too (the trigger that refuses deletes is Haven's own guard).
    pg.drop_trigger("audit_no_update", "audit_log").await;
    pg.sql("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
        .await
        .expect("remove the newest audit row");
    pg.sql("UPDATE patients SET family_name = 'Nasser' WHERE id = 'pat-7'")
        .await
        .ok();
    let err = source
        .store
        .compare_with(&target, &|_, _, _| {})
        .await
        .expect_err("a difference");
    assert!(err.to_string().contains("table"), "{err}");
}

#[tokio::test]
async fn a_postgres_backup_is_a_verified_sqlite_file_that_restores_into_an_empty_postgres() {
    let Some(pg) = Db::fresh(Kind::Postgres).await else {
        return;
    };
    let source = practice().await;
    let (live, live_files) = with_key(&pg, &source.audit.key).await;
    source
        .store
        .copy_into(&live, &pg.url, None, &|_, _, _| {})
        .await
        .expect("copy");

    let out = pg._dir_path().join("pg-backup.db");
    let manifest = live.backup_to(&actor(), &out).await.expect("backup");
    assert!(out.exists() && manifest.exists());
    assert!(
        !std::path::Path::new(&format!("{}-wal", out.display())).exists(),
        "a backup is one file"
    );
    // The file is an ordinary Haven SQLite database.
    let file = Store::open_with(
        &out.to_string_lossy(),
        &AuditFiles {
            key: source.audit.key.clone(),
            checkpoints: pg._dir_path().join("file-checkpoints"),
        },
        Clock::system(),
        &|_, _| {},
    )
    .await
    .expect("open the backup");
    assert_eq!(file.count_patients().await.expect("count"), 40);
    file.close().await;

    // Restored into another, empty PostgreSQL database with the same key: verified, audited.
    let Some(other) = Db::fresh(Kind::Postgres).await else {
        return;
    };
    let restore_files = AuditFiles {
        key: source.audit.key.clone(),
        checkpoints: other._dir_path().join("restored-checkpoints"),
    };
    let restored = Store::restore(
        &other.url,
        &out,
        &restore_files,
        Clock::system(),
        &actor(),
        false,
    )
    .await
    .expect("restore");
    assert_eq!(restored.count_patients().await.expect("count"), 40);
    assert!(matches!(
        restored
            .audit_verify_against(std::slice::from_ref(&manifest))
            .await
            .expect("verify"),
        AuditVerification::Intact { .. }
    ));
    let newest = restored.audit_recent(None, 1).await.expect("audit");
    assert_eq!(newest[0].action, "restore");
    restored.close().await;

    // Not again over it, and --force is no way round that on PostgreSQL.
    let again = Store::restore(
        &other.url,
        &out,
        &restore_files,
        Clock::system(),
        &actor(),
        false,
    )
    .await
    .expect_err("the target holds data now");
    assert!(again.to_string().contains("already holds data"), "{again}");
    let forced = Store::restore(
        &other.url,
        &out,
        &restore_files,
        Clock::system(),
        &actor(),
        true,
    )
    .await
    .expect_err("no --force on PostgreSQL");
    assert!(matches!(forced, StoreError::ForceOnPostgres), "{forced}");
    let _ = live_files;
    live.close().await;
}
