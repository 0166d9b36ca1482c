//! The demo shows every care rule in action: for several seeds, 200 patients make every rule
//! of the catalogue fire at least once.

use std::collections::BTreeMap;

use haven_core::policy::Policy;
use haven_core::rules::{catalogue, evaluate};
use haven_demo::generate;

use crate::{TODAY, options, options_on};

/// How many of `n` patients each rule fires for.
fn fired(opts: &haven_demo::DemoOptions, n: u64) -> BTreeMap<&'static str, usize> {
    let policy = Policy::default();
    let mut counts: BTreeMap<&'static str, usize> =
        catalogue().iter().map(|r| (r.id.id(), 0)).collect();
    for record in generate(opts, 0..n) {
        for action in evaluate(&record, &policy, opts.today) {
            *counts.entry(action.rule.id()).or_default() += 1;
        }
    }
    counts
}

fn check(opts: &haven_demo::DemoOptions) {
    let counts = fired(opts, 200);
    let silent: Vec<_> = counts
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(id, _)| *id)
        .collect();
    assert!(
        silent.is_empty(),
        "seed {} on {}: rules that never fired: {silent:?}",
        opts.seed,
        opts.today
    );
}

#[test]
fn every_rule_fires_for_seeds_one_to_five() {
    for seed in 1..=5 {
        check(&options(seed));
    }
}

#[test]
fn every_rule_fires_for_arbitrary_seeds_and_dates() {
    check(&options(0x5EED_CAFE_F00D));
    check(&options(u64::MAX - 12_345));
    check(&options_on(
        987_654_321,
        time::macros::date!(2025 - 02 - 03),
    ));
}

#[test]
fn each_rule_fires_for_at_least_a_few_in_a_hundred() {
    let n = 2_000;
    for (rule, count) in fired(&options(99), n) {
        let share = count as f64 / n as f64;
        assert!(share >= 0.01, "{rule} fires for only {:.2}%", share * 100.0);
        assert!(
            share <= 0.9,
            "{rule} fires for {:.2}%: hardly a gap in care",
            share * 100.0
        );
    }
    let _ = TODAY;
}
