//! Possible duplicate registrations: the candidates registration shows before a record is
//! made, the administrators' list of pairs, and pairs someone has said are different people
//! (`distinct_patients`, never offered again).
//!
//! The indexes only gather candidates (the same NHS number, phone key or date of birth);
//! whether a pair is offered is always decided by [`duplicate_reasons`], the one definition
//! of the evidence.

use std::collections::{BTreeMap, HashMap, HashSet};

use haven_core::duplicates::{DuplicateReason, duplicate_reasons, phone_key};
use haven_core::names::{NameKeys, PersonName};
use haven_core::record::{Entry, Patient};
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::codec::timestamp_text;
use crate::patients::{PatientSummary, summary};
use crate::{Actor, Result, Store, StoreError, audit, now};

/// An existing patient who may be the same person as the one being registered.
#[derive(Clone, Debug, PartialEq)]
pub struct DuplicateCandidate {
    pub patient: PatientSummary,
    /// Strongest first; never empty.
    pub reasons: Vec<DuplicateReason>,
}

/// Two patients who may be the same person, `a` the one with the smaller id.
#[derive(Clone, Debug, PartialEq)]
pub struct DuplicatePair {
    pub a: Patient,
    pub b: Patient,
    /// Strongest first; never empty.
    pub reasons: Vec<DuplicateReason>,
}

/// Why a patient was registered although others may be the same person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateOverride {
    /// The ids of the possible duplicates the person registering was shown.
    pub candidates: Vec<String>,
    /// In their words; never empty.
    pub reason: String,
}

impl DuplicateOverride {
    pub(crate) fn audit_detail(&self) -> String {
        format!(
            "registered although possibly the same person as {}: {}",
            self.candidates.join(", "),
            self.reason
        )
    }
}

/// The names in a stored patient's `data`, read without the rest.
#[derive(serde::Deserialize)]
struct Names {
    given_name: String,
    family_name: String,
    native_name: Option<String>,
}

/// The pair's ids in stored order (the smaller first).
fn ordered<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a < b { (a, b) } else { (b, a) }
}

impl Store {
    /// Registers `patient` although [`Store::possible_duplicates`] found others, recording who
    /// did so, which patients they were shown and why, in the same transaction.
    pub async fn create_patient_despite_duplicates(
        &self,
        actor: &Actor,
        patient: Patient,
        first_entries: Vec<Entry>,
        duplicates: &DuplicateOverride,
    ) -> Result<Patient> {
        self.register(actor, patient, first_entries, Some(duplicates))
            .await
    }

