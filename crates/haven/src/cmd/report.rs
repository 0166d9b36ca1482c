//! `haven report interpreters`: interpreter demand and unmet need by language (§2), for
//! commissioners, as a table, CSV or JSON.

use anyhow::{Result, bail};
use haven_core::Date;
use haven_core::language::LanguageTag;
use haven_core::reports::InterpreterReport;
use haven_store::{Actor, RecordStream, Store};
use serde_json::json;

use crate::output;

pub async fn interpreters(
    store: &Store,
    from: Date,
    to: Date,
    csv: bool,
    as_json: bool,
) -> Result<()> {
    if to < from {
        bail!("--to ({to}) is before --from ({from})");
    }
    let report = tokio::task::block_in_place(|| {
        store.tally(
            &RecordStream::default(),
            || InterpreterReport::new(from, to),
            |_| {},
        )
    })?;
    store
        .audit_read(
            &Actor::cli("report"),
            "report.interpreters",
            None,
            &format!("{from}..{to}"),
        )
        .await?;
    let name = |code: &str| {
        LanguageTag::parse(code).map_or_else(|_| "Not recorded".to_owned(), |t| t.name())
    };
    let rows = report.rows();
    let text = if as_json {
        let rows: Vec<_> = rows
            .iter()
            .map(|r| json!({"language": r.language, "language_name": name(&r.language), "patients_needing": r.patients_needing, "encounters": r.encounters,
                "encounters_needing": r.encounters_needing, "professional": r.professional, "unmet": r.unmet}))
            .collect();
        format!(
            "{}\n",
            json!({"from": from.to_string(), "to": to.to_string(), "rows": rows})
        )
    } else if csv {
        let mut out = String::from(
            "language,language_name,patients_needing,encounters,encounters_needing,professional,unmet\n",
        );
        for r in &rows {
            out.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                r.language,
                name(&r.language),
                r.patients_needing,
                r.encounters,
                r.encounters_needing,
                r.professional,
                r.unmet
            ));
        }
        out
    } else {
        let mut out = format!(
            "Interpreter demand and unmet need, {from} to {to}\n{:<22} {:>9} {:>10} {:>9} {:>12} {:>6}\n",
            "LANGUAGE", "PATIENTS", "ENCOUNTERS", "NEEDING", "PROFESSIONAL", "UNMET"
        );
        for r in &rows {
            out.push_str(&format!(
                "{:<22} {:>9} {:>10} {:>9} {:>12} {:>6}\n",
                name(&r.language),
                r.patients_needing,
                r.encounters,
                r.encounters_needing,
                r.professional,
                r.unmet
            ));
        }
        out
    };
    output::print(&text)
}
