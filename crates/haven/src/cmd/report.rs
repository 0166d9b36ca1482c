//! `haven report interpreters` and `haven report population`: the reports for commissioners
//! and practice managers, as text, CSV or JSON, with exactly the figures the `/reports` pages
//! show (the same tallies, published under the same small-number rule).

use anyhow::{Result, bail};
use haven_core::Date;
use haven_core::reports::{InterpreterReport, PopulationReport};
use haven_store::{Actor, RecordStream, Store};

use crate::output;
use crate::report_output::{self, Header};

/// How to print a report.
#[derive(Clone, Copy, Debug)]
pub enum Format {
    Text,
    Csv,
    Json,
}

impl Format {
    pub fn new(csv: bool, json: bool) -> Self {
        match (csv, json) {
            (true, _) => Self::Csv,
            (_, true) => Self::Json,
            _ => Self::Text,
        }
    }
}

pub const INTERPRETERS_TITLE: &str = "Interpreters: need, provision and unmet need";
pub const POPULATION_TITLE: &str = "Population report";

pub async fn interpreters(store: &Store, from: Date, to: Date, format: Format) -> Result<()> {
    if to < from {
        bail!("--to ({to}) is before --from ({from})");
    }
    let tables = tokio::task::block_in_place(|| {
        store.tally(
            &RecordStream::default(),
            || InterpreterReport::new(from, to),
            |_| {},
        )
    })?
    .tables();
    store
        .audit_read(
            &Actor::cli("report"),
            "report.interpreters",
            None,
            &format!("{from}..{to}"),
        )
        .await?;
    let header = Header {
        report: "interpreters",
        title: INTERPRETERS_TITLE,
        period: vec![("from", from.to_string()), ("to", to.to_string())],
    };
    let title = format!("{INTERPRETERS_TITLE}, {from} to {to}");
    print(&header, &title, &tables, format)
}

pub async fn population(store: &Store, as_of: Option<Date>, format: Format) -> Result<()> {
    let as_of = as_of.unwrap_or_else(|| store.clock().today());
    let policy = store.policy().await?;
    let tables = tokio::task::block_in_place(|| {
        store.tally(
            &RecordStream::default(),
            || PopulationReport::new(&policy, as_of),
            |_| {},
        )
    })?
    .tables();
    store
        .audit_read(
            &Actor::cli("report"),
            "report.population",
            None,
            &format!("as of {as_of}"),
        )
        .await?;
    let header = Header {
        report: "population",
        title: POPULATION_TITLE,
        period: vec![("as_of", as_of.to_string())],
    };
    let title = format!("{POPULATION_TITLE} as of {as_of}");
    print(&header, &title, &tables, format)
}

fn print(
    header: &Header<'_>,
    title: &str,
    tables: &[haven_core::reports::Table],
    format: Format,
) -> Result<()> {
    let text = match format {
        Format::Json => report_output::to_json(header, tables)?,
        Format::Csv => report_output::to_csv(tables)?,
        Format::Text => report_output::to_text(title, tables),
    };
    output::print(&text)
}
