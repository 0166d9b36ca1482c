//! CDS Hooks over HTTP: discovery, the specification's example requests, JWT checks, fetching
//! from the EHR's FHIR server when prefetch is missing, and feedback.

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::get;
use haven_store::api_tokens::ApiScope;
use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

use crate::support::{
    EC_PRIVATE, EC_UNTRUSTED, RSA_PRIVATE, TestApp, jwt, spawn_app, spawn_app_with,
};

const SERVICE: &str = "/cds-services/haven-patient-view";

/// The `patient-view` example request of the CDS Hooks specification, with Haven's keys.
pub fn patient_view(prefetch: Value, fhir_server: Option<&str>) -> Value {
    let mut request = json!({
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284"},
        "prefetch": prefetch
    });
    if let Some(server) = fhir_server {
        request["fhirServer"] = json!(server);
        request["fhirAuthorization"] = json!({"access_token": "some-opaque-fhir-access-token", "token_type": "Bearer", "expires_in": 300,
            "scope": "user/Patient.read user/Observation.read", "subject": "cds-service4"});
    }
    request
}

pub fn full_prefetch() -> Value {
    let empty = json!({"resourceType": "Bundle", "type": "searchset", "entry": []});
    let mut prefetch = json!({"patient": {"resourceType": "Patient", "gender": "male", "birthDate": "1925-12-23", "id": "1288992", "active": true}});
    for (key, _) in haven_fhir::cds::PREFETCH
        .iter()
        .filter(|(k, _)| *k != "patient")
    {
        prefetch[*key] = empty.clone();
    }
    prefetch
}

async fn call(app: &TestApp, token: &str, request: &Value) -> reqwest::Response {
    app.http
        .post(app.url(SERVICE))
        .bearer_auth(token)
        .json(request)
        .send()
        .await
        .expect("call")
}

haven_testdb::both! {
    async fn discovery_lists_both_services_with_prefetch() {
        let app = spawn_app().await;
        let response = app
            .http
            .get(app.url("/cds-services"))
            .header("origin", "https://sandbox.example")
            .send()
            .await
            .expect("discovery");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
        let discovery: Value = response.json().await.expect("json");
        let services = discovery["services"].as_array().expect("services");
        assert_eq!(services[0]["id"], "haven-patient-view");
        assert_eq!(
            services[0]["prefetch"]["patient"],
            "Patient/{{context.patientId}}"
        );
        assert_eq!(services[1]["hook"], "appointment-book");
        let preflight = app
            .http
            .request(reqwest::Method::OPTIONS, app.url(SERVICE))
            .header("origin", "https://sandbox.example")
            .send()
            .await
            .expect("options");
        assert_eq!(preflight.status(), 204);
        assert!(
            preflight.headers()["access-control-allow-headers"]
                .to_str()
                .expect("h")
                .contains("Authorization")
        );
    }
}

haven_testdb::both! {
    /// Many callers at once, their `jti`s recorded together (group commit): every first use is
    /// answered with cards, and of one token sent several times at once exactly one is.
    async fn concurrent_signed_calls_are_each_accepted_once() {
        let app = spawn_app().await;
        let aud = app.url(SERVICE);
        let request = patient_view(full_prefetch(), None);
        let distinct: Vec<String> = (0..16)
            .map(|_| jwt(Algorithm::ES384, "ehr-es384", EC_PRIVATE, &aud, json!({})))
            .collect();
        let statuses =
            futures_util::future::join_all(distinct.iter().map(|t| call(&app, t, &request))).await;
        assert!(statuses.iter().all(|r| r.status() == 200));
        let same = jwt(Algorithm::ES384, "ehr-es384", EC_PRIVATE, &aud, json!({}));
        let replays = futures_util::future::join_all((0..6).map(|_| call(&app, &same, &request))).await;
        let accepted = replays.iter().filter(|r| r.status() == 200).count();
        let refused = replays.iter().filter(|r| r.status() == 401).count();
        assert_eq!((accepted, refused), (1, 5));
    }
}

