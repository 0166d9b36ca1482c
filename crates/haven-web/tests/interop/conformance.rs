//! What every FHIR client relies on at the HTTP level (issue 16 §1): the base with a trailing
//! slash takes transactions, and every error under `/fhir` — an unknown address, a method not
//! allowed, XML asked for or sent — is an OperationOutcome in `application/fhir+json`.

use haven_store::api_tokens::ApiScope;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{TestApp, record, spawn_app, transaction};

/// Status, content type and the first issue's code of an answer that must be an outcome.
async fn outcome(res: reqwest::Response) -> (StatusCode, String, String, Value) {
    let status = res.status();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let url = res.url().to_string();
    let text = res.text().await.expect("body");
    let body: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{status} from {url} is not JSON ({e}): {text:?}"));
    assert_eq!(body["resourceType"], "OperationOutcome", "{body}");
    let code = body["issue"][0]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (status, kind, code, body)
}

/// The app holding the tests' synthetic record (pat-17), and a read token.
async fn with_record() -> (TestApp, String) {
    let app = spawn_app().await;
    let write = app.token(ApiScope::Write).await;
    let res = app
        .post_json("/fhir", &write, &transaction(&record()))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let read = app.token(ApiScope::Read).await;
    (app, read)
}

haven_testdb::both! {
    async fn the_base_with_a_trailing_slash_takes_a_transaction() {
        let app = spawn_app().await;
        let write = app.token(ApiScope::Write).await;
        let res = app
            .post_json("/fhir/", &write, &transaction(&record()))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["type"], "transaction-response");
        assert!(
            app.store
                .record("pat-17", haven_core::record::Visibility::Sensitive)
                .await
                .is_ok()
        );
    }
}

haven_testdb::both! {
    async fn every_error_under_fhir_is_an_operation_outcome() {
        let app = spawn_app().await;
        let read = app.token(ApiScope::Read).await;

        let (status, kind, code, _) =
            outcome(app.get("/fhir/Patient/pat-1/nothing/here", &read).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_FOUND, "not-found")
        );
        assert!(kind.starts_with("application/fhir+json"), "{kind}");

        let res = app
            .http
            .delete(app.url("/fhir/Patient/pat-1"))
            .bearer_auth(&read)
            .send()
            .await
            .expect("request");
        let allow = res
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let (status, kind, code, body) = outcome(res).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(kind.starts_with("application/fhir+json"));
        assert_eq!(code, "not-supported");
        assert!(
            allow.contains("GET") && allow.contains("PUT"),
            "Allow: {allow}"
        );
        assert!(
            body["issue"][0]["diagnostics"]
                .as_str()
                .unwrap_or_default()
                .contains("allowed")
        );

        let (status, _, _, _) = outcome(app.get("/fhir/Patient?_format=xml", &read).await).await;
        assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
        let res = app
            .http
            .get(app.url("/fhir/metadata"))
            .header("accept", "application/fhir+xml")
            .send()
            .await
            .expect("request");
        assert_eq!(outcome(res).await.0, StatusCode::NOT_ACCEPTABLE);

        let write = app.token(ApiScope::Write).await;
        let res = app
            .http
            .post(app.url("/fhir"))
            .bearer_auth(&write)
            .header("content-type", "application/fhir+xml")
            .body("<Bundle xmlns=\"http://hl7.org/fhir\"/>")
            .send()
            .await
            .expect("request");
        assert_eq!(outcome(res).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);

        for ok in [
            "/fhir/metadata?_format=json",
            "/fhir/metadata?_format=application/fhir%2Bjson",
        ] {
            let res = app
                .http
                .get(app.url(ok))
                .header("accept", "application/fhir+json")
                .send()
                .await
                .expect("request");
            assert_eq!(res.status(), StatusCode::OK, "{ok}");
        }
    }
}

haven_testdb::both! {
    async fn patients_are_found_by_name_and_birthdate_and_counted() {
        let (app, read) = with_record().await;
        let ids = |body: Value| -> Vec<String> {
            body["entry"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["resource"]["id"].as_str().map(str::to_owned))
                .collect()
        };
        for (query, expected) in [
            ("family=hadd", vec!["pat-17"]),
            ("given=AMINA", vec!["pat-17"]),
            ("name=nobody", vec![]),
            ("birthdate=1990-05", vec!["pat-17"]),
            ("birthdate=1991", vec![]),
        ] {
            let body: Value = app
                .get(&format!("/fhir/Patient?{query}"), &read)
                .await
                .json()
                .await
                .expect("searchset");
            assert_eq!(ids(body), expected, "{query}");
        }
        let counted: Value = app
            .get("/fhir/Patient?_summary=count", &read)
            .await
            .json()
            .await
            .expect("count");
        assert_eq!(counted["total"], 1);
        assert!(counted.get("entry").is_none());
        let refused = app.get("/fhir/Patient?birthdate=ge1990", &read).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    }
}

