//! The real `haven serve`, stopped and doubled: SIGTERM lets the requests in flight finish and
//! closes the database cleanly; two servers on one PostgreSQL database, with requests
//! alternating between them, behave as one (sessions, form tokens, the sign-in throttle, Bulk
//! Data jobs, the CDS Hooks replay cache, the worklist, the audit chain, a stale save).
//!
//! The PostgreSQL tests follow `haven_testdb`'s rule: without a server they pass, saying once
//! that they were skipped; with `CI=true` they must run.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use haven_testdb::{Backend, Scratch};

// Each test crate uses part of the shared harness.
#[allow(dead_code)]
#[path = "support/server.rs"]
mod server;

use server::{Server, haven};

const PASSWORD: &str = "two servers passphrase";

/// One deployment's database (a SQLite file, or a PostgreSQL database of the test's own) with
/// its audit key, shared by every server on it.
struct Deployment {
    db: String,
    dir: tempfile::TempDir,
    _scratch: Option<Scratch>,
}

impl Deployment {
    /// `None` when the backend is PostgreSQL and no server is reachable (the test is skipped).
    async fn new(backend: Backend) -> Option<Deployment> {
        let dir = tempfile::tempdir().expect("temp dir");
        let (db, scratch) = match backend {
            Backend::Sqlite => (path_text(&dir.path().join("haven.db")), None),
            Backend::Postgres => {
                let scratch = Scratch::empty().await?;
                (scratch.url().to_owned(), Some(scratch))
            }
        };
        Some(Deployment {
            db,
            dir,
            _scratch: scratch,
        })
    }

    /// `haven` on this deployment, as server (or operator) `who`: the one audit key, and a
    /// checkpoint file of its own, as on a machine of its own.
    fn haven(&self, who: &str) -> Command {
        let mut cmd = haven(&self.db);
        cmd.arg("--audit-key")
            .arg(self.dir.path().join("audit-key"))
            .arg("--audit-checkpoints")
            .arg(self.dir.path().join(format!("checkpoints-{who}")))
            .env("HAVEN_EXPORT_DIR", self.dir.path().join("exports"));
        cmd
    }

    /// Runs a command to completion; its stdout, or the test fails with its output.
    fn ok(&self, args: &[&str], stdin: &str) -> String {
        let mut cmd = self.haven("operator");
        cmd.args(args);
        server::succeed(cmd, stdin)
    }

    fn add_user(&self, name: &str, role: &str) {
        let args = ["user", "add", name, "--role", role, "--password-stdin"];
        self.ok(&args, &format!("{PASSWORD}\n"));
    }