haven_testdb::both! {
    async fn a_signed_request_gets_cards_and_cannot_be_replayed() {
        let app = spawn_app().await;
        let aud = app.url(SERVICE);
        let token = jwt(Algorithm::ES384, "ehr-es384", EC_PRIVATE, &aud, json!({}));
        let response = call(&app, &token, &patient_view(full_prefetch(), None)).await;
        assert_eq!(response.status(), 200);
        let cards: Value = response.json().await.expect("cards");
        let cards = cards["cards"].as_array().expect("cards");
        assert!(!cards.is_empty());
        for card in cards {
            assert!(card["summary"].as_str().expect("summary").chars().count() <= 140);
            assert!(
                ["info", "warning", "critical"]
                    .contains(&card["indicator"].as_str().expect("indicator"))
            );
            assert!(
                card["source"]["label"]
                    .as_str()
                    .expect("label")
                    .starts_with("Haven")
            );
            assert!(
                card["links"][0]["url"]
                    .as_str()
                    .expect("url")
                    .starts_with(&app.url("/guidance/"))
            );
        }
        assert_eq!(
            call(&app, &token, &patient_view(full_prefetch(), None))
                .await
                .status(),
            401,
            "jti replay"
        );
        let rsa = jwt(
            Algorithm::RS384,
            "rsa-1",
            RSA_PRIVATE,
            &aud,
            json!({"iss": "https://other-ehr.example.org"}),
        );
        assert_eq!(
            call(&app, &rsa, &patient_view(full_prefetch(), None))
                .await
                .status(),
            200,
            "RS384 from a PEM-configured issuer"
        );
    }
}

haven_testdb::both! {
    async fn bad_jwts_are_refused() {
        let app = spawn_app().await;
        let aud = app.url(SERVICE);
        let now = jsonwebtoken::get_current_timestamp();
        let cases = [
            (
                "wrong audience",
                "the JWT is for another service (aud)",
                jwt(
                    Algorithm::ES384,
                    "ehr-es384",
                    EC_PRIVATE,
                    "https://elsewhere.example/cds-services/x",
                    json!({}),
                ),
            ),
            (
                "expired",
                "the JWT has expired",
                jwt(
                    Algorithm::ES384,
                    "ehr-es384",
                    EC_PRIVATE,
                    &aud,
                    json!({"exp": now - 600}),
                ),
            ),
            (
                "untrusted key",
                "the JWT signature does not verify",
                jwt(Algorithm::ES384, "ehr-es384", EC_UNTRUSTED, &aud, json!({})),
            ),
            (
                "unknown issuer",
                r#"JWT issuer "https://evil.example" is not trusted"#,
                jwt(
                    Algorithm::ES384,
                    "ehr-es384",
                    EC_PRIVATE,
                    &aud,
                    json!({"iss": "https://evil.example"}),
                ),
            ),
            (
                "no jti",
                "the JWT has no jti",
                jwt(
                    Algorithm::ES384,
                    "ehr-es384",
                    EC_PRIVATE,
                    &aud,
                    json!({"jti": ""}),
                ),
            ),
            (
                "lives too long",
                "the JWT lives too long (at most an hour)",
                jwt(
                    Algorithm::ES384,
                    "ehr-es384",
                    EC_PRIVATE,
                    &aud,
                    json!({"exp": now + 86_400}),
                ),
            ),
        ];
        for (why, diagnostics, token) in cases {
            let response = call(&app, &token, &patient_view(full_prefetch(), None)).await;
            assert_eq!(response.status(), 401, "{why}");
            let outcome: Value = response.json().await.expect("outcome");
            assert_eq!(outcome["resourceType"], "OperationOutcome", "{why}");
            assert_eq!(outcome["issue"][0]["diagnostics"], diagnostics, "{why}");
        }
        assert_eq!(
            app.http
                .post(app.url(SERVICE))
                .json(&patient_view(full_prefetch(), None))
                .send()
                .await
                .expect("call")
                .status(),
            401
        );
    }
}

