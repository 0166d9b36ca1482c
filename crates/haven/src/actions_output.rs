//! The shape of `worklist --json` and `evaluate --json` (docs/rules.md, *Actions*), and the readable
//! table both print by default. One place, so the two commands cannot drift apart.

use haven_core::Date;
use haven_core::rules::Action;
use serde_json::{Value, json};

/// `(patient id, action)` pairs, already sorted by `haven_core::rules` ordering. Written one
/// action at a time, so a population's list never exists twice in memory.
pub fn to_json(as_of: Date, actions: &[(String, Action)]) -> String {
    let mut out = String::with_capacity(64 + actions.len() * 256);
    out.push_str(&json_head(as_of));
    for (i, (patient, a)) in actions.iter().enumerate() {
        if i > 0 {
            out.push(JSON_BETWEEN);
        }
        out.push_str(&json_action(patient, a));
    }
    out.push_str(JSON_TAIL);
    out
}

/// The JSON before the first action, between two and after the last: `haven evaluate` writes
/// a population too large to hold from its parts with these.
pub fn json_head(as_of: Date) -> String {
    format!("{{\"as_of\":\"{as_of}\",\"actions\":[")
}
pub const JSON_BETWEEN: char = ',';
pub const JSON_TAIL: &str = "]}\n";

pub fn json_action(patient: &str, a: &Action) -> String {
    let one: Value = json!({
        "patient": patient,
        "rule": a.rule.id(),
        "section": a.section,
        "urgency": a.urgency.id(),
        "due": a.due.map(|d| d.to_string()),
        "reason": a.reason,
        "resolve": a.resolve,
    });
    one.to_string()
}

pub fn to_table(as_of: Date, actions: &[(String, Action)]) -> String {
    let mut out = table_head(as_of, actions.len());
    for (patient, a) in actions {
        out.push_str(&table_row(patient, a));
    }
    out
}

/// The table's lines before its rows, for `count` actions.
pub fn table_head(as_of: Date, count: usize) -> String {
    let mut out = format!("Actions as of {as_of}: {count}\n");
    if count > 0 {
        out.push_str(&format!(
            "{:<8} {:<10} {:<10} {:<34} {}\n",
            "URGENCY", "DUE", "PATIENT", "RULE", "REASON"
        ));
    }
    out
}

/// One action's line of the table.
pub fn table_row(patient: &str, a: &Action) -> String {
    let due = a.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    format!(
        "{:<8} {:<10} {:<10} {:<34} {} ({})\n",
        a.urgency.id(),
        due,
        patient,
        a.rule.id(),
        a.reason,
        a.section
    )
}
