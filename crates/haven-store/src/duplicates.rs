//! Possible duplicate registrations: the candidates registration shows before a record is
//! made, the administrators' list of pairs, and pairs someone has said are different people
//! (`distinct_patients`, never offered again).
//!
//! The indexes only gather candidates (the same NHS number, phone key or date of birth);
//! whether a pair is offered is always decided by [`duplicate_reasons`], the one definition
//! of the evidence.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::db::{exec, on};
use haven_core::duplicates::{DuplicateReason, duplicate_reasons, is_shared_phone, phone_key};
use haven_core::names::{NameKeys, PersonName};
use haven_core::record::{Entry, Patient};

use crate::codec::timestamp_text;
use crate::patients::{PatientSummary, summary};
use crate::{Actor, Result, Store, StoreError, now};

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

/// Statements listing `(value, id)` for every value (NHS number, phone key) on more than one
/// record, by index, with the evidence a shared value is.
const SAME_VALUE: [(&str, DuplicateReason); 2] = [
    (
        "SELECT nhs_number, id FROM patients WHERE nhs_number IN (
             SELECT nhs_number FROM patients WHERE nhs_number IS NOT NULL
             GROUP BY nhs_number HAVING COUNT(*) > 1)",
        DuplicateReason::SameNhsNumber,
    ),
    (
        "SELECT phone_key, id FROM patients WHERE phone_key IN (
             SELECT phone_key FROM patients WHERE phone_key IS NOT NULL
             GROUP BY phone_key HAVING COUNT(*) > 1)",
        DuplicateReason::SamePhone,
    ),
];

/// `(birth_date, id, data)` of everyone born on a day someone else was.
const SAME_DAY: &str = "SELECT birth_date, id, data FROM patients WHERE birth_date IN (
    SELECT birth_date FROM patients WHERE birth_date IS NOT NULL
    GROUP BY birth_date HAVING COUNT(*) > 1)";

/// Gathers the pairs of possible duplicates from the rows of [`SAME_VALUE`] and [`SAME_DAY`].
#[derive(Default)]
struct PairFinder {
    /// Ids by shared value, for each kind of value.
    groups: HashMap<(DuplicateReason, String), Vec<String>>,
    /// Ids and name keys by date of birth.
    by_date: HashMap<String, Vec<(String, NameKeys)>>,
}

impl PairFinder {
    fn same_value(&mut self, reason: DuplicateReason, value: String, id: String) {
        self.groups.entry((reason, value)).or_default().push(id);
    }

    fn born(&mut self, date: String, id: String, data: &str) -> serde_json::Result<()> {
        let names: Names = serde_json::from_str(data)?;
        let keys = NameKeys::of(&PersonName {
            given: &names.given_name,
            family: &names.family_name,
            native: names.native_name.as_deref(),
        });
        self.by_date.entry(date).or_default().push((id, keys));
        Ok(())
    }

