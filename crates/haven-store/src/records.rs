//! Whole records in bulk: loading a generated or imported population in few statements, and
//! streaming every record in patient order with bounded memory (exports, the FHIR API).

use std::borrow::Borrow;
use std::ops::ControlFlow;

use futures_util::TryStreamExt;
use haven_core::record::{Entry, Patient, PatientRecord, Visibility};
use sqlx::pool::PoolConnection;
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection};

use crate::audit::Scoped;
use crate::codec::{date_text, timestamp_text};
use crate::db::{Conn, ReadRow, exec, on};
use crate::entries::entry_from_row;
use crate::patients::{Columns, next_seq};
use crate::{Actor, OrgId, Result, Store, VersionStamp, now};

/// Which records a scan visits.
#[derive(Clone, Debug, Default)]
pub struct RecordStream {
    pub patient: Option<String>,
    pub clinician: Option<String>,
    /// Only patients whose id sorts at or after this one (scans go in id order), so a reader
    /// can resume where it stopped.
    pub from: Option<String>,
    /// Demographics alone, without entries (for what is made from demographics only).
    pub demographics_only: bool,
}

/// Rows per multi-row INSERT: well under SQLite's 32,766 bound parameters.
const CHUNK: usize = 1_000;

impl Store {
    /// Inserts whole records in one transaction, assigning `pat-N` ids to patients whose id is
    /// empty (entries take the patient's final id). One audit row per patient. `batches` yields
    /// groups of records so a large population streams through with bounded memory; `progress`
    /// is called with the running count. All or nothing: an error rolls everything back.
    pub async fn insert_records<I>(
        &self,
        actor: &Actor,
        action: &str,
        batches: I,
        mut progress: impl FnMut(u64),
    ) -> Result<Vec<String>>
    where
        I: IntoIterator<Item = Vec<PatientRecord>>,
    {
        let org = self.acting_org().await?;
        if self.backend() == crate::Backend::Postgres {
            // No journal to tune: one transaction under the write lock, the rows sent by
            // binary COPY (`load_pg.rs`; ARCHITECTURE.md, *PostgreSQL*).
            let mut tx = self.db().write().await?;
            let ids = load_into(
                tx.conn(),
                &self.audit(),
                org,
                actor,
                action,
                batches,
                &mut progress,
            )
            .await?;
            tx.commit().await?;
            self.db().refresh_statistics_after_load().await?;
            return Ok(ids);
        }
        let (mut conn, journal) = BulkJournal::begin(self).await?;
        let result = load_records(
            &mut conn,
            &self.audit(),
            org,
            actor,
            action,
            batches,
            &mut progress,
        )
        .await;
        journal.leave(&mut conn).await?;
        result
    }

    /// Visits every matching record of the store's organisation (of every one on a store for
    /// the whole deployment) in patient-id order, one at a time, with at most one
    /// record in memory: two ordered cursors (patients, entries) merged on the patient id.
    /// Entries entered-in-error are included (marked); sensitive ones only when `visible` allows.
    pub async fn scan_records(
        &self,
        filter: &RecordStream,
        visible: Visibility,
        mut visit: impl FnMut(PatientRecord),
    ) -> Result<u64> {
        self.scan_stamped_records(filter, visible, |record, _| visit(record))
            .await
    }

    /// [`Store::scan_records`], each record with its demographics' stored version and when
    /// Haven stored it.
    pub async fn scan_stamped_records(
        &self,
        filter: &RecordStream,
        visible: Visibility,
        mut visit: impl FnMut(PatientRecord, VersionStamp),
    ) -> Result<u64> {
        self.scan_stamped_records_until(filter, visible, |record, stamp| {
            visit(record, stamp);
            ControlFlow::Continue(())
        })
        .await
    }

