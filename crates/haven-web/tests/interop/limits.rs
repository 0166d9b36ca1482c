//! Requests that cannot exhaust the server: heavy requests beyond their limit are refused at
//! once with 503, `Retry-After` and an OperationOutcome saying nothing was done; bodies over
//! a route's limit get 413 with an OperationOutcome; no link Haven writes names the request's
//! `Host`.
//!
//! A request is held open deterministically, with no sleeps: it is sent with
//! `Expect: 100-continue` and its body is withheld until the server answers `100 Continue`,
//! which it does only when the handler — admitted past the limit — starts reading the body.

use haven_store::api_tokens::ApiScope;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::cds::{full_prefetch, patient_view};
use crate::support::{TestApp, record, spawn_app, spawn_app_with, transaction};

/// A request admitted by the server whose body has not been sent yet.
struct Held {
    stream: TcpStream,
    body: Vec<u8>,
}

impl Held {
    /// Sends the head of `POST path` with `body`'s length, and waits for `100 Continue`.
    async fn open(app: &TestApp, path: &str, token: &str, body: &Value) -> Self {
        let addr = app.base.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let body = body.to_string().into_bytes();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.expect("send head");
        let interim = read_head(&mut stream).await;
        assert!(
            interim.starts_with("HTTP/1.1 100"),
            "the server reads the body only once admitted: {interim}"
        );
        Self { stream, body }
    }

    /// Sends the body and reads the whole response: its status line and body.
    async fn finish(mut self) -> (String, Value) {
        self.stream.write_all(&self.body).await.expect("send body");
        let mut response = Vec::new();
        self.stream
            .read_to_end(&mut response)
            .await
            .expect("read response");
        let text = String::from_utf8(response).expect("utf-8");
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        let status = head.lines().next().unwrap_or_default().to_owned();
        (status, serde_json::from_str(body).expect("json body"))
    }
}

/// The response head up to its blank line, read a byte at a time so nothing after it is taken.
async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let byte = stream.read_u8().await.expect("read a response head");
        head.push(byte);
    }
    String::from_utf8(head).expect("utf-8 head")
}

fn one_patient(family: &str, nhs: &str) -> Value {
    json!({"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": "urn:uuid:6f0c1a52-8d0b-4a59-9a43-2b8e53a1f001",
         "resource": {"resourceType": "Patient", "name": [{"family": family, "given": ["Amina"]}],
                      "birthDate": "1990-05-01",
                      "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs}]},
         "request": {"method": "POST", "url": "Patient"}}]})
}

/// The status, `Retry-After` and OperationOutcome (issue code, diagnostics) of a refusal.
async fn refusal(response: reqwest::Response) -> (u16, Option<String>, String, String) {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().expect("ascii").to_owned());
    let outcome: Value = response.json().await.expect("json");
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (
        status,
        retry_after,
        text(&outcome["issue"][0]["code"]),
        text(&outcome["issue"][0]["diagnostics"]),
    )
}

/// How many stored patients have NHS number `nhs`.
async fn patients_with(app: &TestApp, nhs: &str) -> i64 {
    let query = haven_store::PatientQuery {
        text: Some(nhs.to_owned()),
        clinician: None,
        language: None,
        offset: 0,
        limit: 10,
    };
    app.store.search_patients(&query).await.expect("search").1
}

