//! Worklists: `/worklist` (the signed-in clinician's patients, by named clinician) and
//! `/worklist/practice` (everyone), filterable by urgency, rule and main language, with counts
//! per urgency and per rule. The care rules run at view time over every record in scope
//! (`store.scan_records`, one record in memory at a time), so a saved entry shows at once.
//!
//! Roles: clinicians and administrators see every rule; receptionists the administrative
//! rules only (see `ui::actions`), on the practice list; analysts the practice counts only,
//! with no patient rows at all. Receptionists and analysts asking for `/worklist` are sent to
//! the practice list, since no patients are named to them.
//!
//! Only the first [`MAX_ROWS`] rows (in worklist order) are kept while scanning, so memory
//! stays bounded for a large practice; the counts always cover everyone in scope.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use haven_core::record::Visibility;
use haven_core::rules::{self, Action, RuleId, Urgency};
use haven_core::PatientId;
use haven_store::{RecordStream, Role};
use serde::Deserialize;

use super::actions::{guidance_href, resolve_href, rule_visible};
use super::form::{Choice, choices_with_blank};
use super::layout::Layout;
use super::{encode_query, page, patient_href, see_other, today};
use crate::AppState;
use crate::auth::{ALL_ROLES, CLINICAL_ROLES, CurrentUser};
use crate::error::AppError;
use crate::reference::languages;

/// Rows shown on one page; filters narrow the list further.
pub const MAX_ROWS: usize = 200;

pub fn routes() -> Router<AppState> {
    Router::new().route("/worklist", get(mine)).route("/worklist/practice", get(practice))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct Filters {
    pub urgency: String,
    pub rule: String,
    pub language: String,
}

/// The result of one pass over the population.
#[derive(Default)]
pub struct Tally {
    pub patients: u64,
    pub by_urgency: [u64; 4],
    pub by_rule: BTreeMap<RuleId, u64>,
    /// Actions matching every filter.
    pub matching: u64,
    /// The first [`MAX_ROWS`] matching actions in worklist order (empty when rows are not
    /// wanted), with the patient's name and language.
    pub rows: Vec<(PatientId, Action)>,
    pub people: HashMap<PatientId, (String, String)>,
}

fn urgency_index(u: Urgency) -> usize {
    Urgency::ALL.iter().position(|&x| x == u).unwrap_or(0)
}

/// Runs the rules over every record in `scope` and tallies what `visible` allows.
pub async fn tally(state: &AppState, scope: &RecordStream, filters: &Filters, visible: impl Fn(RuleId) -> bool, want_rows: bool) -> Result<Tally, AppError> {
    let policy = state.policy();
    let today = today();
    let urgency = Urgency::parse(&filters.urgency);
    let rule = RuleId::parse(&filters.rule);
    let language = filters.language.trim().to_owned();
    let mut t = Tally::default();
    let mut keep: Vec<(PatientId, Action)> = Vec::new();
    // The rules need the whole record, sensitive entries included; only filtered actions
    // leave this function.
    state
        .store
        .scan_records(scope, Visibility::Sensitive, |record| {
            if !language.is_empty() && record.patient.main_language.as_ref().is_none_or(|l| l.as_str() != language && l.primary() != language) {
                return;
            }
            t.patients += 1;
            let id = record.patient.id.clone();
            let mut named = false;
            for a in rules::evaluate(&record, &policy, today) {
                if !visible(a.rule) {
                    continue;
                }
                t.by_urgency[urgency_index(a.urgency)] += 1;
                *t.by_rule.entry(a.rule).or_default() += 1;
                if urgency.is_some_and(|u| u != a.urgency) || rule.is_some_and(|r| r != a.rule) {
                    continue;
                }
                t.matching += 1;
                if want_rows {
                    keep.push((id.clone(), a));
                    named = true;
                    if keep.len() >= 2 * MAX_ROWS {
                        rules::sort_population(&mut keep);
                        keep.truncate(MAX_ROWS);
                    }
                }
            }
            if named {
                let lang = record.patient.main_language.as_ref().map(languages::name).unwrap_or_default();
                t.people.insert(id, (record.patient.display_name(), lang));
            }
        })
        .await?;
    rules::sort_population(&mut keep);
    keep.truncate(MAX_ROWS);
    t.people.retain(|id, _| keep.iter().any(|(p, _)| p == id));
    t.rows = keep;
    Ok(t)
}

pub struct Row {
    pub href: String,
    pub name: String,
    pub language: String,
    pub urgency: &'static str,
    pub urgency_label: &'static str,
    pub title: &'static str,
    pub rule: &'static str,
    pub guidance_href: String,
    pub due: String,
    pub reason: String,
    pub resolve_href: Option<String>,
}

pub struct Count {
    pub label: &'static str,
    pub id: &'static str,
    pub count: u64,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "worklist/list.html")]
struct WorklistPage {
    layout: Layout,
    heading: String,
    intro: String,
    action: &'static str,
    counts_only: bool,
    patients: u64,
    matching: u64,
    shown: usize,
    urgency_counts: Vec<Count>,
    rule_counts: Vec<Count>,
    urgencies: Vec<Choice>,
    rules: Vec<Choice>,
    languages: Vec<Choice>,
    rows: Vec<Row>,
    filtered: bool,
    other_href: Option<(&'static str, &'static str)>,
}

