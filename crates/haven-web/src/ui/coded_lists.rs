//! Coded patient lists (`/lists`, §9): clinicians list everyone whose record holds a coded
//! fact — a current problem, a disclosed abuse, a flag, the current asylum situation, the
//! latest status of a screening test or of a referral — and up to three such facts together.
//! The same list prints (`/lists/print`) and exports as CSV (`/lists/export.csv`); every view,
//! print and export is audited with the criteria and the number of people, never names.
//!
//! Who is on a list is decided by `haven_core::lists::Criterion::matches` on the store's rules
//! view, so the page, the print and the export cannot disagree. Lists by disclosure are
//! sensitive history: offered and answered only to roles that may see it.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use haven_core::Date;
use haven_core::lists::{Criterion, matches_all};
use haven_core::record::{EntryKind, Patient};

use super::forms::data::FormData;
use super::layout::Layout;
use super::{encode_query, page, patient_href};
use crate::AppState;
use crate::auth::{CLINICAL_ROLES, CurrentUser};
use crate::dates;
use crate::error::AppError;
use crate::reference::languages;

/// At most this many facts are combined (all must hold).
pub const MOST_CRITERIA: usize = 3;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/lists", get(list))
        .route("/lists/print", get(print))
        .route("/lists/export.csv", get(export))
}

/// One `<optgroup>` of the criterion picker.
pub struct Group {
    pub label: &'static str,
    /// `(id, label, selected)`.
    pub options: Vec<(String, String, bool)>,
}

pub struct Picker {
    pub name: String,
    pub label: &'static str,
    pub groups: Vec<Group>,
}

pub struct Row {
    pub href: String,
    pub name: String,
    pub nhs_number: String,
    pub birth_date: String,
    pub language: String,
    /// The date of each matching fact, in the criteria's order.
    pub dates: Vec<String>,
}

#[derive(Template)]
#[template(path = "lists/list.html")]
struct ListPage {
    layout: Layout,
    pickers: Vec<Picker>,
    /// The criteria's labels, as column headings.
    headings: Vec<String>,
    rows: Vec<Row>,
    chosen: bool,
    print_href: String,
    export_href: String,
    /// The print view: no pickers, the heading says what the list is and on what day.
    printing: bool,
    title: String,
    error: Option<&'static str>,
}

/// The criteria in the query (`c=…`, repeated), those this user may list by, in order.
fn criteria(user: &CurrentUser, query: &Option<String>) -> Result<Vec<Criterion>, &'static str> {
    let data = FormData::parse(query.as_deref().unwrap_or_default().as_bytes());
    let mut out = Vec::new();
    for id in data.all("c").into_iter().filter(|c| !c.trim().is_empty()) {
        let c = Criterion::parse(id).ok_or("Choose a fact from the list")?;
        if !user.may_see(c.visibility()) {
            return Err("Choose a fact from the list");
        }
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.len() > MOST_CRITERIA {
        return Err("Choose at most three facts");
    }
    Ok(out)
}

fn query_of(criteria: &[Criterion]) -> String {
    criteria
        .iter()
        .map(|c| format!("c={}", encode_query(&c.id())))
        .collect::<Vec<_>>()
        .join("&")
}

fn title_of(criteria: &[Criterion]) -> String {
    criteria
        .iter()
        .map(|c| format!("{} — {}", c.group(), c.label()))
        .collect::<Vec<_>>()
        .join(" and ")
}

fn pickers(user: &CurrentUser, chosen: &[Criterion]) -> Vec<Picker> {
    let offered: Vec<Criterion> = Criterion::all()
        .into_iter()
        .filter(|c| user.may_see(c.visibility()))
        .collect();
    (0..MOST_CRITERIA)
        .map(|n| {
            let current = chosen.get(n).copied();
            let mut groups: Vec<Group> = Vec::new();
            for c in &offered {
                let option = (c.id(), c.label(), current == Some(*c));
                match groups.last_mut() {
                    Some(g) if g.label == c.group() => g.options.push(option),
                    _ => groups.push(Group {
                        label: c.group(),
                        options: vec![option],
                    }),
                }
            }
            Picker {
                name: format!("c{n}"),
                label: if n == 0 { "Patients with" } else { "and with" },
                groups,
            }
        })
        .collect()
}