    /// As [`Store::scan_stamped_records`], stopping when `visit` says so; the count is of
    /// the records visited.
    pub async fn scan_stamped_records_until(
        &self,
        filter: &RecordStream,
        visible: Visibility,
        mut visit: impl FnMut(PatientRecord, VersionStamp) -> ControlFlow<()>,
    ) -> Result<u64> {
        on!(self.db(), p => {
        let mut patients = sqlx::query(
            "SELECT id, data, version, changed_at FROM patients WHERE (CAST($1 AS TEXT) IS NULL OR id = $1) AND (CAST($2 AS TEXT) IS NULL OR named_clinician = $2)
             AND (CAST($3 AS TEXT) IS NULL OR id >= $3) AND (CAST($4 AS BIGINT) IS NULL OR org = $4) ORDER BY id",
        )
        .bind(&filter.patient)
        .bind(&filter.clinician)
        .bind(&filter.from)
        .bind(self.org_param())
        .fetch(p);
        let mut entries = (!filter.demographics_only).then(|| {
            sqlx::query(
                "SELECT e.* FROM entries e WHERE (CAST($1 AS TEXT) IS NULL OR e.patient_id = $1)
                 AND (CAST($2 AS TEXT) IS NULL OR e.patient_id IN (SELECT id FROM patients WHERE named_clinician = $2))
                 AND ($3 OR NOT e.sensitive) AND (CAST($4 AS TEXT) IS NULL OR e.patient_id >= $4)
                 AND (CAST($5 AS BIGINT) IS NULL OR e.org = $5)
                 ORDER BY e.patient_id, e.entry_date, e.id",
            )
            .bind(&filter.patient)
            .bind(&filter.clinician)
            .bind(visible == Visibility::Sensitive)
            .bind(&filter.from)
            .bind(self.org_param())
            .fetch(p)
        });
        let mut pending: Option<Entry> = None;
        let mut count = 0;
        while let Some(row) = patients.try_next().await? {
            let patient: Patient = crate::codec::from_json(&row.text("data")?)?;
            let stamp = crate::patients::stamp(&row)?;
            let mut record = PatientRecord::new(patient);
            while let Some(entries) = entries.as_mut() {
                let next = match pending.take() {
                    Some(e) => Some(e),
                    None => entries
                        .try_next()
                        .await?
                        .map(|r| entry_from_row(&r))
                        .transpose()?,
                };
                match next {
                    Some(e) if e.patient == record.patient.id => {
                        if e.visibility() <= visible {
                            record.entries.push(e);
                        }
                    }
                    Some(e) if e.patient.as_str() < record.patient.id.as_str() => {} // belongs to a filtered-out patient
                    other => {
                        pending = other;
                        break;
                    }
                }
            }
            count += 1;
            if visit(record, stamp).is_break() {
                break;
            }
        }
        Ok(count)
        })
    }
}

/// Connection settings for one bulk load, restored afterwards whether or not it succeeded.
///
/// A bigger page cache keeps the index pages being filled in memory. And when this is the
/// only connection to the file, the load runs with a rollback journal instead of the WAL:
/// pages that did not exist before the load need no journal at all, so each new page is
/// written once instead of twice (to the WAL, then again at checkpoint). The transaction is
/// just as atomic and durable (`synchronous = FULL`, as always); a crash mid-load leaves
/// a hot journal that SQLite rolls back on the next open. With other connections open
/// (a running server, say) the WAL stays and the load is simply slower.
pub(crate) struct BulkJournal {
    rollback_journal: bool,
}

/// Switches the file to a rollback journal if `conn` is the only connection to it, in this
/// process or any other: leaving WAL needs every other connection gone, and one that is not
/// is not waited for. Returns whether it left WAL.
pub(crate) async fn leave_wal_if_alone(conn: &mut SqliteConnection) -> Result<bool> {
    sqlx::query("PRAGMA busy_timeout = 0")
        .execute(&mut *conn)
        .await?;
    let mode: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = DELETE")
        .fetch_one(&mut *conn)
        .await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "PRAGMA busy_timeout = {}",
        crate::open::BUSY_TIMEOUT.as_millis()
    )))
    .execute(&mut *conn)
    .await?;
    Ok(matches!(mode.as_deref(), Ok("delete")))
}

/// The page cache of a bulk load (256 MiB): new pages are written once, not spilled early.
const BULK_CACHE_KIB: u64 = 256 << 10;

impl BulkJournal {
    /// A connection set up for a bulk load, the store's others closed first: idle connections
    /// would keep the WAL in use (the pool reopens them on demand).
    pub(crate) async fn begin(store: &Store) -> Result<(PoolConnection<Sqlite>, Self)> {
        Self::begin_with_cache(store, BULK_CACHE_KIB).await
    }