    /// Patients on file who may be the same person as `patient` (registered or not), strongest
    /// evidence first. `patient` itself, and anyone marked as a different person from it, are
    /// left out.
    pub async fn possible_duplicates(&self, patient: &Patient) -> Result<Vec<DuplicateCandidate>> {
        let rows = sqlx::query(
            "SELECT data, version FROM patients WHERE rowid IN (
                 SELECT rowid FROM patients WHERE nhs_number = ?1
                 UNION SELECT rowid FROM patients WHERE phone_key = ?2
                 UNION SELECT rowid FROM patients WHERE birth_date = ?3)",
        )
        .bind(patient.nhs_number.as_ref().map(|n| n.as_str().to_owned()))
        .bind(patient.phone.as_deref().and_then(phone_key))
        .bind(patient.birth_date.map(|d| d.to_string()))
        .fetch_all(self.pool())
        .await?;
        let id = patient.id.as_str();
        let different: HashSet<String> = if id.is_empty() {
            HashSet::new()
        } else {
            sqlx::query_scalar(
                "SELECT patient_b FROM distinct_patients WHERE patient_a = ?1
                 UNION SELECT patient_a FROM distinct_patients WHERE patient_b = ?1",
            )
            .bind(id)
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .collect()
        };
        let mut out = Vec::new();
        for row in &rows {
            let found = summary(row)?;
            let other = found.patient.id.as_str();
            if other == id || different.contains(other) {
                continue;
            }
            let reasons = duplicate_reasons(patient, &found.patient);
            if !reasons.is_empty() {
                out.push(DuplicateCandidate {
                    patient: found,
                    reasons,
                });
            }
        }
        out.sort_by(|x, y| {
            x.reasons
                .cmp(&y.reasons)
                .then_with(|| x.patient.patient.id.cmp(&y.patient.patient.id))
        });
        Ok(out)
    }

    /// Remembers that patients `a` and `b` are not the same person, so they are not offered
    /// as possible duplicates again; audited on both records. Marking a pair twice changes
    /// nothing.
    pub async fn mark_different_people(&self, actor: &Actor, a: &str, b: &str) -> Result<()> {
        if a == b {
            return Err(StoreError::SamePatient(a.to_owned()));
        }
        let (a, b) = ordered(a, b);
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        for id in [a, b] {
            let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM patients WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(StoreError::PatientNotFound(id.to_owned()));
            }
        }
        let inserted = sqlx::query(
            "INSERT INTO distinct_patients (patient_a, patient_b, marked_by, marked_at)
             VALUES (?, ?, ?, ?) ON CONFLICT (patient_a, patient_b) DO NOTHING",
        )
        .bind(a)
        .bind(b)
        .bind(&actor.0)
        .bind(timestamp_text(now()))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            let rows = [
                (Some(a), format!("not the same person as {b}")),
                (Some(b), format!("not the same person as {a}")),
            ];
            audit::append_many(&mut tx, actor, "patient.not-duplicate", rows).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every pair of patients who may be the same person and have not been marked as different
    /// people, strongest evidence first: the administrators' list. At most `limit` pairs, and
    /// how many there are in all.
    pub async fn possible_duplicate_pairs(
        &self,
        limit: usize,
    ) -> Result<(Vec<DuplicatePair>, usize)> {
        let mut pairs: HashSet<(String, String)> = HashSet::new();
        // The same NHS number or phone: straight from their indexes.
        for query in [
            "SELECT a.id AS a, b.id AS b FROM patients a JOIN patients b
             ON b.nhs_number = a.nhs_number AND a.id < b.id WHERE a.nhs_number IS NOT NULL",
            "SELECT a.id AS a, b.id AS b FROM patients a JOIN patients b
             ON b.phone_key = a.phone_key AND a.id < b.id WHERE a.phone_key IS NOT NULL",
        ] {
            for r in sqlx::query(query).fetch_all(self.pool()).await? {
                pairs.insert((r.try_get("a")?, r.try_get("b")?));
            }
        }
        // The same date of birth: compared by name within each date, each name keyed once.
        let rows = sqlx::query(
            "SELECT id, birth_date, data FROM patients WHERE birth_date IN (
                 SELECT birth_date FROM patients WHERE birth_date IS NOT NULL
                 GROUP BY birth_date HAVING COUNT(*) > 1)",
        )
        .fetch_all(self.pool())
        .await?;
        let mut by_date: HashMap<String, Vec<(String, NameKeys)>> = HashMap::new();
        for r in &rows {
            let names: Names = serde_json::from_str(r.try_get("data")?)?;
            let keys = NameKeys::of(&PersonName {
                given: &names.given_name,
                family: &names.family_name,
                native: names.native_name.as_deref(),
            });
            by_date
                .entry(r.try_get("birth_date")?)
                .or_default()
                .push((r.try_get("id")?, keys));
        }
        for same_day in by_date.values() {
            for (i, (x, kx)) in same_day.iter().enumerate() {
                for (y, ky) in &same_day[i + 1..] {
                    if kx.alike(ky) {
                        let (a, b) = ordered(x, y);
                        pairs.insert((a.to_owned(), b.to_owned()));
                    }
                }
            }
        }
        let different: HashSet<(String, String)> =
            sqlx::query("SELECT patient_a, patient_b FROM distinct_patients")
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| Ok((r.try_get("patient_a")?, r.try_get("patient_b")?)))
                .collect::<Result<_>>()?;
        let mut pairs: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|p| !different.contains(p))
            .collect();
        pairs.sort();

        // Each pair's evidence from the records themselves, read a page of patients at a time.
        let mut out = Vec::new();
        let mut total = 0;
        for chunk in pairs.chunks(500) {
            let ids: HashSet<&str> = chunk
                .iter()
                .flat_map(|(a, b)| [a.as_str(), b.as_str()])
                .collect();
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("SELECT data, version FROM patients WHERE id IN (");
            let mut list = q.separated(", ");
            for id in &ids {
                list.push_bind(*id);
            }
            list.push_unseparated(")");
            let patients: BTreeMap<String, Patient> = q
                .build()
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| summary(r).map(|s| (s.patient.id.to_string(), s.patient)))
                .collect::<Result<_>>()?;
            for (a, b) in chunk {
                let (Some(pa), Some(pb)) = (patients.get(a), patients.get(b)) else {
                    continue;
                };
                let reasons = duplicate_reasons(pa, pb);
                if reasons.is_empty() {
                    continue;
                }
                total += 1;
                out.push(DuplicatePair {
                    a: pa.clone(),
                    b: pb.clone(),
                    reasons,
                });
            }
        }
        out.sort_by(|x, y| {
            x.reasons
                .cmp(&y.reasons)
                .then_with(|| x.a.id.cmp(&y.a.id))
                .then_with(|| x.b.id.cmp(&y.b.id))
        });
        out.truncate(limit);
        Ok((out, total))
    }
}

#[cfg(test)]
mod tests {
    use haven_core::duplicates::DuplicateReason::*;
    use haven_core::record::Patient;
    use haven_core::{NhsNumber, PatientId};
    use time::macros::date;

    use super::*;

    fn actor() -> Actor {
        Actor::new("admin")
    }

    fn person(given: &str, family: &str) -> Patient {
        let mut p = Patient::new(PatientId::new(""), given, family);
        p.birth_date = Some(date!(1994 - 06 - 19).into());
        p
    }

