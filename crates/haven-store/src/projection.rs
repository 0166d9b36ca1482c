//! The rules' view of a record: the patient and their active entries with free text removed,
//! encoded compactly (postcard) in `patients.rules_view`. Population scans decode one small
//! value per patient instead of parsing every entry row.
//!
//! postcard is positional: a view written before a field was added to a record would be misread,
//! not refused. So every view starts with [`HEADER`], carrying [`FORMAT_VERSION`]; a view in any
//! other format is refused by [`decode`] and rebuilt from the entries when the store opens
//! (`view_rebuild.rs`). `the_format_is_pinned` fails when the encoding changes, until the version
//! is bumped.

use haven_core::record::{Change, Entry, EntryBody, EntryStatus, Patient, PatientRecord};
use std::collections::HashMap;

use time::OffsetDateTime;

use crate::codec::in_list;
use crate::db::{Conn, ReadRow, exec, on};
use crate::{Result, StoreError};

/// The version of the stored form. Bump it whenever anything the view encodes changes shape (a
/// field of `Patient` or of an entry kind, a new kind): every stored view is then rebuilt at the
/// next open instead of being misread.
pub const FORMAT_VERSION: u8 = 5;

/// The first bytes of every view: a marker no unversioned view could start with (its first
/// byte was the length of a patient id, never 0xFF), then the format version.
const HEADER: [u8; 3] = [0xFF, b'v', FORMAT_VERSION];

/// The stored form: the patient, then the bodies of their active entries.
#[derive(serde::Serialize)]
struct RulesView<'a> {
    patient: &'a Patient,
    bodies: Vec<EntryBody>,
}

/// The same bytes read back (postcard is positional), each body decoded straight into the
/// entry the engine evaluates, with no intermediate list.
#[derive(serde::Deserialize)]
struct DecodedView {
    patient: Patient,
    bodies: EvaluationEntries,
}

struct EvaluationEntries(Vec<Entry>);

impl<'de> serde::Deserialize<'de> for EvaluationEntries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Bodies;
        impl<'de> serde::de::Visitor<'de> for Bodies {
            type Value = EvaluationEntries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of entry bodies")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1_024));
                while let Some(body) = seq.next_element::<EntryBody>()? {
                    entries.push(evaluation_entry(body));
                }
                Ok(EvaluationEntries(entries))
            }
        }
        d.deserialize_seq(Bodies)
    }
}

/// Encodes the rules' view of `record` (entered-in-error entries are left out), its entries in
/// the order `refresh_many` reads them, so that a view is the same however it was made.
pub(crate) fn encode(record: &PatientRecord) -> Result<Vec<u8>> {
    let mut active: Vec<_> = record.active().collect();
    active.sort_by(|a, b| (a.body.date(), a.id.as_str()).cmp(&(b.body.date(), b.id.as_str())));
    let view = RulesView {
        patient: &record.patient,
        bodies: active.iter().map(|e| e.body.without_free_text()).collect(),
    };
    postcard::to_extend(&view, HEADER.to_vec())
        .map_err(|e| StoreError::Corrupt(format!("rules view: {e}")))
}

/// Decodes a rules view into a record the engine can evaluate. Entries carry no id, patient
/// id (the record's patient has it), author or free text: this record is for evaluation only,
/// never for display. Leaving them empty saves an allocation per entry on population scans.
pub fn decode(bytes: &[u8]) -> Result<PatientRecord> {
    let body = match bytes.split_first_chunk::<3>() {
        Some((header, body)) if *header == HEADER => body,
        Some(([0xFF, b'v', found], _)) => return Err(StoreError::StaleView(Some(*found))),
        _ => return Err(StoreError::StaleView(None)),
    };
    let view: DecodedView =
        postcard::from_bytes(body).map_err(|e| StoreError::Corrupt(format!("rules view: {e}")))?;
    Ok(PatientRecord {
        patient: view.patient,
        entries: view.bodies.0,
    })
}

fn evaluation_entry(body: EntryBody) -> Entry {
    Entry {
        id: Default::default(),
        patient: Default::default(),
        version: 1,
        status: EntryStatus::Active,
        change: Change {
            by: Default::default(),
            at: OffsetDateTime::UNIX_EPOCH,
            reason: String::new(),
        },
        body,
        partial_date: None,
    }
}

