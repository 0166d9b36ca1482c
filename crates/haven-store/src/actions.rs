//! The population's current actions: the care rules' output kept in a table so worklists are a
//! query, not an evaluation of everyone. Refreshed for one patient in the same transaction as
//! any change to their record; when the policy or a rule's version has changed, for everyone
//! (`refresh_actions_if_stale`); when only the date has, for the patients whose actions the
//! new date can change (their horizon, `rules::evaluate_until`, kept in `action_horizons`).

use std::borrow::Borrow;
use std::collections::HashMap;

use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::record::PatientRecord;
use haven_core::rules::{self, Action, Urgency};
use sqlx::{QueryBuilder, Row};

use crate::codec::{date_text, in_list, parse_date};
use crate::db::{Conn, ReadRow, exec, on};
use crate::{Result, Store, projection};

const AS_OF_KEY: &str = "actions.as-of";
const POLICY_KEY: &str = "actions.policy";
/// Patients per refresh transaction: short enough that writers hardly wait.
const REFRESH_CHUNK: i64 = 2_000;
/// Sorts after every real date.
const UNDATED: &str = "9999-99-99";

/// One stored action with the patient it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct PatientAction {
    pub patient: String,
    pub clinician: Option<String>,
    pub language: Option<String>,
    pub action: Action,
}

/// One patient's actions, most pressing first (the worklist grouped by patient).
#[derive(Clone, Debug, PartialEq)]
pub struct PatientActions {
    pub patient: String,
    pub actions: Vec<PatientAction>,
}

/// Worklist filters; they combine with AND.
#[derive(Clone, Debug, Default)]
pub struct ActionQuery {
    pub clinician: Option<String>,
    pub urgency: Option<Urgency>,
    pub rule: Option<String>,
    pub language: Option<String>,
    /// Only these rules (for example the administrative ones a receptionist may see).
    pub rules_in: Option<Vec<&'static str>>,
    pub offset: i64,
    pub limit: i64,
}

/// Counts for the worklist header.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActionCounts {
    pub total: i64,
    pub by_urgency: Vec<(Urgency, i64)>,
    pub by_rule: Vec<(String, i64)>,
}

/// What the stored actions were computed with: every policy value and every rule's version.
/// The versions make a build whose rule logic changed re-evaluate everyone on its first
/// refresh, not only on the next day, so no stored list lags behind the rules it runs.
fn policy_fingerprint(policy: &Policy) -> String {
    let entries = policy.entries();
    let values = entries.iter().map(|e| format!("{}={}", e.key, e.value));
    let rules = rules::catalogue()
        .iter()
        .map(|r| format!("{}@{}", r.id, r.version));
    values.chain(rules).collect::<Vec<_>>().join(";")
}

/// A patient's actions as of a day, and the first day after it they may differ on.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Evaluated {
    pub actions: Vec<Action>,
    pub as_of: Date,
    pub until: Option<Date>,
}

/// The rules over `record` as of `today`, with how long their answer stands.
pub(crate) fn evaluate(record: &PatientRecord, policy: &Policy, today: Date) -> Evaluated {
    let (actions, until) = rules::evaluate_until(record, policy, today);
    Evaluated {
        actions,
        as_of: today,
        until,
    }
}

/// Replaces one patient's actions inside the caller's transaction.
pub(crate) async fn replace_for_patient(
    conn: impl Into<Conn<'_>>,
    record: &PatientRecord,
    policy: &Policy,
    today: Date,
) -> Result<()> {
    let batch = [(record, evaluate(record, policy, today))];
    replace_many(conn, &batch).await
}

/// Each of these patients' practice, so a multi-row insert binds it: a subquery per row made
/// SQLite open a cursor per row of one statement, each open walking all the others (a 1,000-row
/// statement took 40 times as long; BENCHMARKS.md, issue 18, *the full refresh's cost*).
async fn orgs_of(mut conn: Conn<'_>, ids: &[&str]) -> Result<HashMap<String, i64>> {
    let mut orgs = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        let rows: Vec<(String, i64)> = on!(conn conn.re(), c =>
            in_list("SELECT id, org FROM patients WHERE id IN (", chunk)
                .build_query_as()
                .fetch_all(c)
                .await)?;
        orgs.extend(rows);
    }
    Ok(orgs)
}

