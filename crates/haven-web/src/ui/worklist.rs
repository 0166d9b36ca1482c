//! Worklists: `/worklist` (the signed-in clinician's patients, by named clinician) and
//! `/worklist/practice` (everyone), filterable by urgency, rule and main language, with counts
//! per urgency and per rule, a page at a time. Listed by task (one row per action) or grouped
//! by patient (`group=patient`: one row per person, their actions beneath); either way most
//! urgent first, then most overdue ("overdue by 3 days").
//!
//! The rows come from the store's actions table (`store.actions`), which holds the care
//! rules' output for every patient: rewritten for a patient in the same transaction as any
//! change to their record (so a saved entry shows at once), and for everyone after the date,
//! the policy or a rule's version changed (`refresh_actions_if_stale`, run by the server at
//! start and every five minutes, and asked for by each view). A view waits for that refresh
//! only briefly (`actions_refresh::PAGE_WAIT`): after a date change a large practice's refresh
//! takes minutes, so the page then shows the stored list with a notice ([`CatchingUp`]) that
//! tasks which fell due since may be missing.
//! Evaluating the population at view time instead (`scan_records` + `rules::evaluate`) took
//! about a minute for one clinician's 30,000 of 100,000 demo patients; the table answers in
//! milliseconds.
//!
//! Roles: clinicians and administrators see every rule; receptionists the administrative
//! rules only (see `ui::actions`), on the practice list; analysts the practice counts only,
//! with no patient rows at all. Receptionists and analysts asking for `/worklist` are sent to
//! the practice list, since no patients are named to them.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use haven_core::Date;
use haven_core::rules::{RuleId, Urgency};
use haven_store::{ActionCounts, ActionQuery, PatientAction, Role};
use serde::Deserialize;

use super::actions::{guidance_href, resolve_href, rule_visible};
use super::form::{Choice, choices_with_blank};
use super::layout::Layout;
use super::{encode_query, page, patient_href, see_other};
use crate::AppState;
use crate::actions_refresh::Freshness;
use crate::auth::{ALL_ROLES, CLINICAL_ROLES, CurrentUser};
use crate::dates;
use crate::error::AppError;
use crate::reference::languages;

/// Rows on one page.
pub const PAGE_SIZE: i64 = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/worklist", get(mine))
        .route("/worklist/practice", get(practice))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct Filters {
    pub urgency: String,
    pub rule: String,
    pub language: String,
    pub page: String,
    /// `patient`: one row per person with their actions beneath; otherwise one row per task.
    pub group: String,
}

impl Filters {
    fn page_no(&self) -> i64 {
        self.page.trim().parse::<i64>().unwrap_or(1).max(1)
    }

    fn by_patient(&self) -> bool {
        self.group == "patient"
    }
}

/// How late a due date is on `today`: "Overdue by 3 days", "Due today", or nothing when it is
/// still ahead.
pub fn overdue_text(due: Date, today: Date) -> String {
    match (today - due).whole_days() {
        days if days < 0 => String::new(),
        0 => "Due today".to_owned(),
        1 => "Overdue by 1 day".to_owned(),
        days => format!("Overdue by {days} days"),
    }
}

/// The store query for these filters. `rules_in` limits the rules (receptionists); a rule or
/// urgency that does not parse is ignored rather than matching nothing.
pub fn query(
    clinician: Option<String>,
    f: &Filters,
    rules_in: Option<Vec<&'static str>>,
    limit: i64,
) -> ActionQuery {
    let language = f.language.trim();
    ActionQuery {
        clinician,
        urgency: Urgency::parse(&f.urgency),
        rule: RuleId::parse(&f.rule).map(|r| r.id().to_owned()),
        language: (!language.is_empty())
            .then(|| language.split('-').next().unwrap_or(language).to_owned()),
        rules_in,
        offset: (f.page_no() - 1) * limit,
        limit,
    }
}

/// The notice of a list read from stored actions that are not yet today's
/// (`templates/worklist/_catching_up.html`): the refresh is still running, or failed.
pub struct CatchingUp {
    /// The day the shown actions were evaluated for ("27 November 2026"); empty when unknown.
    pub as_of: String,
    pub failed: bool,
}

