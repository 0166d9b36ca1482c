//! Emergency ("break-glass") access: a receptionist states why, sees the whole record read
//! only for the policy's minutes, and an administrator reviews it; all of it audited.

use haven_store::{Actor, Clock, Role};
use reqwest::StatusCode;
use time::macros::datetime;

use crate::support::{
    FIXTURE_DISCLOSURE_NOTE, body, config, location, seed_patient, spawn_app, spawn_app_on,
};

haven_testdb::both! {
    async fn a_receptionist_states_why_and_then_sees_the_sensitive_detail_for_a_while() {
        let at = datetime!(2026-11-28 10:00 UTC);
        let app = spawn_app_on(config(), Clock::fixed(at)).await;
        app.add_user("reception", Role::Receptionist, None).await;
        app.add_user("admin", Role::Admin, None).await;
        let f = seed_patient(&app.store, None).await;
        let reception = app.signed_in_at("reception", at).await;
        let patient_path = format!("/patients/{}", f.patient);
        let disclosure = format!("{patient_path}/entries/{}", f.sensitive_entry);

        let page = body(reception.get(&patient_path).await).await;
        assert!(!page.contains(FIXTURE_DISCLOSURE_NOTE));
        assert!(page.contains("Need a sensitive detail to book safely?"));
        assert_eq!(
            reception.get(&disclosure).await.status(),
            StatusCode::FORBIDDEN
        );

        let ask = body(reception.get(&format!("{patient_path}/break-glass")).await).await;
        assert!(ask.contains("for 30 minutes"), "the policy's default");
        let blank = reception
            .post(&format!("{patient_path}/break-glass"), &[("reason", " ")])
            .await;
        assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(blank).await.contains("href=\"#reason\""));
        assert_eq!(
            app.store
                .break_glass_grants(10)
                .await
                .expect("grants")
                .len(),
            0,
            "nothing granted without a reason"
        );

        let granted = reception
            .post(
                &format!("{patient_path}/break-glass"),
                &[("reason", "to book a female clinician")],
            )
            .await;
        assert_eq!(granted.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&granted), patient_path);
        let page = body(reception.get(&patient_path).await).await;
        assert!(page.contains("Emergency access until 10:30 UTC"));
        assert!(page.contains("Torture"), "the sensitive history is shown");
        assert_eq!(reception.get(&disclosure).await.status(), StatusCode::OK);
        let history = body(reception.get(&disclosure).await).await;
        assert!(
            !history.contains("Mark as entered in error</button>"),
            "read only: reception still may not change it"
        );
        let audit = app
            .store
            .audit_recent(Some(&f.patient), 20)
            .await
            .expect("audit");
        assert!(audit.iter().any(|a| a.action == "access.break-glass"
            && a.actor == "reception"
            && a.detail == "for 30 minutes: to book a female clinician"));

        let admin = app.signed_in_at("admin", at).await;
        let review = body(admin.get("/admin/break-glass").await).await;
        assert!(review.contains("1 awaiting review."));
        assert!(review.contains("to book a female clinician") && review.contains("Name of reception"));
        let grant = app.store.break_glass_grants(1).await.expect("grants")[0].id;
        let done = admin
            .post(&format!("/admin/break-glass/{grant}/reviewed"), &[])
            .await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
        let review = body(admin.get("/admin/break-glass").await).await;
        assert!(
            review.contains("Nothing awaits review.") && review.contains("Reviewed by Name of admin")
        );
    }
}

haven_testdb::both! {
    async fn emergency_access_ends_when_its_time_is_up_and_is_for_reception_only() {
        let app = spawn_app().await;
        app.add_user("reception", Role::Receptionist, None).await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, None).await;
        let long_ago = time::OffsetDateTime::now_utc() - time::Duration::hours(2);
        app.store
            .grant_break_glass(
                &Actor::new("reception"),
                &f.patient,
                "to book a female clinician",
                long_ago,
                30,
            )
            .await
            .expect("grant");
        let reception = app.signed_in("reception").await;
        let page = body(reception.get(&format!("/patients/{}", f.patient)).await).await;
        assert!(!page.contains("Emergency access until"));
        assert!(!page.contains(FIXTURE_DISCLOSURE_NOTE) && !page.contains("Torture"));
        assert_eq!(
            reception
                .get(&format!(
                    "/patients/{}/entries/{}",
                    f.patient, f.sensitive_entry
                ))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );

        let clinician = app.signed_in("dr.amal").await;
        assert_eq!(
            clinician
                .post(
                    &format!("/patients/{}/break-glass", f.patient),
                    &[("reason", "curious")]
                )
                .await
                .status(),
            StatusCode::FORBIDDEN,
            "clinical roles see the record already and never need a grant"
        );
    }
}
