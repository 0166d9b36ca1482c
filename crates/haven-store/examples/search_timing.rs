//! Name search, the possible-duplicates list and recomputing the name keys, timed on a database
//! file without HTTP (BENCHMARKS.md, issue 12 §8):
//!
//! ```sh
//! haven --db /tmp/s.db demo --patients 100000 --seed 1
//! cargo run --release -p haven-store --example search_timing -- /tmp/s.db [--keys]
//! ```
//!
//! Each search runs 40 times (the first warms the caches); the best and the median are shown.
//! With `--keys` the file's keys are forgotten first, so opening it recomputes every one, as
//! the first open after migration 0006 does, and the administrators' list is built once.

use std::time::Instant;

use haven_store::{PatientQuery, Store};

const SEARCHES: &[&str] = &[
    "rahimi",
    "ahmad",
    "abdel rahman",
    "Mohammad Ahmadi",
    "ahmadi mohammad",
    "احمد",
    "19/06/1994",
    "1990-01-01",
];

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: search_timing DATABASE [--keys]");
    if args.next().as_deref() == Some("--keys") {
        let conn = rusqlite::Connection::open(&path).expect("open the file");
        conn.execute("DELETE FROM haven_meta WHERE key = 'name-keys'", [])
            .expect("forget the keys");
        drop(conn);
        let t = Instant::now();
        let store = Store::open(&path).await.expect("open");
        println!(
            "open, every patient's keys recomputed: {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let (shown, total) = store
            .possible_duplicate_pairs(200)
            .await
            .expect("duplicate pairs");
        println!(
            "possible duplicates: {total} pairs ({} shown) in {:.2} s",
            shown.len(),
            t.elapsed().as_secs_f64()
        );
        return;
    }
    let store = Store::open(&path).await.expect("open");
    for text in SEARCHES {
        let q = PatientQuery {
            text: Some((*text).into()),
            limit: 50,
            ..Default::default()
        };
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..40 {
            let t = Instant::now();
            found = store.search_patients(&q).await.expect("search").1;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{text:>16}: {found:>5} found, best {:.1} ms, median {:.1} ms",
            times[0],
            times[times.len() / 2]
        );
    }
}