    /// Every pair with its evidence: each pair within a group of one NHS number or of a phone
    /// number that is not shared by many, and each pair born the same day with names alike.
    fn pairs(self) -> HashMap<(String, String), BTreeSet<DuplicateReason>> {
        let mut pairs: HashMap<(String, String), BTreeSet<DuplicateReason>> = HashMap::new();
        let mut add = |a: &str, b: &str, reason| {
            let (a, b) = ordered(a, b);
            pairs
                .entry((a.to_owned(), b.to_owned()))
                .or_default()
                .insert(reason);
        };
        for ((reason, _), ids) in &self.groups {
            if *reason == DuplicateReason::SamePhone && is_shared_phone(ids.len()) {
                continue;
            }
            for (i, a) in ids.iter().enumerate() {
                for b in &ids[i + 1..] {
                    add(a, b, *reason);
                }
            }
        }
        for same_day in self.by_date.values() {
            for (i, (x, kx)) in same_day.iter().enumerate() {
                for (y, ky) in &same_day[i + 1..] {
                    if kx.alike(ky) {
                        add(x, y, DuplicateReason::SameBirthDateAndName);
                    }
                }
            }
        }
        pairs
    }
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
    /// evidence first. `patient` itself, anyone marked as a different person from it, and a
    /// phone number shared by many records ([`is_shared_phone`]) are left out.
    pub async fn possible_duplicates(&self, patient: &Patient) -> Result<Vec<DuplicateCandidate>> {
        let id = patient.id.as_str();
        let mut phone = patient.phone.as_deref().and_then(phone_key);
        if let Some(key) = &phone {
            let holders: i64 = on!(self.db(), c => sqlx::query_scalar("SELECT COUNT(*) FROM patients WHERE phone_key = $1 AND id <> $2 AND (CAST($3 AS BIGINT) IS NULL OR org = $3)")
                    .bind(key)
                    .bind(id)
                    .bind(self.org_param())
                    .fetch_one(c).await)?;
            if is_shared_phone(
                usize::try_from(holders)
                    .unwrap_or(usize::MAX)
                    .saturating_add(1),
            ) {
                phone = None;
            }
        }
        let found: Vec<PatientSummary> = on!(self.db(), p => {
            let rows = sqlx::query(
                "SELECT data, version FROM patients WHERE id IN (
                     SELECT id FROM patients WHERE nhs_number = $1
                     UNION SELECT id FROM patients WHERE phone_key = $2
                     UNION SELECT id FROM patients WHERE birth_date = $3)
                 AND (CAST($4 AS BIGINT) IS NULL OR org = $4)",
            )
            .bind(patient.nhs_number.as_ref().map(|n| n.as_str().to_owned()))
            .bind(&phone)
            .bind(patient.birth_date.map(|d| d.to_string()))
            .bind(self.org_param())
            .fetch_all(p)
            .await?;
            rows.iter().map(summary).collect::<Result<_>>()?
        });
        let different: HashSet<String> = if id.is_empty() {
            HashSet::new()
        } else {
            on!(self.db(), c => sqlx::query_scalar(
                "SELECT patient_b FROM distinct_patients WHERE patient_a = $1
                 UNION SELECT patient_a FROM distinct_patients WHERE patient_b = $1",
            )
            .bind(id)
            .fetch_all(c).await)?
            .into_iter()
            .collect()
        };
        let mut out = Vec::new();
        for found in found {
            let other = found.patient.id.as_str();
            if other == id || different.contains(other) {
                continue;
            }
            let mut reasons = duplicate_reasons(patient, &found.patient);
            if phone.is_none() {
                reasons.retain(|r| *r != DuplicateReason::SamePhone);
            }
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
        let mut tx = self.db().write().await?;
        for id in [a, b] {
            let exists: Option<i32> = on!(conn tx.conn(), c => sqlx::query_scalar("SELECT 1 FROM patients WHERE id = $1 AND (CAST($2 AS BIGINT) IS NULL OR org = $2)")
                .bind(id)
                .bind(self.org_param())
                .fetch_optional(c).await)?;
            if exists.is_none() {
                return Err(StoreError::PatientNotFound(id.to_owned()));
            }
        }
        let inserted = exec!(conn tx.conn(), c => sqlx::query(
            "INSERT INTO distinct_patients (patient_a, patient_b, marked_by, marked_at, org)
             VALUES ($1, $2, $3, $4, (SELECT org FROM patients WHERE id = $1)) ON CONFLICT (patient_a, patient_b) DO NOTHING",
        )
        .bind(a)
        .bind(b)
        .bind(&actor.0)
        .bind(timestamp_text(now()))
        .execute(c).await)?;
        if inserted == 1 {
            let rows = [
                (Some(a), format!("not the same person as {b}")),
                (Some(b), format!("not the same person as {a}")),
            ];
            self.audit()
                .append_many(&mut tx, actor, "patient.not-duplicate", rows)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every pair of patients who may be the same person and have not been marked as different
    /// people, strongest evidence first: the administrators' list. At most `limit` pairs, and
    /// how many there are in all.
    ///
    /// The pairs are found through the indexes and the names alone (each name keyed once, and
    /// compared only with the others born the same day), on a kept read-only connection on a
    /// blocking thread when the store is a file (a hundred thousand rows cost several times
    /// more through sqlx); only the pairs shown are read whole, and their evidence is then
    /// [`duplicate_reasons`]' own.
    pub async fn possible_duplicate_pairs(
        &self,
        limit: usize,
    ) -> Result<(Vec<DuplicatePair>, usize)> {
        let readers = self.readers.clone();
        let on_file = tokio::task::spawn_blocking(move || {
            readers.read(|conn| {
                let mut finder = PairFinder::default();
                for (sql, reason) in SAME_VALUE {
                    let mut stmt = conn.prepare(sql)?;
                    let mut rows = stmt.query([])?;
                    while let Some(r) = rows.next()? {
                        finder.same_value(reason, r.get(0)?, r.get(1)?);
                    }
                }
                let mut stmt = conn.prepare(SAME_DAY)?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    finder
                        .born(r.get(0)?, r.get(1)?, r.get_ref(2)?.as_str()?)
                        .map_err(|e| {
                            rusqlite::Error::FromSqlConversionFailure(
                                2,
                                rusqlite::types::Type::Text,
                                Box::new(e),
                            )
                        })?;
                }
                Ok(finder)
            })
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("duplicates task: {e}")))?;
        let finder = match on_file {
            Some(finder) => finder?,
            // In memory, or on PostgreSQL: through the pool.
            None => {
                let mut finder = PairFinder::default();
                for (sql, reason) in SAME_VALUE {
                    let rows: Vec<(String, String)> =
                        on!(self.db(), p => sqlx::query_as(sql).fetch_all(p).await)?;
                    for (value, id) in rows {
                        finder.same_value(reason, value, id);
                    }
                }
                let rows: Vec<(String, String, String)> =
                    on!(self.db(), p => sqlx::query_as(SAME_DAY).fetch_all(p).await)?;
                for (date, id, data) in rows {
                    finder
                        .born(date, id, &data)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                }
                finder
            }
        };
        let pairs = finder.pairs();
        let different: Vec<(String, String)> = on!(self.db(), p =>
            sqlx::query_as("SELECT patient_a, patient_b FROM distinct_patients")
                .fetch_all(p)
                .await)?;
        let different: HashSet<(String, String)> = different.into_iter().collect();
        // A store confined to one practice lists pairs of its own patients only.
        let mine: Option<HashSet<String>> = match self.org_param() {
            None => None,
            Some(org) => Some(
                on!(self.db(), p => sqlx::query_scalar("SELECT id FROM patients WHERE org = $1")
                    .bind(org)
                    .fetch_all(p)
                    .await)?
                .into_iter()
                .collect(),
            ),
        };
        let mut pairs: Vec<((String, String), Vec<DuplicateReason>)> = pairs
            .into_iter()
            .filter(|(p, _)| !different.contains(p))
            .filter(|((a, b), _)| {
                mine.as_ref()
                    .is_none_or(|mine| mine.contains(a) && mine.contains(b))
            })
            .map(|(p, reasons)| (p, reasons.into_iter().collect()))
            .collect();
        let total = pairs.len();
        pairs.sort_by(|(px, rx), (py, ry)| rx.cmp(ry).then_with(|| px.cmp(py)));
        pairs.truncate(limit);

        // The pairs shown, read whole.
        let ids: Vec<&str> = pairs
            .iter()
            .flat_map(|((a, b), _)| [a.as_str(), b.as_str()])
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .collect();
        let patients: BTreeMap<String, Patient> = self
            .patients(&ids)
            .await?
            .into_iter()
            .map(|s| (s.patient.id.to_string(), s.patient))
            .collect();
        let mut out = Vec::with_capacity(pairs.len());
        for ((a, b), found) in pairs {
            let (Some(pa), Some(pb)) = (patients.get(&a), patients.get(&b)) else {
                return Err(StoreError::PatientNotFound(a));
            };
            let mut reasons = duplicate_reasons(pa, pb);
            if !found.contains(&DuplicateReason::SamePhone) {
                // The number is shared by many: not evidence (see `is_shared_phone`).
                reasons.retain(|r| *r != DuplicateReason::SamePhone);
            }
            debug_assert_eq!(reasons, found, "the index search and the records agree");
            out.push(DuplicatePair {
                a: pa.clone(),
                b: pb.clone(),
                reasons,
            });
        }
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

    #[tokio::test]
    async fn a_phone_shared_by_many_is_not_evidence() {
        let store = Store::open_in_memory().await.expect("store");
        let with_phone = |given: &str, phone: &str| {
            let mut p = person(given, "Hostel");
            p.birth_date = None;
            p.phone = Some(phone.into());
            p
        };
        let family = register(&store, with_phone("Amal", "07700 900001")).await;
        for i in 0..=haven_core::duplicates::SHARED_PHONE_RECORDS {
            register(&store, with_phone(&format!("Guest{i}"), "07700 900999")).await;
        }
        let (pairs, total) = store.possible_duplicate_pairs(100).await.expect("pairs");
        assert_eq!(
            total, 0,
            "the hostel's number is on too many records: {pairs:?}"
        );

        let sister = with_phone("Amira", "+44 7700 900001");
        assert_eq!(
            ids(&store.possible_duplicates(&sister).await.expect("check")),
            [(family.as_str(), vec![SamePhone])]
        );
        let guest = with_phone("Newcomer", "07700 900999");
        assert!(
            store
                .possible_duplicates(&guest)
                .await
                .expect("check")
                .is_empty()
        );
        // Five records with one number, counting the one registered, are still a family's.
        let store = Store::open_in_memory().await.expect("store");
        for i in 1..haven_core::duplicates::SHARED_PHONE_RECORDS {
            register(&store, with_phone(&format!("Child{i}"), "07700 900002")).await;
        }
        let parent = with_phone("Parent", "07700 900002");
        assert_eq!(
            store
                .possible_duplicates(&parent)
                .await
                .expect("check")
                .len(),
            haven_core::duplicates::SHARED_PHONE_RECORDS - 1
        );
        let (_, total) = store.possible_duplicate_pairs(100).await.expect("pairs");
        assert_eq!(total, 6, "four records: six pairs");
    }
}
