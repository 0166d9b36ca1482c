//! Opening a database: refuse foreign or newer files (or PostgreSQL schemas) before touching
//! them, then migrate. The URL chooses the backend: `postgres://…` is PostgreSQL, anything else
//! a SQLite file.

use std::path::Path;

use crate::readers::Readers;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection};

use crate::audit::{AuditFiles, Trail};
use crate::{Clock, Result, Store, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
/// PostgreSQL's migrations, in lockstep with SQLite's (same versions; a test checks).
pub(crate) static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The connection pool's size and how long a request waits for a connection before failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(30),
        }
    }
}

/// The newest schema version this build knows.
/// Each connection's page cache, as SQLite's `cache_size` pragma takes it (negative: KiB).
pub(crate) const CACHE_SIZE: &str = "-32000";

/// How long a connection waits for another's write lock before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Gives SQLite's query planner statistics for the tables that have none, or have grown or
/// shrunk many times since they were gathered (`PRAGMA optimize`, every table of the file).
/// Without them, at 100,000 patients, the planner chose plans that made the worklist page take
/// 360 ms and a date-of-birth search 850 ms instead of 20 ms and 8 ms (BENCHMARKS.md, *pages,
/// search and CDS Hooks at 100,000 patients*). `analysis_limit` samples each index instead of
/// reading it whole: enough to choose between indexes, and milliseconds where a full `ANALYZE`
/// of that file took 6 s. Run when a store opens a file and after every bulk load.
pub(crate) async fn refresh_statistics(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::query("PRAGMA analysis_limit = 1000")
        .execute(&mut *conn)
        .await?;
    sqlx::query("PRAGMA optimize = 0x10002")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// How long [`Store::health`] waits for the database.
pub const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);

pub fn known_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Whether `--db` names a PostgreSQL database.
pub(crate) fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Turns `--db` into a file path: a plain path or `sqlite://PATH`.
pub(crate) fn sqlite_path(url: &str) -> Result<&str> {
    if let Some(rest) = url.strip_prefix("sqlite://") {
        return Ok(rest);
    }
    if is_postgres(url) {
        return Err(StoreError::AuditFilesNeeded);
    }
    if url.contains("://") {
        return Err(StoreError::UnsupportedUrl(url.to_owned()));
    }
    Ok(url.strip_prefix("sqlite:").unwrap_or(url))
}

impl Store {
    /// Opens (creating if missing) and migrates the database at `url` on the system clock, and
    /// rebuilds any rules view that is missing or in an older format. The audit key and
    /// checkpoints are the default files beside the database ([`AuditFiles::beside`]).
    pub async fn open(url: &str) -> Result<Store> {
        Self::open_with(url, &AuditFiles::beside(url)?, Clock::system(), &|_, _| {}).await
    }

