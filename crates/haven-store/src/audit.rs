//! The audit log: every read and write of patient data, in the same transaction as the write.
//! Each row is sealed with HMAC-SHA-256 under a key kept outside the database and chained to the
//! row before; signed checkpoints outside the database anchor the chain's head. An edited,
//! removed or re-chained row, or a log cut short, is found by `haven audit verify`.

mod checkpoint;
mod introduce;
mod key;
mod manifest;
mod reads;
mod row;
mod seal;
mod verify;

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use sqlx::QueryBuilder;
use tokio::sync::Notify;

pub use checkpoint::AuditCheckpoint;
pub(crate) use checkpoint::set_aside as set_aside_checkpoints;
pub(crate) use introduce::check_backup_key;
pub use manifest::manifest_path;
pub use verify::AuditVerification;

use crate::codec::timestamp_text;
use crate::db::{Conn, exec, on};
use crate::load_pg::AuditRow;
use crate::open::sqlite_path;
use crate::{Actor, OrgId, Result, Store, now};
use key::AuditKey;
use seal::{GENESIS, RowFields};

/// After this many rows, a serving Haven writes a checkpoint without waiting for its timer.
const CHECKPOINT_EVERY: u64 = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub patient: Option<String>,
    pub detail: String,
    /// The practice of whoever acted, or of the patient the row names; `None` for the
    /// deployment's own rows (migration 0017; not part of the seal).
    pub org: Option<OrgId>,
}

/// What to look for in the audit log; every field left `None` matches all rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// The username that acted (or `cli:…`, `api:…` for commands and API clients).
    pub actor: Option<String>,
    pub patient: Option<String>,
    /// An action (`patient.view`) or a family of them (`patient`, `entry`).
    pub action: Option<String>,
    /// The first and last day, inclusive, in UTC.
    pub from: Option<time::Date>,
    pub to: Option<time::Date>,
    /// Only rows older than this sequence number: the page after one ending there.
    pub before: Option<i64>,
    pub limit: i64,
}

/// Where the audit key and the checkpoints are kept: files of their own, never inside the
/// database, so never in its backups either.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFiles {
    /// The HMAC key every audit row is sealed with, created at first start (owner-only).
    pub key: PathBuf,
    /// Where checkpoints are appended, one line each.
    pub checkpoints: PathBuf,
}

impl AuditFiles {
    /// The default: beside the database file, as `haven.db.audit-key` and
    /// `haven.db.audit-checkpoints`.
    pub fn beside(database_url: &str) -> Result<Self> {
        let path = sqlite_path(database_url)?;
        let path = path.split('?').next().unwrap_or(path);
        Ok(Self {
            key: format!("{path}.audit-key").into(),
            checkpoints: format!("{path}.audit-checkpoints").into(),
        })
    }
}

/// The key a store seals rows with, and what it knows of its checkpoints.
#[derive(Debug)]
pub(crate) struct Trail {
    key: AuditKey,
    /// `None` for a store in memory, whose log ends with it.
    checkpoints: Option<PathBuf>,
    /// The newest entry a checkpoint of this process covers (or the head when it opened).
    checkpointed: AtomicI64,
    /// Rows appended since the last checkpoint, counted before they commit.
    since_checkpoint: AtomicU64,
    due: Notify,
    /// Reads' rows waiting to be committed in a group (`reads.rs`).
    reads: reads::ReadQueue,
}

impl Trail {
    fn new(key: AuditKey, checkpoints: Option<PathBuf>, head: i64) -> Self {
        Self {
            key,
            checkpoints,
            checkpointed: AtomicI64::new(head),
            since_checkpoint: AtomicU64::new(0),
            due: Notify::new(),
            reads: reads::ReadQueue::default(),
        }
    }

    /// The same key without a checkpoint file: for checking a copy's chain (a backup of a
    /// PostgreSQL database) by its seals alone.
    pub(crate) fn key_only(&self) -> Trail {
        Trail::new(self.key.clone(), None, 0)
    }

