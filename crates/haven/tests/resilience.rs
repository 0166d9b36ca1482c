//! Fault and load tests of the real binary: a hundred signed-in clients reading and writing at
//! once, the server killed (SIGKILL) under that load, a backup taken while it writes, and an
//! import killed part-way. Nothing acknowledged may be lost, nothing half-written may show,
//! and the audit log must verify afterwards. Each on SQLite and on PostgreSQL
//! (`haven_testdb::both!`).
//!
//! The load runs for `HAVEN_LOAD_SECONDS` (default 3, a CI-sized run) and prints its latency
//! percentiles and the server's peak memory; BENCHMARKS.md records a longer run of a release
//! build (`HAVEN_LOAD_BIN=target/release/haven`). Nothing here
//! asserts a time: the figures are for reading, the assertions are about correctness.

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

#[path = "support/server.rs"]
mod server;

#[path = "support/database.rs"]
mod database;

use database::TestDb;
use server::Server;

const PASSWORD: &str = "load test passphrase";
const CLIENTS: usize = 100;
const USERS: usize = 10;
const PATIENTS: u32 = 60;

/// Runs a command to completion, failing the test with its output when it fails.
fn ok(db: &TestDb, args: &[&str], stdin: &str) -> String {
    let mut cmd = db.haven();
    cmd.args(args);
    server::succeed(cmd, stdin)
}

/// Clinicians and demo patients in `db`; the patients' ids.
async fn prepare(db: &TestDb) -> Vec<String> {
    ok(db, &["migrate"], "");
    for u in 0..USERS {
        let name = format!("dr.load{u}");
        let add = [
            "user",
            "add",
            &name,
            "--role",
            "clinician",
            "--password-stdin",
        ];
        ok(db, &add, &format!("{PASSWORD}\n"));
    }
    let patients = PATIENTS.to_string();
    let demo = ["demo", "--patients", &patients, "--seed", "3"];
    ok(db, &demo, "");
    let ids: Vec<String> = db
        .rows("SELECT id FROM patients ORDER BY id")
        .await
        .into_iter()
        .map(|row| row[0].clone())
        .collect();
    assert_eq!(ids.len(), PATIENTS as usize);
    ids
}

/// The value of the first hidden `csrf` field on a page.
fn csrf(page: &str) -> String {
    let at = page
        .find("name=\"csrf\" value=\"")
        .expect("a form token on the page");
    let rest = &page[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').expect("end of token")].to_owned()
}

/// One signed-in browser-like client.
struct Client {
    http: reqwest::Client,
    base: String,
    csrf: String,
}

impl Client {
    async fn sign_in(base: &str, username: &str) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let login = http
            .get(format!("{base}/login"))
            .send()
            .await
            .expect("login page")
            .text()
            .await
            .expect("login body");
        let res = http
            .post(format!("{base}/login"))
            .header("origin", base)
            .form(&[
                ("csrf", csrf(&login).as_str()),
                ("username", username),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), 303, "{username} signed in");
        let home = http
            .get(format!("{base}/patients"))
            .send()
            .await
            .expect("patients")
            .text()
            .await
            .expect("body");
        Self {
            csrf: csrf(&home),
            http,
            base: base.to_owned(),
        }
    }

    async fn get(&self, path: &str) -> u16 {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET");
        let status = res.status().as_u16();
        let _ = res.bytes().await;
        status
    }

    async fn record_event(&self, patient: &str, note: &str) -> u16 {
        self.http
            .post(format!(
                "{}/patients/{patient}/entries/new/life-event",
                self.base
            ))
            .header("origin", &self.base)
            .form(&[
                ("csrf", self.csrf.as_str()),
                ("kind", "bad-news-from-home"),
                ("date", "2026-11-20"),
                ("note", note),
            ])
            .send()
            .await
            .expect("POST")
            .status()
            .as_u16()
    }
}

