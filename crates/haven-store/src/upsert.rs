//! Storing whole records that arrive from elsewhere (`haven import`, `POST /fhir`, `PUT
//! /fhir/Patient/{id}`), already read and validated by the caller: new patients and entries
//! are added, changed ones get a new version with the old one kept in history, unchanged ones
//! are left alone — so storing the same records again changes nothing. Never deletes.
//!
//! A create never overwrites: a create ([`PatientWrite::Create`]) is given a new id here, in
//! the write's own transaction; demographics that arrive for a stored id replace the stored
//! ones only when the identity agrees ([`haven_core::record::same_identity`]) or the update
//! names the version it changes; and no second patient is created with an NHS number already
//! on file. Any refusal leaves everything as it was.

use haven_core::PatientId;
use haven_core::record::{Entry, EntryBody, EntryStatus, PatientRecord, Visibility};
use std::collections::{HashMap, HashSet};

use sqlx::Connection;

use crate::audit::Scoped;
use crate::codec::{IN_LIST_MAX, date_text, in_list, timestamp_text};
use crate::db::{Conn, ReadRow, exec, on};
use crate::patients::{Current, insert_patient, next_seq};
use crate::{Actor, OrgId, Store, StoreError, now};

mod identity;
use identity::{Demographics, NhsHolders, assign_new_ids, demographics};

/// What an upsert did, for the command's summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpsertSummary {
    pub patients_added: u64,
    pub patients_updated: u64,
    pub entries_added: u64,
    pub entries_changed: u64,
    pub entries_unchanged: u64,
}

/// What storing a record may do to its patient's demographics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatientWrite {
    /// The input holds the patient (`haven import`, a `PUT`): stored under its id when that
    /// id is new; otherwise an update, applied only when the identities agree.
    Upsert,
    /// A deliberate update of the patient stored at this version (`If-Match`): the identity
    /// may change; any other stored version is refused.
    UpdateAt(u32),
    /// A create (`POST`): stored under a new `pat-N` id that the store assigns; the record's
    /// id only groups it.
    Create,
    /// The input only refers to the patient, who is stored: the stored demographics stay,
    /// except the country of origin, which the input's Observations may set.
    Refer,
}

/// One record to store and what it may do to its patient.
#[derive(Clone, Debug, PartialEq)]
pub struct Incoming {
    pub record: PatientRecord,
    pub write: PatientWrite,
}

/// What an upsert did, and the id each incoming record was stored under (in order; a
/// create's is new).
#[derive(Clone, Debug, PartialEq)]
pub struct Upserted {
    pub summary: UpsertSummary,
    pub ids: Vec<PatientId>,
}

