//! The database an end-to-end test runs the real `haven` binary on, on the test's backend
//! (`haven_testdb::backend`, set by `haven_testdb::both!`): a SQLite file in the test's
//! directory, or a PostgreSQL database of the test's own, copied from a template that
//! `haven migrate` prepared once per test process and dropped when the test ends. Its audit
//! key and checkpoints are files in the test's directory on both backends, where SQLite's
//! defaults put them (`haven.db.audit-key` beside `haven.db`). `#[path]`-included after
//! `support/server.rs` (as `crate::server`).

use std::path::{Path, PathBuf};
use std::process::Command;

use haven_testdb::{Backend, Scratch};
use sqlx::{Connection, Row};

/// A test's database: what `--db` names, and its audit files.
pub struct TestDb {
    pub backend: Backend,
    /// A SQLite file's path or a `postgres://` URL.
    pub url: String,
    pub audit_key: PathBuf,
    pub audit_checkpoints: PathBuf,
    _scratch: Option<Scratch>,
}

impl TestDb {
    /// A fresh database on the running test's backend, its files (and SQLite's database) in
    /// `dir`. On PostgreSQL the test must run under `haven_testdb::run` (`both!`), which has
    /// checked the server is reachable.
    pub async fn fresh(dir: &Path) -> TestDb {
        Self::named(dir, "haven.db").await
    }

    /// As [`TestDb::fresh`], for a test with several databases in one directory: the SQLite
    /// file (and the audit files' names) is `name`.
    pub async fn named(dir: &Path, name: &str) -> TestDb {
        match haven_testdb::backend() {
            Backend::Sqlite => Self::sqlite(dir, name),
            Backend::Postgres => {
                let scratch = Scratch::migrated(migrate_template)
                    .await
                    .expect("haven_testdb::run checked that PostgreSQL is reachable");
                TestDb {
                    backend: Backend::Postgres,
                    url: scratch.url().to_owned(),
                    _scratch: Some(scratch),
                    ..Self::sqlite(dir, name)
                }
            }
        }
    }

    /// The SQLite file `dir/name`, whatever the test's backend: for the tests about a SQLite
    /// file, and for input a test prepares.
    pub fn sqlite(dir: &Path, name: &str) -> TestDb {
        TestDb {
            backend: Backend::Sqlite,
            url: text(&dir.join(name)),
            audit_key: dir.join(format!("{name}.audit-key")),
            audit_checkpoints: dir.join(format!("{name}.audit-checkpoints")),
            _scratch: None,
        }
    }

    /// `haven --db …` on this database. SQLite finds its audit files beside the file by default
    /// (the default is part of what the tests check); PostgreSQL is given them.
    pub fn haven(&self) -> Command {
        let mut cmd = crate::server::haven(&self.url);
        if self.backend == Backend::Postgres {
            cmd.arg("--audit-key")
                .arg(&self.audit_key)
                .arg("--audit-checkpoints")
                .arg(&self.audit_checkpoints);
        }
        cmd
    }

    /// Runs SQL (one or more statements) on the database directly, as someone with access to
    /// it but not to Haven would.
    #[allow(dead_code)] // not every test crate including this writes to the database
    pub async fn execute(&self, sql: &str) {
        self.rows(sql).await;
    }

    /// The rows SQL (one or more statements) selects, every column read as text (the query
    /// casts what is not).
    #[allow(dead_code)] // not every test crate including this reads the database
    pub async fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        fn texts<R: Row>(row: &R) -> Vec<String>
        where
            for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            usize: sqlx::ColumnIndex<R>,
        {
            (0..row.len())
                .map(|i| row.try_get::<String, _>(i).expect("a text column"))
                .collect()
        }
        let query = sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
        match self.backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", self.url);
                let mut db = sqlx::SqliteConnection::connect(&url).await.expect("open");
                let rows = query
                    .fetch_all(&mut db)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                db.close().await.expect("close");
                rows.iter().map(texts).collect()
            }
            Backend::Postgres => {
                let mut db = sqlx::PgConnection::connect(&self.url)
                    .await
                    .expect("connect");
                let rows = query
                    .fetch_all(&mut db)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                db.close().await.expect("close");
                rows.iter().map(texts).collect()
            }
        }
    }

    /// The first column of the first row a query selects, as text.
    #[allow(dead_code)]
    pub async fn one(&self, sql: &str) -> String {
        let rows = self.rows(sql).await;
        let first = rows
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no row: {sql}"));
        first.into_iter().next().expect("a column")
    }
}

/// Migrates the template every PostgreSQL test database is copied from, with the binary under
/// test. Migrating an empty database writes no audit row (checked), so the throwaway audit key
/// seals nothing the copies inherit.
async fn migrate_template(url: String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = crate::server::haven(&url)
        .arg("--audit-key")
        .arg(dir.path().join("audit-key"))
        .arg("--audit-checkpoints")
        .arg(dir.path().join("audit-checkpoints"))
        .arg("migrate")
        .output()
        .expect("run haven migrate");
    assert!(
        out.status.success(),
        "haven migrate on the template database failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut db = sqlx::PgConnection::connect(&url)
        .await
        .expect("connect to the template");
    let entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&mut db)
        .await
        .expect("count the template's audit entries");
    db.close().await.expect("close");
    assert_eq!(entries, 0, "the template's audit log must be empty");
}

fn text(p: &Path) -> String {
    p.to_str().expect("utf-8 path").to_owned()
}