    /// Appends rows inside the caller's transaction, chained in memory and written with
    /// multi-row inserts (one round trip per few hundred rows). Every write transaction holds
    /// the database's write lock from its start (`BEGIN IMMEDIATE` on SQLite, an advisory lock
    /// on PostgreSQL: `db.rs`), so reading the chain head here cannot race another writer.
    async fn append_many_in<'a>(
        &self,
        conn: impl Into<Conn<'_>>,
        org: Option<OrgId>,
        actor: &Actor,
        action: &str,
        rows: impl IntoIterator<Item = (Option<&'a str>, String)>,
    ) -> Result<()> {
        // Collected before the first await: a closure held across it would make the future
        // not `Send` for callers whose rows borrow (rustc's higher-ranked lifetime limits).
        let lines: Vec<Line<'_>> = rows
            .into_iter()
            .map(|(patient, detail)| Line {
                org,
                actor: &actor.0,
                action,
                patient,
                detail: detail.into(),
            })
            .collect();
        let written = write_rows(conn.into(), &self.key, lines).await?;
        self.count(written);
        Ok(())
    }

    /// Counts rows appended since the last checkpoint, and wakes the checkpoint writer when
    /// enough have been.
    fn count(&self, written: u64) {
        let pending = self.since_checkpoint.fetch_add(written, Ordering::Relaxed) + written;
        if pending >= CHECKPOINT_EVERY {
            self.due.notify_one();
        }
    }
}

/// The trail as one store writes it: its rows name the store's organisation.
pub(crate) struct Scoped<'t> {
    pub(crate) trail: &'t Trail,
    pub(crate) org: Option<OrgId>,
}

impl std::ops::Deref for Scoped<'_> {
    type Target = Trail;
    fn deref(&self) -> &Trail {
        self.trail
    }
}

impl Scoped<'_> {
    /// [`Trail::append`], the row naming this store's organisation.
    pub(crate) async fn append(
        &self,
        conn: impl Into<Conn<'_>>,
        actor: &Actor,
        action: &str,
        patient: Option<&str>,
        detail: &str,
    ) -> Result<()> {
        self.append_many(
            conn,
            actor,
            action,
            std::iter::once((patient, detail.to_owned())),
        )
        .await
    }

    /// [`Trail::append_many`], the rows naming this store's organisation.
    pub(crate) async fn append_many<'a>(
        &self,
        conn: impl Into<Conn<'_>>,
        actor: &Actor,
        action: &str,
        rows: impl IntoIterator<Item = (Option<&'a str>, String)>,
    ) -> Result<()> {
        self.trail
            .append_many_in(conn, self.org, actor, action, rows)
            .await
    }

    /// [`Scoped::append_many`] of rows naming patients of `org` (new ones a bulk load has just
    /// stored): the rows' organisation is known without reading it back, so on PostgreSQL
    /// they go by binary `COPY`. The same rows either way.
    pub(crate) async fn append_many_of<'a>(
        &self,
        conn: impl Into<Conn<'_>>,
        org: OrgId,
        actor: &Actor,
        action: &str,
        rows: impl IntoIterator<Item = (Option<&'a str>, String)>,
    ) -> Result<()> {
        let org = self.org.unwrap_or(org);
        self.trail
            .append_many_in(conn, Some(org), actor, action, rows)
            .await
    }
}

/// One row to append, before it is sealed: who did what, to which patient.
pub(crate) struct Line<'a> {
    /// The row's organisation; `None` takes that of the patient it names.
    pub org: Option<OrgId>,
    pub actor: &'a str,
    pub action: &'a str,
    pub patient: Option<&'a str>,
    /// Owned where the caller made it, borrowed where it is kept anyway (a queued read's).
    pub detail: std::borrow::Cow<'a, str>,
}