#[derive(Default)]
struct Tally {
    /// Each request's kind and how long its answer took.
    latencies: Vec<(&'static str, Duration)>,
    errors: Vec<String>,
    /// Notes of the entries the server acknowledged (303 after the save).
    acknowledged: Vec<String>,
}

/// Every client signs in; then, all together for `run`, each reads a patient page, the
/// worklist and records a life event in turn.
/// `started` is called as the clock starts.
async fn load(
    base: &str,
    patients: &[String],
    run: Duration,
    tally: Arc<Mutex<Tally>>,
    started: impl FnOnce(),
) {
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        clients.push(Client::sign_in(base, &format!("dr.load{}", c % USERS)).await);
    }
    let until = Instant::now() + run;
    started();
    let mut tasks = Vec::new();
    for (c, client) in clients.into_iter().enumerate() {
        let patients = patients.to_vec();
        let tally = tally.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            // At least one whole round each (page, worklist, save), however slow the machine.
            while n < 3 || Instant::now() < until {
                let patient = &patients[(c * 7 + n) % patients.len()];
                let started = Instant::now();
                let (what, status, expected) = match n % 3 {
                    0 => (
                        "patient page",
                        client.get(&format!("/patients/{patient}")).await,
                        200,
                    ),
                    1 => ("worklist", client.get("/worklist").await, 200),
                    _ => {
                        let note = format!("load-{c}-{n}");
                        let status = client.record_event(patient, &note).await;
                        if status == 303 {
                            tally.lock().await.acknowledged.push(note);
                        }
                        ("save", status, 303)
                    }
                };
                let took = started.elapsed();
                let mut t = tally.lock().await;
                t.latencies.push((what, took));
                if status != expected {
                    t.errors
                        .push(format!("client {c}: {what} answered {status}"));
                }
                n += 1;
            }
        }));
    }
    for t in tasks {
        t.await.expect("client task");
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// The notes of every stored life event written by the load.
async fn stored_notes(db: &TestDb) -> Vec<String> {
    db.rows("SELECT data FROM entries WHERE kind = 'life-event' AND data LIKE '%load-%'")
        .await
        .into_iter()
        .map(|row| {
            let data: serde_json::Value = serde_json::from_str(&row[0]).expect("json");
            data.pointer("/life-event/note")
                .or_else(|| data.get("note"))
                .and_then(|n| n.as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| panic!("a note in {data}"))
        })
        .collect()
}

fn seconds() -> u64 {
    std::env::var("HAVEN_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
}

haven_testdb::both! {
    tokio(flavor = "multi_thread", worker_threads = 4)
    async fn a_hundred_clients_read_and_write_and_a_killed_server_loses_nothing_acknowledged() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::fresh(dir.path()).await;
        let patients = prepare(&db).await;
        let server = Server::spawn(db.haven());
        let tally = Arc::new(Mutex::new(Tally::default()));
        let run = Duration::from_secs(seconds());

        // A backup taken while the clients write must be a consistent, verifiable database.
        let backup = dir.path().join("during.db");
        let mut backup_job = None;
        let mut backup_command = db.haven();
        backup_command.args(["backup", "--out", backup.to_str().expect("path")]);
        load(&server.base, &patients, run, tally.clone(), || {
            backup_job = Some(tokio::task::spawn_blocking(move || {
                std::thread::sleep(run / 2);
                server::succeed(backup_command, "")
            }));
        })
        .await;
        backup_job
            .expect("the load started")
            .await
            .expect("backup job");
        let peak = server.peak_mib();
        // Killed at once after the last answer: what was acknowledged must already be on disk.
        server.kill();

        let tally = std::mem::take(&mut *tally.lock().await);
        assert!(tally.errors.is_empty(), "errors: {:?}", tally.errors);
        assert!(
            tally.acknowledged.len() >= CLIENTS,
            "every client saved at least once ({} saves)",
            tally.acknowledged.len()
        );
        let mut stored = stored_notes(&db).await;
        stored.sort();
        let mut acknowledged = tally.acknowledged.clone();
        acknowledged.sort();
        let missing: Vec<_> = acknowledged
            .iter()
            .filter(|n| stored.binary_search(n).is_err())
            .collect();
        assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
        let verify = ok(&db, &["audit", "verify"], "");
        assert!(verify.contains("intact"), "{verify}");

        // On both backends a backup is a SQLite file: restored as one.
        let restored = TestDb::sqlite(dir.path(), "restored.db");
        let key = db.audit_key.to_str().expect("utf-8 path");
        let restore = [
            "--audit-key",
            key,
            "restore",
            backup.to_str().expect("path"),
        ];
        ok(&restored, &restore, "");
        let verify = ok(&restored, &["--audit-key", key, "audit", "verify"], "");
        assert!(
            verify.contains("intact"),
            "the backup's log verifies: {verify}"
        );

        eprintln!(
            "load: {CLIENTS} clients, {} s, {} saves, server peak {} MiB",
            run.as_secs(),
            acknowledged.len(),
            peak.map_or_else(|| "unknown".to_owned(), |m| m.to_string()),
        );
        for kind in ["all", "patient page", "worklist", "save"] {
            let mut times: Vec<Duration> = tally
                .latencies
                .iter()
                .filter(|(what, _)| kind == "all" || *what == kind)
                .map(|&(_, took)| took)
                .collect();
            times.sort();
            eprintln!(
                "load: {kind:<12} {:>5} requests, p50 {:?}, p99 {:?}",
                times.len(),
                percentile(&times, 0.50),
                percentile(&times, 0.99),
            );
        }
    }
}

haven_testdb::both! {
    async fn an_import_killed_part_way_leaves_all_or_nothing_and_a_verifiable_log() {
        let dir = tempfile::tempdir().expect("temp dir");
        // The input, the same on both backends: made on SQLite.
        let source = TestDb::sqlite(dir.path(), "source.db");
        ok(&source, &["demo", "--patients", "400", "--seed", "5"], "");
        let export = dir.path().join("export");
        ok(
            &source,
            &["export", "--out", export.to_str().expect("path")],
            "",
        );
        let files: Vec<String> = std::fs::read_dir(&export)
            .expect("export dir")
            .map(|e| e.expect("entry").path().display().to_string())
            .collect();

        // Killed at growing points of its run: each time all of it or none of it is stored.
        for delay_ms in [50u64, 200, 600] {
            let db = TestDb::named(dir.path(), &format!("target-{delay_ms}.db")).await;
            ok(&db, &["migrate"], "");
            let mut child = db
                .haven()
                .arg("import")
                .args(&files)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start import");
            std::thread::sleep(Duration::from_millis(delay_ms));
            let _ = child.kill();
            let finished = child.wait().expect("wait").success();
            let count: i64 = db
                .one("SELECT CAST(count(*) AS TEXT) FROM patients")
                .await
                .parse()
                .expect("a count");
            assert!(
                count == 0 || count == 400,
                "killed after {delay_ms} ms (finished: {finished}): {count} of 400 patients stored"
            );
            let verify = ok(&db, &["audit", "verify"], "");
            assert!(verify.contains("intact"), "{verify}");
            // The database still takes the whole import afterwards.
            let mut args = vec!["import"];
            args.extend(files.iter().map(String::as_str));
            if count == 0 {
                ok(&db, &args, "");
            }
        }
    }
}
