//! Population scans on every core. Each worker thread takes the next range of patients and
//! hands each rules view (see [`crate::projection`]) straight to the caller's visitor on that
//! thread: no rows cross threads, and memory stays bounded by what the visitors keep.
//!
//! On SQLite each worker opens its own read-only connection and reads the views without copying
//! them out of SQLite's page. On PostgreSQL each worker holds a connection of the pool in a
//! read-only repeatable-read transaction, all of them in the one snapshot the first exported
//! (`pg_export_snapshot()`, `SET TRANSACTION SNAPSHOT`), and takes ranges of the patients'
//! `seq` (their registration number, uniquely indexed).
//!
//! The async pool's streams are the wrong tool on SQLite: its rows arrive one by one through a
//! channel from the connection's own thread, and at a million patients that hand-off cost more
//! than the rules themselves (BENCHMARKS.md, issue 4). This path is synchronous; call it from a
//! blocking context (on PostgreSQL, one inside Haven's Tokio runtime: `spawn_blocking` or
//! `block_in_place`).

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use haven_core::population::Tally;
use rusqlite::{Connection, OpenFlags, params};

use crate::{RecordStream, Result, Store, StoreError};

/// Patients (row ids) a worker takes at a time: large enough that taking costs nothing, small
/// enough that both workers finish together.
const CHUNK: i64 = 4_096;

impl Store {
    /// Adds every matching patient's record (of the store's organisation, or of the whole
    /// deployment) to a tally, on every core: each worker decodes the
    /// rules views it reads into its own `init()`, and the workers' shares are merged. The
    /// record is the rules' view of it (no free text). `progress` and the snapshot are as for
    /// [`Store::scan_rule_views_parallel`]. Synchronous; call it from a blocking context.
    pub fn tally<T, I, P>(&self, filter: &RecordStream, init: I, progress: P) -> Result<T>
    where
        T: Tally + Send,
        I: Fn() -> T + Sync,
        P: Fn(u64) + Sync,
    {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let add = |tally: &mut T, view: &[u8]| {
            tally.add(&crate::projection::decode(view)?);
            Ok(())
        };
        let parts = self.scan_rule_views_parallel(filter, workers, &init, add, progress)?;
        let mut total = init();
        for part in parts {
            total.merge(part);
        }
        Ok(total)
    }

    /// Calls `visit(state, view)` for every matching patient's encoded rules view, on
    /// `workers` threads, each with its own `init()` state; returns the states for the caller
    /// to merge. Order across patients is not defined. `progress` is called with the running
    /// count of patients visited. Each worker reads in one read transaction, so it sees one
    /// consistent snapshot; two workers may start a write apart, which suits a count or report
    /// of "now" but not an audit of one instant (on PostgreSQL all workers share one snapshot).
    /// The first error stops every worker and is returned.
    pub fn scan_rule_views_parallel<S, I, V, P>(
        &self,
        filter: &RecordStream,
        workers: usize,
        init: I,
        visit: V,
        progress: P,
    ) -> Result<Vec<S>>
    where
        S: Send,
        I: Fn() -> S + Sync,
        V: Fn(&mut S, &[u8]) -> Result<()> + Sync,
        P: Fn(u64) + Sync,
    {
        if let crate::db::Pool::Postgres(pool) = self.db() {
            let scan = PgScan {
                filter,
                org: self.org_param(),
            };
            return scan.run(pool, workers, &init, &visit, &progress);
        }
        let path = self.path.as_deref().ok_or(StoreError::NoFile)?;
        // The row ids to visit: one patient's, or everyone's.
        let ((first, last), workers) = {
            let conn = open_reader(path)?;
            let range = |sql: &str| {
                conn.query_row(sql, [&filter.patient], |r| {
                    Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?))
                })
            };
            match &filter.patient {
                Some(_) => (range("SELECT rowid, rowid FROM patients WHERE id = ?1")?, 1),
                None => (
                    range("SELECT min(rowid), max(rowid) FROM patients WHERE ?1 IS NULL")?,
                    workers.max(1),
                ),
            }
        };
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(Vec::new());
        };
        let org = self.org_param();
        let next = AtomicI64::new(first);
        let visited = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        let worker = |()| -> Result<S> {
            let mut state = init();
            let mut conn = open_reader(path)?;
            let tx = conn.transaction()?;
            {
                let mut chunk = tx.prepare(
                    "SELECT rules_view FROM patients WHERE rowid >= ?1 AND rowid < ?2
                     AND rules_view IS NOT NULL AND (?3 IS NULL OR id = ?3)
                     AND (?4 IS NULL OR named_clinician = ?4)
                     AND (?5 IS NULL OR org = ?5)",
                )?;
                while !stop.load(Ordering::Relaxed) {
                    let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                    if start > last {
                        break;
                    }
                    let mut rows = chunk.query(params![
                        start,
                        start + CHUNK,
                        filter.patient,
                        filter.clinician,
                        org
                    ])?;
                    let mut n = 0;
                    while let Some(row) = rows.next()? {
                        let view = row.get_ref(0)?.as_blob().map_err(|_| {
                            StoreError::Corrupt("a rules view that is not a blob".into())
                        })?;
                        visit(&mut state, view)?;
                        n += 1;
                    }
                    progress(visited.fetch_add(n, Ordering::Relaxed) + n);
                }
            }
            tx.finish()?;
            Ok(state)
        };
        on_threads(vec![(); workers], &stop, worker)
    }
}