haven_testdb::both! {
    async fn observations_are_found_by_code_and_category() {
        let (app, read) = with_record().await;
        let search = |query: String| {
            let app = &app;
            let read = read.clone();
            async move {
                let body: Value = app
                    .get(&format!("/fhir/Observation?{query}"), &read)
                    .await
                    .json()
                    .await
                    .expect("searchset");
                body["entry"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|e| e["resource"].clone())
                    .collect::<Vec<Value>>()
            }
        };
        let all = search("patient=pat-17".into()).await;
        assert!(
            all.len() >= 2,
            "the life event and the questionnaire: {all:?}"
        );
        // Each observation is found by its own first coding, and the others are not.
        for observation in &all {
            let coding = &observation["code"]["coding"][0];
            let token = format!(
                "{}|{}",
                coding["system"].as_str().expect("system"),
                coding["code"].as_str().expect("code")
            );
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("patient", "pat-17")
                .append_pair("code", &token)
                .finish();
            let found = search(query).await;
            assert!(
                found.iter().any(|f| f["id"] == observation["id"]),
                "{token}"
            );
            assert!(found.len() < all.len(), "{token} narrows the search");
        }
        let none = search("patient=pat-17&code=http://example.org/nothing|0".into()).await;
        assert!(none.is_empty());
        let categorised = all
            .iter()
            .find(|o| o["category"][0]["coding"][0]["code"].is_string())
            .expect("an observation with a category");
        let category = categorised["category"][0]["coding"][0]["code"]
            .as_str()
            .expect("category")
            .to_owned();
        let by_category = search(format!("patient=pat-17&category={category}")).await;
        assert!(by_category.iter().any(|f| f["id"] == categorised["id"]));
        let elsewhere = search("patient=pat-17&category=no-such-category".into()).await;
        assert!(elsewhere.is_empty());

        // Dates: the HIV test offered on 2026-03-02, the questionnaire of 2026-11-01 and the
        // refusal of 2026-11-20.
        let dated = |query: &'static str| {
            let search = &search;
            async move {
                let mut days: Vec<String> = search(format!("patient=pat-17&{query}"))
                    .await
                    .iter()
                    .filter_map(|o| o["effectiveDateTime"].as_str().map(|d| d[..10].to_owned()))
                    .collect();
                days.sort();
                days
            }
        };
        assert_eq!(dated("date=2026-11-20").await, ["2026-11-20"]);
        assert_eq!(dated("date=ge2026-11-10").await, ["2026-11-20"]);
        assert_eq!(
            dated("date=lt2026-11-10").await,
            ["2026-03-02", "2026-11-01"]
        );
        assert_eq!(dated("date=2026-11").await, ["2026-11-01", "2026-11-20"]);
        let newest_first: Vec<String> = search("patient=pat-17&_sort=-date".into())
            .await
            .iter()
            .filter_map(|o| o["effectiveDateTime"].as_str().map(|d| d[..10].to_owned()))
            .collect();
        let mut expected = newest_first.clone();
        expected.sort_by(|a, b| b.cmp(a));
        assert_eq!(newest_first, expected);
        assert_eq!(newest_first.first().map(String::as_str), Some("2026-11-20"));
        let refused = app
            .get("/fhir/Observation?patient=pat-17&date=sa2026", &read)
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    }
}

haven_testdb::both! {
    async fn an_unknown_parameter_is_ignored_or_refused_when_the_client_is_strict() {
        let (app, read) = with_record().await;
        let lenient: Value = app
            .get("/fhir/Patient?family=haddad&shoe-size=9", &read)
            .await
            .json()
            .await
            .expect("searchset");
        assert_eq!(lenient["total"], 1);
        let links = lenient["link"].to_string();
        assert!(
            links.contains("family=haddad") && !links.contains("shoe-size"),
            "{links}"
        );

        let strict = app
            .http
            .get(app.url("/fhir/Patient?family=haddad&shoe-size=9"))
            .bearer_auth(&read)
            .header("prefer", "handling=strict")
            .send()
            .await
            .expect("request");
        assert_eq!(strict.status(), StatusCode::BAD_REQUEST);
        let (_, _, code, body) = outcome(strict).await;
        assert_eq!(code, "not-supported");
        assert!(body.to_string().contains("shoe-size"));
        let fine = app
            .http
            .get(app.url("/fhir/Patient?family=haddad"))
            .bearer_auth(&read)
            .header("prefer", "handling=strict")
            .send()
            .await
            .expect("request");
        assert_eq!(fine.status(), StatusCode::OK);
    }
}