    /// [`Store::open`] with the audit key and checkpoint file at `audit`, on `clock` (whose date
    /// the rules views rebuilt now, and every write after, evaluate the actions on), calling
    /// `progress(done, total)` while rules views are rebuilt.
    pub async fn open_with(
        url: &str,
        audit: &AuditFiles,
        clock: Clock,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Store> {
        Self::open_pooled(url, audit, clock, PoolSettings::default(), progress).await
    }

    /// [`Store::open_with`] with the connection pool sized and timed by `pool`.
    pub async fn open_pooled(
        url: &str,
        audit: &AuditFiles,
        clock: Clock,
        pool: PoolSettings,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Store> {
        if is_postgres(url) {
            return crate::open_pg::open(url, audit, clock, pool, progress).await;
        }
        Self::open_file(url, Some(audit), clock, pool, progress).await
    }

    /// Opens a file; with no audit files, under a throwaway key (a file only inspected, which
    /// no audit row is written to).
    pub(crate) async fn open_file(
        url: &str,
        audit: Option<&AuditFiles>,
        clock: Clock,
        settings: PoolSettings,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Store> {
        let path = sqlite_path(url)?;
        if Path::new(path).exists() {
            inspect_existing(path).await?;
        }
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: every acknowledged write is on disk before the caller hears of it, so an
            // entry survives power loss, not only a crash of the process (BENCHMARKS.md,
            // *Durable writes*, for what it costs).
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .pragma("cache_size", CACHE_SIZE);
        let pool = SqlitePoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        refresh_statistics(&mut *pool.acquire().await?).await?;
        let pool = crate::db::Pool::Sqlite(pool);
        crate::search::refresh_keys(&pool).await?;
        let trail = match audit {
            Some(files) => Trail::open(&pool, files).await?,
            None => Trail::ephemeral()?,
        };
        // The file itself, without any `?option=` sqlx read from the URL.
        let path: Option<std::path::PathBuf> = Some(path.split('?').next().unwrap_or(path).into());
        let store = Store {
            db: pool,
            readers: std::sync::Arc::new(Readers::new(path.clone())),
            path,
            audit: std::sync::Arc::new(trail),
            clock,
            scope: None,
            names: Default::default(),
        };
        store.rebuild_stale_rule_views(progress).await?;
        Ok(store)
    }

    /// An in-memory database for tests of code built on the store.
    pub async fn open_in_memory() -> Result<Store> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        // One connection: every connection to `:memory:` would be a separate database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        let pool = crate::db::Pool::Sqlite(pool);
        crate::search::refresh_keys(&pool).await?;
        let store = Store {
            db: pool,
            path: None,
            readers: Default::default(),
            audit: std::sync::Arc::new(Trail::ephemeral()?),
            clock: Clock::system(),
            scope: None,
            names: Default::default(),
        };
        store.rebuild_stale_rule_views(&|_, _| {}).await?;
        Ok(store)
    }

    /// Whether the database answers within [`HEALTH_TIMEOUT`] (a load balancer asking
    /// `/healthz` must not wait for the pool's own acquire timeout).
    pub async fn health(&self) -> Result<()> {
        let answer =
            async { crate::db::exec!(self.db(), p => sqlx::query("SELECT 1").execute(p).await) };
        match tokio::time::timeout(HEALTH_TIMEOUT, answer).await {
            Ok(answered) => answered.map(|_| ()).map_err(StoreError::from),
            Err(_) => Err(StoreError::Database(sqlx::Error::PoolTimedOut)),
        }
    }

    pub async fn close(&self) {
        crate::db::on!(self.db(), p => p.close().await);
    }

    /// Whether the database holds any patient or user (restore and `serve --demo` ask this).
    pub async fn is_empty(&self) -> Result<bool> {
        let n: i64 = crate::db::on!(self.db(), p => sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM patients) + (SELECT COUNT(*) FROM users) AS n",
        )
        .fetch_one(p)
        .await)?;
        Ok(n == 0)
    }

    /// The application's clock, which every user of this store reads "today" from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// This store on `clock`: for a store opened in memory (a file opened with
    /// [`Store::open_with`] has rebuilt its stale views on that clock's date already).
    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }
}

/// Reads an existing file read-only and refuses it unless it is an empty database or Haven's
/// at a schema version this build knows. Read-only, so a refused file is never modified.
async fn inspect_existing(path: &str) -> Result<()> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?.read_only(true);
    let mut conn = match SqliteConnection::connect_with(&options).await {
        Ok(conn) => conn,
        Err(_) => {
            return Err(StoreError::NotSqlite {
                path: path.to_owned(),
            });
        }
    };
    let tables: Vec<String> =
        match sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut conn)
            .await
        {
            Ok(t) => t,
            Err(_) => {
                return Err(StoreError::NotSqlite {
                    path: path.to_owned(),
                });
            }
        };
    let result = if tables.is_empty() {
        Ok(())
    } else if !tables.iter().any(|t| t == "haven_meta") {
        Err(StoreError::NotHaven {
            path: path.to_owned(),
        })
    } else {
        let marker: Option<String> =
            sqlx::query_scalar("SELECT value FROM haven_meta WHERE key = 'application'")
                .fetch_optional(&mut conn)
                .await?;
        let found: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&mut conn)
            .await
            .ok()
            .flatten();
        match (marker.as_deref(), found) {
            (Some("haven"), Some(found)) if found > known_schema_version() => {
                Err(StoreError::NewerSchema {
                    path: path.to_owned(),
                    found,
                    known: known_schema_version(),
                })
            }
            (Some("haven"), _) => Ok(()),
            _ => Err(StoreError::NotHaven {
                path: path.to_owned(),
            }),
        }
    };
    let _ = conn.close().await;
    result
}

#[cfg(test)]
mod lockstep_tests {
    use super::*;