/// Runs `work` on a thread of its own for each input; the first error sets `stop` (which the
/// workers check between ranges) and is returned once every thread has ended.
fn on_threads<W, S>(
    inputs: Vec<W>,
    stop: &AtomicBool,
    work: impl Fn(W) -> Result<S> + Sync,
) -> Result<Vec<S>>
where
    W: Send,
    S: Send,
{
    std::thread::scope(|scope| {
        let handles: Vec<_> = inputs
            .into_iter()
            .map(|input| {
                let work = &work;
                scope.spawn(move || {
                    let result = work(input);
                    if result.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    result
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Which patients a PostgreSQL scan visits.
struct PgScan<'f> {
    filter: &'f RecordStream,
    org: Option<i64>,
}

/// A worker's read transaction, in the scan's shared snapshot.
type PgReader = sqlx::Transaction<'static, sqlx::Postgres>;

impl PgScan<'_> {
    /// The scan on PostgreSQL: `workers` connections (at most half the pool) in one snapshot,
    /// each visiting ranges of `seq` on a thread of its own. Runs the queries on the caller's
    /// Tokio runtime from these blocking threads.
    fn run<S, I, V, P>(
        &self,
        pool: &sqlx::PgPool,
        workers: usize,
        init: &I,
        visit: &V,
        progress: &P,
    ) -> Result<Vec<S>>
    where
        S: Send,
        I: Fn() -> S + Sync,
        V: Fn(&mut S, &[u8]) -> Result<()> + Sync,
        P: Fn(u64) + Sync,
    {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| StoreError::NoRuntime)?;
        let workers = match self.filter.patient {
            Some(_) => 1,
            // At most half the pool: a server's pages go on being answered during a report.
            None => workers.clamp(
                1,
                (pool.options().get_max_connections() as usize / 2).max(1),
            ),
        };
        let Some((readers, first, last)) = runtime.block_on(self.begin(pool, workers))? else {
            return Ok(Vec::new());
        };
        let next = AtomicI64::new(first);
        let visited = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        let worker = |mut tx: PgReader| -> Result<S> {
            runtime.block_on(async {
                let mut state = init();
                while !stop.load(Ordering::Relaxed) {
                    let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                    if start > last {
                        break;
                    }
                    let n = self.visit_range(&mut tx, start, &mut state, visit).await?;
                    progress(visited.fetch_add(n, Ordering::Relaxed) + n);
                }
                tx.commit().await?;
                Ok(state)
            })
        };
        on_threads(readers, &stop, worker)
    }

    /// Opens every worker's transaction before any work starts (an exported snapshot can be
    /// taken up only while the transaction that exported it is open), and reads the range of
    /// `seq` to visit; `None` when no patient matches.
    async fn begin(
        &self,
        pool: &sqlx::PgPool,
        workers: usize,
    ) -> Result<Option<(Vec<PgReader>, i64, i64)>> {
        const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
        let mut first = pool.begin_with(BEGIN).await?;
        let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
            .fetch_one(&mut *first)
            .await?;
        // An identifier such as `00000003-0000001B-1`: SET takes no parameters, so it is
        // checked before it is written into the statement.
        if !snapshot.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(StoreError::Corrupt(format!(
                "PostgreSQL named its snapshot {snapshot:?}"
            )));
        }
        let (low, high): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT min(seq), max(seq) FROM patients WHERE (CAST($1 AS TEXT) IS NULL OR id = $1)
             AND (CAST($2 AS BIGINT) IS NULL OR org = $2)",
        )
        .bind(&self.filter.patient)
        .bind(self.org)
        .fetch_one(&mut *first)
        .await?;
        let (Some(low), Some(high)) = (low, high) else {
            first.commit().await?;
            return Ok(None);
        };
        let mut readers = vec![first];
        let take_up = format!("SET TRANSACTION SNAPSHOT '{snapshot}'");
        for _ in 1..workers {
            let mut tx = pool.begin_with(BEGIN).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(take_up.clone()))
                .execute(&mut *tx)
                .await?;
            readers.push(tx);
        }
        Ok(Some((readers, low, high)))
    }

    /// Visits the matching views of patients with `seq` in `start..start + CHUNK` as they
    /// arrive; returns how many.
    async fn visit_range<S>(
        &self,
        tx: &mut PgReader,
        start: i64,
        state: &mut S,
        visit: &(impl Fn(&mut S, &[u8]) -> Result<()> + ?Sized),
    ) -> Result<u64> {
        use futures_util::TryStreamExt;
        use sqlx::Row;
        let mut rows = sqlx::query(
            "SELECT rules_view FROM patients WHERE seq >= $1 AND seq < $2
             AND rules_view IS NOT NULL
             AND (CAST($3 AS TEXT) IS NULL OR id = $3)
             AND (CAST($4 AS TEXT) IS NULL OR named_clinician = $4)
             AND (CAST($5 AS BIGINT) IS NULL OR org = $5)",
        )
        .bind(start)
        .bind(start + CHUNK)
        .bind(&self.filter.patient)
        .bind(&self.filter.clinician)
        .bind(self.org)
        .fetch(&mut **tx);
        let mut n = 0;
        while let Some(row) = rows.try_next().await? {
            visit(state, row.try_get::<&[u8], _>(0)?)?;
            n += 1;
        }
        Ok(n)
    }
}

pub(crate) fn open_reader(path: &std::path::Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(crate::open::BUSY_TIMEOUT)?;
    Ok(conn)
}
