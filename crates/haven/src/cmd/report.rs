//! `haven report interpreters` and `haven report population`: the reports for commissioners
//! and practice managers, as text, CSV or JSON, with exactly the figures the `/reports` pages
//! show (the same tallies, published under the same small-number rule).

use anyhow::{Result, bail};
use haven_core::Date;
use haven_core::reports::{InterpreterReport, PopulationReport, Table};
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

pub async fn interpreters(
    store: &Store,
    from: Date,
    to: Date,
    format: Format,
    by_org: bool,
) -> Result<()> {
    if to < from {
        bail!("--to ({to}) is before --from ({from})");
    }
    let tally = |store: &Store| -> Result<Vec<Table>> {
        Ok(tokio::task::block_in_place(|| {
            store.tally(
                &RecordStream::default(),
                || InterpreterReport::new(from, to),
                |_| {},
            )
        })?
        .tables())
    };
    let sections = sections(store, by_org, tally).await?;
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
    print_sections(&header, &title, &sections, format)
}

pub async fn population(
    store: &Store,
    as_of: Option<Date>,
    format: Format,
    by_org: bool,
) -> Result<()> {
    let as_of = as_of.unwrap_or_else(|| store.clock().today());
    let policy = store.policy().await?;
    let tally = |store: &Store| -> Result<Vec<Table>> {
        Ok(tokio::task::block_in_place(|| {
            store.tally(
                &RecordStream::default(),
                || PopulationReport::new(&policy, as_of),
                |_| {},
            )
        })?
        .tables())
    };
    let sections = sections(store, by_org, tally).await?;
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
    print_sections(&header, &title, &sections, format)
}

/// The report's tables: the store's own (one practice with `--org`, or a single-practice
/// deployment's); with several practices, each practice's published apart and the tables
/// across practices added up from those published figures only
/// (`haven_core::reports::across_each`, H-67, the web's too) — all of them with `by_org`, else only those across
/// practices. The whole deployment is never tallied as one, which would publish totals a
/// practice's suppressed count could be worked out from.
async fn sections(
    store: &Store,
    by_org: bool,
    tally: impl Fn(&Store) -> Result<Vec<Table>>,
) -> Result<Vec<(Option<String>, Vec<Table>)>> {
    let practices = match store.scope() {
        Some(org) => vec![store.practice(&org.to_string()).await?],
        None => store.practices().await?,
    };
    if !by_org && practices.len() == 1 {
        return Ok(vec![(None, tally(store)?)]);
    }
    let mut out = Vec::new();
    for practice in &practices {
        out.push((Some(practice.label()), tally(&store.within(practice.id))?));
    }
    let each: Vec<Vec<Table>> = out.iter().map(|(_, t)| t.clone()).collect();
    let across = haven_core::reports::across_each(&each);
    if !by_org {
        return Ok(vec![(None, across)]);
    }
    out.push((Some("All practices".to_owned()), across));
    Ok(out)
}

fn print_sections(
    header: &Header<'_>,
    title: &str,
    sections: &[(Option<String>, Vec<Table>)],
    format: Format,
) -> Result<()> {
    if let [(None, tables)] = sections {
        return print(header, title, tables, format);
    }
    let text = match format {
        Format::Json => {
            let mut parts = Vec::new();
            for (practice, tables) in sections {
                let report: serde_json::Value =
                    serde_json::from_str(&report_output::to_json(header, tables)?)?;
                parts.push(serde_json::json!({"practice": practice, "report": report}));
            }
            serde_json::to_string_pretty(&parts)?
        }
        Format::Csv => bail!("--by-org prints text or JSON; CSV holds one table set (use --org)"),
        Format::Text => sections
            .iter()
            .map(|(practice, tables)| {
                let title = format!("{title} — {}", practice.as_deref().unwrap_or(""));
                report_output::to_text(&title, tables)
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    output::print(&text)
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