haven_testdb::both! {
    async fn a_fhir_write_beyond_the_limit_is_refused_at_once_and_stores_nothing() {
        let app = spawn_app_with(|c| c.limits.fhir_writes = 1.try_into().expect("one")).await;
        let write = app.token(ApiScope::Write).await;
        let held = Held::open(&app, "/fhir", &write, &one_patient("Haddad", "9000000009")).await;

        // The one place is taken: a second write, and an update, are refused unread.
        let second = app
            .post_json("/fhir", &write, &one_patient("Karimi", "9434765919"))
            .await;
        let (status, retry_after, code, diagnostics) = refusal(second).await;
        assert_eq!(status, 503);
        assert_eq!(retry_after.as_deref(), Some("5"));
        assert_eq!(code, "throttled");
        assert!(
            diagnostics.contains("nothing in this request was stored")
                && diagnostics.contains("again in 5 seconds"),
            "{diagnostics}"
        );
        let update = app
            .http
            .put(app.url("/fhir/Patient/pat-9"))
            .bearer_auth(&write)
            .body("{}")
            .send()
            .await
            .expect("update");
        assert_eq!(update.status(), 503);
        // Reads are not limited.
        assert_eq!(app.get("/fhir/Patient", &write).await.status(), 200);

        let (status, response) = held.finish().await;
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        assert_eq!(response["type"], "transaction-response");
        assert_eq!(patients_with(&app, "9000000009").await, 1);
        assert_eq!(
            patients_with(&app, "9434765919").await,
            0,
            "the refused write"
        );
        // Once the first is answered, its place is free again.
        let again = app
            .post_json("/fhir", &write, &one_patient("Karimi", "9434765919"))
            .await;
        assert_eq!(again.status(), 200);
        assert_eq!(patients_with(&app, "9434765919").await, 1);
    }
}

haven_testdb::both! {
    async fn a_cds_hooks_call_beyond_the_limit_is_refused_saying_no_advice_was_given() {
        let app = spawn_app_with(|c| c.limits.cds_calls = 1.try_into().expect("one")).await;
        let read = app.token(ApiScope::Read).await;
        let call = patient_view(full_prefetch(), None);
        let service = "/cds-services/haven-patient-view";
        let held = Held::open(&app, service, &read, &call).await;

        let second = app.post_json(service, &read, &call).await;
        let (status, retry_after, code, diagnostics) = refusal(second).await;
        assert_eq!((status, retry_after.as_deref()), (503, Some("5")));
        assert_eq!(code, "throttled");
        assert!(diagnostics.contains("no advice was given"), "{diagnostics}");
        // Discovery is not limited.
        assert_eq!(app.get("/cds-services", &read).await.status(), 200);

        let (status, cards) = held.finish().await;
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        assert!(cards["cards"].is_array());
        assert_eq!(app.post_json(service, &read, &call).await.status(), 200);
    }
}