#[derive(Debug, thiserror::Error)]
pub enum UpsertError {
    #[error(
        "Patient {incoming} in the input is not the patient stored as {stored} (the {field} differs), so nothing was imported; a deliberate change of identity is made on the patient's page or by a FHIR update with If-Match"
    )]
    IdentityConflict {
        incoming: String,
        stored: String,
        field: &'static str,
    },
    #[error(
        "Patient {incoming} in the input has the same NHS number as patient {existing}; a second patient with one NHS number is never created, so nothing was imported"
    )]
    DuplicateNhsNumber { incoming: String, existing: String },
    #[error(
        "patient {id} is at version {current}, not version {expected} as If-Match says: it has changed since it was read, so nothing was changed"
    )]
    VersionMismatch {
        id: String,
        current: u32,
        expected: u32,
    },
    #[error(
        "patient {id} is not stored, so If-Match cannot name a version of it; nothing was changed"
    )]
    NotStoredForUpdate { id: String },
    #[error("a create was to be stored under {id}, which is taken; nothing was imported")]
    IdTaken { id: String },
    #[error(
        "entry {entry} already belongs to patient {stored}, not {incoming}; nothing was imported"
    )]
    EntryOfAnotherPatient {
        entry: String,
        stored: String,
        incoming: String,
    },
    #[error(
        "entry {entry} is stored as a {stored} entry and cannot become a {incoming} entry; nothing was imported"
    )]
    KindChanged {
        entry: String,
        stored: String,
        incoming: &'static str,
    },
    #[error(
        "entry {entry} is marked entered-in-error and can no longer be changed; nothing was imported"
    )]
    EnteredInError { entry: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for UpsertError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// Records handled together: their stored patients and entries are read in one query each and
/// their new entries written in multi-row inserts, instead of a statement per resource.
const CHUNK: usize = 250;

impl Store {
    /// Adds or updates whole records in one transaction: all of them or none, each patient
    /// as its [`PatientWrite`] allows. Entries keep their ids. A new entry is stored as given
    /// (version and last change from the source); a changed one becomes the next version,
    /// attributed to `actor` with `reason`. One audit row per patient touched.
    pub async fn upsert_incoming(
        &self,
        actor: &Actor,
        incoming: Vec<Incoming>,
        reason: &str,
    ) -> Result<Upserted, UpsertError> {
        let org = self.acting_org().await?;
        let mut tx = self.db().write().await?;
        let done = upsert(
            tx.conn(),
            &self.audit(),
            org,
            actor,
            incoming,
            reason,
            self.clock.today(),
        )
        .await?;
        tx.commit().await?;
        Ok(done)
    }

    /// [`Store::upsert_incoming`] for a bulk import by a process that has the file to itself
    /// (`haven import`): loaded as [`Store::insert_records`] loads, with a rollback journal
    /// when no other connection is open, so that new pages are written once.
    pub async fn bulk_upsert_incoming(
        &self,
        actor: &Actor,
        incoming: Vec<Incoming>,
        reason: &str,
    ) -> Result<Upserted, UpsertError> {
        if self.backend() == crate::Backend::Postgres {
            return self.upsert_incoming(actor, incoming, reason).await;
        }
        let org = self.acting_org().await?;
        let (mut conn, journal) = crate::records::BulkJournal::begin(self).await?;
        let result = async {
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            let done = upsert(
                Conn::from(&mut tx),
                &self.audit(),
                org,
                actor,
                incoming,
                reason,
                self.clock.today(),
            )
            .await?;
            tx.commit().await?;
            Ok(done)
        }
        .await;
        journal.leave(&mut conn).await?;
        result
    }

    /// [`Store::upsert_incoming`] of records that each hold their patient
    /// ([`PatientWrite::Upsert`]).
    pub async fn upsert_records(
        &self,
        actor: &Actor,
        records: &[PatientRecord],
        reason: &str,
    ) -> Result<UpsertSummary, UpsertError> {
        let incoming = upserts(records);
        Ok(self.upsert_incoming(actor, incoming, reason).await?.summary)
    }

    /// [`Store::bulk_upsert_incoming`] of records that each hold their patient.
    pub async fn bulk_upsert_records(
        &self,
        actor: &Actor,
        records: &[PatientRecord],
        reason: &str,
    ) -> Result<UpsertSummary, UpsertError> {
        let incoming = upserts(records);
        Ok(self
            .bulk_upsert_incoming(actor, incoming, reason)
            .await?
            .summary)
    }
}

/// The page cache a [`BulkImport`] holds on SQLite, in bytes: a bounded-memory import counts
/// it in its budget. (A bulk load of everything at once takes 256 MiB.)
pub const BULK_IMPORT_CACHE: u64 = 64 << 20;

/// An import written a batch at a time inside one transaction (`haven import` reading its
/// input in parts): what [`Store::bulk_upsert_incoming`] does with all of its records at once,
/// done with a part's records at a time, so that the input never needs to be in memory whole,
/// and still all or nothing. Batches see what earlier ones wrote, so storing records in
/// batches stores exactly what storing them together would.
///
/// Ends with [`BulkImport::commit`] or [`BulkImport::rollback`]; dropped without either (a
/// panic, an abandoned future), its connection is closed, which rolls the transaction back.
pub struct BulkImport<'s> {
    store: &'s Store,
    /// The practice new patients are filed under, fixed when the import begins.
    org: OrgId,
    conn: BulkConn,
    summary: UpsertSummary,
}

enum BulkConn {
    Sqlite {
        conn: sqlx::pool::PoolConnection<sqlx::Sqlite>,
        journal: crate::records::BulkJournal,
    },
    Postgres(crate::db::Tx),
}

impl Store {
    /// Begins a [`BulkImport`]: the database's write lock is held until it ends, so on SQLite
    /// the process should have the file to itself (as for [`Store::bulk_upsert_incoming`]).
    pub async fn begin_bulk_import(&self) -> Result<BulkImport<'_>, StoreError> {
        let org = self.acting_org().await?;
        let conn = if self.backend() == crate::Backend::Postgres {
            BulkConn::Postgres(self.db().write().await?)
        } else {
            let (mut conn, journal) =
                crate::records::BulkJournal::begin_with_cache(self, BULK_IMPORT_CACHE >> 10)
                    .await?;
            conn.close_on_drop();
            if let Err(e) = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await {
                journal.leave(&mut conn).await?;
                return Err(e.into());
            }
            BulkConn::Sqlite { conn, journal }
        };
        Ok(BulkImport {
            store: self,
            org,
            conn,
            summary: UpsertSummary::default(),
        })
    }
}

