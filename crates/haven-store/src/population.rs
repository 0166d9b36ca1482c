//! Population scans on every core (SQLite; PostgreSQL reads one plain stream for now). Each worker thread opens its own read-only connection, takes
//! the next range of patients, and hands each rules view (see [`crate::projection`]) straight
//! to the caller's visitor on that thread: no rows cross threads, nothing is copied out of
//! SQLite's page, and memory stays bounded by what the visitors keep.
//!
//! The async pool is the wrong tool here: its rows arrive one by one through a channel from
//! the connection's own thread, and at a million patients that hand-off cost more than the
//! rules themselves (BENCHMARKS.md, issue 4). This path is synchronous; call it from a blocking
//! context.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

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
    /// of "now" but not an audit of one instant. The first error stops every worker and is returned.
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
            return scan_postgres(pool, filter, self.org_param(), &init, &visit, &progress)
                .map(|s| vec![s]);
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
        let stop = std::sync::atomic::AtomicBool::new(false);
        let worker = || -> Result<S> {
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
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let result = worker();
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
}

/// The scan on PostgreSQL: one plain streaming query in one snapshot (a repeatable-read
/// transaction), the views decoded on this thread as they arrive. Server-side cursors or
/// `COPY … TO` on several connections come later, measured (issue #17). Runs the query on the
/// caller's Tokio runtime from this blocking thread (`spawn_blocking` or `block_in_place`).
fn scan_postgres<S, I, V, P>(
    pool: &sqlx::PgPool,
    filter: &RecordStream,
    org: Option<i64>,
    init: &I,
    visit: &V,
    progress: &P,
) -> Result<S>
where
    I: Fn() -> S,
    V: Fn(&mut S, &[u8]) -> Result<()>,
    P: Fn(u64),
{
    use futures_util::TryStreamExt;
    let runtime = tokio::runtime::Handle::try_current().map_err(|_| StoreError::NoRuntime)?;
    runtime.block_on(async {
        let mut state = init();
        let mut tx = pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let mut rows = sqlx::query_scalar::<_, Vec<u8>>(
            "SELECT rules_view FROM patients WHERE rules_view IS NOT NULL
             AND (CAST($1 AS TEXT) IS NULL OR id = $1)
             AND (CAST($2 AS TEXT) IS NULL OR named_clinician = $2)
             AND (CAST($3 AS BIGINT) IS NULL OR org = $3)",
        )
        .bind(&filter.patient)
        .bind(&filter.clinician)
        .bind(org)
        .fetch(&mut *tx);
        let mut n = 0;
        while let Some(view) = rows.try_next().await? {
            visit(&mut state, &view)?;
            n += 1;
            if n % CHUNK as u64 == 0 {
                progress(n);
            }
        }
        drop(rows);
        progress(n);
        tx.commit().await?;
        Ok(state)
    })
}

pub(crate) fn open_reader(path: &std::path::Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(crate::open::BUSY_TIMEOUT)?;
    Ok(conn)
}