fn ids_of<R: Borrow<PatientRecord>>(batch: &[(R, Evaluated)]) -> Vec<&str> {
    batch
        .iter()
        .map(|(r, _)| r.borrow().patient.id.as_str())
        .collect()
}

fn org_of(orgs: &HashMap<String, i64>, id: &str) -> Result<i64> {
    orgs.get(id)
        .copied()
        .ok_or_else(|| crate::StoreError::PatientNotFound(id.to_owned()))
}

/// Writes `rows`, each a patient's id with one action row [`rows_of`] made.
async fn insert(mut conn: Conn<'_>, rows: &[(&str, StoredRow)]) -> Result<()> {
    for chunk in rows.chunks(1_000) {
        exec!(conn conn.re(), c => {
            let mut q = QueryBuilder::new(
                "INSERT INTO actions (patient_id, rule, section, urgency_rank, due, due_sort, reason, clinician, language, org) ",
            );
            q.push_values(chunk, |mut b, (patient, row)| {
                b.push_bind(patient.to_string())
                    .push_bind(row.rule.clone())
                    .push_bind(row.section.clone())
                    .push_bind(row.urgency_rank)
                    .push_bind(row.due.clone())
                    .push_bind(row.due_sort.clone())
                    .push_bind(row.reason.clone())
                    .push_bind(row.clinician.clone())
                    .push_bind(row.language.clone())
                    .push_bind(row.org);
            });
            q.build().execute(c).await
        })?;
    }
    Ok(())
}

/// `due` as the worklist sorts it: undated actions last.
pub(crate) fn due_sort(due: Option<Date>) -> String {
    due.map_or_else(|| UNDATED.to_owned(), date_text)
}

pub(crate) fn urgency_rank(u: Urgency) -> i64 {
    Urgency::ALL
        .iter()
        .position(|x| *x == u)
        .unwrap_or(Urgency::ALL.len()) as i64
}

/// Everything the store does after a patient's record changed, in the same transaction: the
/// rules view and the patient's actions (as of `today`, the store clock's, and the stored
/// policy).
pub(crate) async fn after_patient_change(
    conn: impl Into<Conn<'_>>,
    patient_id: &str,
    today: Date,
) -> Result<()> {
    let mut conn = conn.into();
    let record = projection::refresh(conn.re(), patient_id).await?;
    let policy = crate::settings::load_policy(conn.re()).await?;
    replace_for_patient(conn, &record, &policy, today).await
}

impl Store {
    /// Brings the stored actions up to `today` and `policy`. Returns whether a refresh ran.
    /// Under another policy or rule version (or when the last refresh is unknown, after a bulk
    /// load) everyone is re-evaluated ([`Store::refresh_all_actions`]); when only the date
    /// moved, only the patients whose actions it can change
    /// ([`Store::refresh_actions_incrementally`]), which gives exactly what re-evaluating
    /// everyone would. Servers sharing a PostgreSQL database take turns: one that waited for
    /// another's refresh of the same day and policy finds nothing left to do.
    pub async fn refresh_actions_if_stale(&self, policy: &Policy, today: Date) -> Result<bool> {
        // Asked on every worklist view: a current list costs no turn (a connection of its own).
        if self.actions_current(policy, today).await? {
            return Ok(false);
        }
        let turn = self.db().refresh_turn().await?;
        let refreshed = self.refresh_in_turn(policy, today).await;
        turn.end().await;
        refreshed
    }

    async fn refresh_in_turn(&self, policy: &Policy, today: Date) -> Result<bool> {
        let (as_of, same_policy) = self.actions_stored_for(policy).await?;
        if same_policy && as_of.as_deref() == Some(&date_text(today)) {
            return Ok(false);
        }
        if same_policy && as_of.is_some() {
            self.refresh_actions_incrementally(policy, today).await?;
        } else {
            self.refresh_all_actions(policy, today).await?;
        }
        Ok(true)
    }

