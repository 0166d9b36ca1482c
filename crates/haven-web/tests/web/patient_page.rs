//! The patient page: banner, what each role may see (enforced on the server), audit of every
//! view, entry history and marking entries entered-in-error.

use haven_core::record::EntryStatus;
use haven_store::Role;
use reqwest::StatusCode;

use crate::support::{
    FIXTURE_CONTACT_PURPOSE, FIXTURE_DISCLOSURE_NOTE, FIXTURE_EVENT_NOTE, FIXTURE_PHONE, body,
    location, seed_patient, spawn_app,
};

haven_testdb::both! {
    async fn clinicians_see_the_whole_record_and_every_view_is_audited() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let browser = app.signed_in("dr.amal").await;

        let page = body(browser.get(&format!("/patients/{}", f.patient)).await).await;
        for expected in [
            "Amina Haddad",
            "lang=\"ar\" dir=\"rtl\">أمينة حداد",
            "Interpreter required",
            "Awaiting decision since 2026-03-01",
            "Name of dr.amal",
            "Sensitive history recorded",
            "<section id=\"due\"",
            "What is due",
            "Torture",
            "Asylum claim refused",
            FIXTURE_CONTACT_PURPOSE,
            FIXTURE_PHONE,
        ] {
            assert!(page.contains(expected), "page lacks {expected:?}");
        }
        assert!(
            page.find("class=\"banner\"") < page.find("id=\"due\""),
            "the banner comes first"
        );
        assert!(page.contains(&format!(
            "href=\"/patients/{}/entries/{}\"",
            f.patient, f.sensitive_entry
        )));

        let audit = app
            .store
            .audit_recent(Some(&f.patient), 10)
            .await
            .expect("audit");
        assert_eq!(audit[0].action, "patient.view");
        assert_eq!(audit[0].actor, "dr.amal");
    }
}

haven_testdb::both! {
    async fn receptionists_never_receive_clinical_or_sensitive_history() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let f = seed_patient(&app.store, None).await;
        let browser = app.signed_in("desk").await;

        let res = browser.get(&format!("/patients/{}", f.patient)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body(res).await;
        assert!(page.contains("Amina Haddad") && page.contains("Interpreter required"));
        assert!(
            page.contains(FIXTURE_CONTACT_PURPOSE),
            "planned contacts are administrative"
        );
        assert!(page.contains(FIXTURE_PHONE));
        // "What is due" shows administrative actions only (ui::actions), never clinical ones.
        for hidden in [
            "Sensitive history",
            "Torture",
            FIXTURE_DISCLOSURE_NOTE,
            "Asylum claim refused",
            FIXTURE_EVENT_NOTE,
            "Awaiting decision",
            "risk.reassess-after-event",
            "screening.",
            "Risk reviews",
        ] {
            assert!(!page.contains(hidden), "receptionist page shows {hidden:?}");
        }
        for entry in [&f.clinical_entry, &f.sensitive_entry] {
            let res = browser
                .get(&format!("/patients/{}/entries/{entry}", f.patient))
                .await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN);
            assert!(!body(res).await.contains(FIXTURE_DISCLOSURE_NOTE));
        }
        let audit = app
            .store
            .audit_recent(Some(&f.patient), 1)
            .await
            .expect("audit");
        assert_eq!(
            (audit[0].action.as_str(), audit[0].actor.as_str()),
            ("patient.view", "desk")
        );
    }
}

