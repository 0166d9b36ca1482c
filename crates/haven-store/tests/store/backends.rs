//! One test body, two backends: [`both!`] turns each test into a SQLite test and a PostgreSQL
//! test. Each PostgreSQL test gets an empty database of its own (`haven_testdb::Scratch`, the
//! one implementation every crate's tests share), dropped when the test ends (even when it
//! fails). Without a reachable PostgreSQL the PostgreSQL tests pass and say, once, that they
//! were skipped and why; with `CI=true` they fail instead (`haven_testdb::reachable`).

use haven_store::{AuditFiles, Clock, Store};
use haven_testdb::Scratch;
use sqlx::Connection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A store on a fresh database of its own, with its audit files in a temporary directory.
pub struct Db {
    pub kind: Kind,
    /// The URL the store was opened with (a file path on SQLite).
    pub url: String,
    pub audit: AuditFiles,
    pub store: Store,
    _scratch: Option<Scratch>,
    _dir: tempfile::TempDir,
}

impl Db {
    /// A store on a fresh SQLite file, or on a fresh PostgreSQL database; `None` when
    /// PostgreSQL is not reachable and the test may be skipped.
    pub async fn fresh(kind: Kind) -> Option<Db> {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, scratch) = match kind {
            Kind::Sqlite => (
                dir.path().join("haven.db").to_string_lossy().into_owned(),
                None,
            ),
            Kind::Postgres => {
                // Empty, not from a migrated template: these tests are also about what opening
                // does to a database.
                let scratch = Scratch::empty().await?;
                (scratch.url().to_owned(), Some(scratch))
            }
        };
        let audit = AuditFiles {
            key: dir.path().join("audit-key"),
            checkpoints: dir.path().join("audit-checkpoints"),
        };
        let store = Store::open_with(&url, &audit, Clock::system(), &|_, _| {})
            .await
            .expect("open");
        Some(Db {
            kind,
            url,
            audit,
            store,
            _scratch: scratch,
            _dir: dir,
        })
    }

    /// A directory of the test's own, removed with it.
    pub fn _dir_path(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// The same database opened again, as a restarted Haven would.
    pub async fn reopen(&self) -> Store {
        Store::open_with(&self.url, &self.audit, Clock::system(), &|_, _| {})
            .await
            .expect("reopen")
    }

    /// The same database opened on `clock` (a day of the test's choosing).
    pub async fn reopen_on(&self, clock: Clock) -> Store {
        Store::open_with(&self.url, &self.audit, clock, &|_, _| {})
            .await
            .expect("reopen")
    }

    /// Runs a statement on a connection of its own, as someone with access to the database
    /// but not through Haven would.
    pub async fn sql(&self, statement: &str) -> Result<(), sqlx::Error> {
        let statement = sqlx::AssertSqlSafe(statement.to_owned());
        match self.kind {
            Kind::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url).await?;
                sqlx::query(statement).execute(&mut c).await?;
            }
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await?;
                sqlx::query(statement).execute(&mut c).await?;
            }
        }
        Ok(())
    }

    /// The `(text, integer)` pairs a query reads, on a connection of its own.
    pub async fn pairs(&self, query: &str) -> Vec<(String, i64)> {
        let query = sqlx::AssertSqlSafe(query.to_owned());
        match self.kind {
            Kind::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect("connect");
                sqlx::query_as(query)
                    .fetch_all(&mut c)
                    .await
                    .expect("query")
            }
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url)
                    .await
                    .expect("connect");
                sqlx::query_as(query)
                    .fetch_all(&mut c)
                    .await
                    .expect("query")
            }
        }
    }

    /// Drops a trigger (on PostgreSQL a trigger belongs to its table).
    pub async fn drop_trigger(&self, trigger: &str, table: &str) {
        let statement = match self.kind {
            Kind::Sqlite => format!("DROP TRIGGER {trigger}"),
            Kind::Postgres => format!("DROP TRIGGER {trigger} ON {table}"),
        };
        self.sql(&statement).await.expect("drop trigger");
    }
}

/// Defines each test twice, `NAME::sqlite` and `NAME::postgres`, with `db` a fresh [`Db`].
macro_rules! both {
    ($($(#[$meta:meta])* async fn $name:ident($db:ident) $body:block)*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: Db) $body

            #[tokio::test]
            async fn sqlite() {
                body(Db::fresh(Kind::Sqlite).await.expect("a SQLite file")).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(db) = Db::fresh(Kind::Postgres).await {
                    body(db).await;
                }
            }
        }
    )*};
}
pub(crate) use both;