    async fn register(store: &Store, p: Patient) -> String {
        store
            .create_patient(&actor(), p, vec![])
            .await
            .expect("create")
            .id
            .to_string()
    }

    fn ids(found: &[DuplicateCandidate]) -> Vec<(&str, Vec<DuplicateReason>)> {
        found
            .iter()
            .map(|c| (c.patient.patient.id.as_str(), c.reasons.clone()))
            .collect()
    }

    #[tokio::test]
    async fn candidates_by_each_kind_of_evidence_strongest_first() {
        let store = Store::open_in_memory().await.expect("store");
        let mahmoud = register(&store, person("Mahmoud", "Abdelrahman")).await;
        let mut phone = person("Amina", "Haddad");
        phone.birth_date = None;
        phone.phone = Some("07700 900123".into());
        let phone = register(&store, phone).await;
        let mut nhs = person("Yonas", "Tesfaye");
        nhs.nhs_number = NhsNumber::parse("9434765919").ok();
        let nhs = register(&store, nhs).await;
        register(&store, person("Ali", "Rahimi")).await;

        let mut new = person("Mahmud", "Abd al-Rahman");
        new.phone = Some("+44 7700 900 123".into());
        new.nhs_number = NhsNumber::parse("943 476 5919").ok();
        let found = store.possible_duplicates(&new).await.expect("check");
        assert_eq!(
            ids(&found),
            [
                (nhs.as_str(), vec![SameNhsNumber]),
                (mahmoud.as_str(), vec![SameBirthDateAndName]),
                (phone.as_str(), vec![SamePhone]),
            ]
        );

        let stranger = person("Zahra", "Karimi");
        assert!(
            store
                .possible_duplicates(&stranger)
                .await
                .expect("check")
                .is_empty()
        );
    }

    #[tokio::test]
    async fn a_pair_marked_as_different_people_is_not_offered_again() {
        let store = Store::open_in_memory().await.expect("store");
        let a = register(&store, person("Mahmoud", "Abdelrahman")).await;
        let b = register(&store, person("Mahmud", "Abdulrahman")).await;
        let c = register(&store, person("Abdelrahman", "Mahmoud")).await;
        let stored_b = store.patient(&b).await.expect("b").patient;
        assert_eq!(
            ids(&store.possible_duplicates(&stored_b).await.expect("check")).len(),
            2
        );
        let (pairs, total) = store.possible_duplicate_pairs(10).await.expect("pairs");
        assert_eq!(total, 3);
        assert_eq!(pairs.len(), 3);

        store
            .mark_different_people(&actor(), &b, &a)
            .await
            .expect("mark");
        store
            .mark_different_people(&actor(), &a, &b)
            .await
            .expect("again: nothing changes");
        assert_eq!(
            ids(&store.possible_duplicates(&stored_b).await.expect("check")),
            [(c.as_str(), vec![SameBirthDateAndName])]
        );
        let (pairs, total) = store.possible_duplicate_pairs(1).await.expect("pairs");
        assert_eq!(total, 2, "the marked pair is left out");
        assert_eq!(pairs.len(), 1, "at most the limit");
        assert!(
            !pairs
                .iter()
                .any(|p| [p.a.id.as_str(), p.b.id.as_str()] == [a.as_str(), b.as_str()])
        );

        for id in [&a, &b] {
            let audit = store.audit_recent(Some(id), 10).await.expect("audit");
            let marks: Vec<_> = audit
                .iter()
                .filter(|e| e.action == "patient.not-duplicate")
                .collect();
            assert_eq!(marks.len(), 1, "audited once on {id}");
            assert_eq!(marks[0].actor, "admin");
        }
        assert!(matches!(
            store.mark_different_people(&actor(), &a, &a).await,
            Err(StoreError::SamePatient(_))
        ));
        assert!(matches!(
            store.mark_different_people(&actor(), &a, "pat-404").await,
            Err(StoreError::PatientNotFound(_))
        ));
        let deleted = sqlx::query("DELETE FROM distinct_patients")
            .execute(store.pool())
            .await;
        assert!(deleted.is_err(), "the marks are kept");
    }

    #[tokio::test]
    async fn registering_despite_duplicates_is_audited_with_the_reason() {
        let store = Store::open_in_memory().await.expect("store");
        let first = register(&store, person("Mahmoud", "Abdelrahman")).await;
        let twin = person("Mahmoud", "Abdelrahman");
        let decision = DuplicateOverride {
            candidates: vec![first.clone()],
            reason: "twin brother, seen together at the desk".into(),
        };
        let saved = store
            .create_patient_despite_duplicates(&actor(), twin, vec![], &decision)
            .await
            .expect("create");
        let audit = store
            .audit_recent(Some(saved.id.as_str()), 10)
            .await
            .expect("audit");
        let row = audit
            .iter()
            .find(|e| e.action == "patient.duplicate-override")
            .expect("audited");
        assert!(row.detail.contains(&first), "{}", row.detail);
        assert!(row.detail.contains("twin brother"), "{}", row.detail);
        assert!(audit.iter().any(|e| e.action == "patient.create"));
    }
}