    /// The day the stored actions were last brought up to for everyone, when known (never
    /// after a bulk load until the next refresh): what a list shown before today's refresh
    /// finishes is as of.
    pub async fn actions_as_of(&self) -> Result<Option<Date>> {
        self.setting(AS_OF_KEY)
            .await?
            .map(|text| parse_date(&text))
            .transpose()
    }

    /// Whether the stored actions are those of `today` under `policy`: a refresh would do
    /// nothing.
    pub async fn actions_current(&self, policy: &Policy, today: Date) -> Result<bool> {
        let (as_of, same_policy) = self.actions_stored_for(policy).await?;
        Ok(same_policy && as_of.as_deref() == Some(&date_text(today)))
    }

    /// The stored actions' day (as stored) and whether they were evaluated under `policy`
    /// and this build's rule versions.
    /// One query: every worklist and recall view asks this.
    async fn actions_stored_for(&self, policy: &Policy) -> Result<(Option<String>, bool)> {
        let rows: Vec<(String, String)> = on!(self.db(), p =>
            sqlx::query_as("SELECT key, value FROM settings WHERE key IN ($1, $2)")
                .bind(AS_OF_KEY)
                .bind(POLICY_KEY)
                .fetch_all(p)
                .await?);
        let stored = |key: &str| rows.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let same_policy = stored(POLICY_KEY) == Some(&policy_fingerprint(policy));
        Ok((stored(AS_OF_KEY).map(str::to_owned), same_policy))
    }

    /// Re-evaluates everyone as of `today` under `policy` (a policy change, a new rule version).
    /// Works in short transactions of a few thousand patients, each reading the rules views it
    /// evaluates, so writers (a login, a saved entry) never wait long and a patient changed
    /// meanwhile is never overwritten with an older evaluation.
    /// Returns the number of patients evaluated.
    pub async fn refresh_all_actions(&self, policy: &Policy, today: Date) -> Result<usize> {
        self.refresh_where(policy, today, false).await
    }

    /// Re-evaluates as of `today` only the patients whose stored actions may differ on it:
    /// those whose horizon has come, who were evaluated on a later day, or who have none
    /// stored. Every other patient's actions are what the rules give today already (see
    /// `rules::evaluate_until`), so the list is the one a full refresh would write.
    /// Returns the number of patients evaluated.
    pub async fn refresh_actions_incrementally(
        &self,
        policy: &Policy,
        today: Date,
    ) -> Result<usize> {
        self.refresh_where(policy, today, true).await
    }

    async fn refresh_where(&self, policy: &Policy, today: Date, only_due: bool) -> Result<usize> {
        let day = date_text(today);
        let mut after = 0i64;
        let mut refreshed = 0usize;
        loop {
            let mut tx = self.db().write().await?;
            let rows: Vec<(i64, String, Vec<u8>)> = if only_due {
                on!(conn tx.conn(), c => sqlx::query_as("SELECT p.seq, p.id, p.rules_view FROM patients p LEFT JOIN action_horizons h ON h.patient_id = p.id WHERE p.seq > $1 AND p.rules_view IS NOT NULL AND (h.patient_id IS NULL OR h.as_of > $3 OR h.until <= $3) ORDER BY p.seq LIMIT $2")
                    .bind(after)
                    .bind(REFRESH_CHUNK)
                    .bind(&day)
                    .fetch_all(c)
                    .await)?
            } else {
                on!(conn tx.conn(), c => sqlx::query_as("SELECT seq, id, rules_view FROM patients WHERE seq > $1 AND rules_view IS NOT NULL ORDER BY seq LIMIT $2")
                    .bind(after)
                    .bind(REFRESH_CHUNK)
                    .fetch_all(c)
                    .await)?
            };
            let Some((last, last_id, _)) = rows.last() else {
                break;
            };
            after = *last;
            let last_id = last_id.clone();
            let first_id = rows[0].1.clone();
            refreshed += rows.len();
            let records = rows
                .iter()
                .map(|(_, _, view)| projection::decode(view))
                .collect::<Result<Vec<_>>>()?;
            replace_many(&mut tx, &evaluated(records, policy, today)).await?;
            tx.commit().await?;
            tracing::debug!(first = %first_id, last = %last_id, "actions refreshed for a chunk");
        }
        tracing::debug!(refreshed, only_due, "actions refreshed");
        let mut tx = self.db().write().await?;
        for (key, value) in [(AS_OF_KEY, day), (POLICY_KEY, policy_fingerprint(policy))] {
            exec!(conn tx.conn(), c => sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(key)
                .bind(&value)
                .execute(c)
                .await)?;
        }
        tx.commit().await?;
        Ok(refreshed)
    }