haven_testdb::both! {
    async fn analysts_get_no_patient_level_page() {
        let app = spawn_app().await;
        app.add_user("analyst", Role::Analyst, None).await;
        let f = seed_patient(&app.store, None).await;
        let browser = app.signed_in("analyst").await;
        let res = browser.get(&format!("/patients/{}", f.patient)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let page = body(res).await;
        assert!(!page.contains("Amina"));
        assert!(
            app.store
                .audit_recent(Some(&f.patient), 10)
                .await
                .expect("audit")
                .iter()
                .all(|a| a.action != "patient.view")
        );
    }
}

haven_testdb::both! {
    async fn an_entry_marked_in_error_is_kept_struck_through_with_its_history() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, None).await;
        let browser = app.signed_in("dr.amal").await;
        let entry_path = format!("/patients/{}/entries/{}", f.patient, f.clinical_entry);

        let history = body(browser.get(&entry_path).await).await;
        assert!(history.contains("Version 1 (current)"));
        assert!(history.contains(FIXTURE_EVENT_NOTE));
        assert!(history.contains("name=\"version\" value=\"1\""));

        let blank = browser
            .post(
                &format!("{entry_path}/error"),
                &[("reason", "  "), ("version", "1")],
            )
            .await;
        assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(blank).await.contains("href=\"#reason\""));

        let stale = browser
            .post(
                &format!("{entry_path}/error"),
                &[("reason", "wrong patient"), ("version", "0")],
            )
            .await;
        assert_eq!(stale.status(), StatusCode::CONFLICT);

        let done = browser
            .post(
                &format!("{entry_path}/error"),
                &[
                    ("reason", "recorded for the wrong patient"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&done), entry_path);
        let versions = app
            .store
            .entry_history(&f.clinical_entry)
            .await
            .expect("history");
        assert_eq!(versions.len(), 2, "the first version is kept");
        assert_eq!(versions[1].status, EntryStatus::EnteredInError);
        assert_eq!(versions[1].change.by.as_str(), "dr.amal");

        let history = body(browser.get(&entry_path).await).await;
        assert!(history.contains("Version 2 (current)") && history.contains("Version 1"));
        assert!(history.contains("recorded for the wrong patient"));
        assert!(
            !history.contains("Mark as entered in error</button>"),
            "an entry in error cannot be marked again"
        );

        let page = body(browser.get(&format!("/patients/{}", f.patient)).await).await;
        assert!(page.contains("<s><bdi dir=\"ltr\">Asylum claim refused</bdi></s>"));
        assert!(
            page.contains(
                "Entered in error</span> <span class=\"muted\">recorded for the wrong patient"
            )
        );

        let again = browser
            .post(
                &format!("{entry_path}/error"),
                &[("reason", "again"), ("version", "2")],
            )
            .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
    }
}

haven_testdb::both! {
    async fn an_entry_of_another_patient_is_not_found() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, None).await;
        app.store
            .create_patient(
                &haven_store::Actor::cli("test"),
                haven_core::record::Patient::new("".into(), "Other", "Person"),
                vec![],
            )
            .await
            .expect("other");
        let browser = app.signed_in("dr.amal").await;
        let res = browser
            .get(&format!("/patients/pat-2/entries/{}", f.clinical_entry))
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
}

haven_testdb::both! {
    async fn only_clinical_roles_may_mark_a_flag_entered_in_error() {
        use haven_core::record::{Entry, EntryBody, Flag, FlagKind};
        use haven_core::{EntryId, PatientId};
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        app.add_user("reception", Role::Receptionist, None).await;
        let f = seed_patient(&app.store, None).await;
        let flag = Entry::new(
            EntryId::new("e-flag"),
            PatientId::new(&f.patient),
            EntryBody::Flag(Flag {
                kind: FlagKind::SensitiveHistory,
                date: time::macros::date!(2026 - 11 - 01),
            }),
            haven_core::UserId::new("dr.amal"),
            time::macros::datetime!(2026-11-01 10:00 UTC),
        );
        app.store
            .add_entry(&haven_store::Actor::new("dr.amal"), &flag)
            .await
            .expect("flag");
        let entry_path = format!("/patients/{}/entries/e-flag", f.patient);

        let reception = app.signed_in("reception").await;
        let history = body(reception.get(&entry_path).await).await;
        assert!(
            history.contains("Version 1 (current)"),
            "reception sees the flag"
        );
        assert!(
            !history.contains("Mark as entered in error</button>") && !history.contains("/amend"),
            "but is offered no way to withdraw or change it"
        );
        let refused = reception
            .post(
                &format!("{entry_path}/error"),
                &[("reason", "not needed"), ("version", "1")],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let versions = app.store.entry_history("e-flag").await.expect("history");
        assert_eq!(versions.len(), 1, "nothing changed");

        let clinician = app.signed_in("dr.amal").await;
        let done = clinician
            .post(
                &format!("{entry_path}/error"),
                &[
                    ("reason", "recorded for the wrong patient"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
        let versions = app.store.entry_history("e-flag").await.expect("history");
        assert_eq!(versions[1].status, EntryStatus::EnteredInError);
    }
}
