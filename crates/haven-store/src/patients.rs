//! Patients: registration, demographic changes with history, look-up and search.

use haven_core::duplicates::phone_key;
use haven_core::record::{Entry, Patient};
use haven_core::search::PatientSearch;
use haven_core::{PatientId, text};
use sqlx::QueryBuilder;

use crate::codec::{IN_LIST_MAX, date_text, in_list, timestamp_text};
use crate::db::{Conn, ReadRow, exec, on};
use crate::organisations::push_org;
use crate::{Actor, OrgId, Result, Store, StoreError, entries, now};

/// Which version of a patient's demographics, or of an entry, is stored, and when Haven stored
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionStamp {
    pub version: u32,
    pub changed_at: time::OffsetDateTime,
}

/// A row of the patient list.
#[derive(Clone, Debug, PartialEq)]
pub struct PatientSummary {
    pub patient: Patient,
    pub version: u32,
}

/// Patient list filters; every field is optional and they combine with AND.
#[derive(Clone, Debug, Default)]
pub struct PatientQuery {
    /// Name (any part, accent- and case-insensitive), NHS number, local id or date of birth.
    pub text: Option<String>,
    pub clinician: Option<String>,
    pub language: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

impl Store {
    /// The next free `pat-N` id.
    pub async fn next_patient_seq(&self) -> Result<i64> {
        on!(self.db(), p => next_seq(&mut *p.acquire().await?).await)
    }

    /// Registers a patient with any first entries (for example the interpreter flag), in one
    /// transaction with its audit row. The id is assigned here when `patient.id` is empty.
    pub async fn create_patient(
        &self,
        actor: &Actor,
        patient: Patient,
        first_entries: Vec<Entry>,
    ) -> Result<Patient> {
        self.register(actor, patient, first_entries, None).await
    }

    /// [`Store::create_patient`], with the audit row of a registration made although it may
    /// duplicate others when `duplicates` is given.
    pub(crate) async fn register(
        &self,
        actor: &Actor,
        mut patient: Patient,
        first_entries: Vec<Entry>,
        duplicates: Option<&crate::DuplicateOverride>,
    ) -> Result<Patient> {
        let org = self.acting_org().await?;
        let mut tx = self.db().write().await?;
        let seq = next_seq(&mut tx).await?;
        if patient.id.as_str().is_empty() {
            let mut from = seq;
            patient.id = free_id(&mut tx, &mut from, |_| false).await?;
        }
        insert_patient(&mut tx, &patient, seq, actor, org).await?;
        for mut entry in first_entries {
            entry.patient = patient.id.clone();
            entries::insert(&mut tx, &entry).await?;
        }
        crate::actions::after_patient_change(&mut tx, patient.id.as_str(), self.clock.today())
            .await?;
        self.audit()
            .append(
                &mut tx,
                actor,
                "patient.create",
                Some(patient.id.as_str()),
                "registered",
            )
            .await?;
        if let Some(d) = duplicates {
            self.audit()
                .append(
                    &mut tx,
                    actor,
                    "patient.duplicate-override",
                    Some(patient.id.as_str()),
                    &d.audit_detail(),
                )
                .await?;
        }
        tx.commit().await?;
        Ok(patient)
    }

    /// Saves new demographics, keeping the previous version in `patient_history`.
    /// `expected_version` guards against two people editing at once.
    pub async fn update_patient(
        &self,
        actor: &Actor,
        patient: &Patient,
        expected_version: u32,
        reason: &str,
    ) -> Result<u32> {
        let mut tx = self.db().write().await?;
        let current = on!(conn tx.conn(), c => {
            let row = sqlx::query(
                "SELECT version, data, changed_at, changed_by FROM patients
                 WHERE id = $1 AND (CAST($2 AS BIGINT) IS NULL OR org = $2)",
            )
            .bind(patient.id.as_str())
            .bind(self.org_param())
            .fetch_optional(&mut *c)
            .await?
            .ok_or_else(|| StoreError::PatientNotFound(patient.id.to_string()))?;
            let current = row.int("version")?;
            if current != i64::from(expected_version) {
                return Err(StoreError::VersionConflict {
                    current: current as u32,
                });
            }
            supersede(c, patient, &Current::read(&row)?, reason, actor).await?;
            current
        });
        crate::actions::after_patient_change(&mut tx, patient.id.as_str(), self.clock.today())
            .await?;
        self.audit()
            .append(
                &mut tx,
                actor,
                "patient.update",
                Some(patient.id.as_str()),
                reason,
            )
            .await?;
        tx.commit().await?;
        Ok((current + 1) as u32)
    }

