//! Several practices in one deployment over FHIR and CDS Hooks (H-66): a token of one practice
//! reads, searches, exports and writes its own patients only; another practice's patient is
//! 404 by direct id, as if it did not exist.

use std::time::Duration;

use haven_core::PatientId;
use haven_core::record::{Patient, PatientRecord, Visibility};
use haven_store::api_tokens::ApiScope;
use haven_store::{Actor, OdsCode, OrgId};
use serde_json::{Value, json};

use crate::support::{TestApp, spawn_app, transaction};

struct Practices {
    ours: String,
    theirs: String,
    /// Riverside's read and write tokens.
    read: String,
    write: String,
}

async fn two_practices(app: &TestApp) -> Practices {
    let admin = Actor::cli("org");
    let hill = app
        .store
        .add_practice(&admin, &OdsCode::parse("Y05678").unwrap(), "Hillside")
        .await
        .expect("practice");
    let mut ids = Vec::new();
    for org in [OrgId(1), hill.id] {
        let p = app
            .store
            .within(org)
            .create_patient(
                &admin,
                Patient::new(PatientId::new(""), "Amina", "Haddad"),
                vec![],
            )
            .await
            .expect("patient");
        ids.push(p.id.to_string());
    }
    let river = app.store.within(OrgId(1));
    let token = |scope| {
        let river = river.clone();
        async move {
            river
                .create_api_token(&admin_actor(), "ehr", scope, false)
                .await
                .expect("token")
                .1
        }
    };
    Practices {
        ours: ids[0].clone(),
        theirs: ids[1].clone(),
        read: token(ApiScope::Read).await,
        write: token(ApiScope::Write).await,
    }
}

fn admin_actor() -> Actor {
    Actor::new("admin")
}

async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_str(&response.text().await.expect("text")).expect("json")
}

fn bundle_ids(bundle: &Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["resource"]["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_token_reads_and_searches_only_its_practices_patients() {
    let app = spawn_app().await;
    let t = two_practices(&app).await;
    assert_eq!(
        app.get(&format!("/fhir/Patient/{}", t.ours), &t.read)
            .await
            .status(),
        200
    );
    for path in [
        format!("/fhir/Patient/{}", t.theirs),
        format!("/fhir/Patient/{}/_history/1", t.theirs),
        format!("/fhir/Patient/{}/$everything", t.theirs),
        format!("/fhir/Observation?patient={}", t.theirs),
    ] {
        let res = app.get(&path, &t.read).await;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        assert!(
            !text.contains(&format!("\"id\":\"{}\"", t.theirs)),
            "{path}: {text}"
        );
        assert!(status == 404 || status == 200, "{path}: {status}");
        if !path.contains('?') && !path.contains('$') {
            assert_eq!(
                status, 404,
                "{path}: a read by id is not found, never forbidden"
            );
        }
    }
    for search in [
        "/fhir/Patient?name=Amina",
        "/fhir/Patient",
        "/fhir/Patient?family=Haddad",
    ] {
        let bundle = json_of(app.get(search, &t.read).await).await;
        assert_eq!(bundle_ids(&bundle), vec![t.ours.clone()], "{search}");
    }
}

#[tokio::test]
async fn a_bulk_export_holds_only_the_tokens_practice() {
    let app = spawn_app().await;
    let t = two_practices(&app).await;
    let kick = app
        .http
        .get(app.url("/fhir/Patient/$export?_type=Patient"))
        .bearer_auth(&t.read)
        .header("prefer", "respond-async")
        .send()
        .await
        .expect("kick-off");
    assert_eq!(kick.status(), 202);
    let status_url = kick.headers()["content-location"]
        .to_str()
        .unwrap()
        .to_owned();
    let mut manifest = Value::Null;
    for _ in 0..400 {
        let poll = app
            .http
            .get(&status_url)
            .bearer_auth(&t.read)
            .send()
            .await
            .unwrap();
        if poll.status() == 202 {
            tokio::time::sleep(Duration::from_millis(25)).await;
            continue;
        }
        assert_eq!(poll.status(), 200);
        manifest = json_of(poll).await;
        break;
    }
    let mut exported = Vec::new();
    for output in manifest["output"].as_array().expect("output") {
        let text = app
            .http
            .get(output["url"].as_str().unwrap())
            .bearer_auth(&t.read)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for line in text.lines() {
            let r: Value = serde_json::from_str(line).unwrap();
            exported.push(r["id"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(exported, vec![t.ours.clone()]);
}

#[tokio::test]
async fn a_token_cannot_write_to_another_practices_patient() {
    let app = spawn_app().await;
    let t = two_practices(&app).await;
    let before = app
        .store
        .record(&t.theirs, Visibility::Sensitive)
        .await
        .unwrap();
    let mut renamed = before.patient.clone();
    renamed.given_name = "Changed".into();
    let bundle = transaction(&PatientRecord::new(renamed));
    let res = app.post_json("/fhir", &t.write, &bundle).await;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_ne!(status, 200, "{text}");
    let put = app
        .http
        .put(app.url(&format!("/fhir/Patient/{}", t.theirs)))
        .bearer_auth(&t.write)
        .header("content-type", "application/fhir+json")
        .header("if-match", "W/\"1\"")
        .body(
            json!({"resourceType": "Patient", "id": t.theirs, "name": [{"family": "Changed"}]})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        put.status(),
        404,
        "{}",
        put.text().await.unwrap_or_default()
    );
    let after = app
        .store
        .record(&t.theirs, Visibility::Sensitive)
        .await
        .unwrap();
    assert_eq!(before, after);
}
