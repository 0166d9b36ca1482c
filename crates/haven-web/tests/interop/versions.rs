//! Versions over REST (issue 16 §1): every resource carries the version Haven stored and when
//! it stored it (`meta.versionId`, `meta.lastUpdated`), a read says the same in `ETag` and
//! `Last-Modified`, vread serves each version from the history Haven keeps, and an update
//! naming a version that is no longer current is refused with 412, changing nothing.

use haven_core::record::{EntryBody, ScreeningStatus};
use haven_store::api_tokens::ApiScope;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::support::{TestApp, record, spawn_app, transaction};

async fn body(response: reqwest::Response) -> Value {
    response.json().await.expect("json body")
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn instant(text: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(text.as_str().unwrap_or_default(), &Rfc3339)
        .unwrap_or_else(|e| panic!("{text} is not an instant: {e}"))
}

/// Reads `path`, checks the headers say what `meta` does, and gives the resource.
async fn read_versioned(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.get(path, token).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let etag = header(&response, "etag");
    let modified = header(&response, "last-modified");
    let resource = body(response).await;
    let version = resource["meta"]["versionId"]
        .as_str()
        .unwrap_or_else(|| panic!("{path} has no meta.versionId: {resource}"));
    assert_eq!(etag, format!("W/\"{version}\""), "{path}");
    let updated = instant(&resource["meta"]["lastUpdated"]);
    let http_date = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    assert_eq!(
        modified,
        updated
            .to_offset(time::UtcOffset::UTC)
            .format(&http_date)
            .expect("date"),
        "{path}"
    );
    resource
}

async fn outcome_status(response: reqwest::Response) -> StatusCode {
    let status = response.status();
    let kind = header(&response, "content-type");
    assert!(kind.starts_with("application/fhir+json"), "{kind}");
    assert_eq!(body(response).await["resourceType"], "OperationOutcome");
    status
}

async fn put(
    app: &TestApp,
    token: &str,
    path: &str,
    body: &Value,
    if_match: &str,
) -> reqwest::Response {
    app.http
        .put(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/fhir+json")
        .header("if-match", if_match)
        .body(body.to_string())
        .send()
        .await
        .expect("request")
}

/// The time Haven stores something, to the second (what an HTTP date can say).
fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("second")
}

haven_testdb::both! {
    async fn every_resource_read_searched_or_exported_carries_its_stored_version() {
        let app = spawn_app().await;
        let write = app.token(ApiScope::Write).await;
        let read = app.token(ApiScope::Read).await;
        let before = now();
        let stored = app
            .post_json("/fhir", &write, &transaction(&record()))
            .await;
        assert_eq!(stored.status(), StatusCode::OK);
        let after = OffsetDateTime::now_utc();

        // The Patient: version 1, stored by this transaction (not its birth date or any entry's).
        let patient = read_versioned(&app, &read, "/fhir/Patient/pat-17").await;
        assert_eq!(patient["meta"]["versionId"], "1");
        let at = instant(&patient["meta"]["lastUpdated"]);
        assert!(before <= at && at <= after, "{at} not in {before}..{after}");

        // Every other resource served, sensitive ones too, read alone and in a search.
        for (kind, id) in [
            ("Observation", "e0"),
            ("Observation", "e2"),
            ("Observation", "e3"),
            ("QuestionnaireResponse", "e3-response"),
        ] {
            let resource = read_versioned(&app, &read, &format!("/fhir/{kind}/{id}")).await;
            assert_eq!(resource["meta"]["versionId"], "1", "{kind}/{id}");
            let found = body(
                app.get(&format!("/fhir/{kind}?patient=pat-17"), &read)
                    .await,
            )
            .await;
            let entry = found["entry"]
                .as_array()
                .expect("entries")
                .iter()
                .find(|e| e["resource"]["id"] == id)
                .unwrap_or_else(|| panic!("{kind}/{id} not found: {found}"));
            assert_eq!(entry["resource"]["meta"], resource["meta"], "{kind}/{id}");
        }
        let sensitive = app.sensitive_token(ApiScope::Read).await;
        let disclosure = read_versioned(&app, &sensitive, "/fhir/Condition/e1").await;
        assert_eq!(disclosure["meta"]["versionId"], "1");
        let everyone = body(app.get("/fhir/Patient", &read).await).await;
        assert_eq!(everyone["entry"][0]["resource"]["meta"], patient["meta"]);
        // Patients are found by when Haven stored them.
        let today = before.date();
        let found = body(
            app.get(&format!("/fhir/Patient?_lastUpdated=ge{today}"), &read)
                .await,
        )
        .await;
        assert_eq!(found["total"], 1, "{found}");
        let found = body(
            app.get(&format!("/fhir/Patient?_lastUpdated=lt{today}"), &read)
                .await,
        )
        .await;
        assert_eq!(found["total"], 0, "{found}");

        // A Bulk export says the same as a read, and `_since` goes by it.
        let exported = export(&app, &read, "_type=Patient").await;
        assert_eq!(exported.len(), 1);
        assert_eq!(exported[0]["meta"], patient["meta"]);
        let since = |at: OffsetDateTime| form_urlencoded_instant(at.format(&Rfc3339).expect("instant"));
        assert_eq!(
            export(
                &app,
                &read,
                &format!("_type=Patient&_since={}", since(before))
            )
            .await
            .len(),
            1
        );
        let later = at + time::Duration::seconds(1);
        assert!(
            export(
                &app,
                &read,
                &format!("_type=Patient&_since={}", since(later))
            )
            .await
            .is_empty()
        );
    }
}

fn form_urlencoded_instant(text: String) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

/// The resources of a Bulk export with these parameters (all of its files).
async fn export(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let kick = app
        .http
        .get(app.url(&format!("/fhir/$export?{query}")))
        .bearer_auth(token)
        .header("prefer", "respond-async")
        .send()
        .await
        .expect("kick-off");
    assert_eq!(kick.status(), StatusCode::ACCEPTED, "{query}");
    let status_url = header(&kick, "content-location");
    let manifest = loop {
        let polled = app
            .http
            .get(&status_url)
            .bearer_auth(token)
            .send()
            .await
            .expect("status");
        if polled.status() == StatusCode::OK {
            break body(polled).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let mut out = Vec::new();
    for file in manifest["output"].as_array().expect("output") {
        let url = file["url"].as_str().expect("file url");
        let ndjson = app
            .http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .expect("file")
            .text()
            .await
            .expect("text");
        out.extend(
            ndjson
                .lines()
                .filter(|l| !l.is_empty())
                .map(|l| serde_json::from_str::<Value>(l).expect("json")),
        );
    }
    out
}

haven_testdb::both! {
    async fn an_amendment_is_a_new_version_and_vread_serves_both() {
        let app = spawn_app().await;
        let write = app.token(ApiScope::Write).await;
        let read = app.token(ApiScope::Read).await;
        let mut amended = record();
        assert_eq!(
            app.post_json("/fhir", &write, &transaction(&amended))
                .await
                .status(),
            StatusCode::OK
        );
        let first = read_versioned(&app, &read, "/fhir/Observation/e2").await;
        assert_eq!(first["meta"]["versionId"], "1");

        // The screening offered is now declined: stored as version 2 when it was sent.
        let EntryBody::Screening(screening) = &mut amended.entries[2].body else {
            panic!("e2 is the screening");
        };
        screening.status = ScreeningStatus::Declined;
        let before = now();
        assert_eq!(
            app.post_json("/fhir", &write, &transaction(&amended))
                .await
                .status(),
            StatusCode::OK
        );
        let after = OffsetDateTime::now_utc();
        let second = read_versioned(&app, &read, "/fhir/Observation/e2").await;
        assert_eq!(second["meta"]["versionId"], "2");
        let at = instant(&second["meta"]["lastUpdated"]);
        assert!(before <= at && at <= after, "{at} not in {before}..{after}");
        assert_ne!(second, first);
        // The clinical date keeps its own field.
        assert_eq!(second["effectiveDateTime"], first["effectiveDateTime"]);

        let v1 = read_versioned(&app, &read, "/fhir/Observation/e2/_history/1").await;
        assert_eq!(v1, first);
        let v2 = read_versioned(&app, &read, "/fhir/Observation/e2/_history/2").await;
        assert_eq!(v2, second);
        for missing in ["3", "0", "latest"] {
            let path = format!("/fhir/Observation/e2/_history/{missing}");
            assert_eq!(
                outcome_status(app.get(&path, &read).await).await,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        assert_eq!(
            outcome_status(app.get("/fhir/Observation/nothing/_history/1", &read).await).await,
            StatusCode::NOT_FOUND
        );
        // The wrong type for the id is not found either.
        assert_eq!(
            outcome_status(app.get("/fhir/Condition/e2/_history/1", &read).await).await,
            StatusCode::NOT_FOUND
        );
        // What is made from a questionnaire entry has its versions too.
        read_versioned(
            &app,
            &read,
            "/fhir/QuestionnaireResponse/e3-response/_history/1",
        )
        .await;

        // A sensitive entry only as a read would serve it.
        assert_eq!(
            outcome_status(app.get("/fhir/Condition/e1/_history/1", &read).await).await,
            StatusCode::NOT_FOUND
        );
        let sensitive = app.sensitive_token(ApiScope::Read).await;
        let disclosure = read_versioned(&app, &sensitive, "/fhir/Condition/e1/_history/1").await;
        assert_eq!(disclosure["id"], "e1");

        // Every vread served is audited.
        let audited = app
            .store
            .audit_recent(Some("pat-17"), 1_000)
            .await
            .expect("audit")
            .iter()
            .filter(|row| row.action == "fhir.vread")
            .count();
        assert_eq!(audited, 4);
    }
}

haven_testdb::both! {
    async fn an_update_to_a_stale_version_is_refused_and_changes_nothing() {
        let app = spawn_app().await;
        let write = app.token(ApiScope::Write).await;
        let read = app.token(ApiScope::Read).await;
        assert_eq!(
            app.post_json("/fhir", &write, &transaction(&record()))
                .await
                .status(),
            StatusCode::OK
        );
        let original = read_versioned(&app, &read, "/fhir/Patient/pat-17").await;
        let tag = format!(
            "W/\"{}\"",
            original["meta"]["versionId"].as_str().expect("version")
        );

        // Two systems read version 1; the first to update it wins.
        let mut phone = original.clone();
        phone["telecom"] = json!([{"system": "phone", "value": "07700 900123"}]);
        let first = put(&app, &write, "/fhir/Patient/pat-17", &phone, &tag).await;
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(header(&first, "etag"), "W/\"2\"");
        let updated = read_versioned(&app, &read, "/fhir/Patient/pat-17").await;
        assert_eq!(updated["meta"]["versionId"], "2");

        let mut email = original.clone();
        email["telecom"] = json!([{"system": "email", "value": "amina@example.org"}]);
        let second = put(&app, &write, "/fhir/Patient/pat-17", &email, &tag).await;
        assert_eq!(
            outcome_status(second).await,
            StatusCode::PRECONDITION_FAILED
        );
        assert_eq!(
            read_versioned(&app, &read, "/fhir/Patient/pat-17").await,
            updated,
            "nothing was changed"
        );

        // A browser client may see the version headers.
        let from_browser = app
            .http
            .get(app.url("/fhir/Patient/pat-17"))
            .bearer_auth(&read)
            .header("origin", "https://app.example.org")
            .send()
            .await
            .expect("read");
        let exposed = header(&from_browser, "access-control-expose-headers");
        assert!(
            exposed.contains("ETag") && exposed.contains("Last-Modified"),
            "{exposed}"
        );

        // Both versions stay readable.
        let v1 = read_versioned(&app, &read, "/fhir/Patient/pat-17/_history/1").await;
        assert_eq!(v1, original);
        let v2 = read_versioned(&app, &read, "/fhir/Patient/pat-17/_history/2").await;
        assert_eq!(v2, updated);
        assert_eq!(
            outcome_status(app.get("/fhir/Patient/pat-17/_history/3", &read).await).await,
            StatusCode::NOT_FOUND
        );
    }
}

haven_testdb::both! {
    async fn the_capability_statement_declares_vread_and_versioning_on_every_type() {
        let app = spawn_app().await;
        let read = app.token(ApiScope::Read).await;
        let statement = body(app.get("/fhir/metadata", &read).await).await;
        // The Groups a Bulk Data client exports are made from the patients, not stored: no versions.
        let (groups, resources): (Vec<&Value>, Vec<&Value>) = statement["rest"][0]["resource"]
            .as_array()
            .expect("resources")
            .iter()
            .partition(|r| r["type"] == "Group");
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0]["versioning"], "no-version");
        assert_eq!(resources.len(), 13, "the 12 record types and Practitioner");
        for resource in resources {
            let kind = resource["type"].as_str().expect("type");
            let codes: Vec<&str> = resource["interaction"]
                .as_array()
                .expect("interactions")
                .iter()
                .filter_map(|i| i["code"].as_str())
                .collect();
            assert!(
                codes.contains(&"read") && codes.contains(&"vread"),
                "{kind}: {codes:?}"
            );
            // Haven keeps no history of its users: a Practitioner's vread serves its current version.
            assert_eq!(resource["readHistory"], kind != "Practitioner", "{kind}");
            let expected = if kind == "Patient" {
                "versioned-update"
            } else {
                "versioned"
            };
            assert_eq!(resource["versioning"], expected, "{kind}");
            assert!(
                resource["searchParam"]
                    .as_array()
                    .expect("search parameters")
                    .iter()
                    .any(|p| p["name"] == "_lastUpdated"),
                "{kind}"
            );
        }
    }
}

haven_testdb::both! {
    async fn a_transaction_names_every_entry_it_stores_with_its_version() {
        let app = spawn_app().await;
        let write = app.token(ApiScope::Write).await;
        let read = app.token(ApiScope::Read).await;
        let h = "https://haven-health.github.io/fhir";
        let patient = "urn:uuid:5d0f8f4e-94b1-4c43-9a1e-2a4f0f6a0c11";
        let bundle = json!({"resourceType": "Bundle", "type": "transaction", "entry": [
            {"fullUrl": patient, "request": {"method": "POST", "url": "Patient"},
             "resource": {"resourceType": "Patient", "name": [{"family": "Haddad", "given": ["Amina"]}],
                          "birthDate": "1990-05-01"}},
            {"request": {"method": "POST", "url": "Observation"},
             "resource": {"resourceType": "Observation", "status": "final", "subject": {"reference": patient},
                          "code": {"coding": [{"system": format!("{h}/CodeSystem/life-event"), "code": "asylum-refused"}]},
                          "effectiveDateTime": "2026-11-20"}}
        ]});
        let before = now();
        let response = app.post_json("/fhir", &write, &bundle).await;
        assert_eq!(response.status(), StatusCode::OK);
        let after = OffsetDateTime::now_utc();
        let response = body(response).await;
        let entries = response["entry"].as_array().expect("entries");
        assert_eq!(entries.len(), 2);
        for entry in entries {
            let answer = &entry["response"];
            assert_eq!(answer["status"], "201 Created", "{answer}");
            assert_eq!(answer["etag"], "W/\"1\"", "{answer}");
            // Stored now, not on the clinical date the Observation gives.
            let at = instant(&answer["lastModified"]);
            assert!(before <= at && at <= after, "{at} not in {before}..{after}");
            let location = answer["location"].as_str().expect("location");
            assert!(location.ends_with("/_history/1"), "{location}");
            // The location reads back as that version, saying the same.
            let stored = read_versioned(&app, &read, &format!("/fhir/{location}")).await;
            assert_eq!(stored["meta"]["versionId"], "1");
            assert_eq!(stored["meta"]["lastUpdated"], answer["lastModified"]);
        }
    }
}
