//! Ordinary FHIR from other systems over `POST /fhir`: what Haven does not use is passed over
//! and said so in the response, and what it maps is read whatever valid form it takes.

use haven_core::record::Visibility;
use haven_store::api_tokens::ApiScope;
use serde_json::{Value, json};

use crate::support::{record, spawn_app, transaction};

/// The full record's transaction with resources of types Haven does not use among its
/// entries (after the Patient, so the entry positions of the record's own are unchanged).
fn with_others(mut bundle: Value) -> Value {
    let entries = bundle["entry"].as_array_mut().expect("entries");
    for (i, (resource_type, id)) in [
        ("AllergyIntolerance", "a1"),
        ("MedicationRequest", "m1"),
        ("Immunization", "i1"),
        ("MedicationRequest", "m2"),
    ]
    .into_iter()
    .enumerate()
    {
        entries.insert(
            1 + i,
            json!({"resource": {"resourceType": resource_type, "id": id, "status": "active",
                    "patient": {"reference": "Patient/pat-17"}, "subject": {"reference": "Patient/pat-17"}},
                "request": {"method": "PUT", "url": format!("{resource_type}/{id}")}}),
        );
    }
    bundle
}

haven_testdb::both! {
    async fn a_batch_stores_what_haven_uses_and_says_which_types_it_passed_over() {
        let app = spawn_app().await;
        let write = app.token(ApiScope::Write).await;
        let bundle = with_others(transaction(&record()));
        let response = app.post_json("/fhir", &write, &bundle).await;
        assert_eq!(response.status(), 200);
        let response: Value = response.json().await.expect("json");
        let entries = response["entry"].as_array().expect("entries");
        assert_eq!(
            entries.len(),
            bundle["entry"].as_array().map_or(0, Vec::len)
        );
        let summary = "4 resources of 3 types Haven does not use were skipped: AllergyIntolerance (1), Immunization (1), MedicationRequest (2)";
        for (i, resource_type) in [
            (1, "AllergyIntolerance"),
            (2, "MedicationRequest"),
            (3, "Immunization"),
            (4, "MedicationRequest"),
        ] {
            let outcome = &entries[i]["response"];
            assert_eq!(outcome["status"], "200 OK");
            assert!(outcome.get("location").is_none(), "nothing to read back");
            assert_eq!(
                outcome["outcome"]["issue"][0]["diagnostics"],
                format!("not stored: Haven does not use {resource_type} resources ({summary})")
            );
        }
        assert_eq!(
            entries[0]["response"]["location"],
            "Patient/pat-17/_history/1"
        );
        assert!(entries[0]["response"].get("outcome").is_none());
        let stored = app
            .store
            .record("pat-17", Visibility::Sensitive)
            .await
            .expect("stored");
        assert_eq!(stored.entries.len(), record().entries.len());
    }
}

haven_testdb::both! {
    /// Partial dates and languages by name over REST: stored as given, served as given, and what
    /// could not be recorded named in the response.
    async fn partial_dates_and_languages_by_name_are_stored_and_served_as_given() {
        let app = spawn_app().await;
        let (read, write) = (
            app.token(ApiScope::Read).await,
            app.token(ApiScope::Write).await,
        );
        let h = "https://haven-health.github.io/fhir";
        let bundle = json!({"resourceType": "Bundle", "type": "batch", "entry": [
            {"resource": {"resourceType": "Patient", "id": "ehr-9", "name": [{"family": "Kidane"}], "birthDate": "1988-04",
                "communication": [{"language": {"text": "Eritrean"}, "preferred": true}, {"language": {"text": "Tigrinya"}}]},
             "request": {"method": "PUT", "url": "Patient/ehr-9"}},
            {"resource": {"resourceType": "Observation", "id": "ev-9", "status": "final", "subject": {"reference": "Patient/ehr-9"},
                "code": {"coding": [{"system": format!("{h}/CodeSystem/life-event"), "code": "asylum-refused"}]},
                "effectiveDateTime": "2021-02"},
             "request": {"method": "PUT", "url": "Observation/ev-9"}}
        ]});
        let response = app.post_json("/fhir", &write, &bundle).await;
        assert_eq!(response.status(), 200);
        let response: Value = response.json().await.expect("json");
        assert_eq!(
            response["entry"][0]["response"]["outcome"]["issue"][0]["diagnostics"],
            "stored without: Patient.communication[0].language: \"Eritrean\" is not a language Haven can record; it was left out"
        );
        let patient: Value = app
            .get("/fhir/Patient/ehr-9", &read)
            .await
            .json()
            .await
            .expect("patient");
        assert_eq!(patient["birthDate"], "1988-04");
        assert_eq!(
            patient["communication"],
            json!([{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "ti", "display": "Tigrinya"}]}, "preferred": false}])
        );
        let event: Value = app
            .get("/fhir/Observation/ev-9", &read)
            .await
            .json()
            .await
            .expect("observation");
        assert_eq!(event["effectiveDateTime"], "2021-02");
    }
}

haven_testdb::both! {
    /// A modifier extension on a resource Haven reads refuses the whole Bundle with an
    /// OperationOutcome naming the entry and the element; nothing is stored.
    async fn a_modifier_extension_refuses_the_bundle_and_stores_nothing() {
        let app = spawn_app().await;
        let write = app.token(ApiScope::Write).await;
        let mut bundle = transaction(&record());
        bundle["entry"][1]["resource"]["modifierExtension"] =
            json!([{"url": "https://ehr.example/family-history", "valueBoolean": true}]);
        let refused = app.post_json("/fhir", &write, &bundle).await;
        assert_eq!(refused.status(), 400);
        let outcome: Value = refused.json().await.expect("json");
        assert_eq!(outcome["resourceType"], "OperationOutcome");
        assert_eq!(outcome["issue"][0]["code"], "not-supported");
        let text = outcome["issue"][0]["diagnostics"].as_str().expect("text");
        assert!(
            text.starts_with("request body: Bundle.entry[1]: ")
                && text.contains(".modifierExtension[0]: the modifier extension \"https://ehr.example/family-history\""),
            "{text}"
        );
        assert_eq!(app.store.count_patients().await.expect("count"), 0);
    }
}
