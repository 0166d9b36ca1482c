//! Integration tests of the demo population: determinism, validity against the record
//! model's own checks, realistic distributions, and coverage of every care rule.

mod coverage;
mod determinism;
mod distribution;
mod validity;

use haven_core::UserId;
use haven_core::record::PatientRecord;
use haven_demo::{DemoOptions, generate};
use time::Date;
use time::macros::date;

/// The project's example date.
pub const TODAY: Date = date!(2026 - 11 - 28);

pub fn options(seed: u64) -> DemoOptions {
    options_on(seed, TODAY)
}

pub fn options_on(seed: u64, today: Date) -> DemoOptions {
    DemoOptions {
        seed,
        today,
        clinicians: vec![
            UserId::new("dr.okafor"),
            UserId::new("dr.shah"),
            UserId::new("nurse.evans"),
        ],
    }
}

pub fn population(seed: u64, n: u64) -> Vec<PatientRecord> {
    generate(&options(seed), 0..n).collect()
}

/// Share of `records` for which `pick` holds.
pub fn share(records: &[PatientRecord], pick: impl Fn(&PatientRecord) -> bool) -> f64 {
    records.iter().filter(|r| pick(r)).count() as f64 / records.len() as f64
}
