//! Reports for commissioners and practice managers: `/reports` (the list),
//! `/reports/interpreters?from=&to=` (interpreter need, provision and unmet need, with a chart),
//! `/reports/interpreters/print?from=&to=` (a one-page summary addressed to commissioners) and
//! `/reports/population` (open actions, screening uptake, referrals, asylum situations,
//! languages).
//!
//! The figures are `haven_core::reports`' published tables, tallied by the store's population
//! scan: the same as `haven report … --json` gives, under the same small-number rule. Only
//! analysts and administrators see reports; no page here names or links to a patient. Every
//! view is audited, with the period and never a patient.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use haven_core::Date;
use haven_core::reports::interpreters::Summary;
use haven_core::reports::table::{TOTALS_NOTE, Table, Total};
use haven_core::reports::{InterpreterReport, PopulationReport};
use haven_store::RecordStream;
use serde::Deserialize;

use super::form::FormErrors;
use super::layout::Layout;
use super::report_chart::{self, ChartRow};
use super::{encode_query, page, page_status};
use crate::AppState;
use crate::auth::{CurrentUser, REPORT_ROLES};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(index))
        .route("/reports/interpreters", get(interpreters))
        .route("/reports/interpreters/print", get(interpreters_print))
        .route("/reports/population", get(population))
}

pub const INTERPRETERS_TITLE: &str = "Interpreters: need, provision and unmet need";
pub const POPULATION_TITLE: &str = "Population report";

/// A published figure as the page shows it: `text` is the CSV's value (`12`, `<5`).
pub struct CellView {
    pub column: String,
    pub text: String,
    /// A total that leaves out counts shown as `<5`.
    pub partial: bool,
}

pub struct RowView {
    pub id: String,
    pub label: String,
    pub cells: Vec<CellView>,
}

/// A published table, ready for `reports/table.html`.
pub struct TableView {
    pub id: &'static str,
    /// The table's HTML id: `table-{id}`, prefixed by its section where a page holds the same
    /// table more than once (the reports across practices).
    pub anchor: String,
    pub title: String,
    pub row_heading: String,
    pub columns: Vec<String>,
    pub row_totals: bool,
    pub rows: Vec<RowView>,
    pub totals: Option<RowView>,
    pub has_small: bool,
}

fn total_cell(column: &str, total: Total) -> CellView {
    CellView {
        column: column.to_owned(),
        text: total.value.to_string(),
        partial: total.excludes_small,
    }
}

impl From<&Table> for TableView {
    fn from(t: &Table) -> Self {
        let rows = t
            .rows()
            .iter()
            .map(|r| {
                let mut cells: Vec<CellView> = t
                    .columns()
                    .iter()
                    .zip(&r.cells)
                    .map(|(c, cell)| CellView {
                        column: c.id.clone(),
                        text: cell.text(),
                        partial: false,
                    })
                    .collect();
                cells.extend(r.total.map(|total| total_cell("total", total)));
                RowView {
                    id: r.heading.id.clone(),
                    label: r.heading.label.clone(),
                    cells,
                }
            })
            .collect();
        let totals = t.totals().map(|totals| {
            let mut cells: Vec<CellView> = t
                .columns()
                .iter()
                .zip(&totals.cells)
                .map(|(c, &total)| total_cell(&c.id, total))
                .collect();
            cells.extend(totals.total.map(|total| total_cell("total", total)));
            RowView {
                id: "total".into(),
                label: "Total".into(),
                cells,
            }
        });
        Self {
            id: t.id(),
            anchor: format!("table-{}", t.id()),
            title: t.title().to_owned(),
            row_heading: t.row_heading().to_owned(),
            columns: t.columns().iter().map(|c| c.label.clone()).collect(),
            row_totals: t.has_row_totals(),
            rows,
            totals,
            has_small: t.has_small(),
        }
    }
}

pub(super) fn views(tables: &[Table]) -> Vec<TableView> {
    tables.iter().map(TableView::from).collect()
}

#[derive(Template)]
#[template(path = "reports/index.html")]
struct IndexPage {
    layout: Layout,
    /// The deployment granted this user the reports across practices.
    across_practices: bool,
}

async fn index(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(REPORT_ROLES)?;
    page(&IndexPage {
        layout: Layout::new(&user, "Reports", "/reports"),
        across_practices: state.store.spans_practices(&user.username).await?,
    })
}