    /// [`BulkJournal::begin`] with a page cache of `cache_kib` KiB.
    pub(crate) async fn begin_with_cache(
        store: &Store,
        cache_kib: u64,
    ) -> Result<(PoolConnection<Sqlite>, Self)> {
        let pool = store.sqlite("bulk load")?;
        let mut conn = pool.acquire().await?;
        while let Some(idle) = pool.try_acquire() {
            idle.close().await?;
        }
        let journal = Self::enter(&mut conn, pool.size(), cache_kib).await?;
        Ok((conn, journal))
    }

    async fn enter(conn: &mut SqliteConnection, pool_size: u32, cache_kib: u64) -> Result<Self> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA cache_size = -{cache_kib}"
        )))
        .execute(&mut *conn)
        .await?;
        let rollback_journal = pool_size == 1 && leave_wal_if_alone(conn).await?;
        Ok(Self { rollback_journal })
    }

    pub(crate) async fn leave(self, conn: &mut SqliteConnection) -> Result<()> {
        if self.rollback_journal {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA cache_size = {}",
            crate::open::CACHE_SIZE
        )))
        .execute(&mut *conn)
        .await?;
        // A load may have multiplied a table's rows: the planner's statistics follow.
        crate::open::refresh_statistics(conn).await
    }
}

/// The body of [`Store::insert_records`]: everything in one transaction on `conn`.
async fn load_records<I>(
    conn: &mut SqliteConnection,
    audit: &Scoped<'_>,
    org: OrgId,
    actor: &Actor,
    action: &str,
    batches: I,
    progress: &mut impl FnMut(u64),
) -> Result<Vec<String>>
where
    I: IntoIterator<Item = Vec<PatientRecord>>,
{
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let ids = load_into(
        Conn::from(&mut tx),
        audit,
        org,
        actor,
        action,
        batches,
        progress,
    )
    .await?;
    tx.commit().await?;
    Ok(ids)
}

/// Inserts the records inside the caller's transaction.
async fn load_into<I>(
    mut conn: Conn<'_>,
    audit: &Scoped<'_>,
    org: OrgId,
    actor: &Actor,
    action: &str,
    batches: I,
    progress: &mut impl FnMut(u64),
) -> Result<Vec<String>>
where
    I: IntoIterator<Item = Vec<PatientRecord>>,
{
    let mut seq = next_seq(conn.re()).await?;
    let stamp = timestamp_text(now());
    let mut ids = Vec::new();
    for mut batch in batches {
        for r in &mut batch {
            if r.patient.id.as_str().is_empty() {
                r.patient.id = format!("pat-{seq}").as_str().into();
            }
            let pid = r.patient.id.clone();
            for e in &mut r.entries {
                e.patient = pid.clone();
            }
            seq += 1;
        }
        let first_seq = seq - batch.len() as i64;
        insert_patients(conn.re(), &batch, first_seq, actor, &stamp, org).await?;
        insert_new_entries(conn.re(), batch.iter().flat_map(|r| r.entries.iter()), org).await?;
        let rows = batch.iter().map(|r| {
            (
                Some(r.patient.id.as_str()),
                format!("{} entries", r.entries.len()),
            )
        });
        audit
            .append_many_of(conn.re(), org, actor, action, rows)
            .await?;
        ids.extend(batch.iter().map(|r| r.patient.id.to_string()));
        progress(ids.len() as u64);
    }
    // New patients have no stored actions yet: the next worklist view re-evaluates everyone.
    exec!(conn conn, c => sqlx::query("DELETE FROM settings WHERE key = 'actions.as-of'")
        .execute(c)
        .await)?;
    Ok(ids)
}

