//! Who an incoming record's patient is: the checks that keep a create from overwriting
//! another patient. A create is numbered here, in the write's own transaction; demographics for
//! a stored id are written only when the identity agrees or the update names the stored
//! version; and an NHS number is never given to a second patient.

use std::collections::{HashMap, HashSet};

use crate::db::{Conn, ReadRow, on};
use crate::patients::Current;
use haven_core::record::{Patient, same_identity};

use super::{Incoming, PatientWrite, UpsertError};
use crate::StoreError;
use crate::codec::{IN_LIST_MAX, in_list};
use crate::patients::next_seq;

/// What a record does to its patient's stored demographics, decided before anything of it
/// is written.
pub(super) enum Demographics {
    /// A patient not stored yet.
    New,
    /// The stored patient's next version (boxed: most records of an import are new).
    Change {
        next: Box<Patient>,
        stored: Box<Patient>,
    },
    /// Nothing to change.
    Keep,
}

/// Checks `incoming` against the patient stored under its id (`row`) and decides what is
/// written; a conflict of identity or version refuses the whole write.
pub(super) fn demographics(
    incoming: &Incoming,
    row: Option<&Current>,
) -> Result<Demographics, UpsertError> {
    let patient = &incoming.record.patient;
    let id = || patient.id.to_string();
    let Some(row) = row else {
        return match incoming.write {
            PatientWrite::Upsert | PatientWrite::Create => Ok(Demographics::New),
            PatientWrite::UpdateAt(_) => Err(UpsertError::NotStoredForUpdate { id: id() }),
            PatientWrite::Refer => Err(StoreError::PatientNotFound(id()).into()),
        };
    };
    let stored: Patient = crate::codec::from_json(&row.data)?;
    let next = match incoming.write {
        PatientWrite::Create => return Err(UpsertError::IdTaken { id: id() }),
        PatientWrite::Upsert => {
            if stored != *patient {
                same_identity(&stored, patient).map_err(|field| UpsertError::IdentityConflict {
                    incoming: id(),
                    stored: stored.id.to_string(),
                    field: field.label(),
                })?;
            }
            // An NHS number is never dropped by a system that does not hold it (a later create
            // would then be free to give it to someone else); removing one is a deliberate
            // change, made with If-Match.
            Patient {
                nhs_number: patient
                    .nhs_number
                    .clone()
                    .or_else(|| stored.nhs_number.clone()),
                ..patient.clone()
            }
        }
        PatientWrite::UpdateAt(expected) => {
            let current = row.version as u32;
            if current != expected {
                return Err(UpsertError::VersionMismatch {
                    id: id(),
                    current,
                    expected,
                });
            }
            patient.clone()
        }
        PatientWrite::Refer => Patient {
            country_of_origin: patient.country_of_origin.clone(),
            ..stored.clone()
        },
    };
    Ok(if next == stored {
        Demographics::Keep
    } else {
        Demographics::Change {
            next: Box::new(next),
            stored: Box::new(stored),
        }
    })
}

/// How a refusal names a holder of an NHS number in another practice.
const ANOTHER_PRACTICE: &str = "of another practice";

/// Who holds the NHS numbers a chunk writes: patients stored before it, and those the chunk
/// has claimed so far. A number is never given to a second patient.
pub(super) struct NhsHolders {
    stored: HashMap<String, Vec<String>>,
    claimed: HashMap<String, String>,
}