    /// `haven audit verify` with every server's checkpoints: the whole chain, one chain.
    fn verify_audit(&self, servers: &[&str]) -> String {
        let mut args = vec!["audit".to_owned(), "verify".to_owned()];
        for who in servers {
            args.push("--checkpoint".into());
            args.push(path_text(
                &self.dir.path().join(format!("checkpoints-{who}")),
            ));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.ok(&args, "")
    }
}

fn path_text(p: &Path) -> String {
    p.to_str().expect("utf-8 path").to_owned()
}

/// The value of the first hidden `csrf` field on a page.
fn csrf(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let at = page.find(marker).expect("a form token on the page") + marker.len();
    page[at..].split('"').next().unwrap_or_default().to_owned()
}

/// A browser: one cookie jar whichever server it talks to (cookies are per host, not per
/// port, as behind one load balancer's name).
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Signs `username` in on the server at `base`; the sign-in's status.
async fn sign_in(http: &reqwest::Client, base: &str, username: &str, password: &str) -> u16 {
    let page = http
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("login body");
    http.post(format!("{base}/login"))
        .header("origin", base)
        .form(&[
            ("csrf", csrf(&page).as_str()),
            ("username", username),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("sign in")
        .status()
        .as_u16()
}

async fn page(http: &reqwest::Client, base: &str, path: &str) -> (u16, String) {
    let res = http.get(format!("{base}{path}")).send().await.expect("GET");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

async fn post_form(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let res = http
        .post(format!("{base}{path}"))
        .header("origin", base)
        .form(fields)
        .send()
        .await
        .expect("POST");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

/// Records a life event from the page's form: the status (303 when saved).
async fn record_event(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    patient: &str,
    note: &str,
) -> u16 {
    let path = format!("/patients/{patient}/entries/new/life-event");
    let fields = [
        ("csrf", token),
        ("kind", "bad-news-from-home"),
        ("date", "2026-11-20"),
        ("note", note),
    ];
    post_form(http, base, &path, &fields).await.0
}

/// Whether the server at `base` shows an entry of `patient` with `note`: the record page
/// links each entry to its own page, which shows the note.
async fn shows_entry_note(http: &reqwest::Client, base: &str, patient: &str, note: &str) -> bool {
    let (_, record) = page(http, base, &format!("/patients/{patient}")).await;
    let marker = format!("href=\"/patients/{patient}/entries/");
    let mut links: Vec<String> = record
        .match_indices(&marker)
        .map(|(at, _)| {
            let rest = &record[at + "href=\"".len()..];
            rest[..rest.find('"').unwrap_or(rest.len())].to_owned()
        })
        .filter(|l| !l.contains("/new"))
        .collect();
    links.sort();
    links.dedup();
    for link in links {
        if page(http, base, &link).await.1.contains(note) {
            return true;
        }
    }
    false
}

/// The fields a page's form sends as a browser would: inputs with their values (checkboxes and
/// radio buttons only when checked), each select's selected option, each textarea's text.
fn form_fields(page: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| {
        let marker = format!(" {name}=\"");
        tag.find(&marker).map(|at| {
            let rest = &tag[at + marker.len()..];
            rest[..rest.find('"').unwrap_or(rest.len())].to_owned()
        })
    };
    let unescape = |v: String| {
        v.replace("&#38;", "&")
            .replace("&amp;", "&")
            .replace("&#34;", "\"")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
    };
    let mut fields = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_default();
            let checkable = kind == "checkbox" || kind == "radio";
            if let Some(name) = attr(tag, "name")
                && kind != "submit"
                && (!checkable || tag.contains(" checked"))
            {
                fields.push((name, unescape(attr(tag, "value").unwrap_or_default())));
            }
        } else if tag.starts_with("<select") {
            let close = rest.find("</select>").unwrap_or(rest.len());
            let options = &rest[..close];
            if let Some(name) = attr(tag, "name") {
                let selected = options
                    .split("<option")
                    .skip(1)
                    .find(|o| o[..o.find('>').unwrap_or(o.len())].contains(" selected"))
                    .and_then(|o| attr(o, "value"))
                    .unwrap_or_default();
                fields.push((name, unescape(selected)));
            }
        } else if tag.starts_with("<textarea") {
            let close = rest.find("</textarea>").unwrap_or(rest.len());
            if let Some(name) = attr(tag, "name") {
                fields.push((name, unescape(rest[end + 1..close].to_owned())));
            }
        }
        rest = &rest[end.min(rest.len())..];
        if rest.len() <= 1 {
            break;
        }
        rest = &rest[1..];
    }
    fields
}

// ---------------------------------------------------------------------------------------------
// SIGTERM

/// Sends the start of a sign-in (headers and half the form) to `base` on a raw connection,
/// and returns the connection and the rest of the form.
fn start_slow_sign_in(
    http_base: &str,
    login_page: &str,
    cookie: &str,
) -> (std::net::TcpStream, Vec<u8>) {
    let addr = http_base.trim_start_matches("http://");
    let form = format!(
        "csrf={}&username=dr.term&password={}&next=%2F",
        csrf(login_page),
        PASSWORD.replace(' ', "+")
    );
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nOrigin: {http_base}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        form.len()
    );
    let (first, rest) = form.as_bytes().split_at(form.len() / 2);
    stream.write_all(head.as_bytes()).expect("send head");
    stream.write_all(first).expect("send half the form");
    stream.flush().expect("flush");
    (stream, rest.to_vec())
}

async fn sigterm_finishes_the_request_in_flight_and_closes_the_database(backend: Backend) {
    let Some(deployment) = Deployment::new(backend).await else {
        return;
    };
    deployment.add_user("dr.term", "clinician");
    let mut server = Server::spawn(deployment.haven("a"));
    let base = server.base.clone();
    // The sign-in form's token and its cookie, then a sign-in whose form is half sent.
    let res = reqwest::get(format!("{base}/login"))
        .await
        .expect("login page");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .collect::<Vec<_>>()
        .join("; ");
    let login_page = res.text().await.expect("login body");
    let (mut stream, rest) = start_slow_sign_in(&base, &login_page, &cookie);
    std::thread::sleep(Duration::from_millis(300));

    server.terminate();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        reqwest::get(format!("{base}/login")).await.is_err(),
        "after SIGTERM the server takes no new connection"
    );
    stream.write_all(&rest).expect("send the rest of the form");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read the answer");
    assert!(
        answer.starts_with("HTTP/1.1 303"),
        "the sign-in in flight was answered in full: {answer}"
    );
    assert!(answer.contains("haven_session="), "{answer}");

    let status = server.wait_for_exit(Duration::from_secs(20));
    assert!(
        status.success(),
        "haven serve exited {status} after SIGTERM"
    );
    // Closed cleanly: the sign-in's audit row was anchored by the shutdown checkpoint, and on
    // SQLite the last connection's close folded the write-ahead log into the file.
    let checkpoints = std::fs::read_to_string(deployment.dir.path().join("checkpoints-a"))
        .expect("a shutdown checkpoint was written");
    assert!(!checkpoints.trim().is_empty());
    let verified = deployment.verify_audit(&["a"]);
    assert!(
        verified.starts_with("audit log intact") && verified.contains("checkpoints agree"),
        "{verified}"
    );
    if backend == Backend::Sqlite {
        let wal = PathBuf::from(format!("{}-wal", deployment.db));
        assert!(
            std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
            "the write-ahead log was checkpointed and removed at close"
        );
    }
}

#[tokio::test]
async fn sigterm_finishes_the_request_in_flight_and_closes_sqlite_cleanly() {
    sigterm_finishes_the_request_in_flight_and_closes_the_database(Backend::Sqlite).await;
}

#[tokio::test]
async fn sigterm_finishes_the_request_in_flight_and_closes_postgresql_cleanly() {
    sigterm_finishes_the_request_in_flight_and_closes_the_database(Backend::Postgres).await;
}

// ---------------------------------------------------------------------------------------------
// Two servers, one PostgreSQL database

/// The address both servers are known by, as behind one load balancer: every link Haven writes
/// and the audience of CDS Hooks JWTs. Tests send each request to one server or the other.
const PUBLIC_URL: &str = "http://haven.example";
const ISSUER: &str = "https://ehr.example.org";
const KEYS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../haven-web/tests/interop/keys"
);

