//! The one place where SQLite and PostgreSQL differ for the store's queries: which pool, how a
//! write transaction begins, and how a row's columns are read.
//!
//! A query is written once, with `$1` placeholders (which both sqlx drivers take), inside
//! [`on!`]: the macro expands the same body once per backend, so each arm is compiled against
//! that backend's own sqlx types — no `sqlx::Any` conversion of every value, and SQLite's paths
//! cost one `match` more than before.

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{Connection, Postgres, Row, Sqlite, Transaction};

use crate::{Result, StoreError};

/// The database behind a [`crate::Store`].
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A connection or transaction of either backend, lent to a query helper.
pub(crate) enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

impl<'a> From<&'a mut SqliteConnection> for Conn<'a> {
    fn from(c: &'a mut SqliteConnection) -> Self {
        Conn::Sqlite(c)
    }
}

impl<'a> From<&'a mut PgConnection> for Conn<'a> {
    fn from(c: &'a mut PgConnection) -> Self {
        Conn::Postgres(c)
    }
}

impl<'a, 'c> From<&'a mut Transaction<'c, Sqlite>> for Conn<'a> {
    fn from(tx: &'a mut Transaction<'c, Sqlite>) -> Self {
        Conn::Sqlite(tx)
    }
}

impl<'a, 'c> From<&'a mut Transaction<'c, Postgres>> for Conn<'a> {
    fn from(tx: &'a mut Transaction<'c, Postgres>) -> Self {
        Conn::Postgres(tx)
    }
}

impl<'a> From<&'a mut PoolConnection<Sqlite>> for Conn<'a> {
    fn from(c: &'a mut PoolConnection<Sqlite>) -> Self {
        Conn::Sqlite(c)
    }
}

impl<'a> From<&'a mut Tx> for Conn<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        tx.conn()
    }
}

