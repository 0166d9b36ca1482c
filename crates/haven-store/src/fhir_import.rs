//! Storing imported records (FHIR import, `POST /fhir`): new patients and entries are added,
//! changed ones get a new version with the old one kept in history, unchanged ones are left
//! alone — so importing the same resources again changes nothing. Never deletes.

use haven_core::record::{Entry, EntryStatus, Patient, PatientRecord, Visibility};
use sqlx::{Row, SqliteConnection};

use crate::codec::{date_text, timestamp_text};
use crate::patients::{insert_patient, next_seq};
use crate::{Actor, Store, StoreError, audit, entries, now};

/// What an upsert did, for the command's summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpsertSummary {
    pub patients_added: u64,
    pub patients_updated: u64,
    pub entries_added: u64,
    pub entries_changed: u64,
    pub entries_unchanged: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum UpsertError {
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

impl From<serde_json::Error> for UpsertError {
    fn from(e: serde_json::Error) -> Self {
        Self::Store(e.into())
    }
}

impl Store {
    /// Adds or updates whole records in one transaction: all of them or none. Patients and
    /// entries keep their ids. A new entry is stored as given (version and last change from
    /// the source); a changed one becomes the next version, attributed to `actor` with
    /// `reason`. One audit row per patient touched.
    pub async fn upsert_records(
        &self,
        actor: &Actor,
        records: &[PatientRecord],
        reason: &str,
    ) -> Result<UpsertSummary, UpsertError> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let mut summary = UpsertSummary::default();
        for record in records {
            let before = summary;
            upsert_patient(&mut tx, actor, &record.patient, reason, &mut summary).await?;
            for entry in &record.entries {
                upsert_entry(
                    &mut tx,
                    actor,
                    record.patient.id.as_str(),
                    entry,
                    reason,
                    &mut summary,
                )
                .await?;
            }
            let added = summary.entries_added - before.entries_added;
            let changed = summary.entries_changed - before.entries_changed;
            if added + changed > 0
                || summary.patients_added + summary.patients_updated
                    > before.patients_added + before.patients_updated
            {
                crate::actions::after_patient_change(&mut tx, record.patient.id.as_str()).await?;
                let detail = format!("{reason}: {added} entries added, {changed} changed");
                audit::append(
                    &mut tx,
                    actor,
                    "fhir.import",
                    Some(record.patient.id.as_str()),
                    &detail,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(summary)
    }
}

async fn upsert_patient(
    conn: &mut SqliteConnection,
    actor: &Actor,
    patient: &Patient,
    reason: &str,
    summary: &mut UpsertSummary,
) -> Result<(), UpsertError> {
    let row =
        sqlx::query("SELECT version, data, changed_at, changed_by FROM patients WHERE id = ?")
            .bind(patient.id.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    let Some(row) = row else {
        let seq = next_seq(&mut *conn).await?;
        insert_patient(&mut *conn, patient, seq, actor).await?;
        summary.patients_added += 1;
        return Ok(());
    };
    let stored: Patient = serde_json::from_str(&row.try_get::<String, _>("data")?)?;
    if &stored == patient {
        return Ok(());
    }
    crate::patients::supersede(&mut *conn, patient, &row, reason, actor).await?;
    summary.patients_updated += 1;
    Ok(())
}

async fn upsert_entry(
    conn: &mut SqliteConnection,
    actor: &Actor,
    patient: &str,
    entry: &Entry,
    reason: &str,
    summary: &mut UpsertSummary,
) -> Result<(), UpsertError> {
    let row = sqlx::query("SELECT patient_id, kind, version, status, data, changed_at, changed_by, reason FROM entries WHERE id = ?")
        .bind(entry.id.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        let mut entry = entry.clone();
        entry.patient = patient.into();
        entries::insert(&mut *conn, &entry).await?;
        summary.entries_added += 1;
        return Ok(());
    };
    let stored_patient: String = row.try_get("patient_id")?;
    if stored_patient != patient {
        return Err(UpsertError::EntryOfAnotherPatient {
            entry: entry.id.to_string(),
            stored: stored_patient,
            incoming: patient.to_owned(),
        });
    }
    let kind: String = row.try_get("kind")?;
    if kind != entry.body.kind_id() {
        return Err(UpsertError::KindChanged {
            entry: entry.id.to_string(),
            stored: kind,
            incoming: entry.body.kind_id(),
        });
    }
    let data = serde_json::to_string(&entry.body)?;
    let status: String = row.try_get("status")?;
    // Compare parsed values, not text, so that a different but equal serialisation is no change.
    let stored_body: serde_json::Value = serde_json::from_str(&row.try_get::<String, _>("data")?)?;
    if stored_body == serde_json::to_value(&entry.body)? && status == entry.status.id() {
        summary.entries_unchanged += 1;
        return Ok(());
    }
    if status == EntryStatus::EnteredInError.id() {
        return Err(UpsertError::EnteredInError {
            entry: entry.id.to_string(),
        });
    }
    let version: i64 = row.try_get("version")?;
    sqlx::query("INSERT INTO entry_history (entry_id, version, status, data, changed_at, changed_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(entry.id.as_str())
        .bind(version)
        .bind(&status)
        .bind(row.try_get::<String, _>("data")?)
        .bind(row.try_get::<String, _>("changed_at")?)
        .bind(row.try_get::<String, _>("changed_by")?)
        .bind(row.try_get::<String, _>("reason")?)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE entries SET version = ?, status = ?, entry_date = ?, sensitive = ?, data = ?, changed_at = ?, changed_by = ?, reason = ? WHERE id = ?")
        .bind(version + 1)
        .bind(entry.status.id())
        .bind(date_text(entry.body.date()))
        .bind(entry.visibility() == Visibility::Sensitive)
        .bind(data)
        .bind(timestamp_text(now()))
        .bind(&actor.0)
        .bind(reason)
        .bind(entry.id.as_str())
        .execute(&mut *conn)
        .await?;
    summary.entries_changed += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::record::{
        EntryBody, LifeEvent, LifeEventKind, Screening, ScreeningStatus, ScreeningTest,
    };
    use time::macros::{date, datetime};

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
}
