//! A create never overwrites another patient, over REST: `POST` entries get new ids, updates
//! by id need an agreeing identity or the current version (`If-Match`), conditional creates
//! use the patient on file, and no second patient is created with an NHS number on file. Every
//! refusal leaves the stored record byte-identical.

use haven_core::record::Visibility;
use haven_store::api_tokens::ApiScope;
use serde_json::{Value, json};

use crate::support::{TestApp, record, spawn_app, transaction};

const NHS: &str = "https://fhir.nhs.uk/Id/nhs-number";
const H: &str = "https://haven-health.github.io/fhir";

async fn body(response: reqwest::Response) -> Value {
    response.json().await.expect("json body")
}

/// pat-17 (Amina Haddad, NHS 9000000009, born 1990-05-01) stored with four entries.
async fn app_with_pat17() -> (TestApp, String) {
    let app = spawn_app().await;
    let write = app.token(ApiScope::Write).await;
    let stored = app
        .post_json("/fhir", &write, &transaction(&record()))
        .await;
    assert_eq!(stored.status(), 200);
    (app, write)
}

/// The patient's whole stored record as FHIR, with its version: equal before and after
/// means byte-identical.
async fn exported(app: &TestApp, id: &str) -> (u32, Vec<String>) {
    let record = app
        .store
        .record(id, Visibility::Sensitive)
        .await
        .expect("record");
    let version = app.store.patient(id).await.expect("patient").version;
    let resources = haven_fhir::to_resources(&record, true)
        .into_iter()
        .map(|(_, v)| v.to_string())
        .collect();
    (version, resources)
}

fn patient(id: Option<&str>, family: &str, nhs: Option<&str>, born: &str) -> Value {
    let mut p = json!({"resourceType": "Patient", "name": [{"use": "official", "family": family, "given": ["Amina"]}],
        "birthDate": born});
    if let Some(id) = id {
        p["id"] = json!(id);
    }
    if let Some(nhs) = nhs {
        p["identifier"] = json!([{"system": NHS, "value": nhs}]);
    }
    p
}

fn event(subject: &str) -> Value {
    json!({"resourceType": "Observation", "id": "their-obs", "status": "final", "subject": {"reference": subject},
        "code": {"coding": [{"system": format!("{H}/CodeSystem/life-event"), "code": "asylum-refused"}]},
        "effectiveDateTime": "2026-11-20"})
}

fn bundle(entries: Vec<Value>) -> Value {
    json!({"resourceType": "Bundle", "type": "transaction", "entry": entries})
}

async fn put(
    app: &TestApp,
    token: &str,
    id: &str,
    body: &Value,
    if_match: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .http
        .put(app.url(&format!("/fhir/Patient/{id}")))
        .bearer_auth(token)
        .header("content-type", "application/fhir+json")
        .body(body.to_string());
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    request.send().await.expect("request")
}

/// The OperationOutcome's status, issue code and diagnostics.
async fn outcome(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let outcome = body(response).await;
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (
        status,
        text(&outcome["issue"][0]["code"]),
        text(&outcome["issue"][0]["diagnostics"]),
    )
}

haven_testdb::both! {
    async fn a_post_with_a_stored_patient_s_id_creates_a_new_patient() {
        let (app, write) = app_with_pat17().await;
        let before = exported(&app, "pat-17").await;
        let response = app
            .post_json(
                "/fhir",
                &write,
                &bundle(vec![
                    json!({"fullUrl": "urn:uuid:7d1e6f0e-8a52-4b8e-9a37-0c2a4f1f1c11",
                        "resource": patient(Some("pat-17"), "Tesfaye", None, "1994-06-19"),
                        "request": {"method": "POST", "url": "Patient"}}),
                    json!({"fullUrl": "urn:uuid:1", "resource": event("urn:uuid:7d1e6f0e-8a52-4b8e-9a37-0c2a4f1f1c11"),
                        "request": {"method": "POST", "url": "Observation"}}),
                    json!({"fullUrl": "urn:uuid:2", "resource": {"resourceType": "Observation", "status": "final",
                        "subject": {"reference": "Patient/pat-17"},
                        "code": {"coding": [{"system": format!("{H}/CodeSystem/life-event"), "code": "facing-return"}]},
                        "effectiveDateTime": "2026-11-21"},
                        "request": {"method": "POST", "url": "Observation"}}),
                ]),
            )
            .await;
        assert_eq!(response.status(), 200);
        let response = body(response).await;
        let created = &response["entry"][0]["response"];
        assert_eq!(created["status"], "201 Created");
        assert_eq!(created["location"], "Patient/pat-2/_history/1");
        assert_eq!(created["etag"], "W/\"1\"");
        let observation = response["entry"][1]["response"]["location"]
            .as_str()
            .expect("location");
        assert!(
            observation.starts_with("Observation/") && observation != "Observation/their-obs",
            "a created Observation gets Haven's id too: {observation}"
        );
        assert_eq!(
            exported(&app, "pat-17").await,
            before,
            "pat-17 is untouched"
        );
        let new = app
            .store
            .record("pat-2", Visibility::Sensitive)
            .await
            .expect("new patient");
        assert_eq!(new.patient.family_name, "Tesfaye");
        assert_eq!(new.entries.len(), 2, "both references followed the new id");
    }
}