    pub async fn patient(&self, id: &str) -> Result<PatientSummary> {
        on!(self.db(), p => sqlx::query("SELECT data, version FROM patients WHERE id = $1 AND (CAST($2 AS BIGINT) IS NULL OR org = $2)")
            .bind(id)
            .bind(self.org_param())
            .fetch_optional(p)
            .await?
            .ok_or_else(|| StoreError::PatientNotFound(id.to_owned()))
            .and_then(|row| summary(&row)))
    }

    /// Several patients in one query (a worklist page's), in no particular order; ids that
    /// match no patient are left out.
    pub async fn patients(&self, ids: &[&str]) -> Result<Vec<PatientSummary>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IN_LIST_MAX) {
            on!(self.db(), p => {
                let mut q = in_list("SELECT data, version FROM patients WHERE id IN (", chunk);
                push_org(&mut q, "org", self.org_param());
                for row in q.build().fetch_all(p).await? {
                    out.push(summary(&row)?);
                }
            });
        }
        Ok(out)
    }

    /// The stored version of each of these patients and when it was stored, by patient id;
    /// ids that match no patient are left out.
    pub async fn patient_stamps(
        &self,
        ids: &[&str],
    ) -> Result<std::collections::HashMap<String, VersionStamp>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_LIST_MAX) {
            on!(self.db(), p => {
                let mut q = in_list(
                    "SELECT id, version, changed_at FROM patients WHERE id IN (",
                    chunk,
                );
                push_org(&mut q, "org", self.org_param());
                for row in q.build().fetch_all(p).await? {
                    out.insert(row.text("id")?, stamp(&row)?);
                }
            });
        }
        Ok(out)
    }

    /// One version of a patient's demographics, current or earlier, with when it was stored;
    /// `None` for a version the patient never had (or an unknown patient).
    pub async fn patient_version(
        &self,
        id: &str,
        version: u32,
    ) -> Result<Option<(Patient, VersionStamp)>> {
        on!(self.db(), p => {
            let row = sqlx::query(
                "SELECT data, version, changed_at FROM (
                 SELECT data, version, changed_at FROM patients WHERE id = $1 AND version = $2
                 UNION ALL
                 SELECT data, version, changed_at FROM patient_history WHERE patient_id = $1 AND version = $2
                 ) AS v WHERE EXISTS (SELECT 1 FROM patients WHERE id = $1 AND (CAST($3 AS BIGINT) IS NULL OR org = $3))",
            )
            .bind(id)
            .bind(i64::from(version))
            .bind(self.org_param())
            .fetch_optional(p)
            .await?;
            row.map(|r| Ok((crate::codec::from_json(&r.text("data")?)?, stamp(&r)?)))
                .transpose()
        })
    }

    /// What an import needs to know of the patients already stored: those with these ids, then
    /// those holding any of these NHS numbers (ten digits; a conditional create looks for them).
    pub async fn known_patients(&self, ids: &[&str], nhs_numbers: &[&str]) -> Result<Vec<Patient>> {
        on!(self.db(), p => {
            let mut conn = p.acquire().await?;
            known_patients_in(&mut *conn, self.org_param(), ids, nhs_numbers).await
        })
    }

    /// Earlier versions of a patient's demographics, newest first, with who changed them and why.
    pub async fn patient_history(
        &self,
        id: &str,
    ) -> Result<Vec<(u32, Patient, String, String, String)>> {
        on!(self.db(), p => {
            let rows = sqlx::query("SELECT version, data, changed_at, changed_by, reason FROM patient_history WHERE patient_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR org = $2) ORDER BY version DESC")
                .bind(id)
                .bind(self.org_param())
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        r.int("version")? as u32,
                        crate::codec::from_json(&r.text("data")?)?,
                        r.text("changed_at")?,
                        r.text("changed_by")?,
                        r.text("reason")?,
                    ))
                })
                .collect()
        })
    }

    /// Searches the patient list. Returns one page and the total number of matches.
    ///
    /// The text is classified first ([`PatientSearch`]) so each kind of search uses an index:
    /// ten digits are an NHS number, a date (`1994-06-19` or `19/06/1994`) a date of birth,
    /// anything else a local id or a name, found in any spelling and ranked best match first
    /// (`search.rs`). Without a name the list is in name order.
    pub async fn search_patients(&self, q: &PatientQuery) -> Result<(Vec<PatientSummary>, i64)> {
        let text = q.text.as_deref().map(str::trim).unwrap_or_default();
        let search = PatientSearch::parse(text);
        if let Some(PatientSearch::Terms {
            birth_date,
            name: Some(name),
        }) = &search
        {
            return self.search_by_name(q, name, text, *birth_date).await;
        }
        let order = self.backend().list_order();
        on!(self.db(), p => {
            let mut count = QueryBuilder::new("SELECT COUNT(*) FROM patients");
            let mut page = QueryBuilder::new("SELECT data, version FROM patients");
            // The same filter for both statements (a QueryBuilder owns its binds).
            push_filter(&mut count, q, search.as_ref(), self.org_param());
            push_filter(&mut page, q, search.as_ref(), self.org_param());
            let total: i64 = count.build_query_scalar().fetch_one(p).await?;
            page.push(order)
                .push(" LIMIT ")
                .push_bind(q.limit.clamp(1, 500))
                .push(" OFFSET ")
                .push_bind(q.offset.max(0));
            let rows = page.build().fetch_all(p).await?;
            let page = rows.iter().map(summary).collect::<Result<Vec<_>>>()?;
            Ok((page, total))
        })
    }

    pub async fn count_patients(&self) -> Result<i64> {
        Ok(
            on!(self.db(), p => sqlx::query_scalar("SELECT COUNT(*) FROM patients WHERE CAST($1 AS BIGINT) IS NULL OR org = $1")
            .bind(self.org_param())
            .fetch_one(p)
            .await)?,
        )
    }

    /// Each named clinician (a username) with how many patients name them, by username.
    pub async fn patients_per_clinician(&self) -> Result<Vec<(String, i64)>> {
        Ok(on!(self.db(), p => sqlx::query_as(
            "SELECT named_clinician, COUNT(*) FROM patients WHERE named_clinician IS NOT NULL
             AND (CAST($1 AS BIGINT) IS NULL OR org = $1) GROUP BY named_clinician ORDER BY named_clinician",
        )
        .bind(self.org_param())
        .fetch_all(p)
        .await)?)
    }
}

