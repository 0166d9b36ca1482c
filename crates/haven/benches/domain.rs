//! Domain benchmarks: care-rule evaluation for one patient, and questionnaire scoring.
//! Run with `cargo bench -p haven --bench domain`; figures go in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use haven_core::instruments::{self, Instrument};
use haven_core::policy::Policy;
use haven_core::rules;
use haven_demo::DemoOptions;
use std::hint::black_box;
use time::macros::date;

fn evaluation(c: &mut Criterion) {
    let today = date!(2026 - 11 - 28);
    let options = DemoOptions {
        seed: 1,
        today,
        clinicians: vec!["dr.hughes".into()],
    };
    let population: Vec<_> = haven_demo::generate(&options, 0..1_000).collect();
    let policy = Policy::default();
    // A typical record: the one whose entry count is the population's median.
    let mut by_size: Vec<_> = population.iter().collect();
    by_size.sort_by_key(|r| r.entries.len());
    let typical = by_size[by_size.len() / 2];
    let mut group = c.benchmark_group("rules");
    group.bench_function(
        format!(
            "evaluate one typical patient ({} entries)",
            typical.entries.len()
        ),
        |b| b.iter(|| rules::evaluate(black_box(typical), &policy, today)),
    );
    group.bench_function("evaluate 1,000 demo patients", |b| {
        b.iter(|| {
            population
                .iter()
                .map(|r| rules::evaluate(black_box(r), &policy, today).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn scoring(c: &mut Criterion) {
    let answers = [1, 2, 3, 0, 1, 2, 3, 0, 1];
    c.bench_function("score PHQ-9", |b| {
        b.iter(|| instruments::score(Instrument::Phq9, black_box(&answers)))
    });
}

criterion_group!(benches, evaluation, scoring);
criterion_main!(benches);
