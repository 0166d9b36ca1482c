//! Prints how fast the demo population generates and what it contains: entries per patient,
//! the share of patients each care rule fires for, and a few distribution checks.
//!
//! `cargo run --release -p haven-demo --example demo_stats -- [PATIENTS] [SEED] [--speed-only]`

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use haven_core::policy::Policy;
use haven_core::rules::{catalogue, evaluate};
use haven_demo::{DemoOptions, generate};
use time::macros::date;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let options = DemoOptions {
        seed,
        today: date!(2026 - 11 - 28),
        clinicians: vec!["dr.okafor".into(), "dr.shah".into(), "nurse.evans".into()],
    };

    // Streaming, as `haven demo` can use it: each record is handed on (here: dropped) as soon
    // as it is made. Then in chunks of 1,000, timing generation alone.
    let started = Instant::now();
    let mut entries = 0usize;
    for record in generate(&options, 0..n) {
        entries += record.entries.len();
    }
    let streaming = started.elapsed();
    let mut generating = Duration::ZERO;
    let mut next = 0;
    while next < n {
        let end = (next + 1_000).min(n);
        let chunk_started = Instant::now();
        let chunk: Vec<_> = generate(&options, next..end).collect();
        generating += chunk_started.elapsed();
        drop(chunk);
        next = end;
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    println!(
        "{n} patients, {entries} entries ({:.1} per patient)\n  streaming (generate and drop): {streaming:.2?} ({:.1} µs per patient)\n  generation alone, chunks of 1,000: {generating:.2?} ({:.1} µs per patient)",
        entries as f64 / n as f64,
        per(streaming),
        per(generating),
    );

    if args.next().as_deref() == Some("--speed-only") {
        return;
    }
    let sample = n.min(20_000);
    let policy = Policy::default();
    let mut fired: BTreeMap<&str, u64> = BTreeMap::new();
    let mut kinds: BTreeMap<&str, u64> = BTreeMap::new();
    for record in generate(&options, 0..sample) {
        for e in &record.entries {
            *kinds.entry(e.body.kind_id()).or_default() += 1;
        }
        for a in evaluate(&record, &policy, options.today) {
            *fired.entry(a.rule.id()).or_default() += 1;
        }
    }
    println!("\nrule firing share over {sample} patients:");
    for info in catalogue() {
        let count = fired.get(info.id.id()).copied().unwrap_or(0);
        println!(
            "  {:38} {:6.2}%",
            info.id.id(),
            100.0 * count as f64 / sample as f64
        );
    }
    println!("\nentries per patient by kind:");
    for (kind, count) in kinds {
        println!("  {kind:16} {:6.2}", count as f64 / sample as f64);
    }
}
