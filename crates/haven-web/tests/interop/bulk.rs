//! FHIR Bulk Data beyond the system-level basics (`fhir.rs`): Patient and Group exports and the
//! Groups a client discovers, POST kick-off with a `Parameters` body, `_typeFilter` applied
//! exactly as a search or refused, expiry, jobs that survive a restart, and sensitive history
//! governed by the token's permission in read, search and export.

use std::collections::BTreeMap;
use std::time::Duration;

use haven_core::record::PatientRecord;
use haven_store::Actor;
use haven_store::api_tokens::ApiScope;
use haven_store::export_jobs::{ExportKind, NewExportJob};
use serde_json::{Value, json};

use crate::support::{TestApp, record, spawn_app, spawn_app_with};

async fn body(response: reqwest::Response) -> Value {
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Two patients: pat-17 (the full test record, named clinician `dr.a`) and pat-18 (no named
/// clinician, no entries).
async fn load(app: &TestApp) {
    let mut named = record();
    named.patient.named_clinician = Some("dr.a".into());
    let other = PatientRecord::new(haven_core::record::Patient::new(
        "pat-18".into(),
        "Laleh",
        "Karimi",
    ));
    app.store
        .insert_records(&Actor::new("admin"), "test", [vec![named, other]], |_| {})
        .await
        .expect("records");
}

/// Kicks off an export (GET with `query`, or POST with `parameters`) and returns the response.
async fn kick(
    app: &TestApp,
    token: &str,
    path: &str,
    parameters: Option<Value>,
    prefer: &str,
) -> reqwest::Response {
    let request = match parameters {
        None => app.http.get(app.url(path)),
        Some(p) => app
            .http
            .post(app.url(path))
            .header("content-type", "application/fhir+json")
            .body(p.to_string()),
    };
    request
        .bearer_auth(token)
        .header("prefer", prefer)
        .send()
        .await
        .expect("kick-off")
}

/// The status URL of an export that was accepted.
pub(crate) async fn started(
    app: &TestApp,
    token: &str,
    path: &str,
    parameters: Option<Value>,
) -> String {
    let response = kick(app, token, path, parameters, "respond-async").await;
    let status = response.status();
    assert_eq!(
        status,
        202,
        "{path}: {}",
        response.text().await.unwrap_or_default()
    );
    response.headers()["content-location"]
        .to_str()
        .expect("url")
        .to_owned()
}

/// Polls until the export is no longer running: its final status and body.
async fn finished(app: &TestApp, token: &str, status_url: &str) -> (u16, Value) {
    for _ in 0..400 {
        let poll = app
            .http
            .get(status_url)
            .bearer_auth(token)
            .send()
            .await
            .expect("poll");
        if poll.status() == 202 {
            tokio::time::sleep(Duration::from_millis(25)).await;
            continue;
        }
        return (poll.status().as_u16(), body(poll).await);
    }
    panic!("the export did not finish");
}

/// The resources of a finished export, by type.
pub(crate) async fn download(
    app: &TestApp,
    token: &str,
    status_url: &str,
) -> BTreeMap<String, Vec<Value>> {
    let (status, manifest) = finished(app, token, status_url).await;
    assert_eq!(status, 200, "{manifest}");
    let mut out = BTreeMap::new();
    for output in manifest["output"].as_array().expect("output") {
        let file = app
            .http
            .get(output["url"].as_str().expect("url"))
            .bearer_auth(token)
            .send()
            .await
            .expect("file");
        assert_eq!(file.status(), 200);
        let text = file.text().await.expect("text");
        let resources: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("ndjson"))
            .collect();
        assert_eq!(
            resources.len() as u64,
            output["count"].as_u64().expect("count")
        );
        out.insert(output["type"].as_str().expect("type").to_owned(), resources);
    }
    out
}

fn ids(resources: Option<&Vec<Value>>) -> Vec<String> {
    let mut ids: Vec<String> = resources
        .into_iter()
        .flatten()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort();
    ids
}

fn parameters(pairs: &[(&str, &str)]) -> Value {
    let parameter: Vec<Value> = pairs
        .iter()
        .map(|(name, value)| json!({"name": name, "valueString": value}))
        .collect();
    json!({"resourceType": "Parameters", "parameter": parameter})
}

haven_testdb::both! {
    async fn groups_are_discoverable_and_patient_and_group_exports_cover_their_patients() {
        let app = spawn_app().await;
        load(&app).await;
        let read = app.token(ApiScope::Read).await;

        let groups = body(app.get("/fhir/Group", &read).await).await;
        assert_eq!(groups["resourceType"], "Bundle");
        assert_eq!(groups["total"], 2);
        let practice = &groups["entry"][0]["resource"];
        assert_eq!(
            (
                &practice["id"],
                &practice["quantity"],
                &practice["type"],
                &practice["actual"]
            ),
            (
                &json!("practice"),
                &json!(2),
                &json!("person"),
                &json!(true)
            )
        );
        let mine = body(app.get("/fhir/Group/clinician-dr.a", &read).await).await;
        assert_eq!(
            (&mine["resourceType"], &mine["quantity"]),
            (&json!("Group"), &json!(1))
        );
        let unknown = app.get("/fhir/Group/clinician-nobody", &read).await;
        assert_eq!(unknown.status(), 404);
        assert_eq!(body(unknown).await["resourceType"], "OperationOutcome");
        let statement = body(app.get("/fhir/metadata", &read).await).await;
        let declared: Vec<&str> = statement["rest"][0]["resource"]
            .as_array()
            .expect("resources")
            .iter()
            .filter_map(|r| r["type"].as_str())
            .collect();
        assert!(declared.contains(&"Group"), "{declared:?}");

        // A clinician's list holds only their patients; the practice, and the Patient level, all.
        let url = started(
            &app,
            &read,
            "/fhir/Group/clinician-dr.a/$export?_type=Patient",
            None,
        )
        .await;
        let mine = download(&app, &read, &url).await;
        assert_eq!(ids(mine.get("Patient")), ["pat-17"]);
        assert_eq!(mine.len(), 1, "only the types asked for");
        let url = started(
            &app,
            &read,
            "/fhir/Group/practice/$export",
            Some(parameters(&[
                ("_type", "Patient"),
                ("_outputFormat", "application/fhir+ndjson"),
            ])),
        )
        .await;
        assert_eq!(
            ids(download(&app, &read, &url).await.get("Patient")),
            ["pat-17", "pat-18"]
        );
        let url = started(&app, &read, "/fhir/Patient/$export", None).await;
        let everything = download(&app, &read, &url).await;
        assert_eq!(ids(everything.get("Patient")), ["pat-17", "pat-18"]);
        assert!(everything.contains_key("Observation"));
        // The named clinician a Patient's generalPractitioner references is exported beside it.
        assert_eq!(ids(everything.get("Practitioner")), ["dr.a"]);

        // POST kick-off at the system level, with `_since` after everything was stored: nothing.
        let later = (time::OffsetDateTime::now_utc() + time::Duration::hours(1))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("instant");
        let url = started(
            &app,
            &read,
            "/fhir/$export",
            Some(parameters(&[("_since", &later)])),
        )
        .await;
        assert!(download(&app, &read, &url).await.is_empty());

        let unknown = kick(
            &app,
            &read,
            "/fhir/Group/nobody/$export",
            None,
            "respond-async",
        )
        .await;
        assert_eq!(unknown.status(), 404);
        let audit = app.store.audit_recent(None, 50).await.expect("audit");
        assert!(
            audit
                .iter()
                .any(|a| a.action == "fhir.export"
                    && a.detail.contains("(Group/clinician-dr.a): Patient"))
        );
    }
}

haven_testdb::both! {
    async fn a_type_filter_keeps_what_the_search_finds_or_refuses_the_export() {
        let app = spawn_app().await;
        load(&app).await;
        let read = app.token(ApiScope::Read).await;
        let observations = body(app.get("/fhir/Observation?patient=pat-17", &read).await).await;
        let coding = &observations["entry"][0]["resource"]["code"]["coding"][0];
        let code = format!(
            "{}|{}",
            coding["system"].as_str().expect("system"),
            coding["code"].as_str().expect("code")
        );
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("code", &code)
            .finish();
        let searched = body(app.get(&format!("/fhir/Observation?{query}"), &read).await).await;
        let expected: Vec<Value> = searched["entry"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| e["resource"].clone())
            .collect();
        assert!(
            !expected.is_empty()
                && expected.len() < observations["total"].as_u64().expect("n") as usize
        );

        let filter = format!("Observation?{query}");
        let export_query = form_urlencoded::Serializer::new(String::new())
            .append_pair("_type", "Observation,Patient")
            .append_pair("_typeFilter", &filter)
            .append_pair("_typeFilter", "Patient?family=karimi")
            .finish();
        let url = started(&app, &read, &format!("/fhir/$export?{export_query}"), None).await;
        let exported = download(&app, &read, &url).await;
        assert_eq!(ids(exported.get("Observation")), ids(Some(&expected)));
        assert_eq!(ids(exported.get("Patient")), ["pat-18"]);

        // The same by POST, at the Patient level.
        let url = started(
            &app,
            &read,
            "/fhir/Patient/$export",
            Some(parameters(&[
                ("_type", "Observation"),
                ("_typeFilter", &filter),
            ])),
        )
        .await;
        assert_eq!(
            ids(download(&app, &read, &url).await.get("Observation")),
            ids(Some(&expected))
        );

        // A parameter the search cannot apply refuses the whole kick-off, naming it.
        let before = app
            .store
            .audit_recent(None, 500)
            .await
            .expect("audit")
            .len();
        for (filter, named) in [
            ("Observation?value-quantity=5", "value-quantity"),
            ("Observation?_includeSensitive=true", "_includeSensitive"),
            ("Patient?code=x", "code"),
        ] {
            let refused = kick(
                &app,
                &read,
                "/fhir/$export",
                Some(parameters(&[("_typeFilter", filter)])),
                "respond-async",
            )
            .await;
            assert_eq!(refused.status(), 400, "{filter}");
            let outcome = body(refused).await;
            assert_eq!(outcome["resourceType"], "OperationOutcome");
            let text = outcome["issue"][0]["diagnostics"].as_str().expect("text");
            assert!(text.contains(named), "{text}");
        }
        let after = app
            .store
            .audit_recent(None, 500)
            .await
            .expect("audit")
            .len();
        assert_eq!(before, after, "no export was started");
    }
}

haven_testdb::both! {
    async fn finished_exports_expire_their_files_are_deleted_and_the_status_says_so() {
        // A retention of nothing: an export expires as soon as a second has passed since it ended.
        let app = spawn_app_with(|c| c.fhir.export_retention = Duration::ZERO).await;
        load(&app).await;
        let read = app.token(ApiScope::Read).await;
        let url = started(&app, &read, "/fhir/$export?_type=Patient", None).await;
        let id = url.rsplit('/').next().expect("id").to_owned();
        let (status, _) = finished(&app, &read, &url).await;
        assert!(status == 200 || status == 404, "{status}");
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let expired = app.get(&format!("/fhir/$export-status/{id}"), &read).await;
        assert_eq!(expired.status(), 404);
        let text = body(expired).await["issue"][0]["diagnostics"].to_string();
        assert!(text.contains("expired"), "{text}");
        assert!(!app.export_dir().join(format!("haven-export-{id}")).exists());
        let file = app
            .get(&format!("/fhir/$export-file/{id}/Patient.ndjson"), &read)
            .await;
        assert_eq!(file.status(), 404);
    }
}

haven_testdb::both! {
    async fn export_jobs_survive_a_restart_and_one_left_running_is_failed() {
        let app = spawn_app().await;
        load(&app).await;
        let read = app.token(ApiScope::Read).await;
        let url = started(&app, &read, "/fhir/$export?_type=Patient", None).await;
        let id = url.rsplit('/').next().expect("id").to_owned();
        let before = download(&app, &read, &url).await;
        let token = app.store.list_api_tokens().await.expect("tokens")[0]
            .id
            .clone();

        let app = app.restart().await;
        let url = app.url(&format!("/fhir/$export-status/{id}"));
        assert_eq!(download(&app, &read, &url).await, before);

        // A job whose server died while it ran: its heartbeat stopped two minutes ago.
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        app.store
            .create_export_job(
                &NewExportJob {
                    id: "left-running".into(),
                    owner_token: token,
                    request_url: app.url("/fhir/$export"),
                    transaction_time: "2026-12-06T10:00:00Z".into(),
                    kind: ExportKind::System,
                    parameters: "{}".into(),
                    total: 2,
                },
                now - 120,
            )
            .await
            .expect("job");
        let (status, outcome) =
            finished(&app, &read, &app.url("/fhir/$export-status/left-running")).await;
        assert_eq!(status, 500);
        let text = outcome["issue"][0]["diagnostics"].as_str().expect("text");
        assert!(
            text.contains("interrupted") && text.contains("start a new export"),
            "{text}"
        );
    }
}

haven_testdb::both! {
    async fn sensitive_history_follows_the_tokens_permission_in_read_search_and_export() {
        let app = spawn_app().await;
        load(&app).await;
        let plain = app.token(ApiScope::Read).await;
        let sensitive = app.sensitive_token(ApiScope::Read).await;

        // The disclosure (Condition e1) never reaches a token without the permission, asked or not.
        for path in [
            "/fhir/Condition/e1",
            "/fhir/Condition/e1?_includeSensitive=true",
        ] {
            assert_eq!(app.get(path, &plain).await.status(), 404, "{path}");
        }
        let found = body(
            app.get(
                "/fhir/Condition?patient=pat-17&_includeSensitive=true",
                &plain,
            )
            .await,
        )
        .await;
        assert_eq!(found["total"], 0);
        let strict = app
            .http
            .get(app.url("/fhir/Condition?patient=pat-17&_includeSensitive=true"))
            .bearer_auth(&plain)
            .header("prefer", "handling=strict")
            .send()
            .await
            .expect("search");
        assert_eq!(
            strict.status(),
            400,
            "an unknown parameter under strict handling"
        );
        let refused = kick(
            &app,
            &plain,
            "/fhir/$export?_includeSensitive=true",
            None,
            "respond-async, handling=strict",
        )
        .await;
        assert_eq!(refused.status(), 400);
        let url = started(&app, &plain, "/fhir/$export?_includeSensitive=true", None).await;
        assert!(!download(&app, &plain, &url).await.contains_key("Condition"));

        // A token with the permission always sees it.
        assert_eq!(
            app.get("/fhir/Condition/e1", &sensitive).await.status(),
            200
        );
        let found = body(app.get("/fhir/Condition?patient=pat-17", &sensitive).await).await;
        assert_eq!(found["total"], 1);
        let url = started(&app, &sensitive, "/fhir/$export?_type=Condition", None).await;
        assert_eq!(
            ids(download(&app, &sensitive, &url).await.get("Condition")),
            ["e1"]
        );

        let audit = app.store.audit_recent(None, 100).await.expect("audit");
        assert!(
            audit
                .iter()
                .any(|a| a.action == "fhir.export" && a.detail.contains("with sensitive history"))
        );
        assert!(
            audit
                .iter()
                .any(|a| a.action == "fhir.export" && a.detail.contains("without sensitive history"))
        );
        assert!(
            audit
                .iter()
                .any(|a| a.action == "fhir.read" && a.detail.contains("sensitive included"))
        );
        assert!(audit.iter().any(|a| a.action == "api-token.create"
            && a.detail.contains("token created with sensitive scope")));
    }
}
