//! Population evaluation on every core: the store streams encoded rules views, worker threads
//! decode and evaluate them. Used by `haven worklist`; memory stays bounded by the batches in
//! flight plus whatever the caller keeps of the results.

use std::sync::Arc;
use std::sync::mpsc;

use anyhow::Result;
use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::rules::{self, Action};
use haven_store::{RecordStream, Store, projection};

/// Encoded views handed to a worker at a time: large enough to make channel costs vanish.
const BATCH: usize = 512;

/// What a worker keeps of each patient's actions.
pub trait Collect: Send + Default + 'static {
    fn add(&mut self, patient: &str, actions: Vec<Action>);
    fn merge(&mut self, other: Self);
}

/// Every action, for lists.
#[derive(Default)]
pub struct AllActions(pub Vec<(String, Action)>);

impl Collect for AllActions {
    fn add(&mut self, patient: &str, actions: Vec<Action>) {
        self.0
            .extend(actions.into_iter().map(|a| (patient.to_owned(), a)));
    }
    fn merge(&mut self, other: Self) {
        self.0.extend(other.0);
    }
}

/// Counts by rule and urgency only, for population summaries of any size.
#[derive(Default)]
pub struct Counts {
    pub patients: u64,
    pub by_rule: std::collections::BTreeMap<&'static str, u64>,
    pub by_urgency: std::collections::BTreeMap<rules::Urgency, u64>,
}

impl Collect for Counts {
    fn add(&mut self, _patient: &str, actions: Vec<Action>) {
        self.patients += 1;
        for a in actions {
            *self.by_rule.entry(a.rule.id()).or_default() += 1;
            *self.by_urgency.entry(a.urgency).or_default() += 1;
        }
    }
    fn merge(&mut self, other: Self) {
        self.patients += other.patients;
        for (k, v) in other.by_rule {
            *self.by_rule.entry(k).or_default() += v;
        }
        for (k, v) in other.by_urgency {
            *self.by_urgency.entry(k).or_default() += v;
        }
    }
}

pub async fn evaluate_population<C: Collect>(
    store: &Store,
    filter: &RecordStream,
    policy: Policy,
    today: Date,
    mut tick: impl FnMut(u64),
) -> Result<C> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let policy = Arc::new(policy);
    let mut senders = Vec::with_capacity(workers);
    let mut handles = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (tx, rx) = mpsc::sync_channel::<Vec<Vec<u8>>>(4);
        let policy = Arc::clone(&policy);
        senders.push(tx);
        handles.push(std::thread::spawn(move || -> Result<C> {
            let mut out = C::default();
            for batch in rx {
                for bytes in batch {
                    let record = projection::decode(&bytes)?;
                    out.add(
                        record.patient.id.as_str(),
                        rules::evaluate(&record, &policy, today),
                    );
                }
            }
            Ok(out)
        }));
    }
    let mut batch = Vec::with_capacity(BATCH);
    let mut next = 0;
    let mut seen = 0;
    let mut failed = false;
    store
        .scan_rule_views(filter, |bytes| {
            batch.push(bytes);
            seen += 1;
            if batch.len() == BATCH {
                // A worker that stopped (on a decode error) reports it at join.
                failed |= senders[next % workers]
                    .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                    .is_err();
                next += 1;
                tick(seen);
            }
        })
        .await?;
    if !batch.is_empty() {
        failed |= senders[next % workers].send(batch).is_err();
    }
    tick(seen);
    drop(senders);
    let mut total = C::default();
    for h in handles {
        total.merge(
            h.join()
                .map_err(|_| anyhow::anyhow!("an evaluation worker panicked"))??,
        );
    }
    if failed {
        anyhow::bail!("evaluation stopped early");
    }
    Ok(total)
}
