//! Questionnaire results as GP systems record them — a PHQ-9 total with only item 9 (as a LOINC
//! answer code), a GAD-7 total only — over CDS Hooks prefetch and `POST /fhir`: kept, the
//! patient never dropped, item 9 alone calling for a risk review; impossible totals refused
//! with an OperationOutcome that names the field, and nothing stored.

use haven_core::terminology::{LOINC, by_key};
use haven_store::api_tokens::ApiScope;
use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

use crate::support::{EC_PRIVATE, jwt, spawn_app};

const SERVICE: &str = "/cds-services/haven-patient-view";

fn code(key: &str) -> Value {
    json!({"coding": [{"system": LOINC, "code": by_key(key).code}]})
}

/// A few days ago, so that the results are in the past whatever day the test runs.
fn recently() -> String {
    (time::OffsetDateTime::now_utc().date() - time::Duration::days(3)).to_string()
}

/// The PHQ-9 (total `phq9_total`, item 9 answered 2) and a GAD-7 total of 12 for `patient`.
fn results(patient: &str, phq9_total: i64) -> [Value; 2] {
    let when = recently();
    [
        json!({"resourceType": "Observation", "id": "gp-phq9", "status": "final",
            "subject": {"reference": format!("Patient/{patient}")}, "code": code("phq9.total"),
            "effectiveDateTime": when, "valueInteger": phq9_total,
            "component": [{"code": code("phq9.item9"), "valueCodeableConcept": code("answer.2")}]}),
        json!({"resourceType": "Observation", "id": "gp-gad7", "status": "final",
            "subject": {"reference": format!("Patient/{patient}")}, "code": code("gad7.total"),
            "effectiveDateTime": when, "valueInteger": 12}),
    ]
}

fn searchset(resources: &[Value]) -> Value {
    let entry: Vec<Value> = resources.iter().map(|r| json!({"resource": r})).collect();
    json!({"resourceType": "Bundle", "type": "searchset", "entry": entry})
}

fn patient_view(phq9_total: i64) -> Value {
    let empty = searchset(&[]);
    let mut prefetch =
        json!({"patient": {"resourceType": "Patient", "id": "1288992", "birthDate": "1988-04-02"}});
    for (key, _) in haven_fhir::cds::PREFETCH
        .iter()
        .filter(|(k, _)| *k != "patient")
    {
        prefetch[*key] = empty.clone();
    }
    prefetch["observations"] = searchset(&results("1288992", phq9_total));
    json!({"hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": "1288992"}, "prefetch": prefetch})
}

fn topics(cards: &Value) -> Vec<String> {
    cards["cards"]
        .as_array()
        .expect("cards")
        .iter()
        .filter_map(|c| c["source"]["topic"]["code"].as_str().map(str::to_owned))
        .collect()
}