haven_testdb::both! {
    async fn an_update_needs_an_agreeing_identity_or_the_current_version() {
        let (app, write) = app_with_pat17().await;
        let read = app.token(ApiScope::Read).await;
        let current = app.get("/fhir/Patient/pat-17", &read).await;
        assert_eq!(current.headers()["etag"], "W/\"1\"");
        let current = body(current).await;
        assert_eq!(current["meta"]["versionId"], "1");
        let before = exported(&app, "pat-17").await;

        // Another person under pat-17's id: refused, naming both ids and the field.
        let other = patient(Some("pat-17"), "Haddad", Some("9434765919"), "1990-05-01");
        assert_eq!(
            outcome(put(&app, &write, "pat-17", &other, None).await).await,
            (
                409,
                "conflict".into(),
                "Patient pat-17 in the input is not the patient stored as pat-17 (the NHS number differs), so nothing was imported; a deliberate change of identity is made on the patient's page or by a FHIR update with If-Match".into()
            )
        );
        let other = patient(Some("pat-17"), "Tesfaye", None, "1990-05-01");
        let (status, _, text) = outcome(put(&app, &write, "pat-17", &other, None).await).await;
        assert_eq!(status, 409);
        assert!(text.contains("(the family name differs)"), "{text}");
        let other = patient(Some("pat-17"), "Haddad", None, "1991-05-01");
        let (status, _, text) = outcome(put(&app, &write, "pat-17", &other, None).await).await;
        assert_eq!(status, 409);
        assert!(text.contains("(the birth date differs)"), "{text}");
        // The same in a transaction: nothing of the Bundle is stored.
        let mut conflicting = transaction(&record());
        conflicting["entry"][0]["resource"]["identifier"][0]["value"] = json!("9434765919");
        conflicting["entry"][1]["resource"]["id"] = json!("e-new");
        let (status, _, text) = outcome(app.post_json("/fhir", &write, &conflicting).await).await;
        assert_eq!(status, 409);
        assert!(text.contains("(the NHS number differs)"), "{text}");
        // A stale version, or one for a patient not stored, is 412.
        let renamed = patient(
            Some("pat-17"),
            "Haddad-Noor",
            Some("9000000009"),
            "1990-05-02",
        );
        let (status, code, _) =
            outcome(put(&app, &write, "pat-17", &renamed, Some("W/\"7\"")).await).await;
        assert_eq!((status, code.as_str()), (412, "conflict"));
        let mut stale = transaction(&record());
        stale["entry"][0]["request"]["ifMatch"] = json!("W/\"7\"");
        assert_eq!(
            outcome(app.post_json("/fhir", &write, &stale).await)
                .await
                .0,
            412
        );
        let elsewhere = patient(Some("ehr-1"), "Haddad", None, "1990-05-01");
        assert_eq!(
            outcome(put(&app, &write, "ehr-1", &elsewhere, Some("W/\"1\"")).await)
                .await
                .0,
            412
        );
        // Bad requests.
        assert_eq!(
            outcome(put(&app, &write, "pat-17", &renamed, Some("soon")).await)
                .await
                .0,
            400
        );
        assert_eq!(
            outcome(put(&app, &write, "pat-9", &renamed, None).await)
                .await
                .0,
            400
        );
        assert_eq!(
            exported(&app, "pat-17").await,
            before,
            "nothing was written"
        );

        // The same person: updated without If-Match, and the version moves on.
        let mut same = current.clone();
        same["telecom"] = json!([{"system": "phone", "value": "07700 900123"}]);
        let updated = put(&app, &write, "pat-17", &same, None).await;
        assert_eq!(updated.status(), 200);
        assert_eq!(updated.headers()["etag"], "W/\"2\"");
        // A deliberate change of name and birth date names the current version.
        let changed = put(&app, &write, "pat-17", &renamed, Some("W/\"2\"")).await;
        assert_eq!(changed.status(), 200);
        assert_eq!(changed.headers()["etag"], "W/\"3\"");
        let changed = body(changed).await;
        assert_eq!(changed["name"][0]["family"], "Haddad-Noor");
        assert_eq!(changed["meta"]["versionId"], "3");
        let stored = app.store.patient("pat-17").await.expect("patient");
        assert_eq!(
            stored.patient.birth_date.map(|d| d.to_string()).as_deref(),
            Some("1990-05-02")
        );
        assert_eq!(stored.patient.country_of_origin, None);
        assert_eq!(
            app.store
                .patient_history("pat-17")
                .await
                .expect("history")
                .len(),
            2,
            "both earlier versions are kept"
        );
        let found = body(app.get("/fhir/Patient?identifier=9000000009", &read).await).await;
        assert_eq!(found["entry"][0]["resource"]["meta"]["versionId"], "3");
        // An id not stored yet is created under it (FHIR update-as-create).
        let new = put(&app, &write, "ehr-1", &elsewhere, None).await;
        assert_eq!(new.status(), 201);
        assert_eq!(
            new.headers()["location"],
            app.url("/fhir/Patient/ehr-1/_history/1").as_str()
        );
    }
}

