//! The recall list (`/recalls`): who is due or overdue for contact, with the reason, most
//! overdue first — people who missed an appointment and have not been reached
//! (`followup.dna-outreach`), and people whose follow-up contact is due
//! (`followup.overdue`). Read from the stored actions, like the worklist, with the same
//! notice while they are being brought up to date for today (`worklist::CatchingUp`).
//!
//! Reception books recalls, so receptionists see the list too, with administrative facts only:
//! the reason of `followup.overdue` names risk reviews and life events (the interval it counts
//! from), so they see that contact is due and from when, never why; clinicians see the
//! reason. Each row links to what resolves it: the outreach page, or a new appointment.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use haven_core::record::{EntryKind, Patient};
use haven_core::rules::RuleId;
use haven_store::{ActionQuery, PatientAction};
use serde::Deserialize;

use super::actions::resolve_href;
use super::interpreter_booking::with_back;
use super::kinds::new_href;
use super::layout::Layout;
use super::worklist::{CatchingUp, overdue_text};
use super::{encode_query, page, patient_href};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::dates;
use crate::error::AppError;
use crate::reference::languages;

/// Rows on one page.
pub const PAGE_SIZE: i64 = 100;

const RECALL_RULES: [RuleId; 2] = [RuleId::FollowupDnaOutreach, RuleId::FollowupOverdue];

pub fn routes() -> Router<AppState> {
    Router::new().route("/recalls", get(list))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Filters {
    /// `missed`, `due`, or empty for both.
    what: String,
    page: String,
}

impl Filters {
    fn page_no(&self) -> i64 {
        self.page.trim().parse::<i64>().unwrap_or(1).max(1)
    }

    fn rule(&self) -> Option<RuleId> {
        match self.what.as_str() {
            "missed" => Some(RuleId::FollowupDnaOutreach),
            "due" => Some(RuleId::FollowupOverdue),
            _ => None,
        }
    }

    fn href(&self, page: i64) -> String {
        let mut h = format!("/recalls?what={}", encode_query(&self.what));
        if page > 1 {
            h.push_str(&format!("&page={page}"));
        }
        h
    }
}

pub struct Row {
    pub href: String,
    pub name: String,
    pub phone: String,
    pub language: String,
    pub interpreter: bool,
    pub title: &'static str,
    pub due: String,
    pub overdue: String,
    /// The rule's reason, or for roles that may not see it, what they may know.
    pub reason: String,
    pub action: Option<(String, &'static str)>,
}

#[derive(Template)]
#[template(path = "recalls/list.html")]
struct RecallPage {
    layout: Layout,
    clinical: bool,
    what: String,
    total: i64,
    rows: Vec<Row>,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// Set while the stored actions are not yet today's.
    catching_up: Option<CatchingUp>,
}

/// What resolves a recall, for this user: the outreach page after a missed contact, otherwise
/// the rule's own form (an attended consultation) for clinicians, or a new appointment.
fn action_of(user: &CurrentUser, pa: &PatientAction) -> Option<(String, &'static str)> {
    let id = pa.patient.as_str();
    match pa.action.rule {
        RuleId::FollowupDnaOutreach => resolve_href(user, id, pa.action.info())
            .map(|h| (with_back(&h, "/recalls"), "Record the outreach")),
        _ if user.is_clinical() => {
            resolve_href(user, id, pa.action.info()).map(|h| (h, "Record a consultation"))
        }
        _ => user.may_record(EntryKind::PlannedContact).then(|| {
            (
                new_href(id, EntryKind::PlannedContact),
                "Book an appointment",
            )
        }),
    }
}

fn row(
    user: &CurrentUser,
    pa: &PatientAction,
    people: &HashMap<String, Patient>,
    today: haven_core::Date,
) -> Row {
    let a = &pa.action;
    let person = people.get(&pa.patient);
    let reason = if user.may_see(a.info().visibility) {
        dates::in_text(&a.reason)
    } else {
        "Follow-up contact is due with the named clinician; the reason is in the clinical record."
            .to_owned()
    };
    Row {
        href: patient_href(&pa.patient),
        name: person.map(Patient::display_name).unwrap_or_default(),
        phone: person.and_then(|p| p.phone.clone()).unwrap_or_default(),
        language: person.map(languages::main_of).unwrap_or_default(),
        interpreter: person.is_some_and(|p| p.interpreter_required == Some(true)),
        title: a.info().title,
        due: a.due.map(dates::long).unwrap_or_default(),
        overdue: a.due.map(|d| overdue_text(d, today)).unwrap_or_default(),
        reason,
        action: action_of(user, pa),
    }
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<Filters>,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let freshness = state
        .refresher
        .for_page(&state.policy(), state.today())
        .await?;
    let page_no = filters.page_no();
    let query = ActionQuery {
        rule: filters.rule().map(|r| r.id().to_owned()),
        rules_in: Some(RECALL_RULES.iter().map(|r| r.id()).collect()),
        offset: (page_no - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
        ..ActionQuery::default()
    };
    let (found, counts) = user.store.actions(&query).await?;
    let mut ids: Vec<&str> = found.iter().map(|a| a.patient.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let people: HashMap<String, Patient> = user
        .store
        .patients(&ids)
        .await?
        .into_iter()
        .map(|s| (s.patient.id.to_string(), s.patient))
        .collect();
    user.store
        .audit_read(
            &user.actor(),
            "recalls.view",
            None,
            &format!("{} recalls", counts.total),
        )
        .await?;
    let rows: Vec<Row> = found
        .iter()
        .map(|pa| row(&user, pa, &people, state.today()))
        .collect();
    let shown = (page_no - 1) * PAGE_SIZE + rows.len() as i64;
    let page_data = RecallPage {
        layout: Layout::new(&user, "Recalls", "/recalls"),
        clinical: user.is_clinical(),
        what: filters.what.clone(),
        total: counts.total,
        prev_href: (page_no > 1).then(|| filters.href(page_no - 1)),
        next_href: (shown < counts.total).then(|| filters.href(page_no + 1)),
        catching_up: CatchingUp::of(freshness),
        rows,
    };
    page(&page_data)
}