/// Two `haven serve` processes on one fresh PostgreSQL database with clinicians and demo
/// patients; `None` when PostgreSQL is not reachable (the test is skipped).
async fn two_servers() -> Option<(Deployment, Server, Server)> {
    let deployment = Deployment::new(Backend::Postgres).await?;
    deployment.ok(&["migrate"], "");
    for name in ["dr.a", "dr.b", "dr.guess"] {
        deployment.add_user(name, "clinician");
    }
    deployment.ok(&["demo", "--patients", "3", "--seed", "5"], "");
    let jwks = std::fs::read_to_string(format!("{KEYS}/ec384-jwks.json")).expect("test jwks");
    let issuers = deployment.dir.path().join("cds-issuers.json");
    let config = format!("{{\"issuers\": [{{\"iss\": \"{ISSUER}\", \"jwks\": {jwks}}}]}}");
    std::fs::write(&issuers, config).expect("write issuers");
    let server = |who: &str| {
        let mut cmd = deployment.haven(who);
        cmd.env("HAVEN_PUBLIC_URL", PUBLIC_URL)
            .env("HAVEN_CDS_ISSUERS", &issuers);
        Server::spawn(cmd)
    };
    let (a, b) = (server("a"), server("b"));
    Some((deployment, a, b))
}

/// `url` (under [`PUBLIC_URL`]) sent to the server at `base` instead.
fn via(base: &str, url: &str) -> String {
    format!("{base}{}", url.strip_prefix(PUBLIC_URL).unwrap_or(url))
}

