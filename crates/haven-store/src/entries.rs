//! Clinical entries: add, amend or mark entered-in-error (never delete), and read history.

use haven_core::record::{Change, Entry, EntryBody, EntryStatus, PatientRecord, Visibility};
use haven_core::{EntryId, PartialDate, PatientId, UserId};

use crate::codec::{date_text, parse_timestamp, timestamp_text};
use crate::db::{Conn, ReadRow, exec, on};
use crate::{Actor, Result, Store, StoreError};

impl Store {
    /// Adds a new entry (version 1) with its audit row.
    pub async fn add_entry(&self, actor: &Actor, entry: &Entry) -> Result<()> {
        self.add_entries(actor, std::slice::from_ref(entry)).await
    }

    /// Adds several new entries in one transaction, each with its audit row: all or none (an
    /// outreach and the appointment it booked are one act).
    pub async fn add_entries(&self, actor: &Actor, entries: &[Entry]) -> Result<()> {
        let mut tx = self.db().write().await?;
        let mut patients: Vec<&str> = entries.iter().map(|e| e.patient.as_str()).collect();
        patients.sort_unstable();
        patients.dedup();
        for patient in &patients {
            let exists: Option<i32> = on!(conn tx.conn(), c =>
                sqlx::query_scalar("SELECT 1 FROM patients WHERE id = $1 AND (CAST($2 AS BIGINT) IS NULL OR org = $2)")
                    .bind(*patient)
                    .bind(self.org_param())
                    .fetch_optional(c)
                    .await)?;
            if exists.is_none() {
                return Err(StoreError::PatientNotFound((*patient).to_owned()));
            }
        }
        for entry in entries {
            insert(&mut tx, entry).await?;
        }
        for patient in &patients {
            crate::actions::after_patient_change(&mut tx, patient, self.clock.today()).await?;
        }
        for entry in entries {
            self.audit()
                .append(
                    &mut tx,
                    actor,
                    "entry.add",
                    Some(entry.patient.as_str()),
                    &format!("{} {}", entry.body.kind_id(), entry.id),
                )
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stores the next version of an entry (an amendment or an entered-in-error marking made by
    /// `haven_core::record::Entry`), moving the current version to history.
    pub async fn change_entry(&self, actor: &Actor, next: &Entry) -> Result<()> {
        let mut tx = self.db().write().await?;
        let current = on!(conn tx.conn(), c => {
            let row = sqlx::query("SELECT version, status, data, changed_at, changed_by, reason, partial_date FROM entries WHERE id = $1 AND (CAST($2 AS BIGINT) IS NULL OR org = $2)")
                .bind(next.id.as_str())
                .bind(self.org_param())
                .fetch_optional(&mut *c)
                .await?
                .ok_or_else(|| StoreError::EntryNotFound(next.id.to_string()))?;
            let current = row.int("version")? as u32;
            if current + 1 != next.version {
                return Err(StoreError::VersionConflict { current });
            }
            sqlx::query("INSERT INTO entry_history (entry_id, version, status, data, changed_at, changed_by, reason, partial_date, patient_id, org) SELECT $1, $2, $3, $4, $5, $6, $7, $8, patient_id, org FROM entries WHERE id = $1")
                .bind(next.id.as_str())
                .bind(i64::from(current))
                .bind(row.text("status")?)
                .bind(row.text("data")?)
                .bind(row.text("changed_at")?)
                .bind(row.text("changed_by")?)
                .bind(row.text("reason")?)
                .bind(row.opt_text("partial_date")?)
                .execute(&mut *c)
                .await?;
            current
        });
        debug_assert_eq!(current + 1, next.version);
        exec!(conn tx.conn(), c => sqlx::query("UPDATE entries SET version = $1, status = $2, entry_date = $3, data = $4, changed_at = $5, changed_by = $6, reason = $7, partial_date = $8 WHERE id = $9")
            .bind(i64::from(next.version))
            .bind(next.status.id())
            .bind(date_text(next.body.date()))
            .bind(crate::codec::to_json(&next.body)?)
            .bind(timestamp_text(next.change.at))
            .bind(next.change.by.as_str())
            .bind(&next.change.reason)
            .bind(next.partial_date.map(|p| p.to_string()))
            .bind(next.id.as_str())
            .execute(c)
            .await)?;
        let action = if next.status == EntryStatus::EnteredInError {
            "entry.entered-in-error"
        } else {
            "entry.amend"
        };
        crate::actions::after_patient_change(&mut tx, next.patient.as_str(), self.clock.today())
            .await?;
        self.audit()
            .append(
                &mut tx,
                actor,
                action,
                Some(next.patient.as_str()),
                &format!("{} v{}: {}", next.id, next.version, next.change.reason),
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn entry(&self, id: &str) -> Result<Entry> {
        on!(self.db(), p => sqlx::query("SELECT * FROM entries WHERE id = $1 AND (CAST($2 AS BIGINT) IS NULL OR org = $2)")
            .bind(id)
            .bind(self.org_param())
            .fetch_optional(p)
            .await?
            .ok_or_else(|| StoreError::EntryNotFound(id.to_owned()))
            .and_then(|row| entry_from_row(&row)))
    }

    /// The current version of each of these entries and when Haven stored it, by entry id; ids
    /// that match no entry are left out.
    pub async fn entry_stamps(
        &self,
        ids: &[&str],
    ) -> Result<std::collections::HashMap<String, crate::VersionStamp>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(crate::codec::IN_LIST_MAX) {
            on!(self.db(), p => {
                let mut q = crate::codec::in_list(
                    "SELECT id, version, changed_at FROM entries WHERE id IN (",
                    chunk,
                );
                crate::organisations::push_org(&mut q, "org", self.org_param());
                for row in q.build().fetch_all(p).await? {
                    out.insert(row.text("id")?, crate::patients::stamp(&row)?);
                }
            });
        }
        Ok(out)
    }

    /// Every version of an entry, oldest first (the current one last).
    pub async fn entry_history(&self, id: &str) -> Result<Vec<Entry>> {
        let current = self.entry(id).await?;
        let mut out = Vec::new();
        on!(self.db(), p => {
            let rows = sqlx::query("SELECT * FROM entry_history WHERE entry_id = $1 ORDER BY version")
                .bind(id)
                .fetch_all(p)
                .await?;
            for r in &rows {
                out.push(Entry {
                    id: current.id.clone(),
                    patient: current.patient.clone(),
                    version: r.int("version")? as u32,
                    status: status(&r.text("status")?)?,
                    change: change_from_row(r)?,
                    body: crate::codec::from_json(&r.text("data")?)?,
                    partial_date: partial_from_row(r)?,
                });
            }
        });
        out.push(current);
        Ok(out)
    }

    /// A patient's record with every current entry (entered-in-error ones included, marked;
    /// the rules skip them), filtered to what `visible` allows. A patient of another
    /// organisation than the store's is not found.
    pub async fn record(&self, id: &str, visible: Visibility) -> Result<PatientRecord> {
        let patient = self.patient(id).await?.patient;
        let mut entries = Vec::new();
        on!(self.db(), p => {
            let rows =
                sqlx::query("SELECT * FROM entries WHERE patient_id = $1 ORDER BY entry_date, id")
                    .bind(id)
                    .fetch_all(p)
                    .await?;
            for r in &rows {
                let e = entry_from_row(r)?;
                if e.visibility() <= visible {
                    entries.push(e);
                }
            }
        });
        Ok(PatientRecord { patient, entries })
    }
}

fn status(text: &str) -> Result<EntryStatus> {
    EntryStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("entry status {text:?}")))
}

fn change_from_row(r: &impl ReadRow) -> Result<Change> {
    Ok(Change {
        by: UserId::new(r.text("changed_by")?),
        at: parse_timestamp(&r.text("changed_at")?)?,
        reason: r.text("reason")?,
    })
}

pub(crate) fn entry_from_row(r: &impl ReadRow) -> Result<Entry> {
    let body: EntryBody = crate::codec::from_json(&r.text("data")?)?;
    Ok(Entry {
        id: EntryId::new(r.text("id")?),
        patient: PatientId::new(r.text("patient_id")?),
        version: r.int("version")? as u32,
        status: status(&r.text("status")?)?,
        change: change_from_row(r)?,
        body,
        partial_date: partial_from_row(r)?,
    })
}

/// The `partial_date` column: the entry's date as its source gave it, when only in part.
pub(crate) fn partial_from_row(r: &impl ReadRow) -> Result<Option<PartialDate>> {
    r.opt_text("partial_date")?
        .map(|text| {
            PartialDate::parse(&text)
                .map_err(|_| StoreError::Corrupt(format!("partial date {text:?}")))
        })
        .transpose()
}

pub(crate) async fn insert(conn: impl Into<Conn<'_>>, entry: &Entry) -> Result<()> {
    exec!(conn conn.into(), c => sqlx::query(
        "INSERT INTO entries (id, patient_id, kind, version, status, entry_date, sensitive, data, changed_at, changed_by, reason, partial_date, org)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, (SELECT org FROM patients WHERE id = $2))",
    )
    .bind(entry.id.as_str())
    .bind(entry.patient.as_str())
    .bind(entry.body.kind_id())
    .bind(i64::from(entry.version))
    .bind(entry.status.id())
    .bind(date_text(entry.body.date()))
    .bind(entry.visibility() == Visibility::Sensitive)
    .bind(crate::codec::to_json(&entry.body)?)
    .bind(timestamp_text(entry.change.at))
    .bind(entry.change.by.as_str())
    .bind(&entry.change.reason)
    .bind(entry.partial_date.map(|p| p.to_string()))
    .execute(c)
    .await)?;
    Ok(())
}