/// A stand-in EHR FHIR server that answers the prefetch queries and checks the bearer token.
async fn fake_ehr() -> String {
    async fn patient(headers: HeaderMap) -> axum::response::Response {
        use axum::response::IntoResponse;
        if headers.get("authorization").and_then(|v| v.to_str().ok())
            != Some("Bearer some-opaque-fhir-access-token")
        {
            return axum::http::StatusCode::UNAUTHORIZED.into_response();
        }
        axum::Json(json!({"resourceType": "Patient", "id": "1288992", "birthDate": "1980-01-01",
            "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired", "valueBoolean": true}]}))
        .into_response()
    }
    async fn search() -> axum::Json<Value> {
        axum::Json(json!({"resourceType": "Bundle", "type": "searchset", "entry": []}))
    }
    async fn observations() -> axum::Json<Value> {
        axum::Json(
            json!({"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {
            "resourceType": "Observation", "id": "ev1", "status": "final", "subject": {"reference": "Patient/1288992"},
            "code": {"coding": [{"system": "https://haven-health.github.io/fhir/CodeSystem/life-event", "code": "asylum-refused"}]},
            "effectiveDateTime": time::OffsetDateTime::now_utc().date().to_string()}}]}),
        )
    }
    let router = Router::new()
        .route("/fhir/Patient/1288992", get(patient))
        .route("/fhir/Observation", get(observations))
        .fallback(get(search));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("ehr") });
    format!("http://{addr}/fhir")
}