impl NhsHolders {
    /// The holders of the chunk's numbers; one held in another practice than `org` is named
    /// only as that (an NHS number stays unique in the deployment, but the refusal must not
    /// give away another practice's patient id: H-66).
    pub(super) async fn load(
        conn: Conn<'_>,
        chunk: &[Incoming],
        org: crate::OrgId,
    ) -> Result<Self, UpsertError> {
        let mut conn = conn;
        let numbers: Vec<&str> = chunk
            .iter()
            .filter(|i| i.write != PatientWrite::Refer)
            .filter_map(|i| i.record.patient.nhs_number.as_ref())
            .map(|n| n.as_str())
            .collect();
        let mut stored: HashMap<String, Vec<String>> = HashMap::new();
        for part in numbers.chunks(IN_LIST_MAX) {
            let select = "SELECT id, nhs_number, org FROM patients WHERE nhs_number IN (";
            let rows: Vec<(String, String)> = on!(conn conn.re(), c => {
                let mut found = Vec::new();
                for row in in_list(select, part).build().fetch_all(c).await? {
                    let holder = if row.int("org")? == org.0 {
                        row.text("id")?
                    } else {
                        ANOTHER_PRACTICE.to_owned()
                    };
                    found.push((row.text("nhs_number")?, holder));
                }
                found
            });
            for (number, id) in rows {
                stored.entry(number).or_default().push(id);
            }
        }
        Ok(Self {
            stored,
            claimed: HashMap::new(),
        })
    }

    /// Records that patient `id` is written with `patient`'s NHS number (when it has one and
    /// `before`, the number stored for it, differs); refused if another patient holds it.
    pub(super) fn claim(
        &mut self,
        patient: &Patient,
        before: Option<&Patient>,
    ) -> Result<(), UpsertError> {
        let Some(nhs) = &patient.nhs_number else {
            return Ok(());
        };
        if before.is_some_and(|b| b.nhs_number.as_ref() == Some(nhs)) {
            return Ok(());
        }
        let id = patient.id.as_str();
        let stored = self
            .stored
            .get(nhs.as_str())
            .and_then(|ids| ids.iter().find(|other| *other != id));
        let claimed = self.claimed.get(nhs.as_str()).filter(|other| *other != id);
        if let Some(existing) = stored.or(claimed) {
            return Err(UpsertError::DuplicateNhsNumber {
                incoming: id.to_owned(),
                existing: existing.clone(),
            });
        }
        self.claimed.insert(nhs.as_str().to_owned(), id.to_owned());
        Ok(())
    }
}