impl CatchingUp {
    /// The notice for a list read with this freshness; none when it is today's.
    pub fn of(freshness: Freshness) -> Option<Self> {
        match freshness {
            Freshness::Current { .. } => None,
            Freshness::Behind { as_of, failed } => Some(Self {
                as_of: as_of.map(dates::long).unwrap_or_default(),
                failed,
            }),
        }
    }
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
    /// "Overdue by N days" / "Due today", empty while the due date is ahead or none.
    pub overdue: String,
    pub reason: String,
    pub resolve_href: Option<String>,
}

/// One person and their actions, for the list grouped by patient.
pub struct Group {
    pub href: String,
    pub name: String,
    pub language: String,
    /// The most urgent action's urgency (the CSS modifier).
    pub urgency: &'static str,
    pub rows: Vec<Row>,
}

pub struct Count {
    pub label: &'static str,
    pub id: &'static str,
    pub count: i64,
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
    total: i64,
    first: i64,
    last: i64,
    urgency_counts: Vec<Count>,
    rule_counts: Vec<Count>,
    urgencies: Vec<Choice>,
    rules: Vec<Choice>,
    languages: Vec<Choice>,
    rows: Vec<Row>,
    /// When grouped by patient, the people on this page (and `rows` is empty).
    groups: Vec<Group>,
    by_patient: bool,
    /// "Group by patient" / "List by task": this list the other way.
    regroup_href: String,
    /// What `total`, `first` and `last` count: "task" or "patient".
    counting: &'static str,
    filtered: bool,
    prev_href: Option<String>,
    next_href: Option<String>,
    other_href: Option<(&'static str, &'static str)>,
    /// Patients whose rules view could not be rebuilt: their tasks are missing from this list.
    unevaluated: usize,
    /// Set while the stored actions are not yet today's.
    catching_up: Option<CatchingUp>,
}

fn href(base: &str, f: &Filters) -> String {
    let mut h = format!(
        "{base}?urgency={}&rule={}&language={}",
        encode_query(&f.urgency),
        encode_query(&f.rule),
        encode_query(&f.language)
    );
    if f.by_patient() {
        h.push_str("&group=patient");
    }
    if f.page_no() > 1 {
        h.push_str(&format!("&page={}", f.page_no()));
    }
    h
}

