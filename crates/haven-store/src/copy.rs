//! Moving a whole database between the backends (`haven migrate-db`, and backups of a
//! PostgreSQL database, which are SQLite files): every table both schemas hold, copied from one
//! consistent snapshot of the source into an empty target in one transaction, then compared row
//! by row against that same snapshot, and every copied patient's rules view rebuilt from the
//! copied entries and compared with the copied view. The audit chain is verified by the caller,
//! which knows the key and checkpoint files.
//!
//! The tables and columns come from the schemas (`schema.rs`), so a migration that adds one is
//! copied and compared without a change here.

pub(crate) mod binary;
mod compare;
mod schema;
mod transfer;
mod value;

use std::str::FromStr;

use sqlx::pool::PoolConnection;
use sqlx::{Connection, Postgres, Sqlite};

use crate::db::{Conn, Pool};
use crate::{Store, StoreError};

pub use compare::Difference;

/// What stopped a copy or its verification. Every refusal happens before the target is written.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(
        "the {side} {url} is at schema version {found}, and this Haven's is {known}: {advice}",
        advice = version_advice(*.found, *.known)
    )]
    SchemaVersion {
        side: &'static str,
        url: String,
        found: i64,
        known: i64,
    },
    #[error("the source {0} holds no Haven database: nothing to copy")]
    NoSource(String),
    #[error(
        "the target {url} already holds data ({found}); Haven copies only into an empty database, and left it untouched"
    )]
    TargetNotEmpty { url: String, found: Difference },
    #[error("both databases are on {0}: a copy goes from SQLite to PostgreSQL or back")]
    SameBackend(&'static str),
    #[error("the two schemas differ at table {table}: {why}")]
    SchemaMismatch { table: String, why: String },
    #[error("table {table}: {why}")]
    Unstorable { table: String, why: String },
    #[error("the copy differs from its source: {0}")]
    Differs(Difference),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn version_advice(found: i64, known: i64) -> &'static str {
    if found < known {
        "bring it up to date first with `haven migrate --db URL`"
    } else {
        "use the Haven release that wrote it, or a newer one"
    }
}

/// How many rows of each table were copied (or compared), in copy order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Copied {
    pub tables: Vec<(String, u64)>,
    /// Patients whose rules view was rebuilt from the copied entries and compared.
    pub views: u64,
}

impl Copied {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// Which step a progress report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Copying,
    Comparing,
    Views,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Copying => "copying",
            Step::Comparing => "comparing",
            Step::Views => "rules views",
        }
    }
}

/// `progress(step, done, total)`, in rows (patients for [`Step::Views`]).
pub type Progress<'a> = &'a (dyn Fn(Step, u64, u64) + Sync);

/// The schema version of the database at `url`, read without changing anything: `None` when
/// it holds no Haven schema (a new or empty database).
pub async fn schema_version(url: &str) -> Result<Option<i64>, StoreError> {
    if crate::open::is_postgres(url) {
        let options = sqlx::postgres::PgConnectOptions::from_str(url)?;
        let mut conn = sqlx::PgConnection::connect_with(&options)
            .await
            .map_err(|e| StoreError::Unreachable(e.to_string()))?;
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations')",
        )
        .fetch_one(&mut conn)
        .await?;
        let version = if exists {
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
                .fetch_one(&mut conn)
                .await?
        } else {
            None
        };
        conn.close().await?;
        return Ok(version);
    }
    let path = crate::open::sqlite_path(url)?;
    if !std::path::Path::new(path).exists() {
        return Ok(None);
    }
    let options =
        sqlx::sqlite::SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?.read_only(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .map_err(|_| StoreError::NotSqlite {
            path: path.to_owned(),
        })?;
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(&mut conn)
    .await?;
    let version = if exists {
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&mut conn)
            .await?
    } else {
        None
    };
    conn.close().await?;
    Ok(version)
}

/// A connection of either backend held from its pool.
enum Held {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Held {
    async fn of(pool: &Pool) -> Result<Held, CopyError> {
        Ok(match pool {
            Pool::Sqlite(p) => Held::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Held::Postgres(p.acquire().await?),
        })
    }

    fn conn(&mut self) -> Conn<'_> {
        match self {
            Held::Sqlite(c) => Conn::Sqlite(c),
            Held::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// The plan for a copy between `a` and `b`, one on each backend.
async fn plan_between(a: &Store, b: &Store) -> Result<schema::Plan, CopyError> {
    let (mut a, mut b) = (Held::of(a.db()).await?, Held::of(b.db()).await?);
    match (&mut a, &mut b) {
        (Held::Sqlite(lite), Held::Postgres(pg)) | (Held::Postgres(pg), Held::Sqlite(lite)) => {
            schema::plan(lite, pg).await
        }
        (Held::Sqlite(_), Held::Sqlite(_)) => Err(CopyError::SameBackend("SQLite")),
        (Held::Postgres(_), Held::Postgres(_)) => Err(CopyError::SameBackend("PostgreSQL")),
    }
}

impl Store {
    /// Copies this database into `target` (the other backend), which must hold nothing but
    /// what its migrations put there; then compares every table of the target with the source
    /// snapshot it was copied from, and rebuilds and compares every patient's rules view.
    /// `target_url` names the target in messages. With `actor`, the copy is audited in this
    /// database's log first (`database.copy`, naming the target), so the copy holds that row
    /// too; otherwise nothing is written to the source.
    pub async fn copy_into(
        &self,
        target: &Store,
        target_url: &str,
        actor: Option<&crate::Actor>,
        progress: Progress<'_>,
    ) -> Result<Copied, CopyError> {
        let plan = plan_between(self, target).await?;
        let shown = crate::open_pg::without_password(target_url);
        if let Some(found) = compare::holds_data(target, &plan).await? {
            return Err(CopyError::TargetNotEmpty { url: shown, found });
        }
        if let Some(actor) = actor {
            self.audit_read(actor, "database.copy", None, &format!("to {shown}"))
                .await?;
        }
        let mut snapshot = transfer::Snapshot::of(self.db()).await?;
        let counts = transfer::copy(&mut snapshot, target, &plan, progress).await?;
        let compared = compare::tables(snapshot.conn(), target, &plan, progress).await?;
        debug_assert_eq!(counts, compared);
        let views = compare::rule_views(target, progress).await?;
        snapshot.end().await?;
        Ok(Copied {
            tables: compared,
            views,
        })
    }

    /// Compares this database with `target` as [`Store::copy_into`] does after copying,
    /// without copying: every shared table row by row, and the target's rules views.
    pub async fn compare_with(
        &self,
        target: &Store,
        progress: Progress<'_>,
    ) -> Result<Copied, CopyError> {
        let plan = plan_between(self, target).await?;
        let mut snapshot = transfer::Snapshot::of(self.db()).await?;
        let tables = compare::tables(snapshot.conn(), target, &plan, progress).await?;
        let views = compare::rule_views(target, progress).await?;
        snapshot.end().await?;
        Ok(Copied { tables, views })
    }

    /// The newest audit entry's number and seal, if any.
    pub async fn audit_head(&self) -> Result<Option<(i64, String)>, StoreError> {
        crate::db::on!(self.db(), p => Ok(sqlx::query_as(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
        )
        .fetch_optional(p)
        .await?))
    }
}