/// The status line and JSON body of a request whose head declares `length` bytes of body, none
/// of which is sent: a body over the limit must be refused without being read.
async fn declared(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    length: usize,
) -> (String, Value) {
    let addr = app.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/fhir+json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("send head");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .await
        .expect("read response");
    let text = String::from_utf8(response).expect("utf-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
    let status = head.lines().next().unwrap_or_default().to_owned();
    (status, serde_json::from_str(body).expect("json body"))
}

haven_testdb::both! {
    async fn a_body_over_the_route_s_limit_gets_413_with_an_operation_outcome() {
        let app = spawn_app().await;
        let (read, write) = (
            app.token(ApiScope::Read).await,
            app.token(ApiScope::Write).await,
        );
        let cases = [
            (
                "POST",
                "/fhir",
                &write,
                haven_fhir::MAX_DOCUMENT_BYTES,
                "64 MiB",
            ),
            (
                "PUT",
                "/fhir/Patient/pat-1",
                &write,
                haven_fhir::MAX_RESOURCE_BYTES,
                "1 MiB",
            ),
            (
                "POST",
                "/cds-services/haven-patient-view",
                &read,
                haven_web::cds::MAX_REQUEST_BYTES,
                "16 MiB",
            ),
        ];
        for (method, path, token, limit, named) in cases {
            // Declared over the limit: refused before a byte of it is read.
            let (status, outcome) = declared(&app, method, path, token, limit + 1).await;
            assert!(status.starts_with("HTTP/1.1 413"), "{path}: {status}");
            assert_eq!(outcome["resourceType"], "OperationOutcome");
            assert_eq!(outcome["issue"][0]["code"], "too-long", "{path}");
            let diagnostics = outcome["issue"][0]["diagnostics"]
                .as_str()
                .unwrap_or_default();
            assert!(
                diagnostics.contains(named) && diagnostics.contains("nothing was stored"),
                "{path}: {diagnostics}"
            );
        }
        // A body at the limit is read (and refused for what it holds, not its size).
        let at_limit = app
            .http
            .put(app.url("/fhir/Patient/pat-1"))
            .bearer_auth(&write)
            .body(vec![b' '; haven_fhir::MAX_RESOURCE_BYTES])
            .send()
            .await
            .expect("request");
        let (status, _, code, _) = refusal(at_limit).await;
        assert_eq!((status, code.as_str()), (400, "structure"));
        assert_eq!(app.store.count_patients().await.expect("count"), 0);
    }
}

/// Every header value and the body of a response, as text to search.
async fn text_of(response: reqwest::Response) -> String {
    let mut text: String = response
        .headers()
        .values()
        .map(|v| format!("{}\n", String::from_utf8_lossy(v.as_bytes())))
        .collect();
    text.push_str(&response.text().await.expect("body"));
    text
}

haven_testdb::both! {
    async fn no_link_haven_writes_comes_from_the_host_header() {
        let app = spawn_app().await;
        let (read, write) = (
            app.token(ApiScope::Read).await,
            app.token(ApiScope::Write).await,
        );
        let evil = "evil.example";
        let send = |request: reqwest::RequestBuilder, token: &str| {
            request
                .bearer_auth(token)
                .header("host", evil)
                .header("x-forwarded-proto", "https")
                .header("content-type", "application/fhir+json")
                .send()
        };
        let mut seen = Vec::new();
        // A transaction (Bundle response with locations), an update-as-create (Location).
        let batch = send(
            app.http
                .post(app.url("/fhir"))
                .body(transaction(&record()).to_string()),
            &write,
        )
        .await
        .expect("batch");
        assert_eq!(batch.status(), 200);
        seen.push(text_of(batch).await);
        let patient = json!({"resourceType": "Patient", "id": "ehr-1", "name": [{"family": "Karimi"}], "birthDate": "1980-02-02"});
        let created = send(
            app.http
                .put(app.url("/fhir/Patient/ehr-1"))
                .body(patient.to_string()),
            &write,
        )
        .await
        .expect("update");
        assert_eq!(created.status(), 201);
        let location = created.headers()["location"].to_str().expect("ascii");
        assert!(location.starts_with(&app.base), "{location}");
        seen.push(text_of(created).await);
        // A search (Bundle self and next links, fullUrls) and the CapabilityStatement.
        for path in ["/fhir/Observation?_count=1", "/fhir/metadata"] {
            let response = send(app.http.get(app.url(path)), &read).await.expect(path);
            assert_eq!(response.status(), 200, "{path}");
            let text = text_of(response).await;
            assert!(text.contains(&app.base), "{path}: {text}");
            seen.push(text);
        }
        // A bulk export: the status URL and the manifest's file URLs.
        let kick = send(
            app.http
                .get(app.url("/fhir/$export"))
                .header("prefer", "respond-async"),
            &read,
        )
        .await
        .expect("kick-off");
        assert_eq!(kick.status(), 202);
        let status_url = kick.headers()["content-location"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(status_url.starts_with(&app.base), "{status_url}");
        seen.push(text_of(kick).await);
        let mut polls = 0;
        let manifest = loop {
            polls += 1;
            assert!(polls < 100_000, "the export never finished");
            let poll = send(app.http.get(&status_url), &read).await.expect("poll");
            if poll.status() == 200 {
                break text_of(poll).await;
            }
            assert_eq!(poll.status(), 202);
            // The job is a background task on this runtime: let it run.
            tokio::task::yield_now().await;
        };
        assert!(manifest.contains("$export-file"), "{manifest}");
        seen.push(manifest);
        // CDS Hooks cards' links.
        let cards = send(
            app.http
                .post(app.url("/cds-services/haven-patient-view"))
                .body(patient_view(full_prefetch(), None).to_string()),
            &read,
        )
        .await
        .expect("cds");
        assert_eq!(cards.status(), 200);
        let cards = text_of(cards).await;
        assert!(
            cards.contains(&format!("{}/guidance/", app.base)),
            "{cards}"
        );
        seen.push(cards);
        for text in &seen {
            assert!(!text.contains(evil), "{text}");
        }
    }
}