/// Names and languages of the patients on one page, in one query.
async fn people(
    store: &haven_store::Store,
    rows: &[PatientAction],
) -> Result<HashMap<String, (String, String)>, AppError> {
    let mut ids: Vec<&str> = rows.iter().map(|r| r.patient.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(store
        .patients(&ids)
        .await?
        .into_iter()
        .map(|s| {
            let p = &s.patient;
            (p.id.to_string(), (p.display_name(), languages::main_of(p)))
        })
        .collect())
}

fn counts(base: &str, filters: &Filters, c: &ActionCounts) -> (Vec<Count>, Vec<Count>) {
    let reset = Filters {
        page: String::new(),
        ..filters.clone()
    };
    let by_urgency = Urgency::ALL
        .iter()
        .map(|&u| Count {
            label: u.label(),
            id: u.id(),
            count: c
                .by_urgency
                .iter()
                .find(|(x, _)| *x == u)
                .map_or(0, |(_, n)| *n),
            href: href(
                base,
                &Filters {
                    urgency: u.id().into(),
                    ..reset.clone()
                },
            ),
            current: filters.urgency == u.id(),
        })
        .collect();
    let by_rule = c
        .by_rule
        .iter()
        .filter_map(|(id, n)| {
            let r = RuleId::parse(id)?;
            Some(Count {
                label: r.info().title,
                id: r.id(),
                count: *n,
                href: href(
                    base,
                    &Filters {
                        rule: r.id().into(),
                        ..reset.clone()
                    },
                ),
                current: filters.rule == r.id(),
            })
        })
        .collect();
    (by_urgency, by_rule)
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    base: &'static str,
    clinician: Option<String>,
    filters: Filters,
    heading: &str,
    intro: &str,
) -> Result<Response, AppError> {
    // Analysts count every rule across the practice; everyone else sees what their role may.
    let counts_only = user.role == Role::Analyst;
    let visible = |r: RuleId| counts_only || rule_visible(user, r);
    let rules_in = (!RuleId::ALL.iter().all(|&r| visible(r))).then(|| {
        RuleId::ALL
            .iter()
            .filter(|&&r| visible(r))
            .map(|r| r.id())
            .collect()
    });
    let started = std::time::Instant::now();
    let freshness = state
        .refresher
        .for_page(&state.policy(), state.today())
        .await?;
    let refresh_ms = started.elapsed().as_millis() as u64;
    let limit = if counts_only { 1 } else { PAGE_SIZE };
    let q = query(clinician, &filters, rules_in, limit);
    let by_patient = filters.by_patient() && !counts_only;
    // Either one page of tasks, or one page of people with their tasks.
    let (found, people_total, c) = if by_patient {
        let (groups, people, c) = user.store.actions_by_patient(&q).await?;
        let found: Vec<PatientAction> = groups.into_iter().flat_map(|g| g.actions).collect();
        (found, Some(people), c)
    } else {
        let (found, c) = user.store.actions(&q).await?;
        (found, None, c)
    };
    let found = if counts_only { Vec::new() } else { found };
    let query_ms = started.elapsed().as_millis() as u64;
    let names = people(&user.store, &found).await?;
    let unevaluated = user.store.rule_view_failures().await?.len();
    // Timings only (no patient data), to watch the worklist against its 50 ms target.
    tracing::info!(
        refreshed = matches!(freshness, Freshness::Current { refreshed: true }),
        up_to_date = matches!(freshness, Freshness::Current { .. }),
        tasks = c.total,
        refresh_ms,
        query_ms,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "worklist read"
    );
    user.store
        .audit_read(
            &user.actor(),
            "worklist.view",
            None,
            &format!("{base}: {} tasks", c.total),
        )
        .await?;
    let today = state.today();
    let rows: Vec<Row> = found
        .iter()
        .map(|pa| {
            let a = &pa.action;
            let (name, language) = names.get(&pa.patient).cloned().unwrap_or_default();
            Row {
                href: patient_href(&pa.patient),
                name,
                language,
                urgency: a.urgency.id(),
                urgency_label: a.urgency.label(),
                title: a.info().title,
                rule: a.rule.id(),
                guidance_href: guidance_href(a.section),
                due: a.due.map(dates::long).unwrap_or_default(),
                overdue: a.due.map(|d| overdue_text(d, today)).unwrap_or_default(),
                reason: dates::in_text(&a.reason),
                resolve_href: resolve_href(user, &pa.patient, a.info()),
            }
        })
        .collect();
    // Grouped: consecutive rows of one person (the store returns each person's together).
    let (rows, groups) = if by_patient {
        let mut groups: Vec<Group> = Vec::new();
        for row in rows {
            match groups.last_mut() {
                Some(g) if g.href == row.href => g.rows.push(row),
                _ => groups.push(Group {
                    href: row.href.clone(),
                    name: row.name.clone(),
                    language: row.language.clone(),
                    urgency: row.urgency,
                    rows: vec![row],
                }),
            }
        }
        (Vec::new(), groups)
    } else {
        (rows, Vec::new())
    };
    let shown = if by_patient { groups.len() } else { rows.len() } as i64;
    let total = people_total.unwrap_or(c.total);
    let (urgency_counts, rule_counts) = counts(base, &filters, &c);
    let page_no = filters.page_no();
    let first = (page_no - 1) * PAGE_SIZE;
    let regroup_href = href(
        base,
        &Filters {
            group: if by_patient {
                String::new()
            } else {
                "patient".into()
            },
            page: String::new(),
            ..filters.clone()
        },
    );
    let rule_choices: Vec<(&str, &str)> = RuleId::ALL
        .iter()
        .filter(|&&r| visible(r))
        .map(|r| (r.id(), r.info().title))
        .collect();
    let other_href = match (base, user.is_clinical()) {
        ("/worklist", _) => Some(("/worklist/practice", "Whole practice")),
        (_, true) => Some(("/worklist", "My patients")),
        _ => None,
    };
    let page_data = WorklistPage {
        layout: Layout::new(user, heading, "/worklist"),
        heading: heading.to_owned(),
        intro: intro.to_owned(),
        unevaluated,
        catching_up: CatchingUp::of(freshness),
        action: base,
        counts_only,
        total,
        first: if shown == 0 { 0 } else { first + 1 },
        last: first + shown,
        urgency_counts,
        rule_counts,
        urgencies: choices_with_blank(
            "Any urgency",
            Urgency::ALL.iter().map(|u| (u.id(), u.label())),
            &filters.urgency,
        ),
        rules: choices_with_blank("Any rule", rule_choices, &filters.rule),
        languages: choices_with_blank("Any language", languages::choices(), &filters.language),
        filtered: !filters.urgency.is_empty()
            || !filters.rule.is_empty()
            || !filters.language.is_empty(),
        prev_href: (page_no > 1 && !counts_only).then(|| {
            href(
                base,
                &Filters {
                    page: (page_no - 1).to_string(),
                    ..filters.clone()
                },
            )
        }),
        next_href: (first + shown < total && !counts_only).then(|| {
            href(
                base,
                &Filters {
                    page: (page_no + 1).to_string(),
                    ..filters.clone()
                },
            )
        }),
        rows,
        groups,
        by_patient,
        regroup_href,
        counting: if by_patient { "patient" } else { "task" },
        other_href,
    };
    page(&page_data)
}

async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<Filters>,
) -> Result<Response, AppError> {
    user.require(ALL_ROLES)?;
    if user.require(CLINICAL_ROLES).is_err() {
        return Ok(see_other(&href("/worklist/practice", &filters)));
    }
    let intro = "Patients for whom you are the named clinician, with what is due for each, most urgent first.";
    render(
        &state,
        &user,
        "/worklist",
        Some(user.username.clone()),
        filters,
        "My worklist",
        intro,
    )
    .await
}

