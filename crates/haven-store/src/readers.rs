//! Point reads on the caller's own thread, for hot paths (the API token of every CDS Hooks
//! and FHIR call, name search's candidates): a few read-only SQLite connections kept open and
//! lent out one at a time.
//! Through sqlx the same query crosses to its worker thread and back, and at thousands of
//! calls a second those thread switches cost more than the query.

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::Connection;

use crate::population::open_reader;
use crate::{Result, StoreError};

/// Idle readers kept for reuse; more may be open at a moment of high concurrency.
const KEEP: usize = 8;

/// Each reader's page cache (KiB, negative as SQLite takes it): enough for name search's
/// narrow `patient_search` table and the trigram indexes' pages to stay in memory between
/// searches instead of being read again from the file on every one.
const CACHE_SIZE: &str = "-16000";

#[derive(Debug, Default)]
pub(crate) struct Readers {
    /// `None` for a store in memory, which has no file for another connection to open.
    path: Option<PathBuf>,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    pub(crate) fn new(path: Option<PathBuf>) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` on a reader, which sees everything committed before it starts (WAL);
    /// `None` when the store is in memory and the caller must read through the pool.
    pub(crate) fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Option<Result<T>> {
        let path = self.path.as_deref()?;
        let idle = self.lock().pop();
        let conn = match idle {
            Some(conn) => conn,
            None => match open_reader(path).and_then(|conn| {
                conn.pragma_update(None, "cache_size", CACHE_SIZE)?;
                Ok(conn)
            }) {
                Ok(conn) => conn,
                Err(e) => return Some(Err(e)),
            },
        };
        let out = read(&conn).map_err(StoreError::from);
        let mut idle = self.lock();
        if idle.len() < KEEP {
            idle.push(conn);
        }
        Some(out)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // A reader that panicked mid-query left nothing half-written: the list is still good.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }
}