/// A FHIR server whose searches page on to another host, as a hostile one would to obtain the
/// bearer token Haven carries.
async fn pager_to_elsewhere() -> String {
    async fn search() -> axum::Json<Value> {
        axum::Json(
            json!({"resourceType": "Bundle", "type": "searchset", "entry": [],
            "link": [{"relation": "next", "url": "http://127.0.0.1:9/collect?page=2"}]}),
        )
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = Router::new().fallback(get(search));
    tokio::spawn(async move { axum::serve(listener, router).await.expect("pager") });
    format!("http://{addr}/fhir")
}

haven_testdb::both! {
    async fn missing_prefetch_is_fetched_only_from_a_server_the_issuer_lists() {
        let ehr = fake_ehr().await;
        let pager = pager_to_elsewhere().await;
        let listed = vec![ehr.clone(), pager.clone()];
        let app = spawn_app_with(|config| config.cds.issuers[0].fhir_servers = listed).await;
        let signed = || {
            jwt(
                Algorithm::ES384,
                "ehr-es384",
                EC_PRIVATE,
                &app.url(SERVICE),
                json!({}),
            )
        };

        let response = call(&app, &signed(), &patient_view(json!({}), Some(&ehr))).await;
        assert_eq!(response.status(), 200);
        let cards: Value = response.json().await.expect("cards");
        let rules: Vec<&str> = cards["cards"]
            .as_array()
            .expect("cards")
            .iter()
            .filter_map(|c| c["source"]["topic"]["code"].as_str())
            .collect();
        assert!(rules.contains(&"risk.reassess-after-event"), "{rules:?}");
        assert!(cards["cards"][0]["indicator"] == "critical", "urgent first");

        let without = call(&app, &signed(), &patient_view(json!({}), None)).await;
        assert_eq!(without.status(), 412);

        // An API token, another issuer, or a server not listed: the same refusal, nothing fetched.
        let refusal = |body: Value| {
            body["issue"][0]["diagnostics"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };
        let token = app.token(ApiScope::Read).await;
        let by_token = call(&app, &token, &patient_view(json!({}), Some(&ehr))).await;
        assert_eq!(by_token.status(), 412);
        let by_token = refusal(by_token.json().await.expect("outcome"));
        assert!(
            by_token.contains("not a server Haven is configured to fetch from"),
            "{by_token}"
        );
        let other = jwt(
            Algorithm::RS384,
            "rsa-1",
            RSA_PRIVATE,
            &app.url(SERVICE),
            json!({"iss": "https://other-ehr.example.org"}),
        );
        let by_other = call(&app, &other, &patient_view(json!({}), Some(&ehr))).await;
        assert_eq!(by_other.status(), 412);
        assert_eq!(refusal(by_other.json().await.expect("outcome")), by_token);
        let unlisted = call(
            &app,
            &signed(),
            &patient_view(json!({}), Some("http://169.254.169.254/latest")),
        )
        .await;
        assert_eq!(unlisted.status(), 412);
        assert_eq!(refusal(unlisted.json().await.expect("outcome")), by_token);

        let paged_away = call(&app, &signed(), &patient_view(json!({}), Some(&pager))).await;
        assert_eq!(paged_away.status(), 412);
        let paged_away = refusal(paged_away.json().await.expect("outcome"));
        assert!(
            paged_away.contains("a page link leads away from fhirServer"),
            "{paged_away}"
        );
    }
}

haven_testdb::both! {
    async fn an_unsigned_jwt_is_refused_for_its_algorithm() {
        let app = spawn_app().await;
        // {"alg":"none","typ":"JWT"} . {"iss": the trusted issuer} . no signature
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2Voci5leGFtcGxlLm9yZyJ9.";
        let response = call(&app, none, &patient_view(full_prefetch(), None)).await;
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.expect("outcome");
        assert_eq!(
            body["issue"][0]["diagnostics"],
            r#"JWT algorithm "none" is not accepted (ES384 or RS384)"#
        );
    }
}

haven_testdb::both! {
    async fn appointment_book_and_feedback() {
        let app = spawn_app().await;
        let token = app.token(ApiScope::Read).await;
        let when = (time::OffsetDateTime::now_utc().date() + time::Duration::days(40)).to_string();
        let request = json!({
            "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2eb", "hook": "appointment-book",
            "context": {"userId": "PractitionerRole/A2340113", "patientId": "1288992", "appointments": {"resourceType": "Bundle", "type": "collection",
                "entry": [{"resource": {"resourceType": "Appointment", "id": "apt1", "status": "proposed", "start": format!("{when}T09:00:00Z"),
                    "participant": [{"actor": {"reference": "Patient/example"}, "status": "tentative"}]}}]}},
            "prefetch": {"patient": {"resourceType": "Patient", "id": "1288992", "extension": [
                {"url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired", "valueBoolean": true}]}}
        });
        let mut prefetch = full_prefetch();
        prefetch["patient"] = request["prefetch"]["patient"].clone();
        let mut request = request;
        request["prefetch"] = prefetch;
        let response = app
            .http
            .post(app.url("/cds-services/haven-appointment-book"))
            .bearer_auth(&token)
            .json(&request)
            .send()
            .await
            .expect("call");
        assert_eq!(response.status(), 200);
        let cards: Value = response.json().await.expect("cards");
        assert_eq!(cards["cards"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            cards["cards"][0]["source"]["topic"]["code"],
            "interpreter.book"
        );
        let uuid = cards["cards"][0]["uuid"].as_str().expect("uuid").to_owned();

        let feedback = json!({"feedback": [{"card": uuid, "outcome": "overridden", "overrideReason": {"userComment": "free text"}, "outcomeTimestamp": "2026-11-28T10:00:00Z"}]});
        let response = app
            .http
            .post(app.url("/cds-services/haven-appointment-book/feedback"))
            .bearer_auth(&token)
            .json(&feedback)
            .send()
            .await
            .expect("feedback");
        assert_eq!(response.status(), 200);
        let audit = app.store.audit_recent(None, 10).await.expect("audit");
        let row = audit
            .iter()
            .find(|a| a.action == "cds.feedback")
            .expect("feedback audited");
        assert!(row.detail.contains(&uuid) && !row.detail.contains("free text"));

        // Feedback naming a card Haven never issued is a 404 OperationOutcome, and nothing of it
        // is recorded, not even the cards it names that Haven did issue.
        let mut forged = uuid.clone().into_bytes();
        let last = forged.len() - 1;
        forged[last] = if forged[last] == b'0' { b'1' } else { b'0' };
        let forged = String::from_utf8(forged).expect("ascii");
        for unknown in [
            forged.as_str(),
            "6f3c2a1e-8b4d-4c5e-9a7f-1d2e3c4b5a69",
            "not-a-uuid",
        ] {
            let feedback = json!({"feedback": [
                {"card": uuid, "outcome": "accepted", "outcomeTimestamp": "2026-11-28T10:01:00Z"},
                {"card": unknown, "outcome": "accepted", "outcomeTimestamp": "2026-11-28T10:01:00Z"}]});
            let response = app
                .http
                .post(app.url("/cds-services/haven-appointment-book/feedback"))
                .bearer_auth(&token)
                .json(&feedback)
                .send()
                .await
                .expect("feedback");
            assert_eq!(response.status(), 404, "{unknown}");
            let outcome: Value = response.json().await.expect("outcome");
            assert_eq!(outcome["resourceType"], "OperationOutcome");
            assert_eq!(outcome["issue"][0]["code"], "not-found");
        }
        let recorded = app.store.audit_recent(None, 20).await.expect("audit");
        assert_eq!(
            recorded
                .iter()
                .filter(|a| a.action == "cds.feedback")
                .count(),
            1,
            "only the first feedback was recorded"
        );
    }
}