async fn practice(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<Filters>,
) -> Result<Response, AppError> {
    user.require(ALL_ROLES)?;
    let intro = match user.role {
        Role::Analyst => {
            "Counts of what is due across the practice, by urgency and by rule. No patient is named."
        }
        Role::Receptionist => {
            "Administrative tasks across the practice: naming a clinician, reaching out after missed appointments, and interpreters."
        }
        _ => "Everyone registered at the practice, with what is due for each, most urgent first.",
    };
    render(
        &state,
        &user,
        "/worklist/practice",
        None,
        filters,
        "Practice worklist",
        intro,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_a_store_query_and_links_back() {
        let f = Filters {
            urgency: "urgent".into(),
            rule: "no.such-rule".into(),
            language: "ku-Arab".into(),
            page: "3".into(),
            group: String::new(),
        };
        let q = query(Some("dr.a".into()), &f, None, 100);
        assert_eq!(q.urgency, Some(Urgency::Urgent));
        assert_eq!(q.rule, None, "an unknown rule is ignored");
        assert_eq!(
            q.language.as_deref(),
            Some("ku"),
            "the table keeps primary language subtags"
        );
        assert_eq!((q.offset, q.limit), (200, 100));
        assert_eq!(
            href("/worklist", &f),
            "/worklist?urgency=urgent&rule=no.such-rule&language=ku-Arab&page=3"
        );
        let plain = Filters::default();
        assert_eq!(query(None, &plain, None, 100).offset, 0);
        assert_eq!(
            href("/worklist", &plain),
            "/worklist?urgency=&rule=&language="
        );
        let grouped = Filters {
            group: "patient".into(),
            ..Filters::default()
        };
        assert_eq!(
            href("/worklist", &grouped),
            "/worklist?urgency=&rule=&language=&group=patient"
        );
    }

    #[test]
    fn lateness_reads_in_days() {
        let today = time::macros::date!(2026 - 11 - 28);
        let check = |due: Date| overdue_text(due, today);
        assert_eq!(check(time::macros::date!(2026 - 11 - 29)), "");
        assert_eq!(check(today), "Due today");
        assert_eq!(
            check(time::macros::date!(2026 - 11 - 27)),
            "Overdue by 1 day"
        );
        assert_eq!(
            check(time::macros::date!(2026 - 10 - 29)),
            "Overdue by 30 days"
        );
    }
}
