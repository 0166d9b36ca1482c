//! `haven worklist`: the care rules over the stored population, streamed patient by patient.

use anyhow::Result;
use haven_core::rules::{self, Action};
use haven_store::{Actor, RecordStream, Store};

use crate::cli::WorklistArgs;
use crate::{actions_output, output, progress};

pub async fn run(store: &Store, args: &WorklistArgs) -> Result<()> {
    let today = args.as_of.unwrap_or_else(super::today);
    let policy = store.policy().await?;
    let filter = RecordStream { patient: args.patient.clone(), clinician: args.clinician.clone() };
    if let Some(id) = &args.patient {
        // Name the patient at fault rather than print an empty list.
        store.patient(id).await?;
    }
    let bar = progress::bar(store.count_patients().await?.max(0) as u64, "patients");
    let mut actions: Vec<(String, Action)> = Vec::new();
    // The rules read sensitive entries (e.g. an uncoded disclosure); the output names only
    // rule ids and dates, never the disclosure itself.
    let scanned = store
        .scan_rule_records(&filter, |record| {
            let id = record.patient.id.to_string();
            actions.extend(rules::evaluate(&record, &policy, today).into_iter().map(|a| (id.clone(), a)));
            bar.inc(1);
        })
        .await?;
    bar.finish_and_clear();
    rules::sort_population(&mut actions);
    store.audit_read(&Actor::cli("worklist"), "worklist", args.patient.as_deref(), &format!("{scanned} patients as of {today}")).await?;
    if args.json {
        output::print(&format!("{}\n", actions_output::to_json(today, &actions)))
    } else {
        output::print(&actions_output::to_table(today, &actions))
    }
}
