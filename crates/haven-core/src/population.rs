//! Work over a whole population, one record at a time: a [`Tally`] takes each record as it is
//! read and keeps only what it needs, so memory stays bounded by the result, not the
//! population. Whoever reads the records (the store's scan on every core, `haven evaluate`'s
//! records in memory) gives each worker its own tally and merges them at the end.
//!
//! [`Evaluation`] is the one population evaluation: the care rules over each record, as of one
//! date under one policy, the actions kept by a [`Collect`]or ([`AllActions`] for lists,
//! [`Counts`] for summaries). The interpreter report is a tally too.

use std::collections::BTreeMap;

use crate::Date;
use crate::policy::Policy;
use crate::record::PatientRecord;
use crate::rules::{self, Action, Urgency};

/// What a pass over a population keeps of each record.
pub trait Tally {
    fn add(&mut self, record: &PatientRecord);
    /// Adds another worker's share.
    fn merge(&mut self, other: Self);
}

/// What a population evaluation keeps of each patient's actions.
pub trait Collect: Default {
    fn add(&mut self, patient: &str, actions: Vec<Action>);
    fn merge(&mut self, other: Self);
}

/// The care rules over every record added, as of `today` under `policy`.
#[derive(Clone, Debug)]
pub struct Evaluation<'a, C> {
    policy: &'a Policy,
    today: Date,
    collected: C,
}

impl<'a, C: Collect> Evaluation<'a, C> {
    pub fn new(policy: &'a Policy, today: Date) -> Self {
        Self {
            policy,
            today,
            collected: C::default(),
        }
    }

    pub fn into_collected(self) -> C {
        self.collected
    }
}

impl<C: Collect> Tally for Evaluation<'_, C> {
    fn add(&mut self, record: &PatientRecord) {
        let actions = rules::evaluate(record, self.policy, self.today);
        self.collected.add(record.patient.id.as_str(), actions);
    }

    fn merge(&mut self, other: Self) {
        self.collected.merge(other.collected);
    }
}

/// Every action with its patient's id, for lists (sort with [`rules::sort_population`]).
#[derive(Clone, Debug, Default)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub patients: u64,
    pub by_rule: BTreeMap<&'static str, u64>,
    pub by_urgency: BTreeMap<Urgency, u64>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Patient;
    use time::macros::date;

    fn records() -> Vec<PatientRecord> {
        ["p-1", "p-2", "p-3"]
            .into_iter()
            .map(|id| PatientRecord::new(Patient::new(id.into(), "Selam", "Tesfaye")))
            .collect()
    }

    /// Split between workers and merged, a population gives what one pass over it gives.
    #[test]
    fn shares_merged_equal_one_pass() {
        let policy = Policy::default();
        let today = date!(2026 - 11 - 28);
        let records = records();
        let mut whole = Evaluation::<Counts>::new(&policy, today);
        let mut first = Evaluation::<Counts>::new(&policy, today);
        let mut rest = Evaluation::<Counts>::new(&policy, today);
        for (i, record) in records.iter().enumerate() {
            whole.add(record);
            if i == 0 {
                first.add(record)
            } else {
                rest.add(record)
            }
        }
        first.merge(rest);
        let (whole, merged) = (whole.into_collected(), first.into_collected());
        assert_eq!(merged, whole);
        assert_eq!(whole.patients, 3);
        let actions: u64 = records
            .iter()
            .map(|r| rules::evaluate(r, &policy, today).len() as u64)
            .sum();
        assert!(actions > 0);
        assert_eq!(whole.by_rule.values().sum::<u64>(), actions);
        assert_eq!(whole.by_urgency.values().sum::<u64>(), actions);
    }

    #[test]
    fn all_actions_name_their_patient() {
        let policy = Policy::default();
        let today = date!(2026 - 11 - 28);
        let mut evaluation = Evaluation::<AllActions>::new(&policy, today);
        for record in &records() {
            evaluation.add(record);
        }
        let AllActions(actions) = evaluation.into_collected();
        for id in ["p-1", "p-2", "p-3"] {
            let expected = rules::evaluate(&records()[0], &policy, today).len();
            assert_eq!(actions.iter().filter(|(p, _)| p == id).count(), expected);
        }
    }
}
