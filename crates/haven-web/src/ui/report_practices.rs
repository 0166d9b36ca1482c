//! Commissioners' reports across the deployment's practices: `/reports/practices?report=population`
//! and `/reports/practices?report=interpreters&from=&to=`. Each practice's tables are tallied
//! and published on their own (small numbers suppressed within the practice), then the tables
//! for all practices are added up from those published figures only by
//! `haven_core::reports::across_each` — the one implementation `haven report --by-org` uses, so
//! the web shows exactly the command line's figures and the same cells as `<5` (H-67, H-69).
//!
//! Only a user the deployment granted every practice (`haven org grant`, migration 0019) with a
//! role that sees reports gets this page; everyone else is refused (403) and keeps the reports
//! of their own practice (`/reports/…`). The grant widens aggregate reports only: no page here
//! names or links to a patient, and patient-level access stays the user's own practice's.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use haven_core::reports::across_each;
use haven_core::reports::table::{TOTALS_NOTE, Table};
use serde::Deserialize;

use super::form::FormErrors;
use super::layout::Layout;
use super::reports::{
    INTERPRETERS_TITLE, POPULATION_TITLE, PeriodForm, TableView, interpreter_tables, period,
    population_tables, views,
};
use super::{page, page_status};
use crate::AppState;
use crate::auth::{CurrentUser, REPORT_ROLES};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/reports/practices", get(practices))
}

/// The heading of the section holding the figures across practices (the CLI's too).
pub const ALL_PRACTICES: &str = "All practices";

#[derive(Clone, Debug, Default, Deserialize)]
struct Asked {
    #[serde(default)]
    report: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

pub struct Section {
    pub id: String,
    pub heading: String,
    pub tables: Vec<TableView>,
}

#[derive(Template)]
#[template(path = "reports/practices.html")]
struct PracticesPage {
    layout: Layout,
    report: &'static str,
    title: String,
    form: PeriodForm,
    errors: FormErrors,
    sections: Vec<Section>,
    note: &'static str,
}

/// Which report, over what: the population report as of a day, or interpreters over a period.
enum Which {
    Population(haven_core::Date),
    Interpreters(haven_core::Date, haven_core::Date),
}

/// The tables of one section, their HTML ids prefixed by the section's.
fn anchored(section: &str, tables: &[Table]) -> Vec<TableView> {
    views(tables)
        .into_iter()
        .map(|mut t| {
            t.anchor = format!("{section}-{}", t.anchor);
            t
        })
        .collect()
}

async fn practices(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(asked): Query<Asked>,
) -> Result<Response, AppError> {
    user.require(REPORT_ROLES)?;
    if !state.store.spans_practices(&user.username).await? {
        return Err(AppError::Forbidden);
    }
    let form = PeriodForm {
        from: asked.from.clone(),
        to: asked.to.clone(),
    };
    let which = match asked.report.as_str() {
        "population" | "" => Which::Population(state.today()),
        "interpreters" => match period(&form, state.today()) {
            Ok((from, to)) => Which::Interpreters(from, to),
            Err(errors) => {
                return page_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &PracticesPage {
                        layout: Layout::new(&user, INTERPRETERS_TITLE, "/reports"),
                        report: "interpreters",
                        title: INTERPRETERS_TITLE.to_owned(),
                        form,
                        errors,
                        sections: Vec::new(),
                        note: TOTALS_NOTE,
                    },
                );
            }
        },
        _ => return Err(AppError::BadRequest("report is population or interpreters")),
    };
    let mut each: Vec<(String, Vec<Table>)> = Vec::new();
    for practice in state.store.practices().await? {
        let store = state.store.within(practice.id);
        let tables = match which {
            Which::Population(as_of) => population_tables(&state, &store, as_of).await?,
            Which::Interpreters(from, to) => interpreter_tables(&store, from, to).await?,
        };
        each.push((practice.label(), tables));
    }
    let all = across_each(&each.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>());
    let (report, title, action, detail, form) = match which {
        Which::Population(as_of) => (
            "population",
            format!("{POPULATION_TITLE} as of {as_of}"),
            "report.population.practices",
            format!("as of {as_of}, {} practices", each.len()),
            PeriodForm::default(),
        ),
        Which::Interpreters(from, to) => (
            "interpreters",
            format!("{INTERPRETERS_TITLE}, {from} to {to}"),
            "report.interpreters.practices",
            format!("{from}..{to}, {} practices", each.len()),
            PeriodForm {
                from: from.to_string(),
                to: to.to_string(),
            },
        ),
    };
    user.store
        .audit_read(&user.actor(), action, None, &detail)
        .await?;
    let mut sections: Vec<Section> = each
        .iter()
        .enumerate()
        .map(|(i, (label, tables))| Section {
            id: format!("practice-{i}"),
            heading: label.clone(),
            tables: anchored(&format!("practice-{i}"), tables),
        })
        .collect();
    sections.push(Section {
        id: "all".into(),
        heading: ALL_PRACTICES.into(),
        tables: anchored("all", &all),
    });
    page(&PracticesPage {
        layout: Layout::new(&user, title.clone(), "/reports"),
        report,
        title,
        form,
        errors: FormErrors::default(),
        sections,
        note: TOTALS_NOTE,
    })
}