haven_testdb::both! {
    /// A batch's entries stand alone (issue 16 §1): the good ones are stored, a bad one gets its
    /// own OperationOutcome naming its place in the request, and a reference to an earlier stored
    /// entry follows it while one to a refused entry is refused in turn. A transaction with the
    /// same bad entry stores nothing.
    async fn a_batch_stores_its_good_entries_and_answers_each_bad_one_on_its_own() {
        let app = spawn_app().await;
        let write = app.token(ApiScope::Write).await;
        let h = "https://haven-health.github.io/fhir";
        let event = |id: &str, subject: &str| {
            serde_json::json!({"resource": {"resourceType": "Observation", "id": id, "status": "final",
                "subject": {"reference": subject},
                "code": {"coding": [{"system": format!("{h}/CodeSystem/life-event"), "code": "asylum-refused"}]},
                "effectiveDateTime": "2026-10-01"},
             "request": {"method": "POST", "url": "Observation"}})
        };
        let entries = vec![
            serde_json::json!({"fullUrl": "urn:uuid:0b9e4c1e-5a52-4c8e-9a51-1f2a3b4c5d01",
             "resource": {"resourceType": "Patient", "name": [{"family": "Okafor"}], "birthDate": "1991-03-02"},
             "request": {"method": "POST", "url": "Patient"}}),
            event("e1", "urn:uuid:0b9e4c1e-5a52-4c8e-9a51-1f2a3b4c5d01"),
            serde_json::json!({"fullUrl": "urn:uuid:0b9e4c1e-5a52-4c8e-9a51-1f2a3b4c5d02",
             "resource": {"resourceType": "Patient", "name": [{"family": "Tesfaye"}], "birthDate": "soon"},
             "request": {"method": "POST", "url": "Patient"}}),
            event("e2", "urn:uuid:0b9e4c1e-5a52-4c8e-9a51-1f2a3b4c5d02"),
        ];
        let mut bundle =
            serde_json::json!({"resourceType": "Bundle", "type": "transaction", "entry": entries});
        let res = app.post_json("/fhir", &write, &bundle).await;
        let (status, _, _, body) = outcome(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(app.store.count_patients().await.expect("count"), 0);

        bundle["type"] = "batch".into();
        let res = app.post_json("/fhir", &write, &bundle).await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["type"], "batch-response");
        let answers = body["entry"].as_array().expect("entries");
        let statuses: Vec<&str> = answers
            .iter()
            .map(|e| e["response"]["status"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            statuses,
            [
                "201 Created",
                "201 Created",
                "422 Unprocessable Entity",
                "422 Unprocessable Entity"
            ],
            "{body}"
        );
        let refused = answers[2]["response"]["outcome"]["issue"][0]["diagnostics"]
            .as_str()
            .unwrap_or_default();
        assert!(
            refused.starts_with("request body: Bundle.entry[2]: Patient.birthDate"),
            "{refused}"
        );
        let dangling = answers[3]["response"]["outcome"]["issue"][0]["diagnostics"]
            .as_str()
            .unwrap_or_default();
        assert!(
            dangling.contains("urn:uuid:0b9e4c1e-5a52-4c8e-9a51-1f2a3b4c5d02"),
            "{dangling}"
        );
        let patient = answers[0]["response"]["location"]
            .as_str()
            .and_then(|l| l.split('/').nth(1))
            .expect("the patient's location");
        let stored = app
            .store
            .record(patient, haven_core::record::Visibility::Sensitive)
            .await
            .expect("the patient was stored");
        assert_eq!(stored.entries.len(), 1, "the event followed its patient");
        assert_eq!(app.store.count_patients().await.expect("count"), 1);
    }
}

/// Creates `n` patients in one transaction; Haven numbers them `pat-N` in order.
async fn create_patients(app: &TestApp, write: &str, families: &[&str]) {
    let entry: Vec<Value> = families
        .iter()
        .map(|family| {
            serde_json::json!({"resource": {"resourceType": "Patient", "name": [{"family": family}], "birthDate": "1990-01-01"},
             "request": {"method": "POST", "url": "Patient"}})
        })
        .collect();
    let bundle =
        serde_json::json!({"resourceType": "Bundle", "type": "transaction", "entry": entry});
    let res = app.post_json("/fhir", write, &bundle).await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// The ids on a searchset page and its `next` link (as a path), checking every page is
/// keyset-paged: no `_offset`, no `previous`.
async fn page(app: &TestApp, read: &str, path: &str) -> (Vec<String>, Option<String>, Value) {
    let res = app.get(path, read).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let body: Value = res.json().await.expect("json");
    let ids = body["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["resource"]["id"].as_str().map(str::to_owned))
        .collect();
    let links = body["link"].as_array().cloned().unwrap_or_default();
    assert!(links.iter().all(|l| l["relation"] != "previous"));
    let next = links
        .iter()
        .find(|l| l["relation"] == "next")
        .and_then(|l| l["url"].as_str())
        .map(|url| {
            url.strip_prefix(app.base.as_str())
                .unwrap_or(url)
                .to_owned()
        });
    assert!(
        next.as_deref()
            .is_none_or(|n| n.contains("_cursor=") && !n.contains("_offset"))
    );
    (ids, next, body)
}

haven_testdb::both! {
    /// Paging that holds under writes (issue 16 §1): patients created and changed while a client
    /// pages through a search neither repeat a result nor leave one out, in patient order and in
    /// date order alike.
    async fn paging_under_inserts_neither_repeats_nor_skips() {
        let app = spawn_app().await;
        let (write, read) = (
            app.token(ApiScope::Write).await,
            app.token(ApiScope::Read).await,
        );
        let families = [
            "Amini", "Bashir", "Cohen", "Diallo", "Eze", "Farah", "Gebre", "Hakimi", "Idris",
        ];
        create_patients(&app, &write, &families).await;
        let mut seen = Vec::new();
        let (ids, mut next, first) = page(&app, &read, "/fhir/Patient?_count=3").await;
        assert_eq!(ids, ["pat-1", "pat-2", "pat-3"]);
        assert!(
            first.get("total").is_none(),
            "a page in patient order is not a count of all"
        );
        seen.extend(ids);
        let mut round = 0;
        while let Some(path) = next {
            // Each write lands before the page being read: pat-10, pat-11… sort after pat-1.
            create_patients(&app, &write, &["Juma"]).await;
            round += 1;
            let (ids, more, _) = page(&app, &read, &path).await;
            seen.extend(ids);
            next = more;
        }
        assert_eq!(round, 2);
        let expected: Vec<String> = (1..=9).map(|n| format!("pat-{n}")).collect();
        assert_eq!(seen, expected, "every patient once, none twice");
        let (_, _, counted) = page(&app, &read, "/fhir/Patient?_count=3&_total=accurate").await;
        assert_eq!(counted["total"], 11);

        // By date: events of one patient, newest first, with one older and one newer added while
        // paging; the pages hold every event there was when paging began, once.
        let h = "https://haven-health.github.io/fhir";
        let event = |day: &str| {
            serde_json::json!({"resource": {"resourceType": "Observation", "status": "final",
                "subject": {"reference": "Patient/pat-1"},
                "code": {"coding": [{"system": format!("{h}/CodeSystem/life-event"), "code": "asylum-refused"}]},
                "effectiveDateTime": day},
             "request": {"method": "POST", "url": "Observation"}})
        };
        let days = [
            "2026-01-05",
            "2026-02-05",
            "2026-03-05",
            "2026-04-05",
            "2026-05-05",
        ];
        let bundle = serde_json::json!({"resourceType": "Bundle", "type": "transaction",
            "entry": days.iter().map(|d| event(d)).collect::<Vec<_>>()});
        assert_eq!(
            app.post_json("/fhir", &write, &bundle).await.status(),
            StatusCode::OK
        );
        let dates = |body: &Value| -> Vec<String> {
            body["entry"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| {
                    e["resource"]["effectiveDateTime"]
                        .as_str()
                        .map(str::to_owned)
                })
                .collect()
        };
        let (_, mut next, first) = page(
            &app,
            &read,
            "/fhir/Observation?patient=pat-1&_sort=-date&_count=2",
        )
        .await;
        let mut seen = dates(&first);
        assert_eq!(first["total"], 5);
        let added = serde_json::json!({"resourceType": "Bundle", "type": "transaction",
            "entry": [event("2026-06-05"), event("2025-12-05")]});
        assert_eq!(
            app.post_json("/fhir", &write, &added).await.status(),
            StatusCode::OK
        );
        while let Some(path) = next {
            let (_, more, body) = page(&app, &read, &path).await;
            seen.extend(dates(&body));
            next = more;
        }
        // The newer event sorts before the cursor and is not shown; the older one is after it.
        assert_eq!(
            seen,
            [
                "2026-05-05",
                "2026-04-05",
                "2026-03-05",
                "2026-02-05",
                "2026-01-05",
                "2025-12-05"
            ]
        );
        let bad = app.get("/fhir/Patient?_cursor=xyz", &read).await;
        let (status, _, code, _) = outcome(bad).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::BAD_REQUEST, "invalid")
        );
    }
}

haven_testdb::both! {
    /// FHIR's create (`POST /fhir/{type}`), as clients' `save()` sends it: 201 with `Location`,
    /// `ETag` and the resource as stored under a new id; `If-None-Exist` by NHS number finds the
    /// patient instead; a body of another type, or one Haven would not store, changes nothing.
    async fn a_create_answers_201_with_where_and_what_was_stored() {
        let app = spawn_app().await;
        let (write, read) = (
            app.token(ApiScope::Write).await,
            app.token(ApiScope::Read).await,
        );
        let patient = serde_json::json!({"resourceType": "Patient", "id": "client-chosen",
            "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000000009"}],
            "name": [{"family": "Rahimi"}], "birthDate": "1985-06-07"});
        let res = app.post_json("/fhir/Patient", &write, &patient).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let location = res.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        assert_eq!(
            location,
            format!("{}/fhir/Patient/pat-1/_history/1", app.base)
        );
        assert_eq!(res.headers()["etag"], "W/\"1\"");
        let body: Value = res.json().await.expect("json");
        assert_eq!(
            (body["id"].as_str(), body["meta"]["versionId"].as_str()),
            (Some("pat-1"), Some("1"))
        );

        let again = app
            .http
            .post(app.url("/fhir/Patient"))
            .bearer_auth(&write)
            .header("content-type", "application/fhir+json")
            .header(
                "if-none-exist",
                "identifier=https://fhir.nhs.uk/Id/nhs-number|9000000009",
            )
            .body(patient.to_string())
            .send()
            .await
            .expect("send");
        assert_eq!(
            again.status(),
            StatusCode::OK,
            "the patient on file is used"
        );
        assert_eq!(app.store.count_patients().await.expect("count"), 1);

        let h = "https://haven-health.github.io/fhir";
        let event = serde_json::json!({"resourceType": "Observation", "status": "final",
            "subject": {"reference": "Patient/pat-1"},
            "code": {"coding": [{"system": format!("{h}/CodeSystem/life-event"), "code": "asylum-refused"}]},
            "effectiveDateTime": "2026-11-30"});
        let res = app.post_json("/fhir/Observation", &write, &event).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let stored: Value = res.json().await.expect("json");
        let id = stored["id"].as_str().expect("id");
        assert_eq!(
            app.get(&format!("/fhir/Observation/{id}"), &read)
                .await
                .status(),
            StatusCode::OK
        );

        let res = app.post_json("/fhir/Condition", &write, &event).await;
        let (status, _, _, body) = outcome(res).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let mut unknown = event.clone();
        unknown["code"] =
            serde_json::json!({"coding": [{"system": "http://loinc.org", "code": "0000-0"}]});
        let res = app.post_json("/fhir/Observation", &write, &unknown).await;
        let (status, _, _, body) = outcome(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let mut invalid = patient.clone();
        invalid["birthDate"] = "soon".into();
        invalid["identifier"] = serde_json::json!([]);
        let res = app.post_json("/fhir/Patient", &write, &invalid).await;
        let (status, _, _, body) = outcome(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let text = body["issue"][0]["diagnostics"].as_str().unwrap_or_default();
        assert!(
            text.starts_with("request body: Patient.birthDate"),
            "{text}"
        );
        assert_eq!(app.store.count_patients().await.expect("count"), 1);

        // Sensitive history is stored whatever the token, and shown back only to a token that may
        // read it.
        let mut disclosure = haven_fhir::to_resources(&record(), true)
            .into_iter()
            .map(|(_, v)| v)
            .find(|v| v["resourceType"] == "Condition" && v["meta"]["security"].is_array())
            .expect("the record holds a disclosure");
        disclosure["subject"] = serde_json::json!({"reference": "Patient/pat-1"});
        let res = app.post_json("/fhir/Condition", &write, &disclosure).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        assert!(res.headers().contains_key("location") && res.headers().contains_key("etag"));
        let note: Value = res.json().await.expect("json");
        assert_eq!(note["resourceType"], "OperationOutcome", "{note}");
        let sensitive = app.sensitive_token(ApiScope::Write).await;
        let res = app
            .post_json("/fhir/Condition", &sensitive, &disclosure)
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let shown: Value = res.json().await.expect("json");
        assert_eq!(shown["resourceType"], "Condition", "{shown}");
    }
}

haven_testdb::both! {
    /// UK Core and references that resolve (issue 16 §3): a Patient declares UK Core Patient, and
    /// its `generalPractitioner` is a Practitioner (UK Core) Haven serves, read and searched,
    /// whether the clinician is a Haven user or another system's id.
    async fn a_patient_s_named_clinician_resolves_to_a_uk_core_practitioner() {
        let app = spawn_app().await;
        let (write, read) = (
            app.token(ApiScope::Write).await,
            app.token(ApiScope::Read).await,
        );
        let lee = haven_store::User {
            username: "dr.lee".into(),
            display_name: "Dr Min Lee".into(),
            role: haven_store::Role::Clinician,
            password_hash: "x".into(),
            active: true,
        };
        app.store
            .add_user(&haven_store::Actor::new("admin"), &lee)
            .await
            .expect("user");
        let entry: Vec<Value> = [("Okeke", "dr.lee"), ("Sow", "ehr-gp-9")]
            .iter()
            .map(|(family, gp)| {
                serde_json::json!({"resource": {"resourceType": "Patient", "name": [{"family": family}],
                    "generalPractitioner": [{"reference": format!("Practitioner/{gp}")}]},
                 "request": {"method": "POST", "url": "Patient"}})
            })
            .collect();
        let bundle =
            serde_json::json!({"resourceType": "Bundle", "type": "transaction", "entry": entry});
        assert_eq!(
            app.post_json("/fhir", &write, &bundle).await.status(),
            StatusCode::OK
        );

        let patient: Value = app
            .get("/fhir/Patient/pat-1", &read)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(
            patient["meta"]["profile"][0],
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
        );
        let reference = patient["generalPractitioner"][0]["reference"]
            .as_str()
            .expect("reference");
        let res = app.get(&format!("/fhir/{reference}"), &read).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["etag"], "W/\"1\"");
        let practitioner: Value = res.json().await.expect("json");
        assert_eq!(practitioner["resourceType"], "Practitioner");
        assert_eq!(practitioner["name"][0]["text"], "Dr Min Lee");
        assert_eq!(
            practitioner["meta"]["profile"][0],
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Practitioner"
        );
        let foreign: Value = app
            .get("/fhir/Practitioner/ehr-gp-9", &read)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(foreign["id"], "ehr-gp-9");
        assert!(foreign.get("name").is_none());

        let (ids, _, found) = page(&app, &read, "/fhir/Practitioner?name=min").await;
        assert_eq!(ids, ["dr.lee"]);
        assert_eq!(found["total"], 1);
        let (ids, _, _) = page(&app, &read, "/fhir/Practitioner").await;
        assert_eq!(ids, ["dr.lee", "ehr-gp-9"]);
        let (ids, _, _) = page(
            &app,
            &read,
            "/fhir/Practitioner?identifier=https://haven-health.github.io/fhir/Id/user|ehr-gp-9",
        )
        .await;
        assert_eq!(ids, ["ehr-gp-9"]);
        let (ids, _, _) = page(&app, &read, "/fhir/Practitioner?active=false").await;
        assert!(ids.is_empty());
        let res = app.get("/fhir/Practitioner/dr.lee/_history/1", &read).await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = app.get("/fhir/Practitioner/dr.lee/_history/2", &read).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = app.get("/fhir/Practitioner/nobody", &read).await;
        let (status, _, code, _) = outcome(res).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_FOUND, "not-found")
        );

        let metadata: Value = app
            .get("/fhir/metadata", &read)
            .await
            .json()
            .await
            .expect("json");
        let declared = |kind: &str| {
            metadata["rest"][0]["resource"]
                .as_array()
                .and_then(|r| r.iter().find(|r| r["type"] == kind))
                .map(|r| r["profile"].clone())
        };
        assert_eq!(
            declared("Patient"),
            Some("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient".into())
        );
        assert_eq!(
            declared("Practitioner"),
            Some("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Practitioner".into())
        );
    }
}
