//! A Patient's practice over FHIR (MAPPING.md, *Practices*; hazard H-70): every Patient Haven
//! serves names its practice by ODS code (`managingOrganization`); a write naming another
//! practice is refused and stores nothing; and an export imported into the same practice on a
//! fresh database exports the same bytes again.

use haven_core::record::{PatientRecord, Visibility};
use haven_store::api_tokens::ApiScope;
use haven_store::upsert::{Incoming, PatientWrite};
use haven_store::{Actor, OdsCode, OrgId, RecordStream, Store};
use serde_json::{Value, json};

use crate::bulk::{download, started};
use crate::support::{TestApp, record, spawn_app, transaction};

/// Practice 1 named Riverside Surgery (Y01234), holding the test record (pat-17).
async fn riverside(app: &TestApp) {
    app.store
        .rename_practice(
            &Actor::cli("org"),
            OrgId(1),
            &OdsCode::parse("Y01234").unwrap(),
            "Riverside Surgery",
        )
        .await
        .expect("rename");
}

fn managing() -> Value {
    json!({
        "identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "Y01234"},
        "display": "Riverside Surgery"
    })
}

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("text");
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}

/// What `haven export` writes for a store: each Patient naming its practice.
async fn exported(store: &Store) -> String {
    let mut values = Vec::new();
    for practice in store.practices_in_scope().await.unwrap() {
        let named = haven_web::fhir_api::fhir_practice(&practice);
        store
            .within(practice.id)
            .scan_records(&RecordStream::default(), Visibility::Sensitive, |record| {
                values.extend(
                    haven_fhir::to_resources_stored(&record, true, None, Some(&named))
                        .into_iter()
                        .map(|(_, v)| v),
                );
            })
            .await
            .expect("scan");
    }
    haven_fhir::ndjson::to_ndjson(&values)
}

haven_testdb::both! {
    async fn a_patient_names_its_practice_in_read_search_and_bulk_export() {
        let app = spawn_app().await;
        riverside(&app).await;
        app.store
            .insert_records(&Actor::new("admin"), "test", [vec![record()]], |_| {})
            .await
            .expect("records");
        let token = app.token(ApiScope::Read).await;
        let (status, patient) = json_of(app.get("/fhir/Patient/pat-17", &token).await).await;
        assert_eq!(status, 200, "{patient}");
        assert_eq!(patient["managingOrganization"], managing());
        let (_, bundle) = json_of(app.get("/fhir/Patient?family=Haddad", &token).await).await;
        assert_eq!(bundle["entry"][0]["resource"]["managingOrganization"], managing());
        let status_url = started(&app, &token, "/fhir/$export?_type=Patient", None).await;
        let files = download(&app, &token, &status_url).await;
        assert_eq!(files["Patient"][0]["managingOrganization"], managing());
    }
}

haven_testdb::both! {
    async fn a_transaction_naming_another_practice_is_refused_and_stores_nothing() {
        let app = spawn_app().await;
        riverside(&app).await;
        let token = app.token(ApiScope::Write).await;
        let mut bundle = transaction(&PatientRecord::new(record().patient));
        bundle["entry"][0]["resource"]["managingOrganization"] = json!({
            "identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "Y05678"},
            "display": "Hillside Practice"
        });
        let (status, outcome) = json_of(app.post_json("/fhir", &token, &bundle).await).await;
        assert!((400..500).contains(&status), "{status} {outcome}");
        let text = outcome.to_string();
        assert!(
            text.contains("Patient/pat-17 names practice Y05678")
                && text.contains("Patient.managingOrganization.identifier.value")
                && text.contains("Riverside Surgery (Y01234)"),
            "{text}"
        );
        assert_eq!(app.store.count_patients().await.unwrap(), 0, "nothing stored");
        // Naming this practice, or none: stored.
        bundle["entry"][0]["resource"]["managingOrganization"] = managing();
        let (status, body) = json_of(app.post_json("/fhir", &token, &bundle).await).await;
        assert_eq!(status, 200, "{body}");
        let mut plain = transaction(&PatientRecord::new(haven_core::record::Patient::new(
            "pat-18".into(),
            "Laleh",
            "Karimi",
        )));
        plain["entry"][0]["resource"].as_object_mut().unwrap().remove("managingOrganization");
        let (status, body) = json_of(app.post_json("/fhir", &token, &plain).await).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.store.count_patients().await.unwrap(), 2);
    }
}

haven_testdb::both! {
    async fn export_then_import_on_a_fresh_database_gives_the_same_bytes() {
        let first = spawn_app().await;
        riverside(&first).await;
        first
            .store
            .insert_records(&Actor::new("admin"), "test", [vec![record()]], |_| {})
            .await
            .expect("records");
        let bytes = exported(&first.store).await;
        assert!(bytes.contains("ods-organization-code"));

        // The same practice on a fresh database: the import files under it, as `haven import`
        // does once told its practice.
        let second = spawn_app().await;
        riverside(&second).await;
        let mut assembler = haven_fhir::Assembler::default();
        let filing = haven_web::fhir_api::filing_practice(&second.store)
            .await
            .unwrap();
        assembler.files_under(filing);
        assembler
            .add_all(haven_fhir::parse_input(bytes.as_bytes(), "export").expect("parse"))
            .expect("add");
        let assembly = assembler
            .finish(second.store.clock().today(), &[], haven_fhir::Purpose::Store)
            .expect("assemble");
        let incoming = assembly
            .records
            .into_iter()
            .map(|record| Incoming { record, write: PatientWrite::Upsert })
            .collect();
        second
            .store
            .bulk_upsert_incoming(&Actor::cli("import"), incoming, "round trip")
            .await
            .expect("import");
        assert_eq!(exported(&second.store).await, bytes);

        // Into another practice of that database: refused, nothing stored.
        let third = spawn_app().await;
        let mut assembler = haven_fhir::Assembler::default();
        let hill = third
            .store
            .add_practice(&Actor::cli("org"), &OdsCode::parse("Y05678").unwrap(), "Hillside")
            .await
            .unwrap();
        assembler.files_under(haven_web::fhir_api::fhir_practice(&hill));
        assembler
            .add_all(haven_fhir::parse_input(bytes.as_bytes(), "export").expect("parse"))
            .expect("add");
        let err = assembler
            .finish(third.store.clock().today(), &[], haven_fhir::Purpose::Store)
            .expect_err("another practice");
        assert!(err.to_string().contains("names practice Y01234"), "{err}");
    }
}

haven_testdb::both! {
    /// A FHIR client nobody here wrote reads `managingOrganization` and has a Patient of
    /// another practice refused (clients/fhirpy_practice.py).
    async fn fhirpy_reads_the_practice_and_is_refused_another_practices_patient() {
        let Some(python) = haven_testdb::fhirpy_or_skip("fhirpy managingOrganization test") else {
            return;
        };
        let app = spawn_app().await;
        riverside(&app).await;
        app.store
            .insert_records(&Actor::new("admin"), "test", [vec![record()]], |_| {})
            .await
            .expect("records");
        let token = app.token(ApiScope::Write).await;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/clients/fhirpy_practice.py");
        let base = app.url("/fhir");
        // The server runs on this test's runtime: the client waits on a blocking thread.
        let out = tokio::task::spawn_blocking(move || {
            std::process::Command::new(python)
                .args([script, &base, &token, "pat-17"])
                .output()
                .expect("python runs")
        })
        .await
        .expect("client");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(stdout.lines().filter(|l| l.starts_with("ok ")).count(), 5, "{stdout}");
        assert_eq!(app.store.count_patients().await.unwrap(), 2);
    }
}