pub(crate) fn stamp(row: &impl ReadRow) -> Result<VersionStamp> {
    Ok(VersionStamp {
        version: row.int("version")? as u32,
        changed_at: crate::codec::parse_timestamp(&row.text("changed_at")?)?,
    })
}

/// [`Store::known_patients`] inside the caller's transaction (a bulk import in parts, whose
/// connection holds the database while it reads), within practice `org` when given.
pub(crate) async fn known_patients_in(
    conn: impl Into<Conn<'_>>,
    org: Option<i64>,
    ids: &[&str],
    nhs_numbers: &[&str],
) -> Result<Vec<Patient>> {
    let mut conn = conn.into();
    let mut out = Vec::with_capacity(ids.len());
    for (sql, chunk) in ids
        .chunks(IN_LIST_MAX)
        .map(|c| ("SELECT data, version FROM patients WHERE id IN (", c))
        .chain(nhs_numbers.chunks(IN_LIST_MAX).map(|c| {
            (
                "SELECT data, version FROM patients WHERE nhs_number IN (",
                c,
            )
        }))
    {
        on!(conn conn.re(), c => {
            let mut q = in_list(sql, chunk);
            push_org(&mut q, "org", org);
            for row in q.build().fetch_all(c).await? {
                out.push(summary(&row)?.patient);
            }
        });
    }
    Ok(out)
}