/// Rebuilds the rules views of several patients from the stored rows in a few statements
/// (two reads for all, one write each), inside the caller's transaction; returns their
/// records, in the order of `ids`.
pub(crate) async fn refresh_many(
    conn: impl Into<Conn<'_>>,
    ids: &[&str],
) -> Result<Vec<PatientRecord>> {
    let mut conn = conn.into();
    let out = read_records(conn.re(), ids).await?;
    for (id, record) in ids.iter().zip(&out) {
        let view = encode(record)?;
        exec!(conn conn.re(), c => sqlx::query("UPDATE patients SET rules_view = $1 WHERE id = $2")
            .bind(&view)
            .bind(*id)
            .execute(c)
            .await)?;
    }
    Ok(out)
}

/// The records the rules views of `ids` are made from (each patient and their active
/// entries), read in two statements, in the order of `ids`. A copy between databases rebuilds
/// views through it to check them (`copy/compare.rs`).
pub(crate) async fn read_records(
    conn: impl Into<Conn<'_>>,
    ids: &[&str],
) -> Result<Vec<PatientRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = conn.into();
    let mut records: HashMap<String, PatientRecord> = HashMap::with_capacity(ids.len());
    on!(conn conn.re(), c => {
        for row in in_list("SELECT id, data FROM patients WHERE id IN (", ids)
            .build()
            .fetch_all(&mut *c)
            .await?
        {
            let patient: Patient = crate::codec::from_json(&row.text("data")?)?;
            records.insert(row.text("id")?, PatientRecord::new(patient));
        }
        let mut entries = in_list(
            "SELECT * FROM entries WHERE status = 'active' AND patient_id IN (",
            ids,
        );
        entries.push(" ORDER BY patient_id, entry_date, id");
        for row in entries.build().fetch_all(&mut *c).await? {
            let entry = crate::entries::entry_from_row(&row)?;
            if let Some(record) = records.get_mut(entry.patient.as_str()) {
                record.entries.push(entry);
            }
        }
    });
    ids.iter()
        .map(|id| {
            records
                .remove(*id)
                .ok_or_else(|| StoreError::PatientNotFound((*id).to_owned()))
        })
        .collect()
}

/// Rebuilds one patient's rules view from the stored rows, inside the caller's transaction.
pub(crate) async fn refresh(conn: impl Into<Conn<'_>>, patient_id: &str) -> Result<PatientRecord> {
    refresh_many(conn, &[patient_id])
        .await?
        .pop()
        .ok_or_else(|| StoreError::PatientNotFound(patient_id.to_owned()))
}

#[cfg(test)]
mod tests {
    use haven_core::record::{LifeEvent, LifeEventKind};
    use time::macros::{date, datetime};

    use super::*;

    #[test]
    fn a_view_keeps_active_bodies_without_free_text_and_the_whole_patient() {
        let mut patient = Patient::new("pat-7".into(), "Amira", "Haddad");
        patient.support_contacts = Some("Drop-in on Tuesdays".into());
        let event = |id: &str, kind| {
            Entry::new(
                id.into(),
                "pat-7".into(),
                EntryBody::LifeEvent(LifeEvent {
                    kind,
                    date: date!(2026 - 11 - 01),
                    note: "said in confidence".into(),
                }),
                "dr.test".into(),
                datetime!(2026-11-02 10:00 UTC),
            )
        };
        let wrong = event("e-2", LifeEventKind::FacingReturn)
            .mark_entered_in_error("dr.test".into(), datetime!(2026-11-03 10:00 UTC), "typo")
            .expect("mark");
        let record = PatientRecord {
            patient: patient.clone(),
            entries: vec![event("e-1", LifeEventKind::AsylumRefused), wrong],
        };
        let back = decode(&encode(&record).expect("encode")).expect("decode");
        assert_eq!(back.patient, patient);
        let bodies: Vec<EntryBody> = back.entries.into_iter().map(|e| e.body).collect();
        assert_eq!(bodies, vec![record.entries[0].body.without_free_text()]);
        assert!(
            decode(b"\xff\xff").is_err(),
            "garbage is refused, not guessed"
        );
    }