impl Conn<'_> {
    /// The same connection, lent again for a nested helper.
    pub(crate) fn re(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A write transaction of either backend.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// The advisory lock every PostgreSQL write transaction holds until it ends: writers take
/// turns, as under SQLite's `BEGIN IMMEDIATE`, so the audit chain's head, the next patient
/// number and a version check are read by one writer at a time. (Its value spells "haven".)
const WRITE_LOCK: i64 = 0x0068_6176_656e;

/// The advisory lock a population refresh holds on PostgreSQL for as long as it runs (its value
/// spells "refrsh"): servers sharing a database take turns, and the one that waited finds the
/// stored actions already brought up to date.
const REFRESH_LOCK: i64 = 0x7265_6672_7368;

/// A turn to refresh the population's stored actions ([`Pool::refresh_turn`]), until
/// [`RefreshTurn::end`] or until dropped.
pub(crate) enum RefreshTurn {
    /// SQLite: one server a file, whose refreshes already take turns in the process.
    Alone,
    /// A connection of its own, outside the pool, holding [`REFRESH_LOCK`]: dropped (a
    /// cancelled refresh), its socket closes and the server releases the lock.
    Postgres(PgConnection),
}

impl RefreshTurn {
    /// Gives the turn up at once.
    pub(crate) async fn end(self) {
        if let RefreshTurn::Postgres(conn) = self {
            // Closing releases the lock too; an error here changes nothing.
            let _ = conn.close().await;
        }
    }
}

impl Tx {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx) => Conn::Sqlite(tx),
            Tx::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    pub(crate) async fn rollback(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

impl Pool {
    /// Begins a write transaction that holds the database's write lock from its first
    /// statement: `BEGIN IMMEDIATE` on SQLite, [`WRITE_LOCK`] on PostgreSQL.
    pub(crate) async fn write(&self) -> Result<Tx> {
        Ok(match self {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        })
    }

    /// Waits for this database's turn to refresh the population (see [`RefreshTurn`]). On
    /// PostgreSQL the lock is held by a connection opened for it, so a refresh that runs for
    /// minutes takes no connection from the pool's requests.
    pub(crate) async fn refresh_turn(&self) -> Result<RefreshTurn> {
        Ok(match self {
            Pool::Sqlite(_) => RefreshTurn::Alone,
            Pool::Postgres(pool) => {
                let mut conn = PgConnection::connect_with(&pool.connect_options()).await?;
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(REFRESH_LOCK)
                    .execute(&mut conn)
                    .await?;
                RefreshTurn::Postgres(conn)
            }
        })
    }

    /// After a bulk load has committed: PostgreSQL's planner statistics for what it wrote
    /// (`ANALYZE`). Autovacuum gathers them by itself, but minutes after a load of millions of
    /// rows; until then the planner took 100,000 patients' 4 million entries for 18,000 a
    /// patient and read one patient's entries (the patient page) by a parallel scan in 12 ms
    /// instead of 0.1 ms by index (BENCHMARKS.md). SQLite's bulk loads gather theirs on their
    /// own connection (`open::refresh_statistics`).
    pub(crate) async fn refresh_statistics_after_load(&self) -> Result<()> {
        if let Pool::Postgres(pool) = self {
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        Ok(())
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Which database a store is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// The patient list's order, as its index (`patients_list_order`) has it: case-blind
    /// names, then registration order. SQLite's `NOCASE` is PostgreSQL's `lower()`.
    pub(crate) fn list_order(self) -> &'static str {
        match self {
            Backend::Sqlite => {
                " ORDER BY family_name COLLATE NOCASE, given_name COLLATE NOCASE, seq"
            }
            Backend::Postgres => " ORDER BY lower(family_name), lower(given_name), seq",
        }
    }
}

/// Runs `$body` with `$c` bound to the backend's own pool or connection: the body is written
/// once and compiled for each backend.
macro_rules! on {
    ($target:expr, $c:ident => $body:expr) => {
        match $target {
            $crate::db::Pool::Sqlite($c) => $body,
            $crate::db::Pool::Postgres($c) => $body,
        }
    };
    (conn $target:expr, $c:ident => $body:expr) => {
        match $target {
            $crate::db::Conn::Sqlite($c) => $body,
            $crate::db::Conn::Postgres($c) => $body,
        }
    };
}
pub(crate) use on;

/// [`on!`] for a statement run for its effect: the rows it changed, the same type on both.
macro_rules! exec {
    ($target:expr, $c:ident => $body:expr) => {
        $crate::db::on!($target, $c => ($body).map(|done| done.rows_affected()))
    };
    (conn $target:expr, $c:ident => $body:expr) => {
        $crate::db::on!(conn $target, $c => ($body).map(|done| done.rows_affected()))
    };
}
pub(crate) use exec;

/// A row's columns read by name, the same way on both backends: text, integers and flags are
/// the column types Haven reads through it (dates and stamps are ISO 8601 text on both).
pub(crate) trait ReadRow {
    fn text(&self, column: &str) -> Result<String>;
    fn opt_text(&self, column: &str) -> Result<Option<String>>;
    fn int(&self, column: &str) -> Result<i64>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>>;
    fn flag(&self, column: &str) -> Result<bool>;
}

macro_rules! read_row {
    ($row:ty) => {
        impl ReadRow for $row {
            fn text(&self, column: &str) -> Result<String> {
                Ok(self.try_get(column)?)
            }
            fn opt_text(&self, column: &str) -> Result<Option<String>> {
                Ok(self.try_get(column)?)
            }
            fn int(&self, column: &str) -> Result<i64> {
                Ok(self.try_get(column)?)
            }
            fn opt_int(&self, column: &str) -> Result<Option<i64>> {
                Ok(self.try_get(column)?)
            }
            fn flag(&self, column: &str) -> Result<bool> {
                Ok(self.try_get(column)?)
            }
        }
    };
}
read_row!(SqliteRow);
read_row!(PgRow);

/// What a store on PostgreSQL cannot do yet (issue #17 ports it).
pub(crate) fn not_yet(what: &'static str) -> StoreError {
    StoreError::NotOnPostgres(what)
}