/// Gives each create the next free `pat-N` id, as registration numbers patients, skipping
/// ids already stored or held by other records of the input (an id from elsewhere may look
/// like one of Haven's).
pub(super) async fn assign_new_ids(
    mut conn: Conn<'_>,
    incoming: &mut [Incoming],
) -> Result<(), UpsertError> {
    if !incoming.iter().any(|i| i.write == PatientWrite::Create) {
        return Ok(());
    }
    let taken: HashSet<String> = incoming
        .iter()
        .filter(|i| i.write != PatientWrite::Create)
        .map(|i| i.record.patient.id.to_string())
        .collect();
    let mut seq = next_seq(conn.re()).await?;
    for i in incoming
        .iter_mut()
        .filter(|i| i.write == PatientWrite::Create)
    {
        let id = crate::patients::free_id(conn.re(), &mut seq, |id| taken.contains(id)).await?;
        i.record.patient.id = id.clone();
        for entry in &mut i.record.entries {
            entry.patient = id.clone();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Actor, Store};
    use haven_core::PatientId;
    use haven_core::record::{Entry, EntryBody, LifeEvent, LifeEventKind, PatientRecord};
    use time::macros::{date, datetime};

    /// Selam Tesfaye, born 1990-05-01, as `ehr-1` with one entry `ev-1`.
    fn identified(nhs: Option<&str>) -> PatientRecord {
        let mut r = PatientRecord::new(Patient::new("ehr-1".into(), "Selam", "Tesfaye"));
        r.patient.birth_date = Some(date!(1990 - 05 - 01).into());
        r.patient.nhs_number = nhs.map(|n| haven_core::NhsNumber::parse(n).expect("valid"));
        let body = EntryBody::LifeEvent(LifeEvent {
            kind: LifeEventKind::LossOfHope,
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

    /// Everything stored about patients and entries, to show that a refusal changed nothing.
    async fn everything(store: &Store) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT id || ' ' || version || ' ' || data FROM patients
             UNION ALL SELECT patient_id || ' ' || version || ' ' || data FROM patient_history
             UNION ALL SELECT id || ' ' || version || ' ' || data FROM entries ORDER BY 1",
        )
        .fetch_all(store.pool())
        .await
        .expect("rows")
    }

    fn incoming(record: PatientRecord, write: PatientWrite) -> Vec<Incoming> {
        vec![Incoming { record, write }]
    }

    #[tokio::test]
    async fn an_import_under_another_patient_s_id_is_refused_and_changes_nothing() {
        let store = Store::open_in_memory().await.expect("store");
        let actor = Actor::cli("import");
        store
            .upsert_records(&actor, &[identified(Some("9434765919"))], "a")
            .await
            .expect("first");
        let before = everything(&store).await;
        let check = |mut other: PatientRecord, field: &str| {
            let store = &store;
            let actor = &actor;
            let field = field.to_owned();
            async move {
                other.entries[0].id = "ev-other".into();
                let err = store
                    .upsert_incoming(actor, incoming(other, PatientWrite::Upsert), "b")
                    .await
                    .expect_err("another person");
                assert_eq!(
                    err.to_string(),
                    format!(
                        "Patient ehr-1 in the input is not the patient stored as ehr-1 (the {field} differs), so nothing was imported; a deliberate change of identity is made on the patient's page or by a FHIR update with If-Match"
                    )
                );
            }
        };
        check(identified(Some("9000000009")), "NHS number").await;
        let mut other = identified(None);
        other.patient.family_name = "Haddad".into();
        check(other, "family name").await;
        let mut other = identified(None);
        other.patient.birth_date = None;
        check(other, "birth date").await;
        assert_eq!(everything(&store).await, before, "nothing changed");
        // The same person, spelled with other case and accents, is updated.
        let mut same = identified(None);
        same.patient.family_name = "TESFÁYE".into();
        same.patient.phone = Some("07700 900123".into());
        let done = store
            .upsert_incoming(&actor, incoming(same, PatientWrite::Upsert), "c")
            .await
            .expect("same person");
        assert_eq!(done.summary.patients_updated, 1);
        let kept = store.patient("ehr-1").await.expect("patient").patient;
        assert_eq!(
            kept.nhs_number.map(|n| n.to_string()),
            Some("943 476 5919".to_owned()),
            "an update that does not carry the NHS number keeps it"
        );
    }

    #[tokio::test]
    async fn a_create_gets_a_new_id_and_never_an_nhs_number_on_file() {
        let store = Store::open_in_memory().await.expect("store");
        let actor = Actor::cli("api");
        let mut stored = identified(Some("9434765919"));
        stored.patient.id = "pat-2".into();
        stored.entries[0].patient = "pat-2".into();
        store
            .upsert_records(&actor, &[stored], "a")
            .await
            .expect("first");
        let before = everything(&store).await;
        // The client's id names the stored patient: the create still gets an id of its own,
        // past pat-2 (taken by the import although its sequence number is 1).
        let mut create = identified(None);
        create.patient.id = "pat-2".into();
        create.entries[0].id = "ev-2".into();
        create.entries[0].patient = "pat-2".into();
        let done = store
            .upsert_incoming(&actor, incoming(create.clone(), PatientWrite::Create), "b")
            .await
            .expect("create");
        assert_eq!(done.ids, [PatientId::new("pat-3")]);
        let entry = store.entry("ev-2").await.expect("entry");
        assert_eq!(entry.patient.as_str(), "pat-3");
        let mut after = before.clone();
        after.retain(|row| row.starts_with("pat-2") || row.starts_with("ev-1"));
        let mut now = everything(&store).await;
        now.retain(|row| row.starts_with("pat-2") || row.starts_with("ev-1"));
        assert_eq!(now, after, "the stored patient is untouched");

        let snapshot = everything(&store).await;
        create.patient.nhs_number = haven_core::NhsNumber::parse("9434765919").ok();
        create.entries[0].id = "ev-3".into();
        let err = store
            .upsert_incoming(&actor, incoming(create.clone(), PatientWrite::Create), "c")
            .await
            .expect_err("NHS number on file");
        assert!(
            matches!(&err, UpsertError::DuplicateNhsNumber { existing, .. } if existing == "pat-2"),
            "{err}"
        );
        // Two new patients of one import with one number: the second is refused.
        let mut first = identified(Some("9000000009"));
        first.patient.id = "ehr-a".into();
        first.entries.clear();
        let mut second = first.clone();
        second.patient.id = "ehr-b".into();
        let err = store
            .upsert_records(&actor, &[first, second], "d")
            .await
            .expect_err("twice in one import");
        assert_eq!(
            err.to_string(),
            "Patient ehr-b in the input has the same NHS number as patient ehr-a; a second patient with one NHS number is never created, so nothing was imported"
        );
        assert_eq!(everything(&store).await, snapshot, "nothing changed");
    }

    #[tokio::test]
    async fn an_update_at_its_version_may_change_identity_and_a_stale_one_may_not() {
        let store = Store::open_in_memory().await.expect("store");
        let actor = Actor::cli("api");
        store
            .upsert_records(&actor, &[identified(Some("9434765919"))], "a")
            .await
            .expect("first");
        let mut renamed = identified(Some("9000000009"));
        renamed.patient.family_name = "Haddad".into();
        renamed.entries.clear();
        let done = store
            .upsert_incoming(
                &actor,
                incoming(renamed.clone(), PatientWrite::UpdateAt(1)),
                "b",
            )
            .await
            .expect("deliberate change");
        assert_eq!(done.summary.patients_updated, 1);
        let now = store.patient("ehr-1").await.expect("patient");
        assert_eq!((now.version, now.patient), (2, renamed.patient.clone()));
        let before = everything(&store).await;
        let err = store
            .upsert_incoming(
                &actor,
                incoming(renamed.clone(), PatientWrite::UpdateAt(1)),
                "c",
            )
            .await
            .expect_err("stale");
        assert_eq!(
            err.to_string(),
            "patient ehr-1 is at version 2, not version 1 as If-Match says: it has changed since it was read, so nothing was changed"
        );
        renamed.patient.id = "ehr-9".into();
        let err = store
            .upsert_incoming(&actor, incoming(renamed, PatientWrite::UpdateAt(1)), "d")
            .await
            .expect_err("not stored");
        assert!(
            matches!(err, UpsertError::NotStoredForUpdate { .. }),
            "{err}"
        );
        assert_eq!(everything(&store).await, before, "nothing changed");
    }

    #[tokio::test]
    async fn a_patient_only_referred_to_keeps_what_changed_since_it_was_read() {
        let store = Store::open_in_memory().await.expect("store");
        let actor = Actor::cli("api");
        let read = identified(None);
        store
            .upsert_records(&actor, std::slice::from_ref(&read), "a")
            .await
            .expect("first");
        // Someone changes the phone number after the input was read.
        let mut changed = read.patient.clone();
        changed.phone = Some("07700 900123".into());
        store
            .update_patient(&actor, &changed, 1, "phone")
            .await
            .expect("update");
        let mut more = read.clone();
        more.patient.country_of_origin = Some("SD".into());
        more.entries[0].id = "ev-2".into();
        store
            .upsert_incoming(&actor, incoming(more, PatientWrite::Refer), "b")
            .await
            .expect("refer");
        let now = store.patient("ehr-1").await.expect("patient").patient;
        assert_eq!(now.phone.as_deref(), Some("07700 900123"));
        assert_eq!(now.country_of_origin.as_deref(), Some("SD"));
        assert_eq!(
            store.entry("ev-2").await.expect("entry").patient.as_str(),
            "ehr-1"
        );
    }
}