pub(crate) fn summary(row: &impl ReadRow) -> Result<PatientSummary> {
    Ok(PatientSummary {
        patient: crate::codec::from_json(&row.text("data")?)?,
        version: row.int("version")? as u32,
    })
}

pub(crate) async fn next_seq(conn: impl Into<Conn<'_>>) -> Result<i64> {
    Ok(on!(conn conn.into(), c =>
        sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(seq), 0) + 1 FROM patients")
            .fetch_one(c)
            .await)?)
}

/// The first `pat-N` id from `pat-{seq}` on that no stored patient has and `taken` does not
/// hold (an imported patient's id may look like one of Haven's); `seq` moves past it.
pub(crate) async fn free_id(
    conn: impl Into<Conn<'_>>,
    seq: &mut i64,
    taken: impl Fn(&str) -> bool,
) -> Result<PatientId> {
    let mut conn = conn.into();
    loop {
        let id = format!("pat-{seq}");
        *seq += 1;
        let stored: i64 = on!(conn conn.re(), c =>
            sqlx::query_scalar("SELECT count(*) FROM patients WHERE id = $1")
                .bind(&id)
                .fetch_one(c)
                .await)?;
        if stored == 0 && !taken(&id) {
            return Ok(PatientId::new(id));
        }
    }
}

/// The indexed columns derived from a patient.
pub(crate) struct Columns {
    pub search_name: String,
    /// See [`crate::search::stored_key`].
    pub search_key: String,
    pub phone_key: Option<String>,
    pub birth_date: Option<String>,
    pub nhs_number: Option<String>,
    pub language: Option<String>,
    pub clinician: Option<String>,
    pub data: String,
}

impl Columns {
    pub fn of(p: &Patient) -> Result<Self> {
        let mut names = format!("{} {}", p.given_name, p.family_name);
        if let Some(native) = &p.native_name {
            names.push(' ');
            names.push_str(native);
        }
        Ok(Self {
            search_key: crate::search::stored_key(&names),
            phone_key: p.phone.as_deref().and_then(phone_key),
            search_name: text::fold(&names),
            // As recorded (`1988`, `1988-04` or a whole date): ISO text sorts either way.
            birth_date: p.birth_date.map(|d| d.to_string()),
            nhs_number: p.nhs_number.as_ref().map(|n| n.as_str().to_owned()),
            language: p.main_language.as_ref().map(|l| l.as_str().to_owned()),
            clinician: p.named_clinician.as_ref().map(|c| c.as_str().to_owned()),
            data: crate::codec::to_json(p)?,
        })
    }
}

pub(crate) async fn insert_patient(
    conn: impl Into<Conn<'_>>,
    patient: &Patient,
    seq: i64,
    actor: &Actor,
    org: OrgId,
) -> Result<()> {
    let columns = Columns::of(patient)?;
    let stamp = timestamp_text(now());
    exec!(conn conn.into(), c => {
        let query = sqlx::query(
            "INSERT INTO patients (id, seq, version, search_name, search_key, phone_key, family_name, given_name, birth_date,
             nhs_number, local_id, main_language, named_clinician, data, changed_at, changed_by, org)
             VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(patient.id.as_str())
        .bind(seq);
        bind_demographics!(query, patient, columns, stamp, actor)
            .bind(org.0)
            .execute(c)
            .await
    })?;
    Ok(())
}

/// Appends the WHERE clause of a patient search without a name to `q`.
fn push_filter<DB: sqlx::Database>(
    q: &mut QueryBuilder<DB>,
    query: &PatientQuery,
    search: Option<&PatientSearch>,
    org: Option<i64>,
) where
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    q.push(" WHERE 1 = 1");
    match search {
        Some(PatientSearch::NhsNumber(digits)) => {
            q.push(" AND nhs_number = ").push_bind(digits.clone());
        }
        Some(PatientSearch::Terms {
            birth_date: Some(d),
            ..
        }) => {
            q.push(" AND birth_date = ").push_bind(date_text(*d));
        }
        _ => {}
    }
    push_list_filters(q, query, org);
}