haven_testdb::both! {
    async fn a_conditional_create_uses_the_patient_on_file_and_a_second_nhs_number_is_refused() {
        let (app, write) = app_with_pat17().await;
        let before = exported(&app, "pat-17").await;
        let conditional = |nhs: &str, family: &str| {
            bundle(vec![
                json!({"fullUrl": "urn:uuid:c0ffee00-0000-4000-8000-000000000001",
                    "resource": patient(None, family, Some(nhs), "1990-05-01"),
                    "request": {"method": "POST", "url": "Patient",
                        "ifNoneExist": format!("identifier={NHS}|{nhs}")}}),
                json!({"fullUrl": "urn:uuid:c0ffee00-0000-4000-8000-000000000002",
                    "resource": event("urn:uuid:c0ffee00-0000-4000-8000-000000000001"),
                    "request": {"method": "POST", "url": "Observation"}}),
            ])
        };
        // Found: pat-17 is used as it is, and the result is added to it.
        let response = app
            .post_json("/fhir", &write, &conditional("9000000009", "Someone Else"))
            .await;
        assert_eq!(response.status(), 200);
        let response = body(response).await;
        assert_eq!(response["entry"][0]["response"]["status"], "200 OK");
        assert_eq!(
            response["entry"][0]["response"]["location"],
            "Patient/pat-17/_history/1"
        );
        assert_eq!(response["entry"][1]["response"]["status"], "201 Created");
        assert_eq!(app.store.count_patients().await.expect("count"), 1);
        let (version, resources) = exported(&app, "pat-17").await;
        assert_eq!(version, before.0);
        assert_eq!(resources[0], before.1[0], "the demographics are untouched");
        assert_eq!(resources.len(), before.1.len() + 1, "one result added");

        // Not found: created.
        let response = body(
            app.post_json("/fhir", &write, &conditional("9434765919", "Tesfaye"))
                .await,
        )
        .await;
        assert_eq!(response["entry"][0]["response"]["status"], "201 Created");
        assert_eq!(
            response["entry"][0]["response"]["location"],
            "Patient/pat-2/_history/1"
        );
        let snapshot = exported(&app, "pat-17").await;

        // A plain create with an NHS number on file is refused, naming the patient who has it.
        let second = bundle(vec![
            json!({"fullUrl": "urn:uuid:c0ffee00-0000-4000-8000-000000000009",
            "resource": patient(Some("pat-17"), "Someone Else", Some("9000000009"), "1980-01-01"),
            "request": {"method": "POST", "url": "Patient"}}),
        ]);
        let (status, code, text) = outcome(app.post_json("/fhir", &write, &second).await).await;
        assert_eq!((status, code.as_str()), (409, "duplicate"));
        assert!(
            text.ends_with("has the same NHS number as patient pat-17; a second patient with one NHS number is never created, so nothing was imported"),
            "{text}"
        );
        let again = patient(
            Some("ehr-2"),
            "Someone Else",
            Some("9000000009"),
            "1980-01-01",
        );
        assert_eq!(
            outcome(put(&app, &write, "ehr-2", &again, None).await)
                .await
                .0,
            409
        );
        assert_eq!(app.store.count_patients().await.expect("count"), 2);
        assert_eq!(exported(&app, "pat-17").await, snapshot);

        // A search Haven cannot run is refused rather than ignored.
        let mut unsupported = conditional("9000000009", "X");
        unsupported["entry"][0]["request"]["ifNoneExist"] = json!("name=Haddad");
        let (status, code, _) = outcome(app.post_json("/fhir", &write, &unsupported).await).await;
        assert_eq!((status, code.as_str()), (400, "not-supported"));
    }
}