/// The period as typed, so the form shows it again.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PeriodForm {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// The default period: the twelve calendar months up to and including today's.
fn default_period(today: Date) -> (Date, Date) {
    let (mut year, mut month) = (today.year(), u8::from(today.month()));
    for _ in 0..11 {
        (year, month) = if month == 1 {
            (year - 1, 12)
        } else {
            (year, month - 1)
        };
    }
    let from = time::Month::try_from(month)
        .ok()
        .and_then(|m| Date::from_calendar_date(year, m, 1).ok())
        .unwrap_or(today);
    (from, today)
}

/// The period asked for, or the errors to show beside the fields.
pub(super) fn period(form: &PeriodForm, today: Date) -> Result<(Date, Date), FormErrors> {
    let mut errors = FormErrors::default();
    let (default_from, default_to) = default_period(today);
    let from = errors.optional_date(&form.from, "from", "The first day");
    let to = errors.optional_date(&form.to, "to", "The last day");
    let (from, to) = (from.unwrap_or(default_from), to.unwrap_or(default_to));
    if errors.is_empty() && to < from {
        errors.add("to", "The last day must be on or after the first day");
    }
    if errors.is_empty() && (to - from).whole_days() > 3_660 {
        errors.add("to", "A report covers at most ten years");
    }
    if errors.is_empty() {
        Ok((from, to))
    } else {
        Err(errors)
    }
}

/// The interpreter report's tables, tallied over every patient off the async threads.
pub(super) async fn interpreter_tables(
    store: &haven_store::Store,
    from: Date,
    to: Date,
) -> Result<Vec<Table>, AppError> {
    let store = store.clone();
    let report = tokio::task::spawn_blocking(move || {
        store.tally(
            &RecordStream::default(),
            || InterpreterReport::new(from, to),
            |_| {},
        )
    })
    .await??;
    Ok(report.tables())
}

/// A summary figure: its number, and whether it leaves out counts under 5.
pub struct Figure {
    pub label: &'static str,
    pub value: u64,
    pub partial: bool,
}

fn figures(summary: &Summary) -> Vec<Figure> {
    [
        (
            "Consultations where an interpreter was needed",
            summary.needing,
        ),
        ("With a professional interpreter", summary.professional),
        (
            "Need not met: a family member or friend, or no one, interpreted",
            summary.unmet,
        ),
        (
            "Planned contacts for people who need an interpreter, none booked",
            summary.not_booked,
        ),
    ]
    .into_iter()
    .map(|(label, t)| Figure {
        label,
        value: t.value,
        partial: t.excludes_small,
    })
    .collect()
}

#[derive(Template)]
#[template(path = "reports/interpreters.html")]
struct InterpretersPage {
    layout: Layout,
    form: PeriodForm,
    errors: FormErrors,
    from: String,
    to: String,
    print_href: String,
    figures: Vec<Figure>,
    chart: String,
    chart_rows: Vec<ChartRow>,
    series: Vec<&'static str>,
    tables: Vec<TableView>,
    note: &'static str,
}

#[derive(Template)]
#[template(path = "reports/interpreters_print.html")]
struct InterpretersPrint {
    layout: Layout,
    from: String,
    to: String,
    today: String,
    screen_href: String,
    figures: Vec<Figure>,
    chart: String,
    languages: TableView,
    note: &'static str,
}

async fn interpreters(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(form): Query<PeriodForm>,
) -> Result<Response, AppError> {
    user.require(REPORT_ROLES)?;
    let layout = Layout::new(&user, INTERPRETERS_TITLE, "/reports");
    let (from, to) = match period(&form, state.today()) {
        Ok(p) => p,
        Err(errors) => {
            return page_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &InterpretersPage {
                    layout,
                    form,
                    errors,
                    from: String::new(),
                    to: String::new(),
                    print_href: String::new(),
                    figures: Vec::new(),
                    chart: String::new(),
                    chart_rows: Vec::new(),
                    series: Vec::new(),
                    tables: Vec::new(),
                    note: TOTALS_NOTE,
                },
            );
        }
    };
    let tables = interpreter_tables(&user.store, from, to).await?;
    user.store
        .audit_read(
            &user.actor(),
            "report.interpreters.view",
            None,
            &format!("{from}..{to}"),
        )
        .await?;
    let chart_rows = report_chart::rows(&tables[1]);
    page(&InterpretersPage {
        layout,
        form: PeriodForm {
            from: from.to_string(),
            to: to.to_string(),
        },
        errors: FormErrors::default(),
        from: from.to_string(),
        to: to.to_string(),
        print_href: format!(
            "/reports/interpreters/print?from={}&to={}",
            encode_query(&from.to_string()),
            encode_query(&to.to_string())
        ),
        figures: figures(&Summary::of(&tables)),
        chart: report_chart::svg(
            "Consultations needing an interpreter, by month and how interpretation was provided",
            &chart_rows,
        ),
        chart_rows,
        series: report_chart::SERIES.iter().map(|(_, l)| *l).collect(),
        tables: views(&tables),
        note: TOTALS_NOTE,
    })
}

