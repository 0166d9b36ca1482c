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