#[tokio::test]
async fn a_bulk_export_started_on_one_server_is_polled_and_downloaded_on_the_other() {
    let Some((deployment, a, b)) = two_servers().await else {
        return;
    };
    let printed = deployment.ok(&["token", "add", "exporter", "--scope", "read"], "");
    let token = printed
        .split_whitespace()
        .find(|w| w.starts_with("hvn_"))
        .expect("the token is printed")
        .to_owned();
    let http = reqwest::Client::new();
    let kick = http
        .get(format!("{}/fhir/$export?_type=Patient", a.base))
        .bearer_auth(&token)
        .header("prefer", "respond-async")
        .send()
        .await
        .expect("kick-off on A");
    assert_eq!(kick.status(), 202);
    let status_url = kick.headers()["content-location"]
        .to_str()
        .expect("status url")
        .to_owned();
    let mut manifest = serde_json::Value::Null;
    for _ in 0..400 {
        let poll = http
            .get(via(&b.base, &status_url))
            .bearer_auth(&token)
            .send()
            .await
            .expect("poll on B");
        if poll.status() == 202 {
            tokio::time::sleep(Duration::from_millis(25)).await;
            continue;
        }
        assert_eq!(poll.status(), 200, "B answers for the job A started");
        manifest = poll.json().await.expect("manifest");
        break;
    }
    let output = manifest["output"].as_array().expect("a finished export");
    assert_eq!(output.len(), 1, "{manifest}");
    let file = http
        .get(via(&b.base, output[0]["url"].as_str().expect("url")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("download on B");
    assert_eq!(file.status(), 200, "B serves the file A wrote");
    let patients = file.text().await.expect("ndjson").lines().count();
    assert_eq!(patients, 3, "every demo patient exported");
}

#[tokio::test]
async fn a_cds_hooks_jwt_used_on_one_server_is_refused_as_a_replay_on_the_other() {
    let Some((_deployment, a, b)) = two_servers().await else {
        return;
    };
    let service = "/cds-services/haven-patient-view";
    let now = jsonwebtoken::get_current_timestamp();
    let claims = serde_json::json!({
        "iss": ISSUER, "sub": "ehr-client", "aud": format!("{PUBLIC_URL}{service}"),
        "exp": now + 300, "iat": now, "jti": uuid::Uuid::new_v4().to_string()
    });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES384);
    header.kid = Some("ehr-es384".into());
    let pem = std::fs::read(format!("{KEYS}/ec384-private.pem")).expect("test key");
    let key = jsonwebtoken::EncodingKey::from_ec_pem(&pem).expect("key");
    let jwt = jsonwebtoken::encode(&header, &claims, &key).expect("sign");
    // Everything Haven asks to be prefetched: the patient, and empty searches for the rest.
    let mut prefetch = serde_json::json!({"patient": {"resourceType": "Patient", "id": "ehr-1", "birthDate": "1990-01-01"}});
    for (key, _) in haven_fhir::cds::PREFETCH
        .iter()
        .filter(|(k, _)| *k != "patient")
    {
        prefetch[*key] =
            serde_json::json!({"resourceType": "Bundle", "type": "searchset", "entry": []});
    }
    let request = serde_json::json!({
        "hookInstance": "6c0a6b5e-8d4e-4a43-9f1a-2b7f3a0c9d11",
        "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": "ehr-1"},
        "prefetch": prefetch
    });
    let call = |base: String| {
        let (jwt, request) = (jwt.clone(), request.clone());
        async move {
            reqwest::Client::new()
                .post(format!("{base}{service}"))
                .bearer_auth(jwt)
                .json(&request)
                .send()
                .await
                .expect("call")
                .status()
                .as_u16()
        }
    };
    assert_eq!(call(a.base.clone()).await, 200, "the first use, on A");
    assert_eq!(
        call(b.base.clone()).await,
        401,
        "the same JWT on B is a replay"
    );
    assert_eq!(call(a.base.clone()).await, 401);
}