async fn interpreters_print(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(form): Query<PeriodForm>,
) -> Result<Response, AppError> {
    user.require(REPORT_ROLES)?;
    let Ok((from, to)) = period(&form, state.today()) else {
        return Err(AppError::BadRequest(
            "the period is not two dates, the first on or before the last",
        ));
    };
    let tables = interpreter_tables(&user.store, from, to).await?;
    user.store
        .audit_read(
            &user.actor(),
            "report.interpreters.print",
            None,
            &format!("{from}..{to}"),
        )
        .await?;
    let chart_rows = report_chart::rows(&tables[1]);
    page(&InterpretersPrint {
        layout: Layout::new(&user, INTERPRETERS_TITLE, "/reports"),
        from: from.to_string(),
        to: to.to_string(),
        today: state.today().to_string(),
        screen_href: format!(
            "/reports/interpreters?from={}&to={}",
            encode_query(&from.to_string()),
            encode_query(&to.to_string())
        ),
        figures: figures(&Summary::of(&tables)),
        chart: report_chart::svg(
            "Consultations needing an interpreter, by month and how interpretation was provided",
            &chart_rows,
        ),
        languages: TableView::from(&tables[0]),
        note: TOTALS_NOTE,
    })
}

/// The population report's tables for `store`'s patients, tallied off the async threads.
pub(super) async fn population_tables(
    state: &AppState,
    store: &haven_store::Store,
    as_of: Date,
) -> Result<Vec<Table>, AppError> {
    let policy = state.policy();
    let store = store.clone();
    Ok(tokio::task::spawn_blocking(move || {
        store
            .tally(
                &RecordStream::default(),
                || PopulationReport::new(&policy, as_of),
                |_| {},
            )
            .map(PopulationReport::tables)
    })
    .await??)
}

#[derive(Template)]
#[template(path = "reports/population.html")]
struct PopulationPage {
    layout: Layout,
    as_of: String,
    tables: Vec<TableView>,
    note: &'static str,
}

async fn population(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require(REPORT_ROLES)?;
    let as_of = state.today();
    let tables = population_tables(&state, &user.store, as_of).await?;
    user.store
        .audit_read(
            &user.actor(),
            "report.population.view",
            None,
            &format!("as of {as_of}"),
        )
        .await?;
    page(&PopulationPage {
        layout: Layout::new(&user, POPULATION_TITLE, "/reports"),
        as_of: as_of.to_string(),
        tables: views(&tables),
        note: TOTALS_NOTE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_default_period_is_twelve_calendar_months() {
        assert_eq!(
            default_period(date!(2026 - 11 - 28)),
            (date!(2025 - 12 - 01), date!(2026 - 11 - 28))
        );
        assert_eq!(
            default_period(date!(2026 - 01 - 05)),
            (date!(2025 - 02 - 01), date!(2026 - 01 - 05))
        );
    }

    #[test]
    fn a_period_must_run_forwards_and_be_real_dates() {
        let today = date!(2026 - 11 - 28);
        let form = |from: &str, to: &str| PeriodForm {
            from: from.into(),
            to: to.into(),
        };
        assert_eq!(
            period(&form("2026-01-01", "2026-06-30"), today).ok(),
            Some((date!(2026 - 01 - 01), date!(2026 - 06 - 30)))
        );
        assert!(period(&form("2026-06-30", "2026-01-01"), today).is_err_and(|e| e.has("to")));
        assert!(period(&form("2026-02-30", ""), today).is_err_and(|e| e.has("from")));
        assert!(period(&form("1990-01-01", "2026-01-01"), today).is_err());
    }
}