    /// One page of the stored actions in worklist order (docs/rules.md, *Actions*), and the
    /// counts for the filters.
    pub async fn actions(&self, q: &ActionQuery) -> Result<(Vec<PatientAction>, ActionCounts)> {
        let page: Vec<PatientAction> = on!(self.db(), p => {
            let mut page = QueryBuilder::new("SELECT * FROM actions");
            push_filters(&mut page, q, self.org_param());
            page.push(" ORDER BY urgency_rank, due_sort, patient_id, rule LIMIT ")
                .push_bind(q.limit.clamp(1, 1_000))
                .push(" OFFSET ")
                .push_bind(q.offset.max(0));
            let rows = page.build().fetch_all(p).await?;
            rows.iter()
                .filter_map(|r| action_from_row(r).transpose())
                .collect::<Result<_>>()?
        });
        Ok((page, self.action_counts(q).await?))
    }

    /// One page of patients with what is due for each under the same filters: patients by
    /// their most pressing action (urgency, then due date, undated last), each patient's
    /// actions in the same order; and how many patients in all.
    pub async fn actions_by_patient(
        &self,
        q: &ActionQuery,
    ) -> Result<(Vec<PatientActions>, i64, ActionCounts)> {
        // `urgency_rank` is one digit and `due_sort` ISO text, so the text orders as the pair.
        let (ids, patients): (Vec<String>, i64) = on!(self.db(), p => {
            let mut page = QueryBuilder::new(
                "SELECT patient_id, MIN(urgency_rank || ' ' || due_sort) AS first FROM actions",
            );
            push_filters(&mut page, q, self.org_param());
            page.push(" GROUP BY patient_id ORDER BY first, patient_id LIMIT ")
                .push_bind(q.limit.clamp(1, 1_000))
                .push(" OFFSET ")
                .push_bind(q.offset.max(0));
            let ids = page
                .build()
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| r.try_get("patient_id"))
                .collect::<std::result::Result<_, _>>()?;
            let mut count = QueryBuilder::new("SELECT COUNT(DISTINCT patient_id) FROM actions");
            push_filters(&mut count, q, self.org_param());
            let patients = count.build_query_scalar().fetch_one(p).await?;
            (ids, patients)
        });
        let mut grouped: Vec<PatientActions> = ids
            .iter()
            .map(|id| PatientActions {
                patient: id.clone(),
                actions: Vec::new(),
            })
            .collect();
        if !ids.is_empty() {
            let actions: Vec<PatientAction> = on!(self.db(), p => {
                let mut rows = QueryBuilder::new("SELECT * FROM actions");
                push_filters(&mut rows, q, self.org_param());
                rows.push(" AND patient_id IN (");
                let mut list = rows.separated(", ");
                for id in &ids {
                    list.push_bind(id.as_str());
                }
                list.push_unseparated(") ORDER BY urgency_rank, due_sort, rule");
                rows.build()
                    .fetch_all(p)
                    .await?
                    .iter()
                    .filter_map(|r| action_from_row(r).transpose())
                    .collect::<Result<_>>()?
            });
            for action in actions {
                if let Some(group) = grouped.iter_mut().find(|g| g.patient == action.patient) {
                    group.actions.push(action);
                }
            }
        }
        Ok((grouped, patients, self.action_counts(q).await?))
    }

    /// Counts by urgency (ignoring the urgency filter), by rule (ignoring the rule filter) and
    /// in total, from the `action_counts` summary the triggers keep: a few hundred rows
    /// whatever the size of the list.
    async fn action_counts(&self, q: &ActionQuery) -> Result<ActionCounts> {
        let unfiltered = ActionQuery {
            urgency: None,
            rule: None,
            ..q.clone()
        };
        let counted: Vec<(String, i64, i64)> = on!(self.db(), p => {
            let mut sql = QueryBuilder::new("SELECT rule, urgency_rank, n FROM action_counts");
            push_filters(&mut sql, &unfiltered, self.org_param());
            sql.push(" AND n > 0");
            sql.build_query_as().fetch_all(p).await?
        });
        let wanted_rank = q.urgency.map(urgency_rank);
        let mut by_urgency = vec![0i64; Urgency::ALL.len()];
        let mut by_rule = std::collections::BTreeMap::<String, i64>::new();
        let mut total = 0;
        for (rule, rank, n) in counted {
            let rule_matches = q.rule.as_deref().is_none_or(|wanted| wanted == rule);
            let rank_matches = wanted_rank.is_none_or(|wanted| wanted == rank);
            if rule_matches && let Some(slot) = by_urgency.get_mut(rank as usize) {
                *slot += n;
            }
            if rule_matches && rank_matches {
                total += n;
            }
            if rank_matches {
                *by_rule.entry(rule).or_default() += n;
            }
        }
        Ok(ActionCounts {
            total,
            by_urgency: Urgency::ALL
                .iter()
                .zip(by_urgency)
                .filter(|(_, n)| *n > 0)
                .map(|(u, n)| (*u, n))
                .collect(),
            by_rule: by_rule.into_iter().collect(),
        })
    }
}