haven_testdb::both! {
    async fn cds_prefetch_with_a_total_and_item9_alone_gives_an_urgent_risk_card() {
        let app = spawn_app().await;
        let aud = app.url(SERVICE);
        let call = |request: Value| {
            let token = jwt(Algorithm::ES384, "ehr-es384", EC_PRIVATE, &aud, json!({}));
            let app = &app;
            async move {
                app.http
                    .post(app.url(SERVICE))
                    .bearer_auth(token)
                    .json(&request)
                    .send()
                    .await
                    .expect("call")
            }
        };
        let response = call(patient_view(6)).await;
        assert_eq!(response.status(), 200);
        let cards: Value = response.json().await.expect("cards");
        let advised = topics(&cards);
        assert!(
            advised.iter().any(|t| t == "risk.assess-now"),
            "{advised:?}"
        );
        assert!(
            advised.iter().any(|t| t == "psych.consider-referral"),
            "{advised:?}"
        );
        let urgent = cards["cards"]
            .as_array()
            .expect("cards")
            .iter()
            .find(|c| c["source"]["topic"]["code"] == "risk.assess-now")
            .expect("card");
        assert_eq!(urgent["indicator"], "critical");
        // Prefetch holding types Haven does not use (an allergy, an immunisation) as an EHR sends
        // them gives the same cards.
        let mut with_others = patient_view(6);
        let mut observations = with_others["prefetch"]["observations"]["entry"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        observations.extend([
            json!({"resource": {"resourceType": "AllergyIntolerance", "id": "al-1",
                "patient": {"reference": "Patient/1288992"}, "code": {"text": "penicillin"}}}),
            json!({"resource": {"resourceType": "Immunization", "id": "im-1", "status": "completed",
                "patient": {"reference": "Patient/1288992"}, "vaccineCode": {"text": "MMR"},
                "occurrenceDateTime": recently()}}),
        ]);
        with_others["prefetch"]["observations"]["entry"] = observations.into();
        let response = call(with_others).await;
        assert_eq!(response.status(), 200);
        let others: Value = response.json().await.expect("cards");
        assert_eq!(topics(&others), advised, "unused types change nothing");
        // An impossible total is an error naming the field, not an empty answer.
        let response = call(patient_view(1)).await;
        assert_eq!(response.status(), 422);
        let text = response.text().await.expect("body");
        assert!(
            text.contains("Observation.valueInteger") && text.contains("PHQ-9 total 1"),
            "{text}"
        );
    }
}

haven_testdb::both! {
    async fn post_fhir_stores_results_recorded_elsewhere_and_refuses_impossible_ones_whole() {
        let app = spawn_app().await;
        let (read, write) = (
            app.token(ApiScope::Read).await,
            app.token(ApiScope::Write).await,
        );
        let bundle = |phq9_total| {
            let patient = json!({"resourceType": "Patient", "id": "gp-1",
                "name": [{"family": "Rahimi"}], "birthDate": "1988-04-02"});
            let entry: Vec<Value> = std::iter::once(patient)
                .chain(results("gp-1", phq9_total))
                .map(|r| {
                    let url = format!(
                        "{}/{}",
                        r["resourceType"].as_str().unwrap_or_default(),
                        r["id"].as_str().unwrap_or_default()
                    );
                    json!({"resource": r, "request": {"method": "PUT", "url": url}})
                })
                .collect();
            json!({"resourceType": "Bundle", "type": "transaction", "entry": entry})
        };
        let refused = app.post_json("/fhir", &write, &bundle(28)).await;
        assert_eq!(refused.status(), 422);
        let outcome: Value = refused.json().await.expect("outcome");
        assert_eq!(
            outcome["issue"][0]["expression"][0],
            "Observation.valueInteger"
        );
        assert!(
            outcome["issue"][0]["diagnostics"]
                .as_str()
                .expect("diagnostics")
                .contains(
                    "Bundle.entry[1]: Observation.valueInteger: 28 is not a possible PHQ-9 total (0–27)"
                )
        );
        assert_eq!(
            app.store.count_patients().await.expect("count"),
            0,
            "nothing stored"
        );

        let stored = app.post_json("/fhir", &write, &bundle(6)).await;
        assert_eq!(stored.status(), 200);
        let phq9: Value = app
            .get("/fhir/Observation/gp-phq9", &read)
            .await
            .json()
            .await
            .expect("observation");
        assert_eq!(phq9["valueInteger"], 6);
        assert_eq!(phq9["component"].as_array().map(Vec::len), Some(1));
        assert_eq!(phq9["component"][0]["valueInteger"], 2);
        let gad7: Value = app
            .get("/fhir/Observation/gp-gad7", &read)
            .await
            .json()
            .await
            .expect("observation");
        assert_eq!(gad7["valueInteger"], 12);
        assert!(gad7.get("component").is_none());
        let record = app
            .store
            .record("gp-1", haven_core::record::Visibility::Sensitive)
            .await
            .expect("the patient is kept");
        let missing: Vec<bool> = record
            .entries
            .iter()
            .filter_map(|e| e.body.as_questionnaire().map(|q| q.items_missing()))
            .collect();
        assert_eq!(
            missing,
            [true, true],
            "both kept, marked items not recorded"
        );
    }
}