impl BulkImport<'_> {
    fn conn(&mut self) -> Conn<'_> {
        match &mut self.conn {
            BulkConn::Sqlite { conn, .. } => Conn::from(conn),
            BulkConn::Postgres(tx) => tx.conn(),
        }
    }

    /// [`Store::known_patients`], read inside the import's transaction.
    pub async fn known_patients(
        &mut self,
        ids: &[&str],
        nhs_numbers: &[&str],
    ) -> Result<Vec<haven_core::record::Patient>, StoreError> {
        let org = self.store.org_param();
        crate::patients::known_patients_in(self.conn(), org, ids, nhs_numbers).await
    }

    /// Stores one batch as [`Store::upsert_incoming`] would. After an error the import can
    /// only be rolled back.
    pub async fn add(
        &mut self,
        actor: &Actor,
        incoming: Vec<Incoming>,
        reason: &str,
    ) -> Result<(), UpsertError> {
        let store = self.store;
        let today = store.clock.today();
        let org = self.org;
        let done = upsert(
            self.conn(),
            &store.audit(),
            org,
            actor,
            incoming,
            reason,
            today,
        )
        .await?;
        let (s, d) = (&mut self.summary, done.summary);
        s.patients_added += d.patients_added;
        s.patients_updated += d.patients_updated;
        s.entries_added += d.entries_added;
        s.entries_changed += d.entries_changed;
        s.entries_unchanged += d.entries_unchanged;
        Ok(())
    }

    /// Makes every batch stored; returns what they did together.
    pub async fn commit(self) -> Result<UpsertSummary, StoreError> {
        let summary = self.summary;
        match self.conn {
            BulkConn::Sqlite { mut conn, journal } => {
                sqlx::query("COMMIT").execute(&mut *conn).await?;
                journal.leave(&mut conn).await?;
            }
            BulkConn::Postgres(tx) => {
                tx.commit().await?;
                self.store.db().refresh_statistics_after_load().await?;
            }
        }
        Ok(summary)
    }

    /// Leaves the database exactly as it was before the import began.
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.conn {
            BulkConn::Sqlite { mut conn, journal } => {
                sqlx::query("ROLLBACK").execute(&mut *conn).await?;
                journal.leave(&mut conn).await?;
            }
            BulkConn::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

fn upserts(records: &[PatientRecord]) -> Vec<Incoming> {
    records
        .iter()
        .map(|r| Incoming {
            record: r.clone(),
            write: PatientWrite::Upsert,
        })
        .collect()
}

/// The body of both upserts: everything inside the caller's transaction (`tx`), the actions as
/// of `today`, new patients filed under `org`.
#[allow(clippy::too_many_arguments)]
async fn upsert(
    mut tx: Conn<'_>,
    audit: &Scoped<'_>,
    org: OrgId,
    actor: &Actor,
    mut incoming: Vec<Incoming>,
    reason: &str,
    today: haven_core::Date,
) -> Result<Upserted, UpsertError> {
    let policy = crate::settings::load_policy(tx.re()).await?;
    assign_new_ids(tx.re(), &mut incoming).await?;
    let mut summary = UpsertSummary::default();
    for chunk in incoming.chunks(CHUNK) {
        let patient_ids: Vec<&str> = chunk.iter().map(|i| i.record.patient.id.as_str()).collect();
        let mut entry_ids: Vec<&str> = Vec::new();
        for i in chunk {
            entry_ids.extend(i.record.entries.iter().map(|e| e.id.as_str()));
        }
        refuse_other_practices(tx.re(), org, &patient_ids, &entry_ids).await?;
        let stored_patients = stored_patients(tx.re(), &patient_ids).await?;
        let stored_entries = stored_entries(tx.re(), &entry_ids).await?;
        let mut holders = NhsHolders::load(tx.re(), chunk, org).await?;
        let mut seq = next_seq(tx.re()).await?;
        let mut new_entries: Vec<Entry> = Vec::new();
        let mut pending: HashSet<&str> = HashSet::new();
        let mut touched: Vec<(&str, String)> = Vec::new();
        let mut fresh: Vec<(&PatientRecord, crate::actions::Evaluated)> = Vec::new();
        for incoming in chunk {
            let record = &incoming.record;
            let id = record.patient.id.as_str();
            let row = stored_patients.get(id);
            let demographics = demographics(incoming, row)?;
            match &demographics {
                Demographics::New => holders.claim(&record.patient, None)?,
                Demographics::Change { next, stored } => holders.claim(next, Some(stored))?,
                Demographics::Keep => {}
            }
            if matches!(demographics, Demographics::New)
                && is_new(record, &stored_patients, &stored_entries, &pending)
            {
                // Nothing of it is stored: written whole, its view and actions from the
                // record in hand rather than read back.
                pending.extend(record.entries.iter().map(|e| e.id.as_str()));
                summary.patients_added += 1;
                summary.entries_added += record.entries.len() as u64;
                fresh.push((record, crate::actions::evaluate(record, &policy, today)));
                continue;
            }
            let before = summary;
            match (demographics, row) {
                (Demographics::New, _) => {
                    insert_patient(tx.re(), &record.patient, seq, actor, org).await?;
                    seq += 1;
                    summary.patients_added += 1;
                }
                (Demographics::Change { next, .. }, Some(row)) => {
                    crate::patients::supersede(tx.re(), &next, row, reason, actor).await?;
                    summary.patients_updated += 1;
                }
                (Demographics::Change { .. } | Demographics::Keep, _) => {}
            }
            for entry in &record.entries {
                let key = entry.id.as_str();
                match stored_entries.get(key) {
                    // The same id twice in one import: store the first, then compare.
                    _ if pending.contains(key) => {
                        flush(tx.re(), &mut new_entries).await?;
                        write_new(tx.re(), audit, org, &mut fresh, &mut seq, actor, reason).await?;
                        let row = stored_entry(tx.re(), key).await?;
                        update_entry(tx.re(), actor, id, entry, &row, reason, &mut summary).await?;
                    }
                    None => {
                        let mut entry = entry.clone();
                        entry.patient = id.into();
                        new_entries.push(entry);
                        pending.insert(key);
                        summary.entries_added += 1;
                    }
                    Some(row) => {
                        update_entry(tx.re(), actor, id, entry, row, reason, &mut summary).await?;
                    }
                }
            }
            let added = summary.entries_added - before.entries_added;
            let changed = summary.entries_changed - before.entries_changed;
            if added + changed > 0
                || summary.patients_added + summary.patients_updated
                    > before.patients_added + before.patients_updated
            {
                touched.push((
                    id,
                    format!("{reason}: {added} entries added, {changed} changed"),
                ));
            }
        }
        flush(tx.re(), &mut new_entries).await?;
        write_new(tx.re(), audit, org, &mut fresh, &mut seq, actor, reason).await?;
        // Patients already stored are read back whole: the chunk holds only what changed.
        let ids: Vec<&str> = touched.iter().map(|(id, _)| *id).collect();
        let records = crate::projection::refresh_many(tx.re(), &ids).await?;
        let evaluated = crate::actions::evaluated(records, &policy, today);
        crate::actions::replace_many(tx.re(), &evaluated).await?;
        let rows = touched.into_iter().map(|(id, detail)| (Some(id), detail));
        audit
            .append_many(tx.re(), actor, "fhir.import", rows)
            .await?;
    }
    let ids = incoming.into_iter().map(|i| i.record.patient.id).collect();
    Ok(Upserted { summary, ids })
}

/// Refuses, as not found, a write naming a patient or an entry another practice holds: an
/// organisation's writes can neither change another's record nor learn that an id is in use
/// there (the same answer as for an id that does not exist).
async fn refuse_other_practices(
    mut conn: Conn<'_>,
    org: OrgId,
    patients: &[&str],
    entries: &[&str],
) -> Result<(), UpsertError> {
    for (table, ids) in [("patients", patients), ("entries", entries)] {
        for chunk in ids.chunks(crate::codec::IN_LIST_MAX) {
            let foreign: Option<String> = on!(conn conn.re(), c => {
                let mut q = crate::codec::in_list(
                    &format!("SELECT id FROM {table} WHERE id IN ("),
                    chunk,
                );
                q.push(" AND org <> ").push_bind(org.0).push(" LIMIT 1");
                q.build_query_scalar().fetch_optional(c).await
            })?;
            if let Some(id) = foreign {
                return Err(UpsertError::Store(if table == "patients" {
                    StoreError::PatientNotFound(id)
                } else {
                    StoreError::EntryNotFound(id)
                }));
            }
        }
    }
    Ok(())
}

/// Writes whole new records (see [`is_new`]): patients with their rules views, entries and
/// actions, the actions from the records in hand rather than read back. Multi-row inserts on
/// SQLite; binary `COPY` straight into the tables on PostgreSQL (`load_pg.rs`): these rows were
/// found absent under the write lock, so there is nothing to merge and no staging table.
async fn write_new(
    mut conn: Conn<'_>,
    audit: &Scoped<'_>,
    org: OrgId,
    fresh: &mut Vec<(&PatientRecord, crate::actions::Evaluated)>,
    seq: &mut i64,
    actor: &Actor,
    reason: &str,
) -> Result<(), UpsertError> {
    let records: Vec<&PatientRecord> = fresh.iter().map(|(r, _)| *r).collect();
    crate::records::insert_patients(
        conn.re(),
        &records,
        *seq,
        actor,
        &timestamp_text(now()),
        org,
    )
    .await?;
    *seq += records.len() as i64;
    let entries = records.iter().flat_map(|r| &r.entries);
    crate::records::insert_new_entries(conn.re(), entries, org).await?;
    crate::actions::add_new(conn.re(), fresh, org).await?;
    let rows = records.iter().map(|r| {
        let detail = format!("{reason}: {} entries added, 0 changed", r.entries.len());
        (Some(r.patient.id.as_str()), detail)
    });
    audit
        .append_many_of(conn, org, actor, "fhir.import", rows)
        .await?;
    fresh.clear();
    Ok(())
}

/// Whether nothing of `record` is stored or already on its way in this import: a new patient
/// whose entries are new, each once, and all its own.
fn is_new(
    record: &PatientRecord,
    stored_patients: &HashMap<String, Current>,
    stored_entries: &HashMap<String, StoredEntry>,
    pending: &HashSet<&str>,
) -> bool {
    let id = &record.patient.id;
    let mut ids = HashSet::with_capacity(record.entries.len());
    !stored_patients.contains_key(id.as_str())
        && record.entries.iter().all(|e| {
            let key = e.id.as_str();
            e.patient == *id
                && !stored_entries.contains_key(key)
                && !pending.contains(key)
                && ids.insert(key)
        })
}

/// The stored patients among `ids`, by id.
async fn stored_patients(
    mut conn: Conn<'_>,
    ids: &[&str],
) -> Result<HashMap<String, Current>, UpsertError> {
    let select = "SELECT id, version, data, changed_at, changed_by FROM patients WHERE id IN (";
    let mut out = HashMap::with_capacity(ids.len());
    for part in ids.chunks(IN_LIST_MAX) {
        on!(conn conn.re(), c => {
            for row in in_list(select, part).build().fetch_all(c).await? {
                out.insert(row.text("id")?, Current::read(&row)?);
            }
        });
    }
    Ok(out)
}

/// A stored entry an incoming one is compared with.
struct StoredEntry {
    patient_id: String,
    kind: String,
    version: i64,
    status: String,
    data: String,
    changed_at: String,
    changed_by: String,
    reason: String,
    partial_date: Option<String>,
}

/// The columns [`StoredEntry::read`] reads.
const ENTRY_COLUMNS: &str =
    "id, patient_id, kind, version, status, data, changed_at, changed_by, reason, partial_date";

impl StoredEntry {
    fn read(row: &impl ReadRow) -> Result<Self, UpsertError> {
        Ok(Self {
            patient_id: row.text("patient_id")?,
            kind: row.text("kind")?,
            version: row.int("version")?,
            status: row.text("status")?,
            data: row.text("data")?,
            changed_at: row.text("changed_at")?,
            changed_by: row.text("changed_by")?,
            reason: row.text("reason")?,
            partial_date: row.opt_text("partial_date")?,
        })
    }
}

/// The stored entries among `ids`, by id.
async fn stored_entries(
    mut conn: Conn<'_>,
    ids: &[&str],
) -> Result<HashMap<String, StoredEntry>, UpsertError> {
    let select = format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE id IN (");
    let mut out = HashMap::with_capacity(ids.len());
    for part in ids.chunks(IN_LIST_MAX) {
        on!(conn conn.re(), c => {
            for row in in_list(&select, part).build().fetch_all(c).await? {
                out.insert(row.text("id")?, StoredEntry::read(&row)?);
            }
        });
    }
    Ok(out)
}

async fn flush(conn: Conn<'_>, entries: &mut Vec<Entry>) -> Result<(), UpsertError> {
    crate::records::insert_entries(conn, entries.iter()).await?;
    entries.clear();
    Ok(())
}

async fn stored_entry(conn: Conn<'_>, id: &str) -> Result<StoredEntry, UpsertError> {
    let select = format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE id = $1");
    on!(conn conn, c => {
        let row = sqlx::query(sqlx::AssertSqlSafe(select)).bind(id).fetch_one(c).await?;
        StoredEntry::read(&row)
    })
}

/// An incoming entry whose id is stored (`row`): unchanged, a new version, or refused.
async fn update_entry(
    mut conn: Conn<'_>,
    actor: &Actor,
    patient: &str,
    entry: &Entry,
    row: &StoredEntry,
    reason: &str,
    summary: &mut UpsertSummary,
) -> Result<(), UpsertError> {
    let stored_patient = row.patient_id.clone();
    if stored_patient != patient {
        return Err(UpsertError::EntryOfAnotherPatient {
            entry: entry.id.to_string(),
            stored: stored_patient,
            incoming: patient.to_owned(),
        });
    }
    let kind = row.kind.clone();
    if kind != entry.body.kind_id() {
        return Err(UpsertError::KindChanged {
            entry: entry.id.to_string(),
            stored: kind,
            incoming: entry.body.kind_id(),
        });
    }
    let status = &row.status;
    let stored: &str = &row.data;
    let stored_partial = &row.partial_date;
    let partial = entry.partial_date.map(|p| p.to_string());
    let mut body = std::borrow::Cow::Borrowed(&entry.body);
    if partial.is_some() && partial == *stored_partial {
        // The same partial date, read on another day (a late reading is never after the day
        // of the import): the day already stored stands, so a re-import changes nothing.
        let stored_day = crate::codec::from_json::<EntryBody>(stored)?.date();
        if stored_day != body.date() {
            *body.to_mut().date_mut() = stored_day;
        }
    }
    let data = crate::codec::to_json(&*body)?;
    // The same text is the same entry (the usual re-import); otherwise compare the decoded
    // entries, so that a different but equal serialisation is no change — including a row
    // written before a field was added, which reads back with the field's default.
    let same = stored == data || crate::codec::from_json::<EntryBody>(stored)? == *body;
    if same && status == entry.status.id() && partial == *stored_partial {
        summary.entries_unchanged += 1;
        return Ok(());
    }
    if status == EntryStatus::EnteredInError.id() {
        return Err(UpsertError::EnteredInError {
            entry: entry.id.to_string(),
        });
    }
    let version = row.version;
    exec!(conn conn.re(), c => sqlx::query("INSERT INTO entry_history (entry_id, version, status, data, changed_at, changed_by, reason, partial_date, patient_id, org) SELECT $1, $2, $3, $4, $5, $6, $7, $8, patient_id, org FROM entries WHERE id = $1")
        .bind(entry.id.as_str())
        .bind(version)
        .bind(status)
        .bind(&row.data)
        .bind(&row.changed_at)
        .bind(&row.changed_by)
        .bind(&row.reason)
        .bind(stored_partial)
        .execute(c)
        .await)?;
    let stamp = timestamp_text(now());
    exec!(conn conn, c => sqlx::query("UPDATE entries SET version = $1, status = $2, entry_date = $3, sensitive = $4, data = $5, changed_at = $6, changed_by = $7, reason = $8, partial_date = $9 WHERE id = $10")
        .bind(version + 1)
        .bind(entry.status.id())
        .bind(date_text(body.date()))
        .bind(entry.visibility() == Visibility::Sensitive)
        .bind(&data)
        .bind(&stamp)
        .bind(&actor.0)
        .bind(reason)
        .bind(&partial)
        .bind(entry.id.as_str())
        .execute(c)
        .await)?;
    summary.entries_changed += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::record::{
        EntryBody, LifeEvent, LifeEventKind, Patient, Screening, ScreeningStatus, ScreeningTest,
    };
    use haven_core::rules;
    use time::macros::{date, datetime};

    /// The write futures a server awaits on its worker threads must be `Send` (axum's handlers
    /// are): checked when the crate compiles, since nothing else in it needs them to be.
    #[allow(dead_code)]
    fn writes_are_send(store: &Store, actor: &Actor, records: &[PatientRecord]) {
        fn send<T: Send>(_: &T) {}
        send(&store.upsert_incoming(actor, upserts(records), ""));
        send(&store.bulk_upsert_records(actor, records, ""));
        send(&store.insert_records(actor, "", [records.to_vec()], |_| {}));
    }

    fn record(kind: LifeEventKind) -> PatientRecord {
        let mut r = PatientRecord::new(Patient::new("ehr-1".into(), "Selam", "Tesfaye"));
        let body = EntryBody::LifeEvent(LifeEvent {
            kind,
            date: date!(2026 - 11 - 01),
            note: String::new(),
        });
        r.entries.push(Entry::new(
            "ev-1".into(),
            "ehr-1".into(),
            body,
            "fhir-import".into(),
            datetime!(2026-11-01 0:00 UTC),
        ));
        r
    }

    #[tokio::test]
    async fn reimport_is_idempotent_and_changes_make_versions() {
        let store = Store::open_in_memory().await.expect("store");
        let actor = Actor::cli("import");
        let first = store
            .upsert_records(
                &actor,
                &[record(LifeEventKind::LossOfHope)],
                "import a.json",
            )
            .await
            .expect("first");
        assert_eq!((first.patients_added, first.entries_added), (1, 1));
        let again = store
            .upsert_records(
                &actor,
                &[record(LifeEventKind::LossOfHope)],
                "import a.json",
            )
            .await
            .expect("again");
        assert_eq!(
            again,
            UpsertSummary {
                entries_unchanged: 1,
                ..UpsertSummary::default()
            }
        );
        let changed = store
            .upsert_records(
                &actor,
                &[record(LifeEventKind::FacingReturn)],
                "import b.json",
            )
            .await
            .expect("changed");
        assert_eq!(changed.entries_changed, 1);
        let history = store.entry_history("ev-1").await.expect("history");
        assert_eq!(history.len(), 2, "the old version is kept");
        assert_eq!(history[1].version, 2);
        assert_eq!(history[1].change.reason, "import b.json");
    }

    /// A date known only to its month is stored as such; imported again on a later day of
    /// that month (when its late reading falls on a later day) it is the same entry, and a
    /// change to the date as given is a new version that keeps the old one.
    #[tokio::test]
    async fn partial_dates_are_stored_as_given_and_reimport_changes_nothing() {
        let store = Store::open_in_memory().await.expect("store");
        let actor = Actor::cli("import");
        let with = |day, partial: &str| {
            let mut r = record(LifeEventKind::LossOfHope);
            r.patient.birth_date = haven_core::PartialDate::parse("1988").ok();
            *r.entries[0].body.date_mut() = day;
            r.entries[0].partial_date = haven_core::PartialDate::parse(partial).ok();
            r
        };
        store
            .upsert_records(&actor, &[with(date!(2026 - 11 - 10), "2026-11")], "a")
            .await
            .expect("first");
        let again = store
            .upsert_records(&actor, &[with(date!(2026 - 11 - 20), "2026-11")], "a")
            .await
            .expect("again");
        assert_eq!(again.entries_unchanged, 1, "{again:?}");
        let stored = store
            .record("ehr-1", Visibility::Sensitive)
            .await
            .expect("record");
        assert_eq!(
            stored.patient.birth_date.map(|d| d.to_string()),
            Some("1988".into())
        );
        let entry = &stored.entries[0];
        assert_eq!(
            (entry.date_text(), entry.body.date()),
            ("2026-11".into(), date!(2026 - 11 - 10))
        );
        let changed = store
            .upsert_records(&actor, &[with(date!(2026 - 10 - 31), "2026-10")], "b")
            .await
            .expect("changed");
        assert_eq!(changed.entries_changed, 1);
        let history = store.entry_history("ev-1").await.expect("history");
        let texts: Vec<String> = history.iter().map(Entry::date_text).collect();
        assert_eq!(texts, ["2026-11", "2026-10"]);
        // The rules' view decodes with the partial birth date.
        let view: Vec<u8> =
            sqlx::query_scalar("SELECT rules_view FROM patients WHERE id = 'ehr-1'")
                .fetch_one(store.pool())
                .await
                .expect("view");
        let decoded = crate::projection::decode(&view).expect("decodes");
        assert_eq!(decoded.patient.birth_date, stored.patient.birth_date);
    }

    /// Whole birth dates stored before partial dates were kept (as `[year, day of year]`) read
    /// back as the same day.
    #[test]
    fn birth_dates_stored_the_old_way_read_back() {
        let mut p = Patient::new("p1".into(), "A", "B");
        p.birth_date = Some(date!(1990 - 05 - 01).into());
        let text = serde_json::to_string(&p).expect("json");
        assert!(text.contains(r#""birth_date":"1990-05-01""#), "{text}");
        let old = text.replace(r#""1990-05-01""#, "[1990,121]");
        let read: Patient = serde_json::from_str(&old).expect("old form");
        assert_eq!(read, p);
    }

    #[tokio::test]
    async fn a_row_stored_before_recorded_totals_existed_reimports_unchanged() {
        use haven_core::instruments::Instrument;
        use haven_core::record::QuestionnaireResult;
        let store = Store::open_in_memory().await.expect("store");
        let actor = Actor::cli("import");
        let mut r = PatientRecord::new(Patient::new("ehr-1".into(), "Selam", "Tesfaye"));
        r.entries.push(Entry::new(
            "q-1".into(),
            "ehr-1".into(),
            EntryBody::Questionnaire(QuestionnaireResult::answered(
                Instrument::Phq9,
                date!(2026 - 11 - 01),
                &[1; 9],
            )),
            "fhir-import".into(),
            datetime!(2026-11-01 0:00 UTC),
        ));
        store
            .upsert_records(&actor, std::slice::from_ref(&r), "a")
            .await
            .expect("first");
        // The row as earlier builds wrote it: answers as plain numbers, no recorded total.
        let data: String = sqlx::query_scalar("SELECT data FROM entries WHERE id = 'q-1'")
            .fetch_one(store.pool())
            .await
            .expect("row");
        let older = data.replace(",\"recorded_total\":null", "");
        assert_ne!(older, data);
        sqlx::query("UPDATE entries SET data = ? WHERE id = 'q-1'")
            .bind(&older)
            .execute(store.pool())
            .await
            .expect("write the older form");
        let again = store
            .upsert_records(&actor, std::slice::from_ref(&r), "a")
            .await
            .expect("again");
        assert_eq!((again.entries_unchanged, again.entries_changed), (1, 0));
        assert_eq!(store.entry_history("q-1").await.expect("history").len(), 1);
    }

    #[tokio::test]
    async fn conflicts_change_nothing() {
        let store = Store::open_in_memory().await.expect("store");
        let actor = Actor::cli("import");
        store
            .upsert_records(&actor, &[record(LifeEventKind::LossOfHope)], "a")
            .await
            .expect("first");
        let mut other = record(LifeEventKind::LossOfHope);
        other.patient.given_name = "Changed".into();
        other.entries[0].body = EntryBody::Screening(Screening {
            test: ScreeningTest::Hiv,
            status: ScreeningStatus::Offered,
            date: date!(2026 - 11 - 01),
        });
        let err = store
            .upsert_records(&actor, &[other], "b")
            .await
            .expect_err("kind change");
        assert!(matches!(err, UpsertError::KindChanged { .. }), "{err}");
        assert_eq!(
            store
                .patient("ehr-1")
                .await
                .expect("patient")
                .patient
                .given_name,
            "Selam",
            "rolled back"
        );
    }

    #[tokio::test]
    async fn an_id_repeated_within_one_import_is_a_new_version_or_a_conflict() {
        let store = Store::open_in_memory().await.expect("store");
        let actor = Actor::cli("import");
        let mut twice = record(LifeEventKind::LossOfHope);
        let changed = record(LifeEventKind::FacingReturn).entries.remove(0);
        twice.entries.push(changed.clone());
        twice.entries.push(changed);
        let summary = store
            .upsert_records(&actor, &[twice], "a")
            .await
            .expect("import");
        assert_eq!(
            (
                summary.entries_added,
                summary.entries_changed,
                summary.entries_unchanged
            ),
            (1, 1, 1)
        );
        assert_eq!(store.entry_history("ev-1").await.expect("history").len(), 2);
        // Many records share a chunk: an entry id claimed by two patients is refused whole.
        let store = Store::open_in_memory().await.expect("store");
        let mut records: Vec<PatientRecord> = (0..CHUNK + 10)
            .map(|i| {
                let mut r = record(LifeEventKind::LossOfHope);
                r.patient.id = format!("ehr-{i}").as_str().into();
                r.entries[0].id = format!("ev-{i}").as_str().into();
                r
            })
            .collect();
        records[CHUNK + 5].entries[0].id = "ev-3".into();
        let err = store
            .upsert_records(&actor, &records, "b")
            .await
            .expect_err("conflict");
        assert!(
            matches!(err, UpsertError::EntryOfAnotherPatient { .. }),
            "{err}"
        );
        assert!(store.patient("ehr-0").await.is_err(), "rolled back");
        // The same within one chunk, where the first claim is a new patient written whole.
        records[CHUNK + 5].entries[0].id = "ev-new".into();
        records[5].entries[0].id = "ev-3".into();
        let err = store
            .upsert_records(&actor, &records, "b")
            .await
            .expect_err("conflict in one chunk");
        assert!(
            matches!(&err, UpsertError::EntryOfAnotherPatient { stored, .. } if stored == "ehr-3"),
            "{err}"
        );
        records[5].entries[0].id = "ev-5".into();
        let summary = store
            .upsert_records(&actor, &records, "b")
            .await
            .expect("import");
        assert_eq!(
            (summary.patients_added, summary.entries_added),
            (CHUNK as u64 + 10, CHUNK as u64 + 10)
        );
        // New patients are written whole, with their rules views and actions as a stored
        // patient's would be rebuilt.
        let view = || async {
            sqlx::query_scalar::<_, Vec<u8>>("SELECT rules_view FROM patients WHERE id = 'ehr-7'")
                .fetch_one(store.pool())
                .await
                .expect("view")
        };
        let written = view().await;
        let rebuilt = {
            let mut conn = store.pool().acquire().await.expect("conn");
            crate::projection::refresh_many(&mut conn, &["ehr-7"])
                .await
                .expect("refresh")
        };
        assert_eq!(written, view().await, "the view as a rebuild writes it");
        let actions: i64 =
            sqlx::query_scalar("SELECT count(*) FROM actions WHERE patient_id = 'ehr-7'")
                .fetch_one(store.pool())
                .await
                .expect("count");
        let today = store.clock().today();
        let policy = haven_core::policy::Policy::default();
        assert_eq!(
            actions as usize,
            rules::evaluate(&rebuilt[0], &policy, today).len()
        );
        assert!(actions > 0);
    }
}