/// A stored action, or `None` for a rule this build no longer has.
fn action_from_row(r: &impl ReadRow) -> Result<Option<PatientAction>> {
    let rule_id = r.text("rule")?;
    let Some(rule) = rules::RuleId::parse(&rule_id) else {
        return Ok(None);
    };
    let rank = r.int("urgency_rank")?;
    let due = r.opt_text("due")?;
    Ok(Some(PatientAction {
        patient: r.text("patient_id")?,
        clinician: r.opt_text("clinician")?,
        language: r.opt_text("language")?,
        action: Action {
            rule,
            section: rule.info().section,
            urgency: Urgency::ALL
                .get(rank as usize)
                .copied()
                .unwrap_or(Urgency::Info),
            due: due.as_deref().map(crate::codec::parse_date).transpose()?,
            reason: r.text("reason")?,
            resolve: rule.info().resolve,
        },
    }))
}

fn push_filters<DB: sqlx::Database>(q: &mut QueryBuilder<DB>, f: &ActionQuery, org: Option<i64>)
where
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    q.push(" WHERE 1 = 1");
    // A store confined to one practice sees its actions and counts only.
    crate::organisations::push_org(q, "org", org);
    if let Some(c) = &f.clinician {
        q.push(" AND clinician = ").push_bind(c.clone());
    }
    if let Some(u) = f.urgency {
        q.push(" AND urgency_rank = ").push_bind(urgency_rank(u));
    }
    if let Some(r) = &f.rule {
        q.push(" AND rule = ").push_bind(r.clone());
    }
    if let Some(l) = &f.language {
        q.push(" AND language = ").push_bind(l.clone());
    }
    if let Some(rules) = &f.rules_in {
        q.push(" AND rule IN (");
        let mut list = q.separated(", ");
        for r in rules {
            list.push_bind(*r);
        }
        list.push_unseparated(")");
    }
}

