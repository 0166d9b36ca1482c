//! Who has seen a record, and the administrators' search of the audit log: both list what the
//! log holds, only to the roles allowed, and are themselves audited.

use haven_store::Role;
use reqwest::StatusCode;

use crate::support::{body, seed_patient, spawn_app};

haven_testdb::both! {
    async fn a_clinician_sees_who_opened_the_record_and_is_listed_for_looking() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        app.add_user("reception", Role::Receptionist, None).await;
        let f = seed_patient(&app.store, None).await;
        let reception = app.signed_in("reception").await;
        assert_eq!(
            reception
                .get(&format!("/patients/{}", f.patient))
                .await
                .status(),
            StatusCode::OK
        );
        assert_eq!(
            reception
                .get(&format!("/patients/{}/audit", f.patient))
                .await
                .status(),
            StatusCode::FORBIDDEN,
            "reception may not read the log"
        );

        let clinician = app.signed_in("dr.amal").await;
        let page = body(clinician.get(&format!("/patients/{}", f.patient)).await).await;
        assert!(page.contains(&format!("/patients/{}/audit", f.patient)));
        let log = body(
            clinician
                .get(&format!("/patients/{}/audit", f.patient))
                .await,
        )
        .await;
        assert!(log.contains("Who has seen this record"));
        assert!(
            log.contains("Name of reception") && log.contains("Opened the record"),
            "the receptionist's visit is listed by name"
        );
        assert!(
            log.contains("Looked at who has seen the record"),
            "looking at the log is itself listed"
        );
        let audit = app
            .store
            .audit_recent(Some(&f.patient), 1)
            .await
            .expect("audit");
        assert_eq!(audit[0].action, "audit.view");
        assert_eq!(audit[0].actor, "dr.amal");
    }
}

haven_testdb::both! {
    async fn an_administrator_searches_the_log_by_user_patient_action_and_date() {
        let app = spawn_app().await;
        app.add_user("admin", Role::Admin, None).await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, None).await;
        let other = app
            .store
            .create_patient(
                &haven_store::Actor::cli("test"),
                haven_core::record::Patient::new(haven_core::PatientId::new(""), "Bashir", "Karimi"),
                Vec::new(),
            )
            .await
            .expect("second patient");
        let clinician = app.signed_in("dr.amal").await;
        clinician.get(&format!("/patients/{}", f.patient)).await;
        clinician.get(&format!("/patients/{}", other.id)).await;

        let admin = app.signed_in("admin").await;
        let all = body(admin.get("/admin/audit").await).await;
        assert!(all.contains("Latest entries") && all.contains("patient.view"));

        let found = body(
            admin
                .get(&format!(
                    "/admin/audit?user=dr.amal&patient={}&action=patient",
                    f.patient
                ))
                .await,
        )
        .await;
        assert!(found.contains("Matching entries"));
        assert!(found.contains(&format!(">{}</a>", f.patient)));
        assert!(
            !found.contains(&format!(">{}</a>", other.id)),
            "only the patient asked for"
        );

        let later = body(admin.get("/admin/audit?from=2999-01-01").await).await;
        assert!(later.contains("No audit entries match."));

        let bad = admin
            .get("/admin/audit?from=2026-12-01&to=2026-11-01")
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let bad = body(bad).await;
        assert!(bad.contains("The last day must be on or after the first day"));
        assert!(bad.contains("href=\"#to\""), "the error links to its field");

        let searches: Vec<_> = app
            .store
            .audit_recent(None, 20)
            .await
            .expect("audit")
            .into_iter()
            .filter(|a| a.action == "audit.search")
            .collect();
        assert_eq!(
            searches.len(),
            3,
            "every search served is audited, not the refused one"
        );
        assert!(
            searches
                .iter()
                .any(|a| a.patient.as_deref() == Some(f.patient.as_str())
                    && a.detail == "filters: user, action")
        );
    }
}