#[tokio::test]
async fn a_session_and_its_form_token_made_on_one_server_work_on_the_other() {
    let Some((_deployment, a, b)) = two_servers().await else {
        return;
    };
    let http = browser();
    assert_eq!(sign_in(&http, &a.base, "dr.a", PASSWORD).await, 303);
    let (status, patients) = page(&http, &b.base, "/patients").await;
    assert_eq!(status, 200, "B knows the session A made");
    let token = csrf(&patients);
    assert_eq!(
        record_event(
            &http,
            &b.base,
            &token,
            "pat-1",
            "saved on B with the token of A"
        )
        .await,
        303,
        "B accepts the form token of the session A made"
    );
    assert!(
        shows_entry_note(&http, &a.base, "pat-1", "saved on B with the token of A").await,
        "A shows what was saved on B"
    );
    // Signing out on B ends the session on A too.
    let (_, home) = page(&http, &b.base, "/patients").await;
    let (status, _) = post_form(&http, &b.base, "/logout", &[("csrf", &csrf(&home))]).await;
    assert_eq!(status, 303, "signed out on B");
    let (status, _) = page(&http, &a.base, "/patients").await;
    assert_eq!(status, 303, "A sends the signed-out browser to sign in");
}

#[tokio::test]
async fn failed_sign_ins_are_counted_across_both_servers() {
    let Some((_deployment, a, b)) = two_servers().await else {
        return;
    };
    let http = browser();
    // Five wrong passwords, alternating: three on A, two on B. Each server alone saw fewer
    // than the five that start the delay.
    for n in 0..5 {
        let base = if n % 2 == 0 { &a.base } else { &b.base };
        assert_eq!(
            sign_in(&http, base, "dr.guess", "wrong").await,
            401,
            "guess {n}"
        );
    }
    assert_eq!(
        sign_in(&http, &b.base, "dr.guess", PASSWORD).await,
        429,
        "B refuses even the right password while the pair is locked"
    );
    assert_eq!(sign_in(&http, &a.base, "dr.guess", PASSWORD).await, 429);
    // Another clinician from elsewhere is not affected.
    assert_eq!(sign_in(&browser(), &b.base, "dr.a", PASSWORD).await, 303);
}

