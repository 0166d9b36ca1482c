//! The shape of `worklist --json` and `evaluate --json` (docs/rules.md, *Actions*), and the readable
//! table both print by default. One place, so the two commands cannot drift apart.

use haven_core::Date;
use haven_core::rules::Action;
use serde_json::{Value, json};

/// `(patient id, action)` pairs, already sorted by `haven_core::rules` ordering. Written one
/// action at a time, so a population's list never exists twice in memory.
pub fn to_json(as_of: Date, actions: &[(String, Action)]) -> String {
    let mut out = String::with_capacity(64 + actions.len() * 256);
    out.push_str(&format!("{{\"as_of\":\"{as_of}\",\"actions\":["));
    for (i, (patient, a)) in actions.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let one: Value = json!({
            "patient": patient,
            "rule": a.rule.id(),
            "section": a.section,
            "urgency": a.urgency.id(),
            "due": a.due.map(|d| d.to_string()),
            "reason": a.reason,
            "resolve": a.resolve,
        });
        out.push_str(&one.to_string());
    }
    out.push_str("]}\n");
    out
}

pub fn to_table(as_of: Date, actions: &[(String, Action)]) -> String {
    let mut out = format!("Actions as of {as_of}: {}\n", actions.len());
    if actions.is_empty() {
        return out;
    }
    out.push_str(&format!(
        "{:<8} {:<10} {:<10} {:<34} {}\n",
        "URGENCY", "DUE", "PATIENT", "RULE", "REASON"
    ));
    for (patient, a) in actions {
        let due = a.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
        out.push_str(&format!(
            "{:<8} {:<10} {:<10} {:<34} {} ({})\n",
            a.urgency.id(),
            due,
            patient,
            a.rule.id(),
            a.reason,
            a.section
        ));
    }
    out
}