/// New patients of `org` with their rules views, numbered from `first_seq`: in multi-row
/// inserts on SQLite, by binary `COPY` on PostgreSQL.
pub(crate) async fn insert_patients<R: Borrow<PatientRecord>>(
    conn: impl Into<Conn<'_>>,
    records: &[R],
    first_seq: i64,
    actor: &Actor,
    stamp: &str,
    org: OrgId,
) -> Result<()> {
    let mut conn = conn.into();
    if let Conn::Postgres(c) = conn {
        return crate::load_pg::patients(c, records, first_seq, actor, stamp, org).await;
    }
    for (c, chunk) in records.chunks(CHUNK).enumerate() {
        let cols = chunk
            .iter()
            .map(|r| {
                let r = r.borrow();
                Ok((Columns::of(&r.patient)?, crate::projection::encode(r)?))
            })
            .collect::<Result<Vec<_>>>()?;
        exec!(conn conn.re(), db => {
        let mut q = QueryBuilder::new(
            "INSERT INTO patients (id, seq, version, search_name, search_key, phone_key, family_name, given_name, birth_date, nhs_number, local_id, main_language, named_clinician, data, changed_at, changed_by, rules_view, org) ",
        );
        q.push_values(
            chunk.iter().zip(cols).enumerate(),
            |mut b, (i, (r, (col, view)))| {
                let p: &Patient = &r.borrow().patient;
                b.push_bind(p.id.as_str().to_owned())
                    .push_bind(first_seq + (c * CHUNK + i) as i64)
                    .push_bind(1i64)
                    .push_bind(col.search_name)
                    .push_bind(col.search_key)
                    .push_bind(col.phone_key)
                    .push_bind(p.family_name.clone())
                    .push_bind(p.given_name.clone())
                    .push_bind(col.birth_date)
                    .push_bind(col.nhs_number)
                    .push_bind(p.local_id.clone())
                    .push_bind(col.language)
                    .push_bind(col.clinician)
                    .push_bind(col.data)
                    .push_bind(stamp.to_owned())
                    .push_bind(actor.0.clone())
                    .push_bind(view)
                    .push_bind(org.0);
            },
        );
        q.build().execute(db).await
        })?;
    }
    Ok(())
}

/// New entries of patients of `org` (patients a bulk load has just stored): [`insert_entries`]
/// on SQLite, binary `COPY` on PostgreSQL.
pub(crate) async fn insert_new_entries<'a>(
    conn: impl Into<Conn<'_>>,
    entries: impl Iterator<Item = &'a Entry>,
    org: OrgId,
) -> Result<()> {
    match conn.into() {
        Conn::Postgres(c) => {
            let entries: Vec<&Entry> = entries.collect();
            crate::load_pg::entries(c, &entries, org).await
        }
        conn => insert_entries(conn, entries).await,
    }
}

/// New entries, each of its patient's organisation, in multi-row inserts.
pub(crate) async fn insert_entries<'a>(
    conn: impl Into<Conn<'_>>,
    entries: impl Iterator<Item = &'a Entry>,
) -> Result<()> {
    let mut conn = conn.into();
    let all: Vec<&Entry> = entries.collect();
    for chunk in all.chunks(CHUNK) {
        let data = chunk
            .iter()
            .map(|e| crate::codec::to_json(&e.body))
            .collect::<Result<Vec<_>, _>>()?;
        exec!(conn conn.re(), db => {
        let mut q = QueryBuilder::new(
            "INSERT INTO entries (id, patient_id, kind, version, status, entry_date, sensitive, data, changed_at, changed_by, reason, partial_date, org) ",
        );
        q.push_values(chunk.iter().zip(data), |mut b, (e, data)| {
            b.push_bind(e.id.as_str().to_owned())
                .push_bind(e.patient.as_str().to_owned())
                .push_bind(e.body.kind_id())
                .push_bind(i64::from(e.version))
                .push_bind(e.status.id())
                .push_bind(date_text(e.body.date()))
                .push_bind(e.visibility() == Visibility::Sensitive)
                .push_bind(data)
                .push_bind(timestamp_text(e.change.at))
                .push_bind(e.change.by.as_str().to_owned())
                .push_bind(e.change.reason.clone())
                .push_bind(e.partial_date.map(|p| p.to_string()))
                .push_unseparated(", (SELECT org FROM patients WHERE id = ")
                .push_bind_unseparated(e.patient.as_str().to_owned())
                .push_unseparated(")");
        });
        q.build().execute(db).await
        })?;
    }
    Ok(())
}
