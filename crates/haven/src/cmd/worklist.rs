//! `haven worklist`: the care rules over the stored population, evaluated on every core.

use anyhow::Result;
use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::population::{AllActions, Collect, Counts, Evaluation};
use haven_core::rules;
use haven_store::{Actor, RecordStream, Store};
use serde_json::json;

use crate::cli::WorklistArgs;
use crate::{actions_output, output, progress};

pub async fn run(store: &Store, args: &WorklistArgs) -> Result<()> {
    let today = args.as_of.unwrap_or_else(|| store.clock().today());
    let policy = store.policy().await?;
    let filter = RecordStream {
        patient: args.patient.clone(),
        clinician: args.clinician.clone(),
        ..RecordStream::default()
    };
    if let Some(id) = &args.patient {
        // Name the patient at fault rather than print an empty list.
        store.patient(id).await?;
    }
    let bar = progress::bar(store.count_patients().await?.max(0) as u64, "patients");
    // The rules read sensitive entries (e.g. an uncoded disclosure); the output names only
    // rule ids and dates, never the disclosure itself.
    let text = if args.counts {
        let counts: Counts = evaluate(store, &filter, &policy, today, &bar)?;
        audit(store, args, counts.patients, today).await?;
        counts_output(today, &counts, args.json)
    } else {
        let AllActions(mut actions) = evaluate(store, &filter, &policy, today, &bar)?;
        rules::sort_population(&mut actions);
        audit(store, args, bar.position(), today).await?;
        if args.json {
            actions_output::to_json(today, &actions)
        } else {
            actions_output::to_table(today, &actions)
        }
    };
    bar.finish_and_clear();
    output::print(&text)
}

/// The rules over every matching stored patient, on every core, kept by `C`.
fn evaluate<C: Collect + Send>(
    store: &Store,
    filter: &RecordStream,
    policy: &Policy,
    today: Date,
    bar: &indicatif::ProgressBar,
) -> Result<C> {
    let evaluation = tokio::task::block_in_place(|| {
        store.tally(
            filter,
            || Evaluation::<C>::new(policy, today),
            |n| bar.set_position(n),
        )
    })?;
    Ok(evaluation.into_collected())
}

async fn audit(
    store: &Store,
    args: &WorklistArgs,
    patients: u64,
    today: haven_core::Date,
) -> Result<()> {
    let detail = format!("{patients} patients as of {today}");
    store
        .audit_read(
            &Actor::cli("worklist"),
            "worklist",
            args.patient.as_deref(),
            &detail,
        )
        .await?;
    Ok(())
}

fn counts_output(today: haven_core::Date, counts: &Counts, as_json: bool) -> String {
    if as_json {
        let by_urgency: serde_json::Map<String, serde_json::Value> = counts
            .by_urgency
            .iter()
            .map(|(u, n)| (u.id().to_owned(), json!(n)))
            .collect();
        return format!(
            "{}\n",
            json!({"as_of": today.to_string(), "patients": counts.patients, "by_urgency": by_urgency, "by_rule": counts.by_rule})
        );
    }
    let mut out = format!(
        "Worklist counts as of {today} over {} patients\n",
        counts.patients
    );
    for (u, n) in &counts.by_urgency {
        out.push_str(&format!("  {:<34} {n}\n", u.id()));
    }
    for (rule, n) in &counts.by_rule {
        out.push_str(&format!("  {rule:<34} {n}\n"));
    }
    out
}