    /// One schema version means the same thing on both backends: every migration exists in
    /// both folders, so a database of either kind at version N has the same tables.
    #[test]
    fn the_sqlite_and_postgres_migrations_are_in_lockstep() {
        let versions = |m: &sqlx::migrate::Migrator| {
            m.iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(versions(&MIGRATOR), versions(&PG_MIGRATOR));
    }
}

#[cfg(test)]
mod durability_tests {
    use super::*;

    async fn synchronous_levels(store: &Store) -> Vec<i64> {
        let mut levels = Vec::new();
        let mut held = Vec::new();
        for _ in 0..3 {
            let mut conn = store.pool().acquire().await.expect("connection");
            let level: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut *conn)
                .await
                .expect("pragma");
            levels.push(level);
            held.push(conn);
        }
        levels
    }

    /// 2 is FULL: a commit is acknowledged only once the WAL is on disk.
    #[tokio::test]
    async fn every_connection_writes_durably_before_and_after_a_bulk_load() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("haven.db");
        let store = Store::open(&path.to_string_lossy()).await.expect("open");
        assert_eq!(synchronous_levels(&store).await, [2, 2, 2]);
        let (mut conn, journal) = crate::records::BulkJournal::begin(&store)
            .await
            .expect("bulk");
        journal.leave(&mut conn).await.expect("leave");
        drop(conn);
        assert_eq!(synchronous_levels(&store).await, [2, 2, 2]);
    }
}

#[cfg(test)]
mod statistics_tests {
    use super::*;

    async fn analysed(store: &Store, table: &str) -> bool {
        let mut conn = store.pool().acquire().await.expect("connection");
        let stat1: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
                .fetch_one(&mut *conn)
                .await
                .expect("schema");
        if stat1 == 0 {
            return false;
        }
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_stat1 WHERE tbl = $1")
            .bind(table)
            .fetch_one(&mut *conn)
            .await
            .expect("stat1")
            > 0
    }

    /// A file whose tables filled up without statistics gets them when a store next opens it,
    /// and a bulk load leaves them gathered for what it wrote.
    #[tokio::test]
    async fn the_planner_has_statistics_after_an_open_and_after_a_bulk_load() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("haven.db");
        let url = path.to_string_lossy().into_owned();
        let store = Store::open(&url).await.expect("open");
        let mut conn = store.pool().acquire().await.expect("connection");
        add_practices(&mut conn, 2..=3_000).await;
        sqlx::query("DELETE FROM sqlite_stat1")
            .execute(&mut *conn)
            .await
            .ok();
        drop(conn);
        assert!(!analysed(&store, "organisations").await);
        store.pool().close().await;
        let store = Store::open(&url).await.expect("open again");
        assert!(
            analysed(&store, "organisations").await,
            "statistics on open"
        );

        let before = rows_estimated(&store, "organisations").await;
        let (mut conn, journal) = crate::records::BulkJournal::begin(&store)
            .await
            .expect("bulk");
        add_practices(&mut conn, 3_001..=150_000).await;
        journal.leave(&mut conn).await.expect("leave");
        drop(conn);
        let after = rows_estimated(&store, "organisations").await;
        assert!(
            before < 5_000 && after > 100_000,
            "statistics follow a bulk load: {before} rows estimated before, {after} after"
        );
    }

    /// Many rows in one statement: practices numbered `ids`.
    async fn add_practices(conn: &mut SqliteConnection, ids: std::ops::RangeInclusive<i64>) {
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
             INSERT INTO organisations (id, ods_code, name, created_at)
             SELECT i, 'Y' || i, 'Practice ' || i, '2026-12-07T00:00:00Z' FROM n",
        )
        .bind(ids.start())
        .bind(ids.end())
        .execute(&mut *conn)
        .await
        .expect("rows");
    }

    /// The row count SQLite's statistics give a table (the first figure of its `stat`).
    async fn rows_estimated(store: &Store, table: &str) -> i64 {
        let mut conn = store.pool().acquire().await.expect("connection");
        let stat: String =
            sqlx::query_scalar("SELECT stat FROM sqlite_stat1 WHERE tbl = $1 LIMIT 1")
                .bind(table)
                .fetch_one(&mut *conn)
                .await
                .expect("stat1");
        stat.split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a row count")
    }
}
