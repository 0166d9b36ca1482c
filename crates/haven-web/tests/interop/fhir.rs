//! The FHIR REST API and Bulk Data export over HTTP.

use std::time::Duration;

use haven_store::api_tokens::ApiScope;
use serde_json::{Value, json};

use crate::support::{record, spawn_app, transaction};

async fn body(response: reqwest::Response) -> Value {
    response.json().await.expect("json body")
}

haven_testdb::both! {
    async fn metadata_and_authentication() {
        let app = spawn_app().await;
        let meta = app
            .http
            .get(app.url("/fhir/metadata"))
            .send()
            .await
            .expect("metadata");
        assert_eq!(meta.status(), 200);
        assert_eq!(meta.headers()["content-type"], "application/fhir+json");
        let meta = body(meta).await;
        assert_eq!(meta["resourceType"], "CapabilityStatement");
        assert_eq!(meta["fhirVersion"], "4.0.1");
        assert_eq!(meta["rest"][0]["operation"][0]["name"], "export");

        let anonymous = app
            .http
            .get(app.url("/fhir/Patient/pat-17"))
            .send()
            .await
            .expect("request");
        assert_eq!(anonymous.status(), 401);
        assert!(anonymous.headers().contains_key("www-authenticate"));
        let outcome = body(anonymous).await;
        assert_eq!(
            (
                outcome["resourceType"].as_str(),
                outcome["issue"][0]["code"].as_str()
            ),
            (Some("OperationOutcome"), Some("login"))
        );
        assert_eq!(
            app.get("/fhir/Patient/pat-17", "hvn_not-a-token")
                .await
                .status(),
            401
        );

        let read = app.token(ApiScope::Read).await;
        let refused = app.post_json("/fhir", &read, &transaction(&record())).await;
        assert_eq!(refused.status(), 403, "a read token cannot write");
        assert_eq!(app.get("/fhir/Basic/x", &read).await.status(), 400);
    }
}

haven_testdb::both! {
    async fn transaction_read_search_and_sensitivity() {
        let app = spawn_app().await;
        let (read, write) = (
            app.token(ApiScope::Read).await,
            app.token(ApiScope::Write).await,
        );
        let stored = app
            .post_json("/fhir", &write, &transaction(&record()))
            .await;
        assert_eq!(stored.status(), 200);
        let stored = body(stored).await;
        assert_eq!(stored["type"], "transaction-response");
        assert_eq!(
            stored["entry"][0]["response"]["location"],
            "Patient/pat-17/_history/1"
        );
        let again = app
            .post_json("/fhir", &write, &transaction(&record()))
            .await;
        assert_eq!(again.status(), 200, "idempotent");

        let patient = app.get("/fhir/Patient/pat-17", &read).await;
        assert_eq!(patient.status(), 200);
        assert_eq!(body(patient).await["identifier"][0]["value"], "9000000009");
        let found = body(
            app.get(
                "/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9000000009",
                &read,
            )
            .await,
        )
        .await;
        assert_eq!(
            (found["type"].as_str(), found["total"].as_u64()),
            (Some("searchset"), Some(1))
        );

        let observations = body(
            app.get("/fhir/Observation?patient=Patient/pat-17&_count=1", &read)
                .await,
        )
        .await;
        assert_eq!(observations["total"], 3, "life event, screening, GAD-7");
        assert_eq!(observations["entry"].as_array().map(Vec::len), Some(1));
        let next = observations["link"]
            .as_array()
            .and_then(|l| l.iter().find(|l| l["relation"] == "next"))
            .expect("next link")["url"]
            .as_str()
            .expect("url")
            .to_owned();
        let page2 = body(
            app.http
                .get(&next)
                .bearer_auth(&read)
                .send()
                .await
                .expect("page 2"),
        )
        .await;
        assert_ne!(
            page2["entry"][0]["resource"]["id"],
            observations["entry"][0]["resource"]["id"]
        );
        let recent = body(
            app.get(
                "/fhir/Observation?patient=pat-17&_lastUpdated=ge2026-11-21",
                &read,
            )
            .await,
        )
        .await;
        assert_eq!(recent["total"], 3);
        let none = body(
            app.get("/fhir/Observation?_lastUpdated=gt2026-11-22", &read)
                .await,
        )
        .await;
        assert_eq!(none["total"], 0);

        // Disclosures leave only to a token with the sensitive permission, and every access is
        // audited; the old query parameter opens nothing.
        assert_eq!(app.get("/fhir/Condition/e1", &read).await.status(), 404);
        assert_eq!(
            app.get("/fhir/Condition/e1?_includeSensitive=true", &read)
                .await
                .status(),
            404
        );
        let sensitive = app.sensitive_token(ApiScope::Read).await;
        let disclosure = app.get("/fhir/Condition/e1", &sensitive).await;
        assert_eq!(disclosure.status(), 200);
        assert_eq!(body(disclosure).await["meta"]["security"][0]["code"], "R");
        let conditions = body(app.get("/fhir/Condition?patient=pat-17", &read).await).await;
        assert_eq!(conditions["total"], 0);
        let audit = app
            .store
            .audit_recent(Some("pat-17"), 50)
            .await
            .expect("audit");
        assert!(
            audit
                .iter()
                .any(|a| a.action == "fhir.read" && a.detail.contains("sensitive included"))
        );
        assert_eq!(app.get("/fhir/Observation/nope", &read).await.status(), 404);
    }
}

