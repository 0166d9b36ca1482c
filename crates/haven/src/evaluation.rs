//! Population evaluation on every core: worker threads read, decode and evaluate their share
//! of the stored rules views. Used by `haven worklist`; memory stays bounded by whatever the
//! collector keeps of the results.

use anyhow::Result;
use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::record::PatientRecord;
use haven_core::rules::{self, Action};
use haven_store::{RecordStream, Store, projection};

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

/// Threads for a population scan: one per core.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Evaluates records in memory (`haven evaluate`'s, read from FHIR) on every core, each
/// worker collecting its share as a stored population's are collected.
pub fn evaluate_records<C: Collect>(records: &[PatientRecord], policy: &Policy, today: Date) -> C {
    let share = records.len().div_ceil(workers()).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = records
            .chunks(share)
            .map(|chunk| {
                scope.spawn(move || {
                    let mut part = C::default();
                    for record in chunk {
                        part.add(
                            record.patient.id.as_str(),
                            rules::evaluate(record, policy, today),
                        );
                    }
                    part
                })
            })
            .collect();
        let mut total = C::default();
        for handle in handles {
            let part = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            total.merge(part);
        }
        total
    })
}

/// Evaluates every matching patient on every core (see
/// [`Store::scan_rule_views_parallel`]); `tick` is told how many patients are done so far.
pub async fn evaluate_population<C: Collect>(
    store: &Store,
    filter: &RecordStream,
    policy: Policy,
    today: Date,
    tick: impl Fn(u64) + Sync,
) -> Result<C> {
    let parts = tokio::task::block_in_place(|| {
        store.scan_rule_views_parallel(
            filter,
            workers(),
            C::default,
            |out: &mut C, view| {
                let record = projection::decode(view)?;
                out.add(
                    record.patient.id.as_str(),
                    rules::evaluate(&record, &policy, today),
                );
                Ok(())
            },
            tick,
        )
    })?;
    let mut total = C::default();
    for part in parts {
        total.merge(part);
    }
    Ok(total)
}