/// Each record with its actions as of `today`: the batches the store writes whole (a refresh,
/// a rebuild, an import).
pub(crate) fn evaluated(
    records: Vec<PatientRecord>,
    policy: &Policy,
    today: Date,
) -> Vec<(PatientRecord, Evaluated)> {
    records
        .into_iter()
        .map(|record| {
            let evaluated = evaluate(&record, policy, today);
            (record, evaluated)
        })
        .collect()
}

/// Replaces the actions of every patient in `batch` with the ones given (a few statements for
/// the lot, inside the caller's transaction). A patient whose stored actions are already
/// exactly these keeps their rows: rewriting an unchanged row costs a delete and an insert in
/// the table, each of its seven indexes and the counts' trigger, and most of a refresh's
/// patients are unchanged (BENCHMARKS.md, issue 18, *the full refresh's cost*).
pub(crate) async fn replace_many<R: Borrow<PatientRecord>>(
    conn: impl Into<Conn<'_>>,
    batch: &[(R, Evaluated)],
) -> Result<()> {
    let mut conn = conn.into();
    if batch.is_empty() {
        return Ok(());
    }
    let ids = ids_of(batch);
    let orgs = orgs_of(conn.re(), &ids).await?;
    let stored = stored_rows(conn.re(), &ids).await?;
    let mut changed_ids: Vec<&str> = Vec::new();
    let mut rows: Vec<(&str, StoredRow)> = Vec::new();
    for (record, evaluated) in batch {
        let id = record.borrow().patient.id.as_str();
        let fresh = rows_of(record.borrow(), &evaluated.actions, org_of(&orgs, id)?);
        if stored.get(id) != Some(&fresh) {
            changed_ids.push(id);
            rows.extend(fresh.into_iter().map(|row| (id, row)));
        }
    }
    for chunk in changed_ids.chunks(1_000) {
        exec!(conn conn.re(), c => in_list("DELETE FROM actions WHERE patient_id IN (", chunk)
            .build()
            .execute(c)
            .await)?;
    }
    insert(conn.re(), &rows).await?;
    write_horizons(conn, batch, &orgs).await
}

/// One stored action, as written and as compared with a fresh evaluation: every column the
/// store writes, the practice included.
#[derive(Debug, PartialEq)]
struct StoredRow {
    rule: String,
    section: String,
    urgency_rank: i64,
    due: Option<String>,
    due_sort: String,
    reason: String,
    clinician: Option<String>,
    language: Option<String>,
    org: i64,
}

/// The rows [`insert`] would write for `record`'s `actions`, in rule order.
fn rows_of(record: &PatientRecord, actions: &[Action], org: i64) -> Vec<StoredRow> {
    let p = &record.patient;
    let mut rows: Vec<StoredRow> = actions
        .iter()
        .map(|a| StoredRow {
            rule: a.rule.id().to_owned(),
            section: a.section.to_owned(),
            urgency_rank: urgency_rank(a.urgency),
            due: a.due.map(date_text),
            due_sort: due_sort(a.due),
            reason: a.reason.clone(),
            clinician: p.named_clinician.as_ref().map(|c| c.as_str().to_owned()),
            language: p.main_language.as_ref().map(|l| l.primary().to_owned()),
            org,
        })
        .collect();
    rows.sort_by(|a, b| a.rule.cmp(&b.rule));
    rows
}

/// The stored actions of these patients by patient, each patient's in rule order (patients
/// with none are absent).
async fn stored_rows(mut conn: Conn<'_>, ids: &[&str]) -> Result<HashMap<String, Vec<StoredRow>>> {
    let mut stored = HashMap::<String, Vec<StoredRow>>::new();
    for chunk in ids.chunks(1_000) {
        let rows = on!(conn conn.re(), c => {
            let rows = in_list(
                "SELECT a.patient_id, a.rule, a.section, a.urgency_rank, a.due, a.due_sort, a.reason, a.clinician, a.language, a.org FROM actions a WHERE a.patient_id IN (",
                chunk,
            )
            .build()
            .fetch_all(c)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        r.text("patient_id")?,
                        StoredRow {
                            rule: r.text("rule")?,
                            section: r.text("section")?,
                            urgency_rank: r.int("urgency_rank")?,
                            due: r.opt_text("due")?,
                            due_sort: r.text("due_sort")?,
                            reason: r.text("reason")?,
                            clinician: r.opt_text("clinician")?,
                            language: r.opt_text("language")?,
                            org: r.int("org")?,
                        },
                    ))
                })
                .collect::<Result<Vec<_>>>()?
        });
        for (patient, row) in rows {
            stored.entry(patient).or_default().push(row);
        }
    }
    for rows in stored.values_mut() {
        rows.sort_by(|a, b| a.rule.cmp(&b.rule));
    }
    Ok(stored)
}