haven_testdb::both! {
    async fn a_bad_bundle_is_refused_with_an_operation_outcome_and_changes_nothing() {
        let app = spawn_app().await;
        let write = app.token(ApiScope::Write).await;
        let mut bundle = transaction(&record());
        bundle["entry"][1]["resource"]["code"]["coding"][0]["code"] = json!("no-such-event");
        let refused = app.post_json("/fhir", &write, &bundle).await;
        assert_eq!(refused.status(), 422);
        let outcome = body(refused).await;
        assert_eq!(outcome["issue"][0]["expression"][0], "Observation.code");
        let text = outcome["issue"][0]["diagnostics"]
            .as_str()
            .expect("diagnostics");
        assert!(
            text.starts_with(
                "request body: Bundle.entry[1]: Observation.code: unknown life-event code"
            ),
            "{text}"
        );
        assert_eq!(
            app.store.count_patients().await.expect("count"),
            0,
            "nothing stored"
        );
        let broken = app
            .http
            .post(app.url("/fhir"))
            .bearer_auth(&write)
            .body("{not json")
            .send()
            .await
            .expect("request");
        assert_eq!(broken.status(), 400);
    }
}

haven_testdb::both! {
    async fn bulk_export_end_to_end() {
        let app = spawn_app().await;
        // A token with the sensitive permission: its exports carry sensitive history.
        let (read, write) = (
            app.sensitive_token(ApiScope::Read).await,
            app.token(ApiScope::Write).await,
        );
        let original = record();
        assert_eq!(
            app.post_json("/fhir", &write, &transaction(&original))
                .await
                .status(),
            200
        );

        assert_eq!(
            app.get("/fhir/$export", &read).await.status(),
            400,
            "needs Prefer: respond-async"
        );
        let kick = app
            .http
            .get(app.url("/fhir/$export"))
            .bearer_auth(&read)
            .header("prefer", "respond-async")
            .send()
            .await
            .expect("kick-off");
        assert_eq!(kick.status(), 202);
        let status_url = kick.headers()["content-location"]
            .to_str()
            .expect("url")
            .to_owned();
        assert!(status_url.starts_with(&app.url("/fhir/$export-status/")));
        // Another client cannot see the job.
        assert_eq!(
            app.http
                .get(&status_url)
                .bearer_auth(&write)
                .send()
                .await
                .expect("poll")
                .status(),
            404
        );

        let mut manifest = Value::Null;
        for _ in 0..100 {
            let poll = app
                .http
                .get(&status_url)
                .bearer_auth(&read)
                .send()
                .await
                .expect("poll");
            if poll.status() == 202 {
                assert!(
                    poll.headers().contains_key("x-progress")
                        && poll.headers().contains_key("retry-after")
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            assert_eq!(poll.status(), 200);
            manifest = body(poll).await;
            break;
        }
        assert_eq!(manifest["requiresAccessToken"], true);
        let mut ndjson = String::new();
        for output in manifest["output"].as_array().expect("output") {
            let file = app
                .http
                .get(output["url"].as_str().expect("url"))
                .bearer_auth(&read)
                .send()
                .await
                .expect("file");
            assert_eq!(file.status(), 200);
            assert_eq!(file.headers()["content-type"], "application/fhir+ndjson");
            let text = file.text().await.expect("text");
            assert_eq!(
                text.lines().count() as u64,
                output["count"].as_u64().expect("count")
            );
            ndjson.push_str(&text);
        }
        let parsed = haven_fhir::parse_input(ndjson.as_bytes(), "export").expect("parse");
        let back =
            haven_fhir::assemble(parsed, time::OffsetDateTime::now_utc().date()).expect("assemble");
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].patient, original.patient);
        assert_eq!(
            back[0].entries.len(),
            original.entries.len(),
            "sensitive entries included for a token with the sensitive permission"
        );
        let audit = app.store.audit_recent(None, 50).await.expect("audit");
        assert!(
            audit
                .iter()
                .any(|a| a.action == "fhir.export" && a.detail.contains("with sensitive history"))
        );

        let cancel = app
            .http
            .delete(&status_url)
            .bearer_auth(&read)
            .send()
            .await
            .expect("delete");
        assert_eq!(cancel.status(), 202);
        assert_eq!(
            app.http
                .get(&status_url)
                .bearer_auth(&read)
                .send()
                .await
                .expect("poll")
                .status(),
            404
        );
    }
}
