//! The stored actions' refresh, timed on a database file (BENCHMARKS.md, issue 18): a full
//! refresh of everyone, one patient's entry changed (the write refreshes that patient), and the
//! incremental refresh at a date change, each against a full refresh on the same day.
//!
//! ```sh
//! haven --db /tmp/r.db demo --patients 100000 --seed 1 --as-of 2026-11-28
//! cargo run --release -p haven-store --example refresh_timing -- /tmp/r.db 2026-11-28
//! ```

use std::time::Instant;

use haven_core::policy::Policy;
use haven_core::record::{Entry, EntryBody, LifeEvent, LifeEventKind};
use haven_core::{Date, PatientId};
use haven_store::{Actor, AuditFiles, Clock, Store};

async fn open(path: &str, day: Date) -> Store {
    let audit = AuditFiles::beside(path).expect("audit files");
    Store::open_with(
        path,
        &audit,
        Clock::fixed(day.midnight().assume_utc()),
        &|_, _| {},
    )
    .await
    .expect("open")
}

fn seconds(t: Instant) -> String {
    format!("{:.2} s", t.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: refresh_timing DATABASE DAY (YYYY-MM-DD)";
    let path = args.next().expect(usage);
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = Date::parse(&args.next().expect(usage), format).expect(usage);
    let policy = Policy::default();

    let store = open(&path, day).await;
    let t = Instant::now();
    let all = store.refresh_all_actions(&policy, day).await.expect("full");
    println!("full refresh on {day}: {all} patients, {}", seconds(t));

    // One patient's entry changes: the write refreshes that patient's actions in its own
    // transaction, so the refresh after it finds nothing to do.
    let patient = PatientId::new("pat-1");
    let entry = Entry::new(
        "refresh-timing-1".into(),
        patient,
        EntryBody::LifeEvent(LifeEvent {
            kind: LifeEventKind::AsylumRefused,
            date: day,
            note: String::new(),
        }),
        "bench".into(),
        day.midnight().assume_utc(),
    );
    let t = Instant::now();
    store
        .add_entry(&Actor::cli("bench"), &entry)
        .await
        .expect("add an entry");
    println!("one entry added (its patient re-evaluated): {}", seconds(t));
    let t = Instant::now();
    let ran = store
        .refresh_actions_if_stale(&policy, day)
        .await
        .expect("refresh");
    println!("refresh after it (ran: {ran}): {}", seconds(t));

    for days in [1, 30] {
        let next = day + time::Duration::days(days);
        let store = open(&path, next).await;
        let t = Instant::now();
        let due = store
            .refresh_actions_incrementally(&policy, next)
            .await
            .expect("incremental");
        println!(
            "incremental refresh on {next} (+{days} days): {due} patients, {}",
            seconds(t)
        );
        let t = Instant::now();
        let all = store
            .refresh_all_actions(&policy, next)
            .await
            .expect("full");
        println!("full refresh on {next}: {all} patients, {}", seconds(t));
        // Back to the starting state for the next step: everyone evaluated on `day`.
        open(&path, day)
            .await
            .refresh_all_actions(&policy, day)
            .await
            .expect("reset");
    }
}
