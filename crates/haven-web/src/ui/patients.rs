//! The patient list and search (`/patients`): one indexed query for the page and one for the
//! total, plus one for the clinicians' names — no per-row queries.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use haven_core::record::Patient;
use haven_core::search::PatientSearch;
use haven_core::{Date, LanguageTag};
use haven_store::{PatientQuery, Role};
use serde::Deserialize;

use super::form::{Choice, choices_with_blank};
use super::layout::Layout;
use super::{encode_query, page, patient_href};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::error::AppError;
use crate::reference::languages;

pub const PAGE_SIZE: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new().route("/patients", get(list))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    clinician: String,
    language: String,
    page: String,
}

/// How a name in the person's own script is marked up: its language and direction.
#[derive(Clone, Debug)]
pub struct NativeName {
    pub text: String,
    /// BCP-47 tag for `lang`, empty when the main language is not recorded.
    pub lang: String,
    /// `rtl` for right-to-left languages, otherwise `auto` (the browser detects the script).
    pub dir: &'static str,
}

impl NativeName {
    pub fn of(p: &Patient) -> Option<Self> {
        let text = p.native_name.clone()?;
        let lang = p
            .main_language
            .as_ref()
            .map(LanguageTag::to_string)
            .unwrap_or_default();
        let dir = if p
            .main_language
            .as_ref()
            .is_some_and(LanguageTag::is_right_to_left)
        {
            "rtl"
        } else {
            "auto"
        };
        Some(Self { text, lang, dir })
    }
}

pub struct Row {
    pub href: String,
    pub name: String,
    pub native: Option<NativeName>,
    pub birth_date: String,
    pub age: String,
    pub nhs_number: String,
    pub language: String,
    pub interpreter: bool,
    pub clinician: String,
}

#[derive(Template)]
#[template(path = "patients/list.html")]
struct ListPage {
    layout: Layout,
    q: String,
    clinicians: Vec<Choice>,
    languages: Vec<Choice>,
    rows: Vec<Row>,
    total: i64,
    first: i64,
    last: i64,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
    searched: bool,
}

/// `search: name; filtered by clinician; page 2, 50 of 120 patients`.
fn audit_detail(text: &str, q: &ListQuery, page_no: i64, shown: usize, total: i64) -> String {
    let filters: Vec<&str> = [
        (!q.clinician.is_empty()).then_some("clinician"),
        (!q.language.is_empty()).then_some("language"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let filtered = if filters.is_empty() {
        String::new()
    } else {
        format!("; filtered by {}", filters.join(" and "))
    };
    format!(
        "search: {}{filtered}; page {page_no}, {shown} of {total} patients",
        PatientSearch::kind_of(text)
    )
}

pub fn age_text(p: &Patient, today: Date) -> String {
    p.age_text_on(today).unwrap_or_default()
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let page_no = q.page.trim().parse::<i64>().unwrap_or(1).max(1);
    let text = q.q.trim().to_owned();
    let query = PatientQuery {
        text: (!text.is_empty()).then(|| text.clone()),
        clinician: (!q.clinician.is_empty()).then(|| q.clinician.clone()),
        language: (!q.language.is_empty()).then(|| q.language.clone()),
        offset: (page_no - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let (found, total) = user.store.search_patients(&query).await?;
    // Names and NHS numbers are about to be shown: one audit row per page served, with the
    // kind of search and never what was typed.
    user.store
        .audit_read(
            &user.actor(),
            "patient.list",
            None,
            &audit_detail(&text, &q, page_no, found.len(), total),
        )
        .await?;
    let users = user.store.users().await?;
    let names: HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.username.as_str(), u.display_name.as_str()))
        .collect();
    let today = state.today();
    let rows = found
        .iter()
        .map(|s| {
            let p = &s.patient;
            Row {
                href: patient_href(p.id.as_str()),
                name: p.display_name(),
                native: NativeName::of(p),
                birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                age: age_text(p, today),
                nhs_number: p
                    .nhs_number
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                language: languages::main_of(p),
                interpreter: p.interpreter_required == Some(true),
                clinician: p
                    .named_clinician
                    .as_ref()
                    .map(|c| {
                        names
                            .get(c.as_str())
                            .map_or_else(|| c.to_string(), |n| (*n).to_owned())
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let href = |n: i64| {
        format!(
            "/patients?q={}&clinician={}&language={}&page={n}",
            encode_query(&text),
            encode_query(&q.clinician),
            encode_query(&q.language)
        )
    };
    let clinician_items: Vec<(&str, &str)> = users
        .iter()
        .filter(|u| u.role == Role::Clinician)
        .map(|u| (u.username.as_str(), u.display_name.as_str()))
        .collect();
    let list_page = ListPage {
        layout: Layout::new(&user, "Patients", "/patients"),
        clinicians: choices_with_blank("Any clinician", clinician_items, &q.clinician),
        languages: choices_with_blank("Any language", languages::choices(), &q.language),
        rows,
        total,
        first: if total == 0 {
            0
        } else {
            (page_no - 1) * PAGE_SIZE + 1
        },
        last: (page_no * PAGE_SIZE).min(total),
        page: page_no,
        pages,
        prev_href: (page_no > 1).then(|| href(page_no - 1)),
        next_href: (page_no < pages).then(|| href(page_no + 1)),
        searched: !text.is_empty() || !q.clinician.is_empty() || !q.language.is_empty(),
        q: text,
    };
    page(&list_page)
}