#[tokio::test]
async fn an_entry_saved_on_one_server_shows_in_the_others_worklist_and_both_writing_keep_one_audit_chain()
 {
    let Some((deployment, a, b)) = two_servers().await else {
        return;
    };
    let (on_a, on_b) = (browser(), browser());
    assert_eq!(sign_in(&on_a, &a.base, "dr.a", PASSWORD).await, 303);
    assert_eq!(sign_in(&on_b, &b.base, "dr.b", PASSWORD).await, 303);
    let token_a = csrf(&page(&on_a, &a.base, "/patients").await.1);
    let token_b = csrf(&page(&on_b, &b.base, "/patients").await.1);

    // Both servers writing at once, to the same and to different patients.
    let writes = 20;
    let (from_a, from_b) = tokio::join!(
        async {
            let mut saved = 0;
            for n in 0..writes {
                let patient = format!("pat-{}", 1 + n % 3);
                saved += u32::from(
                    record_event(&on_a, &a.base, &token_a, &patient, &format!("from A {n}")).await
                        == 303,
                );
            }
            saved
        },
        async {
            let mut saved = 0;
            for n in 0..writes {
                let patient = format!("pat-{}", 1 + (n + 1) % 3);
                saved += u32::from(
                    record_event(&on_b, &b.base, &token_b, &patient, &format!("from B {n}")).await
                        == 303,
                );
            }
            saved
        }
    );
    assert_eq!(
        (from_a, from_b),
        (writes, writes),
        "every write acknowledged"
    );

    // What A saved is on B's pages, and the worklists agree.
    assert!(
        shows_entry_note(&on_b, &b.base, "pat-1", "from A 0").await,
        "B shows the entry A saved"
    );
    // One clinician's practice worklist, read from each server (a first page takes the
    // "saved" notice): the same tasks, counts and reasons.
    page(&on_a, &a.base, "/patients").await;
    let (_, list_a) = page(&on_a, &a.base, "/worklist/practice").await;
    let (_, list_b) = page(&on_a, &b.base, "/worklist/practice").await;
    assert!(
        list_a.contains("/patients/pat-1/entries/new/risk-review"),
        "{list_a}"
    );
    assert_eq!(list_a, list_b, "one worklist, whichever server shows it");

    drop((a, b));
    let verified = deployment.verify_audit(&[]);
    assert!(verified.starts_with("audit log intact"), "{verified}");
}

#[tokio::test]
async fn two_clinicians_saving_one_patient_on_two_servers_lose_no_update() {
    let Some((_deployment, a, b)) = two_servers().await else {
        return;
    };
    let (first, second) = (browser(), browser());
    assert_eq!(sign_in(&first, &a.base, "dr.a", PASSWORD).await, 303);
    assert_eq!(sign_in(&second, &b.base, "dr.b", PASSWORD).await, 303);
    // Both open the same patient's details form.
    let (_, form_a) = page(&first, &a.base, "/patients/pat-2/edit").await;
    let (_, form_b) = page(&second, &b.base, "/patients/pat-2/edit").await;
    let version = |form: &str| {
        form_fields(form)
            .into_iter()
            .find(|(k, _)| k == "version")
            .map(|(_, v)| v)
    };
    assert!(version(&form_a).is_some());
    assert_eq!(version(&form_a), version(&form_b));
    // Each submits the whole form as the browser would, changing the phone.
    let filled = |form: &str, phone: &str, reason: &str| -> Vec<(String, String)> {
        let mut fields = form_fields(form);
        for (k, v) in &mut fields {
            match k.as_str() {
                "phone" => *v = phone.to_owned(),
                "reason" => *v = reason.to_owned(),
                _ => {}
            }
        }
        fields
    };
    let as_pairs = |f: &[(String, String)]| -> Vec<(String, String)> { f.to_vec() };
    let fields_b = as_pairs(&filled(
        &form_b,
        "07700 900111",
        "new phone given at reception",
    ));
    let fields_b: Vec<(&str, &str)> = fields_b
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, _) = post_form(&second, &b.base, "/patients/pat-2/edit", &fields_b).await;
    assert_eq!(status, 303, "the first save, on B, is kept");

    let fields_a = filled(&form_a, "07700 900222", "phone corrected");
    let fields_a: Vec<(&str, &str)> = fields_a
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, answer) = post_form(&first, &a.base, "/patients/pat-2/edit", &fields_a).await;
    assert_eq!(status, 409, "the second save, on A, is refused");
    assert!(
        answer.contains("Someone else changed these details"),
        "{answer}"
    );
    assert!(
        answer.contains("while you were editing: phone (they are now at version"),
        "the refusal says what changed: {answer}"
    );
    let (_, record) = page(&first, &a.base, "/patients/pat-2").await;
    assert!(
        record.contains("07700 900111"),
        "B's save was not overwritten"
    );
    assert!(!record.contains("07700 900222"));
}
