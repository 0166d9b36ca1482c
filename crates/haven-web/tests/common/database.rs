//! The database a test app runs on, on the test's backend (`haven_testdb::backend`): a file in
//! the test's directory, or a PostgreSQL database of the test's own copied from a template
//! migrated once per run. Shared by the `web` and `interop` suites (`#[path]`-included).

use std::path::Path;

use haven_store::{AuditFiles, Clock, Store};
use haven_testdb::{Backend, Scratch};

/// Where a test's store lives: its URL and audit files, and the PostgreSQL database to drop
/// when the test ends (kept here until then, by whoever holds this).
pub struct TestDatabase {
    pub url: String,
    pub audit: AuditFiles,
    #[allow(dead_code)]
    pub scratch: Option<std::sync::Arc<Scratch>>,
}

/// A fresh database for a test whose files go in `dir`.
pub async fn fresh(dir: &Path) -> TestDatabase {
    let audit = AuditFiles {
        key: dir.join("haven.db.audit-key"),
        checkpoints: dir.join("haven.db.audit-checkpoints"),
    };
    match haven_testdb::backend() {
        Backend::Sqlite => TestDatabase {
            url: dir
                .join("haven.db")
                .to_str()
                .expect("utf-8 path")
                .to_owned(),
            audit,
            scratch: None,
        },
        Backend::Postgres => {
            let scratch = Scratch::migrated(migrate)
                .await
                .expect("haven_testdb::run checked that PostgreSQL is reachable");
            TestDatabase {
                url: scratch.url().to_owned(),
                audit,
                scratch: Some(std::sync::Arc::new(scratch)),
            }
        }
    }
}

/// Migrates the template every test's PostgreSQL database is copied from. Opening an empty
/// database writes no audit row, so the throwaway key seals nothing the copies inherit.
async fn migrate(url: String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let audit = AuditFiles {
        key: dir.path().join("audit-key"),
        checkpoints: dir.path().join("audit-checkpoints"),
    };
    let store = Store::open_with(&url, &audit, Clock::system(), &|_, _| {})
        .await
        .expect("migrate the template database");
    assert!(
        store
            .audit_recent(None, 1)
            .await
            .expect("audit log")
            .is_empty(),
        "the template's audit log must be empty"
    );
    store.close().await;
}