fn href(base: &str, f: &Filters) -> String {
    format!("{base}?urgency={}&rule={}&language={}", encode_query(&f.urgency), encode_query(&f.rule), encode_query(&f.language))
}

async fn render(state: &AppState, user: &CurrentUser, base: &'static str, scope: RecordStream, filters: Filters, heading: String, intro: String) -> Result<Response, AppError> {
    // Analysts count every rule across the practice; everyone else sees what their role may.
    let counts_only = user.role == Role::Analyst;
    let visible = |r: RuleId| counts_only || rule_visible(user, r);
    let started = std::time::Instant::now();
    let t = tally(state, &scope, &filters, visible, !counts_only).await?;
    tracing::info!(patients = t.patients, actions = t.matching, elapsed_ms = started.elapsed().as_millis() as u64, "worklist evaluated");
    state.store.audit_read(&user.actor(), "worklist.view", None, &format!("{base}: {} patients, {} actions", t.patients, t.matching)).await?;
    let urgency_counts = Urgency::ALL
        .iter()
        .map(|&u| Count { label: u.label(), id: u.id(), count: t.by_urgency[urgency_index(u)], href: href(base, &Filters { urgency: u.id().into(), ..filters.clone() }), current: filters.urgency == u.id() })
        .collect();
    let rule_counts = t
        .by_rule
        .iter()
        .map(|(&r, &n)| Count { label: r.info().title, id: r.id(), count: n, href: href(base, &Filters { rule: r.id().into(), ..filters.clone() }), current: filters.rule == r.id() })
        .collect();
    let rows: Vec<Row> = t
        .rows
        .iter()
        .map(|(pid, a)| {
            let (name, language) = t.people.get(pid).cloned().unwrap_or_default();
            Row {
                href: patient_href(pid.as_str()),
                name,
                language,
                urgency: a.urgency.id(),
                urgency_label: a.urgency.label(),
                title: a.info().title,
                rule: a.rule.id(),
                guidance_href: guidance_href(a.section),
                due: a.due.map(|d| d.to_string()).unwrap_or_default(),
                reason: a.reason.clone(),
                resolve_href: resolve_href(user, pid.as_str(), a.info()),
            }
        })
        .collect();
    let rule_choices: Vec<(&str, &str)> = RuleId::ALL.iter().filter(|&&r| visible(r)).map(|r| (r.id(), r.info().title)).collect();
    let other_href = match (base, user.is_clinical()) {
        ("/worklist", _) => Some(("/worklist/practice", "Whole practice")),
        (_, true) => Some(("/worklist", "My patients")),
        _ => None,
    };
    let page_data = WorklistPage {
        layout: Layout::new(user, heading.clone(), "/worklist"),
        heading,
        intro,
        action: base,
        counts_only,
        patients: t.patients,
        matching: t.matching,
        shown: rows.len(),
        urgency_counts,
        rule_counts,
        urgencies: choices_with_blank("Any urgency", Urgency::ALL.iter().map(|u| (u.id(), u.label())), &filters.urgency),
        rules: choices_with_blank("Any rule", rule_choices, &filters.rule),
        languages: choices_with_blank("Any language", languages::LANGUAGES.iter().copied(), &filters.language),
        filtered: !filters.urgency.is_empty() || !filters.rule.is_empty() || !filters.language.is_empty(),
        rows,
        other_href,
    };
    page(&page_data)
}

async fn mine(State(state): State<AppState>, user: CurrentUser, Query(filters): Query<Filters>) -> Result<Response, AppError> {
    user.require(ALL_ROLES)?;
    if user.require(CLINICAL_ROLES).is_err() {
        return Ok(see_other(&href("/worklist/practice", &filters)));
    }
    let scope = RecordStream { clinician: Some(user.username.clone()), ..RecordStream::default() };
    let intro = "Patients for whom you are the named clinician, with what is due for each, most urgent first.".to_owned();
    render(&state, &user, "/worklist", scope, filters, "My worklist".to_owned(), intro).await
}

async fn practice(State(state): State<AppState>, user: CurrentUser, Query(filters): Query<Filters>) -> Result<Response, AppError> {
    user.require(ALL_ROLES)?;
    let intro = match user.role {
        Role::Analyst => "Counts of what is due across the practice, by urgency and by rule. No patient is named.",
        Role::Receptionist => "Administrative tasks across the practice: naming a clinician, reaching out after missed appointments, and interpreters.",
        _ => "Everyone registered at the practice, with what is due for each, most urgent first.",
    };
    render(&state, &user, "/worklist/practice", RecordStream::default(), filters, "Practice worklist".to_owned(), intro.to_owned()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_link_back_to_the_same_list() {
        let f = Filters { urgency: "urgent".into(), rule: String::new(), language: "ar".into() };
        assert_eq!(href("/worklist", &f), "/worklist?urgency=urgent&rule=&language=ar");
        assert_eq!(urgency_index(Urgency::Info), 3);
    }
}
