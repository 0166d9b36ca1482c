//! A bounded load test (issue 15 §6): a hundred signed-in clinicians read patient pages and
//! record entries at once for a few seconds, on localhost. Every request must succeed, every
//! acknowledged write must be in the record afterwards, and the audit chain must verify. The
//! latencies and the process's peak memory are printed (run with `--nocapture`; figures in
//! BENCHMARKS.md). It stops by itself: each client stops starting requests at the deadline.

use std::time::{Duration, Instant};

use haven_store::AuditVerification;
use haven_store::Role;
use reqwest::StatusCode;

use crate::clinical::{entries, patient_with};
use crate::support::{Browser, spawn_app};

const CLIENTS: usize = 100;
const PATIENTS: usize = 20;
const RUN_FOR: Duration = Duration::from_secs(3);

/// What one client did: its acknowledged writes (patient, note) and each request's latency.
#[derive(Default)]
struct Done {
    written: Vec<(String, String)>,
    latencies: Vec<Duration>,
    failures: Vec<String>,
}

async fn client(browser: Browser, n: usize, patients: Vec<String>, deadline: Instant) -> Done {
    let mut done = Done::default();
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let mut round = 0;
    while Instant::now() < deadline {
        let patient = &patients[(n + round) % patients.len()];
        let started = Instant::now();
        let page = browser.get(&format!("/patients/{patient}")).await;
        done.latencies.push(started.elapsed());
        if page.status() != StatusCode::OK {
            done.failures
                .push(format!("GET /patients/{patient}: {}", page.status()));
        }
        let _ = page.bytes().await;
        let note = format!("load client {n} round {round}");
        let started = Instant::now();
        let res = browser
            .post(
                &format!("/patients/{patient}/entries/new/life-event"),
                &[("kind", "loss-of-hope"), ("date", &today), ("note", &note)],
            )
            .await;
        done.latencies.push(started.elapsed());
        if res.status() == StatusCode::SEE_OTHER {
            done.written.push((patient.clone(), note));
        } else {
            done.failures.push(format!("POST entry: {}", res.status()));
        }
        round += 1;
    }
    done
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).copied().unwrap_or_default()
}

fn peak_memory_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_signed_in_clinicians_read_and_write_at_once_without_an_error() {
    let app = spawn_app().await;
    let mut patients = Vec::new();
    for n in 0..PATIENTS {
        let given = format!("Load{n}");
        patients.push(patient_with(&app.store, &given, "ar", None, Vec::new()).await);
    }
    let mut browsers = Vec::new();
    for n in 0..CLIENTS {
        let username = format!("dr.load{n}");
        app.add_user(&username, Role::Clinician, None).await;
        browsers.push(app.signed_in(&username).await);
    }
    let started = Instant::now();
    let deadline = started + RUN_FOR;
    let tasks: Vec<_> = browsers
        .into_iter()
        .enumerate()
        .map(|(n, browser)| tokio::spawn(client(browser, n, patients.clone(), deadline)))
        .collect();
    let mut all = Done::default();
    for task in tasks {
        let done = task.await.expect("client");
        all.written.extend(done.written);
        all.latencies.extend(done.latencies);
        all.failures.extend(done.failures);
    }
    let elapsed = started.elapsed();
    assert!(
        all.failures.is_empty(),
        "{:?}",
        &all.failures[..all.failures.len().min(10)]
    );
    assert!(!all.written.is_empty());

    // Every acknowledged write is in the record.
    for patient in &patients {
        let notes: std::collections::HashSet<String> = entries(&app.store, patient)
            .await
            .iter()
            .filter_map(|e| match &e.body {
                haven_core::record::EntryBody::LifeEvent(l) => Some(l.note.clone()),
                _ => None,
            })
            .collect();
        for (_, note) in all.written.iter().filter(|(p, _)| p == patient) {
            assert!(
                notes.contains(note),
                "{patient}: {note} was acknowledged but is missing"
            );
        }
    }
    match app.store.audit_verify().await.expect("verify") {
        AuditVerification::Intact { .. } => {}
        other => panic!("the audit chain does not verify: {other:?}"),
    }

    all.latencies.sort();
    eprintln!(
        "load: {CLIENTS} clients, {:.1} s, {} requests ({:.0}/s), {} writes; p50 {:.1} ms, p99 {:.1} ms; peak memory {} MB",
        elapsed.as_secs_f64(),
        all.latencies.len(),
        all.latencies.len() as f64 / elapsed.as_secs_f64(),
        all.written.len(),
        percentile(&all.latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&all.latencies, 0.99).as_secs_f64() * 1000.0,
        peak_memory_mb(),
    );
}