/// Seals and inserts rows after the current head; returns how many. A row's organisation is
/// its own, else that of the patient it names; it is not part of the seal (the seal's fields
/// are those of every earlier row), and like every column the append-only triggers keep it.
async fn write_rows<'a>(
    mut conn: Conn<'_>,
    key: &AuditKey,
    lines: impl IntoIterator<Item = Line<'a>>,
) -> Result<u64> {
    let (mut seq, mut prev) = head(conn.re())
        .await?
        .unwrap_or_else(|| (0, GENESIS.to_owned()));
    let at = timestamp_text(now());
    let mut chained = Vec::new();
    for line in lines {
        seq += 1;
        let fields = RowFields {
            seq,
            at: &at,
            actor: line.actor,
            action: line.action,
            patient: line.patient,
            detail: line.detail.as_ref(),
        };
        let hash = fields.seal(key, &prev);
        chained.push(AuditRow {
            seq,
            line,
            prev: std::mem::replace(&mut prev, hash.clone()),
            hash,
        });
    }
    // COPY cannot look a patient's organisation up, so only rows that name their own go by it.
    if let Conn::Postgres(c) = &mut conn
        && chained.len() >= COPY_FROM
        && chained.iter().all(|r| r.line.org.is_some())
    {
        crate::load_pg::audit_rows(c, &at, &chained).await?;
        return Ok(chained.len() as u64);
    }
    // 10 parameters a row: 500 rows stay far below SQLite's parameter limit.
    for chunk in chained.chunks(500) {
        exec!(conn conn.re(), c => {
            let mut q = QueryBuilder::new(
                "INSERT INTO audit_log (seq, at, actor, action, patient_id, detail, prev_hash, hash, org) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.seq)
                    .push_bind(&at)
                    .push_bind(r.line.actor)
                    .push_bind(r.line.action)
                    .push_bind(r.line.patient)
                    .push_bind(r.line.detail.as_ref())
                    .push_bind(&r.prev)
                    .push_bind(&r.hash)
                    .push_unseparated(", COALESCE(CAST(")
                    .push_bind_unseparated(r.line.org.map(|o| o.0))
                    .push_unseparated(" AS BIGINT), (SELECT org FROM patients WHERE id = ")
                    .push_bind_unseparated(r.line.patient)
                    .push_unseparated("))");
            });
            q.build().execute(c).await
        })?;
    }
    Ok(chained.len() as u64)
}

/// Rows from which a PostgreSQL append whose organisation is known goes by binary `COPY`
/// (`load_pg.rs`): a bulk load's one row per patient. Fewer go in one `INSERT`, one round
/// trip where a `COPY` takes two.
const COPY_FROM: usize = 64;

/// The newest entry's number and seal.
async fn head(conn: Conn<'_>) -> Result<Option<(i64, String)>> {
    Ok(on!(conn conn, c =>
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(c)
            .await)?)
}

impl Store {
    /// Records a read of patient data (the patient page, an export, a FHIR read).
    pub async fn audit_read(
        &self,
        actor: &Actor,
        action: &str,
        patient: Option<&str>,
        detail: &str,
    ) -> Result<()> {
        reads::append(
            self.db(),
            &self.audit,
            self.scope,
            actor,
            action,
            patient,
            detail,
        )
        .await
    }

    /// Audit rows matching `query`, newest first (on a store confined to an organisation, that
    /// organisation's rows only): at most `query.limit`, and only rows older
    /// than `query.before` when it is set (the next page).
    pub async fn audit_search(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        // Stamps are RFC 3339 in UTC, so a date compares as the start of that day.
        let from = query.from.map(|d| d.to_string());
        let until = query.to.and_then(|d| d.next_day()).map(|d| d.to_string());
        on!(self.db(), p => {
            let rows = sqlx::query(
                "SELECT seq, at, actor, action, patient_id, detail, org FROM audit_log
                 WHERE (CAST($1 AS TEXT) IS NULL OR actor = $1)
                   AND (CAST($2 AS TEXT) IS NULL OR patient_id = $2)
                   AND (CAST($3 AS TEXT) IS NULL OR action = $3 OR action LIKE $3 || '.%')
                   AND (CAST($4 AS TEXT) IS NULL OR at >= $4)
                   AND (CAST($5 AS TEXT) IS NULL OR at < $5)
                   AND (CAST($6 AS BIGINT) IS NULL OR seq < $6)
                   AND (CAST($8 AS BIGINT) IS NULL OR org = $8)
                 ORDER BY seq DESC LIMIT $7",
            )
            .bind(query.actor.as_deref())
            .bind(query.patient.as_deref())
            .bind(query.action.as_deref())
            .bind(from)
            .bind(until)
            .bind(query.before)
            .bind(query.limit)
            .bind(self.org_param())
            .fetch_all(p)
            .await?;
            rows.iter().map(row::read_entry).collect()
        })
    }

    /// The most recent audit rows, newest first, optionally for one patient.
    pub async fn audit_recent(&self, patient: Option<&str>, limit: i64) -> Result<Vec<AuditEntry>> {
        on!(self.db(), p => {
            let rows = sqlx::query(
                "SELECT seq, at, actor, action, patient_id, detail, org FROM audit_log
                 WHERE (CAST($1 AS TEXT) IS NULL OR patient_id = $1)
                   AND (CAST($3 AS BIGINT) IS NULL OR org = $3)
                 ORDER BY seq DESC LIMIT $2",
            )
            .bind(patient)
            .bind(limit)
            .bind(self.org_param())
            .fetch_all(p)
            .await?;
            rows.iter().map(row::read_entry).collect()
        })
    }
}