/// The people on the list on `today`, by family then given name.
async fn people(
    store: &haven_store::Store,
    criteria: &[Criterion],
    today: Date,
) -> Result<Vec<(Patient, Vec<Date>)>, AppError> {
    let mut kinds: Vec<EntryKind> = criteria.iter().map(|c| c.kind()).collect();
    kinds.dedup();
    let records = store.records_with_entries_of(&kinds).await?;
    Ok(records
        .into_iter()
        .filter_map(|r| matches_all(criteria, &r, today).map(|dates| (r.patient, dates)))
        .collect())
}

/// One audit row for a list shown, printed or exported: its criteria and how many patients.
async fn audit(
    user: &CurrentUser,
    action: &str,
    chosen: &[Criterion],
    patients: usize,
) -> Result<(), haven_store::StoreError> {
    let criteria: Vec<String> = chosen.iter().map(|c| c.id()).collect();
    let detail = format!("coded list {}: {patients} patients", criteria.join(" + "));
    user.store
        .audit_read(&user.actor(), action, None, &detail)
        .await
}

fn row(p: &Patient, found: &[Date]) -> Row {
    Row {
        href: patient_href(p.id.as_str()),
        name: p.display_name(),
        nhs_number: p
            .nhs_number
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        birth_date: p.birth_date.map(dates::partial).unwrap_or_default(),
        language: languages::main_of(p),
        dates: found.iter().map(|d| dates::long(*d)).collect(),
    }
}

async fn show(
    state: AppState,
    user: CurrentUser,
    query: Option<String>,
    printing: bool,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    let today = state.today();
    let (chosen, error) = match criteria(&user, &query) {
        Ok(c) => (c, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let found = if chosen.is_empty() {
        Vec::new()
    } else {
        people(&user.store, &chosen, today).await?
    };
    if !chosen.is_empty() {
        let action = if printing {
            "patient-list.print"
        } else {
            "patient-list.view"
        };
        audit(&user, action, &chosen, found.len()).await?;
    }
    let q = query_of(&chosen);
    let title = if chosen.is_empty() {
        "Patient lists".to_owned()
    } else {
        format!("{} on {}", title_of(&chosen), dates::long(today))
    };
    let data = ListPage {
        layout: Layout::new(&user, "Patient lists", "/lists"),
        pickers: pickers(&user, &chosen),
        headings: chosen.iter().map(|c| c.label()).collect(),
        rows: found.iter().map(|(p, d)| row(p, d)).collect(),
        chosen: !chosen.is_empty(),
        print_href: format!("/lists/print?{q}"),
        export_href: format!("/lists/export.csv?{q}"),
        printing,
        title,
        error,
    };
    if error.is_some() {
        return super::page_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &data);
    }
    page(&data)
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    show(state, user, picker_query(query), false).await
}

async fn print(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    show(state, user, picker_query(query), true).await
}

/// The picker's selects are named `c0`, `c1`, `c2` so each keeps its choice; links use `c`.
fn picker_query(query: Option<String>) -> Option<String> {
    query.map(|q| {
        q.split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) if name.len() == 2 && name.starts_with('c') => {
                    format!("c={value}")
                }
                _ => pair.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// One CSV field: quoted when it must be, and a leading `=`, `+`, `-` or `@` neutralised so a
/// spreadsheet never runs a name as a formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    let chosen = criteria(&user, &query).map_err(AppError::BadRequest)?;
    if chosen.is_empty() {
        return Err(AppError::BadRequest("choose a fact to list by"));
    }
    let today = state.today();
    let found = people(&user.store, &chosen, today).await?;
    audit(&user, "patient-list.export", &chosen, found.len()).await?;
    let mut out = String::new();
    let mut head = vec![
        "Name".to_owned(),
        "NHS number".to_owned(),
        "Date of birth".to_owned(),
        "Main language".to_owned(),
    ];
    head.extend(
        chosen
            .iter()
            .map(|c| format!("{}: {}", c.group(), c.label())),
    );
    out.push_str(
        &head
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for (p, found) in &found {
        let mut cells = vec![
            p.display_name(),
            p.nhs_number
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            languages::main_of(p),
        ];
        cells.extend(found.iter().map(ToString::to_string));
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"patient-list.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        out,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("Amina Haddad"), "Amina Haddad");
        assert_eq!(csv_field("Haddad, Amina"), "\"Haddad, Amina\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }

    #[test]
    fn the_pickers_names_become_one_repeated_parameter() {
        assert_eq!(
            picker_query(Some("c0=flag%3Ainterpreter&c1=&c2=asylum%3Arefused".into())),
            Some("c=flag%3Ainterpreter&c=&c=asylum%3Arefused".into())
        );
        assert_eq!(picker_query(Some("cc=1".into())), Some("c=1".into()));
    }
}