/// [`add_many`] for patients of `org` that have no actions or horizon stored yet (new ones a
/// bulk import has just written): on PostgreSQL by binary `COPY` (`load_pg.rs`).
pub(crate) async fn add_new<R: Borrow<PatientRecord>>(
    conn: impl Into<Conn<'_>>,
    batch: &[(R, Evaluated)],
    org: crate::OrgId,
) -> Result<()> {
    match conn.into() {
        Conn::Postgres(c) => crate::load_pg::actions(c, batch, org).await,
        conn => add_many(conn, batch).await,
    }
}

/// Adds the actions of patients who have none yet (new ones), in multi-row inserts, and
/// writes how long each patient's stand.
pub(crate) async fn add_many<R: Borrow<PatientRecord>>(
    conn: impl Into<Conn<'_>>,
    batch: &[(R, Evaluated)],
) -> Result<()> {
    let mut conn = conn.into();
    let ids = ids_of(batch);
    let orgs = orgs_of(conn.re(), &ids).await?;
    let mut rows: Vec<(&str, StoredRow)> = Vec::new();
    for ((record, evaluated), id) in batch.iter().zip(&ids) {
        let fresh = rows_of(record.borrow(), &evaluated.actions, org_of(&orgs, id)?);
        rows.extend(fresh.into_iter().map(|row| (*id, row)));
    }
    insert(conn.re(), &rows).await?;
    write_horizons(conn, batch, &orgs).await
}

/// Writes how long each patient's actions in `batch` stand, leaving a row that says so already.
async fn write_horizons<R: Borrow<PatientRecord>>(
    mut conn: Conn<'_>,
    batch: &[(R, Evaluated)],
    orgs: &HashMap<String, i64>,
) -> Result<()> {
    for chunk in batch.chunks(1_000) {
        let chunk_orgs = chunk
            .iter()
            .map(|(record, _)| org_of(orgs, record.borrow().patient.id.as_str()))
            .collect::<Result<Vec<_>>>()?;
        exec!(conn conn.re(), c => {
            let mut q = QueryBuilder::new("INSERT INTO action_horizons (patient_id, as_of, until, org) ");
            q.push_values(chunk.iter().zip(&chunk_orgs), |mut b, ((record, e), org)| {
                b.push_bind(record.borrow().patient.id.as_str().to_owned())
                    .push_bind(date_text(e.as_of))
                    .push_bind(e.until.map(date_text))
                    .push_bind(*org);
            });
            q.push(" ON CONFLICT (patient_id) DO UPDATE SET as_of = excluded.as_of, until = excluded.until WHERE action_horizons.as_of <> excluded.as_of OR action_horizons.until IS DISTINCT FROM excluded.until");
            q.build().execute(c).await
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_names_every_rule_version_and_changes_with_the_policy() {
        let policy = Policy::default();
        let fingerprint = policy_fingerprint(&policy);
        for info in rules::catalogue() {
            assert!(
                fingerprint.contains(&format!(";{}@{};", info.id, info.version))
                    || fingerprint.ends_with(&format!(";{}@{}", info.id, info.version)),
                "{} is part of the fingerprint",
                info.id
            );
        }
        let mut changed = Policy::default();
        changed
            .set("rules.disabled", "advice.wellbeing-not-given")
            .expect("policy");
        assert_ne!(policy_fingerprint(&changed), fingerprint);
    }
}