/// The clinician and language filters, as ` AND …` conditions.
fn push_list_filters<DB: sqlx::Database>(
    q: &mut QueryBuilder<DB>,
    query: &PatientQuery,
    org: Option<i64>,
) where
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    for (condition, values) in list_filters(query, org) {
        q.push(" AND ");
        let mut parts = condition.split('?');
        q.push(parts.next().unwrap_or_default());
        for (value, part) in values.into_iter().zip(parts) {
            q.push_bind(value).push(part);
        }
    }
}

/// The clinician and language filters, and the store's organisation when it is confined to
/// one: each a condition with `?` placeholders and its values.
pub(crate) fn list_filters(
    query: &PatientQuery,
    org: Option<i64>,
) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    if let Some(org) = org {
        out.push(("org = CAST(? AS BIGINT)", vec![org.to_string()]));
    }
    if let Some(c) = &query.clinician {
        out.push(("named_clinician = ?", vec![c.clone()]));
    }
    if let Some(l) = &query.language {
        out.push((
            "(main_language = ? OR main_language LIKE ?)",
            vec![l.clone(), format!("{l}-%")],
        ));
    }
    out
}

/// The stored demographics a change moves to history.
pub(crate) struct Current {
    pub version: i64,
    pub data: String,
    pub changed_at: String,
    pub changed_by: String,
}

impl Current {
    /// From a row with `version`, `data`, `changed_at` and `changed_by`.
    pub(crate) fn read(row: &impl ReadRow) -> Result<Self> {
        Ok(Self {
            version: row.int("version")?,
            data: row.text("data")?,
            changed_at: row.text("changed_at")?,
            changed_by: row.text("changed_by")?,
        })
    }
}

/// Moves the current demographics to history and writes `patient` as the next version.
/// Returns the new version.
pub(crate) async fn supersede(
    conn: impl Into<Conn<'_>>,
    patient: &Patient,
    current: &Current,
    reason: &str,
    actor: &Actor,
) -> Result<i64> {
    let mut conn = conn.into();
    let version = current.version;
    exec!(conn conn.re(), c => sqlx::query("INSERT INTO patient_history (patient_id, version, data, changed_at, changed_by, reason, org) VALUES ($1, $2, $3, $4, $5, $6, (SELECT org FROM patients WHERE id = $1))")
        .bind(patient.id.as_str())
        .bind(version)
        .bind(&current.data)
        .bind(&current.changed_at)
        .bind(&current.changed_by)
        .bind(reason)
        .execute(c)
        .await)?;
    let columns = Columns::of(patient)?;
    let stamp = timestamp_text(now());
    exec!(conn conn.re(), c => {
        let query = sqlx::query(
            "UPDATE patients SET version = $1, search_name = $2, search_key = $3, phone_key = $4, family_name = $5, given_name = $6,
             birth_date = $7, nhs_number = $8, local_id = $9, main_language = $10, named_clinician = $11, data = $12, changed_at = $13,
             changed_by = $14 WHERE id = $15",
        )
        .bind(version + 1);
        bind_demographics!(query, patient, columns, stamp, actor)
            .bind(patient.id.as_str())
            .execute(c)
            .await
    })?;
    Ok(version + 1)
}

/// Binds the demographic columns that INSERT and UPDATE list in the same order, from
/// `search_name` to `changed_by` (a macro: the query's type is each backend's own).
macro_rules! bind_demographics {
    ($query:expr, $patient:expr, $c:expr, $stamp:expr, $actor:expr) => {
        $query
            .bind(&$c.search_name)
            .bind(&$c.search_key)
            .bind(&$c.phone_key)
            .bind(&$patient.family_name)
            .bind(&$patient.given_name)
            .bind(&$c.birth_date)
            .bind(&$c.nhs_number)
            .bind(&$patient.local_id)
            .bind(&$c.language)
            .bind(&$c.clinician)
            .bind(&$c.data)
            .bind(&$stamp)
            .bind(&$actor.0)
    };
}
use bind_demographics;
