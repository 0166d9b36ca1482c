//! The rules' view of a record: the patient and their active entries with free text removed,
//! encoded compactly (postcard) in `patients.rules_view`. Population scans decode one small
//! value per patient instead of parsing every entry row.

use haven_core::record::{Change, Entry, EntryBody, EntryStatus, Patient, PatientRecord};
use sqlx::SqliteConnection;
use time::OffsetDateTime;

use crate::{Result, StoreError};

#[derive(serde::Serialize, serde::Deserialize)]
struct RulesView {
    patient: Patient,
    bodies: Vec<EntryBody>,
}

/// Encodes the rules' view of `record` (entered-in-error entries are left out).
pub(crate) fn encode(record: &PatientRecord) -> Result<Vec<u8>> {
    let view = RulesView {
        patient: record.patient.clone(),
        bodies: record
            .active()
            .map(|e| e.body.without_free_text())
            .collect(),
    };
    postcard::to_stdvec(&view).map_err(|e| StoreError::Corrupt(format!("rules view: {e}")))
}

/// Decodes a rules view into a record the engine can evaluate. Entries carry no id, author or
/// free text: this record is for evaluation only, never for display.
pub fn decode(bytes: &[u8]) -> Result<PatientRecord> {
    let view: RulesView =
        postcard::from_bytes(bytes).map_err(|e| StoreError::Corrupt(format!("rules view: {e}")))?;
    let patient_id = view.patient.id.clone();
    let entries = view
        .bodies
        .into_iter()
        .map(|body| Entry {
            id: Default::default(),
            patient: patient_id.clone(),
            version: 1,
            status: EntryStatus::Active,
            change: Change {
                by: Default::default(),
                at: OffsetDateTime::UNIX_EPOCH,
                reason: String::new(),
            },
            body,
        })
        .collect();
    Ok(PatientRecord {
        patient: view.patient,
        entries,
    })
}

/// Rebuilds one patient's rules view from the stored rows, inside the caller's transaction.
pub(crate) async fn refresh(
    conn: &mut SqliteConnection,
    patient_id: &str,
) -> Result<PatientRecord> {
    let data: String = sqlx::query_scalar("SELECT data FROM patients WHERE id = ?")
        .bind(patient_id)
        .fetch_one(&mut *conn)
        .await?;
    let patient: Patient = serde_json::from_str(&data)?;
    let rows = sqlx::query(
        "SELECT * FROM entries WHERE patient_id = ? AND status = 'active' ORDER BY entry_date, id",
    )
    .bind(patient_id)
    .fetch_all(&mut *conn)
    .await?;
    let entries = rows
        .iter()
        .map(crate::entries::entry_from_row)
        .collect::<Result<Vec<_>>>()?;
    let record = PatientRecord { patient, entries };
    sqlx::query("UPDATE patients SET rules_view = ? WHERE id = ?")
        .bind(encode(&record)?)
        .bind(patient_id)
        .execute(&mut *conn)
        .await?;
    Ok(record)
}
