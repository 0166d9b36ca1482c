//! Published report tables (`haven_core::reports::table`) as text, CSV or JSON. The figures are
//! the tables' own, already under the small-number rule: nothing here computes a number. The
//! shapes are documented in `docs/reports.md`.

use anyhow::Result;
use haven_core::reports::table::{Cell, TOTALS_NOTE, Table, Total};
use serde_json::{Value, json};

/// What a report is and when it covers, as JSON fields (`from`/`to` or `as_of`).
pub struct Header<'a> {
    pub report: &'static str,
    pub title: &'a str,
    pub period: Vec<(&'static str, String)>,
}

fn cell_json(cell: Cell) -> Value {
    match cell.count() {
        Some(n) => json!(n),
        None => json!(cell.text()),
    }
}

/// `{"report", "title", period fields, "small_number_rule", "tables": [...]}`.
pub fn to_json(header: &Header<'_>, tables: &[Table]) -> Result<String> {
    let tables: Vec<Value> = tables
        .iter()
        .map(|t| {
            let rows: Vec<Value> = t
                .rows()
                .iter()
                .map(|r| {
                    json!({
                        "id": r.heading.id,
                        "label": r.heading.label,
                        "cells": r.cells.iter().map(|&c| cell_json(c)).collect::<Vec<_>>(),
                        "total": r.total.map(|t| t.value),
                    })
                })
                .collect();
            let totals = t.totals().map(|totals| {
                json!({
                    "cells": totals.cells.iter().map(|c| c.value).collect::<Vec<_>>(),
                    "total": totals.total.map(|t| t.value),
                })
            });
            json!({
                "id": t.id(),
                "title": t.title(),
                "row_heading": t.row_heading(),
                "columns": t.columns().iter().map(|c| json!({"id": c.id, "label": c.label})).collect::<Vec<_>>(),
                "rows": rows,
                "totals": totals,
            })
        })
        .collect();
    let mut out = serde_json::Map::new();
    out.insert("report".into(), json!(header.report));
    out.insert("title".into(), json!(header.title));
    for (k, v) in &header.period {
        out.insert((*k).into(), json!(v));
    }
    out.insert("small_number_rule".into(), json!(TOTALS_NOTE));
    out.insert("tables".into(), Value::Array(tables));
    Ok(format!("{}\n", Value::Object(out)))
}

/// One line per figure: `table,row,row_label,column,column_label,value`. Row totals have the
/// column `total`; the totals row has the row `total`. Quoted by the `csv` crate.
pub fn to_csv(tables: &[Table]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "table",
        "row",
        "row_label",
        "column",
        "column_label",
        "value",
    ])?;
    for t in tables {
        for r in t.rows() {
            for (c, cell) in t.columns().iter().zip(&r.cells) {
                w.write_record([
                    t.id(),
                    &r.heading.id,
                    &r.heading.label,
                    &c.id,
                    &c.label,
                    &cell.text(),
                ])?;
            }
            if let Some(total) = r.total {
                w.write_record([
                    t.id(),
                    &r.heading.id,
                    &r.heading.label,
                    "total",
                    "Total",
                    &total.value.to_string(),
                ])?;
            }
        }
        if let Some(totals) = t.totals() {
            for (c, total) in t.columns().iter().zip(&totals.cells) {
                w.write_record([
                    t.id(),
                    "total",
                    "Total",
                    &c.id,
                    &c.label,
                    &total.value.to_string(),
                ])?;
            }
            if let Some(total) = totals.total {
                w.write_record([
                    t.id(),
                    "total",
                    "Total",
                    "total",
                    "Total",
                    &total.value.to_string(),
                ])?;
            }
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn total_text(total: Total) -> String {
    format!(
        "{}{}",
        total.value,
        if total.excludes_small { "*" } else { "" }
    )
}

/// Aligned plain text, one block per table; a total marked `*` leaves out counts under 5.
pub fn to_text(title: &str, tables: &[Table]) -> String {
    let mut out = format!("{title}\n{TOTALS_NOTE} (* marks such a total.)\n");
    for t in tables {
        let mut header: Vec<String> = vec![t.row_heading().to_owned()];
        header.extend(t.columns().iter().map(|c| c.label.clone()));
        if t.has_row_totals() {
            header.push("Total".into());
        }
        let mut lines: Vec<Vec<String>> = vec![header];
        for r in t.rows() {
            let mut line = vec![r.heading.label.clone()];
            line.extend(r.cells.iter().map(|c| c.text()));
            if let Some(total) = r.total {
                line.push(total_text(total));
            }
            lines.push(line);
        }
        if let Some(totals) = t.totals() {
            let mut line = vec!["Total".to_owned()];
            line.extend(totals.cells.iter().map(|&c| total_text(c)));
            if let Some(total) = totals.total {
                line.push(total_text(total));
            }
            lines.push(line);
        }
        let widths: Vec<usize> = (0..lines[0].len())
            .map(|i| {
                lines
                    .iter()
                    .map(|l| l.get(i).map_or(0, |s| s.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        out.push_str(&format!("\n{}\n", t.title()));
        for line in lines {
            let cells: Vec<String> = line
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let pad = widths[i].saturating_sub(s.chars().count());
                    if i == 0 {
                        format!("{s}{}", " ".repeat(pad))
                    } else {
                        format!("{}{s}", " ".repeat(pad))
                    }
                })
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::reports::table::{Counts, Heading};

    fn table() -> Table {
        Counts::new(
            "t",
            "Title",
            "Row",
            vec![
                Heading::new("a", "Seen, \"in person\""),
                Heading::new("b", "B"),
            ],
        )
        .row(Heading::new("r", "Kurdish, Sorani"), vec![3, 12])
        .with_row_totals()
        .with_column_totals()
        .publish()
    }

    #[test]
    fn csv_quotes_commas_and_quotes_and_reads_back_whole() {
        let csv = to_csv(&[table()]).expect("csv");
        assert!(
            csv.contains(r#"t,r,"Kurdish, Sorani",a,"Seen, ""in person""",<5"#),
            "{csv}"
        );
        let rows: Vec<Vec<String>> = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .map(|r| r.expect("record").iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(
            rows[0],
            [
                "t",
                "r",
                "Kurdish, Sorani",
                "a",
                "Seen, \"in person\"",
                "<5"
            ]
        );
        assert_eq!(
            rows[2],
            ["t", "r", "Kurdish, Sorani", "total", "Total", "12"]
        );
        assert_eq!(
            rows.len(),
            6,
            "two cells, a row total, two column totals, the grand total"
        );
    }

    #[test]
    fn json_gives_small_counts_as_text_and_the_rest_as_numbers() {
        let header = Header {
            report: "t",
            title: "T",
            period: vec![("as_of", "2026-11-28".into())],
        };
        let json: Value =
            serde_json::from_str(&to_json(&header, &[table()]).expect("json")).expect("parse");
        assert_eq!(json["as_of"], "2026-11-28");
        assert_eq!(json["tables"][0]["rows"][0]["cells"], json!(["<5", 12]));
        assert_eq!(json["tables"][0]["rows"][0]["total"], 12);
        assert_eq!(
            json["tables"][0]["totals"],
            json!({"cells": [0, 12], "total": 12})
        );
    }
}