    /// The encoding of a demo population, every entry kind among it. When this fails the stored
    /// format changed: bump `FORMAT_VERSION` (so stored views are rebuilt, not misread), then
    /// update the digest. A change of the demo alone only needs the digest updated.
    #[test]
    fn the_format_is_pinned() {
        use sha2::{Digest, Sha256};
        let options = haven_demo::DemoOptions {
            seed: 7,
            today: date!(2026 - 12 - 01),
            clinicians: vec!["dr.pin".into()],
        };
        let mut digest = Sha256::new();
        for record in haven_demo::generate(&options, 0..64) {
            digest.update(encode(&record).expect("encode"));
        }
        assert_eq!(
            (FORMAT_VERSION, hex::encode(digest.finalize())),
            (
                5,
                "e0c591b72891c9188cd2a01ba14354d6c6831868d6447eb320142c64c2d12f7e".to_owned()
            ),
            "the rules view's encoding changed: bump FORMAT_VERSION, then update this digest"
        );
    }

    #[test]
    fn a_view_without_the_header_is_stale_not_misread() {
        let record = PatientRecord::new(Patient::new("pat-1".into(), "Amira", "Haddad"));
        let current = encode(&record).expect("encode");
        assert!(decode(&current).is_ok());
        let unversioned = &current[HEADER.len()..];
        assert!(matches!(
            decode(unversioned),
            Err(StoreError::StaleView(None))
        ));
        let mut older = current.clone();
        older[2] = FORMAT_VERSION - 1;
        assert!(
            matches!(decode(&older), Err(StoreError::StaleView(Some(v))) if v == FORMAT_VERSION - 1)
        );
    }

    #[test]
    fn results_recorded_elsewhere_keep_their_total_and_items_in_the_view() {
        use haven_core::instruments::Instrument;
        use haven_core::record::QuestionnaireResult;
        let mut item9 = vec![None; 9];
        item9[8] = Some(2);
        let bodies = [
            QuestionnaireResult::recorded(
                Instrument::Phq9,
                date!(2026 - 11 - 01),
                vec![],
                Some(14),
            ),
            QuestionnaireResult::recorded(Instrument::Phq9, date!(2026 - 11 - 02), item9, Some(6)),
            QuestionnaireResult::answered(Instrument::Gad7, date!(2026 - 11 - 03), &[1; 7]),
        ]
        .map(EntryBody::Questionnaire);
        let mut record = PatientRecord::new(Patient::new("pat-8".into(), "Reza", "Karimi"));
        for (n, body) in bodies.iter().enumerate() {
            record.entries.push(Entry::new(
                format!("q-{n}").as_str().into(),
                "pat-8".into(),
                body.clone(),
                "dr.test".into(),
                datetime!(2026-11-04 10:00 UTC),
            ));
        }
        let back = decode(&encode(&record).expect("encode")).expect("decode");
        let got: Vec<EntryBody> = back.entries.into_iter().map(|e| e.body).collect();
        assert_eq!(got, bodies);
    }

    /// A whole birth date is encoded exactly as before partial dates existed (so views
    /// already stored still read), and a year or a month keeps its precision.
    #[test]
    fn birth_dates_in_a_view_read_as_before_and_keep_their_precision() {
        let day = date!(1990 - 05 - 01);
        assert_eq!(
            postcard::to_stdvec(&Some(haven_core::PartialDate::day(day))).expect("new"),
            postcard::to_stdvec(&Some(day)).expect("as stored before")
        );
        for text in ["1988", "1988-04", "1988-12", "2024-12-31", "2024-02-29"] {
            let date = haven_core::PartialDate::parse(text).expect("date");
            let bytes = postcard::to_stdvec(&date).expect("encode");
            let back: haven_core::PartialDate = postcard::from_bytes(&bytes).expect("decode");
            assert_eq!(back.to_string(), text);
        }
        let mut patient = Patient::new("pat-8".into(), "Sara", "Rahimi");
        patient.birth_date = haven_core::PartialDate::parse("1988").ok();
        let record = PatientRecord::new(patient.clone());
        let back = decode(&encode(&record).expect("encode")).expect("decode");
        assert_eq!(back.patient, patient);
    }
}
