//! Registration and demographic changes: only a name needed, errors shown beside the fields
//! with nothing saved, the interpreter flag added by Haven, edits with a reason and a version.

use haven_core::record::{EntryBody, FlagKind, Visibility};
use haven_store::Role;
use reqwest::StatusCode;

use crate::support::{body, location, spawn_app};

haven_testdb::both! {
    async fn a_name_is_enough_to_register() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let browser = app.signed_in("desk").await;

        let form_page = body(browser.get("/patients/new").await).await;
        assert!(form_page.contains("Registering does not need ID"));
        assert!(form_page.contains("does not share information with immigration enforcement"));

        let res = browser
            .post("/patients/new", &[("family_name", "Tesfaye")])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/patients/pat-1");
        let stored = app.store.patient("pat-1").await.expect("stored").patient;
        assert_eq!(stored.family_name, "Tesfaye");
        assert_eq!(stored.nhs_number, None);
        let record = app
            .store
            .record("pat-1", Visibility::Sensitive)
            .await
            .expect("record");
        assert!(
            record.entries.is_empty(),
            "no interpreter flag when the need was not recorded"
        );
    }
}

haven_testdb::both! {
    async fn interpreter_need_is_flagged_and_shown_in_the_banner() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let browser = app.signed_in("desk").await;
        let res = browser
            .post(
                "/patients/new",
                &[
                    ("given_name", "Yonas"),
                    ("family_name", "Tesfaye"),
                    ("native_name", "ዮናስ ተስፋይ"),
                    ("birth_day", "14"),
                    ("birth_month", "2"),
                    ("birth_year", "1998"),
                    ("sex", "male"),
                    ("nhs_number", "943 476 5919"),
                    ("country_of_origin", "ER"),
                    ("main_language", "ti"),
                    ("other_languages", "Amharic, ar"),
                    ("interpreter_required", "yes"),
                    ("interpreter_gender", "male"),
                    ("dialect", "Asmara"),
                    ("accommodation", "hotel"),
                    ("named_clinician", "dr.amal"),
                    ("phone", "07700 900123"),
                    ("support_contacts", "Refugee Council caseworker"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body(res).await);
        let record = app
            .store
            .record("pat-1", Visibility::Administrative)
            .await
            .expect("record");
        let flags: Vec<FlagKind> = record.bodies(EntryBody::as_flag).map(|f| f.kind).collect();
        assert_eq!(flags, vec![FlagKind::InterpreterNeeded]);
        assert_eq!(record.patient.other_languages.len(), 2);

        let page = body(browser.get("/patients/pat-1").await).await;
        assert!(page.contains("Interpreter required"));
        assert!(page.contains("male interpreter preferred · dialect: Asmara"));
        assert!(page.contains("Tigrinya"));
        assert!(page.contains("Name of dr.amal"));
        assert!(page.contains("943 476 5919"));
        assert!(page.contains("Eritrea"));
        assert!(
            page.contains("dir=\"auto\""),
            "Tigrinya (Ge'ez script) is left to right"
        );
    }
}

haven_testdb::both! {
    async fn errors_are_shown_beside_the_fields_and_nothing_is_saved() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let browser = app.signed_in("desk").await;
        let res = browser
            .post(
                "/patients/new",
                &[
                    ("given_name", "Amina"),
                    ("nhs_number", "900 000 0008"),
                    ("birth_day", "1"),
                    ("birth_month", "1"),
                    ("birth_year", "2999"),
                    ("main_language_other", "Klingonese"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(page.contains("There is a problem"));
        for field in ["nhs_number", "birth_date", "main_language_other"] {
            assert!(
                page.contains(&format!("href=\"#{field}\"")),
                "summary links to {field}"
            );
            assert!(
                page.contains(&format!("id=\"{field}-error\"")),
                "message beside {field}"
            );
        }
        assert!(page.contains("value=\"Amina\""), "what was typed is kept");
        assert!(page.contains("value=\"900 000 0008\""));
        assert!(page.contains("check digit"));
        assert_eq!(app.store.count_patients().await.expect("count"), 0);
    }
}

haven_testdb::both! {
    async fn editing_needs_a_reason_keeps_history_and_detects_a_stale_form() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let browser = app.signed_in("desk").await;
        browser
            .post(
                "/patients/new",
                &[("given_name", "Amina"), ("family_name", "Haddad")],
            )
            .await;

        let edit = body(browser.get("/patients/pat-1/edit").await).await;
        assert!(edit.contains("value=\"Haddad\""));
        assert!(edit.contains("name=\"version\" value=\"1\""));

        let no_reason = browser
            .post(
                "/patients/pat-1/edit",
                &[
                    ("given_name", "Amina"),
                    ("family_name", "Haddad"),
                    ("version", "1"),
                    ("phone", "0123"),
                ],
            )
            .await;
        assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.store.patient("pat-1").await.expect("p").version, 1);

        let fields = [
            ("given_name", "Amina"),
            ("family_name", "Haddad"),
            ("version", "1"),
            ("interpreter_required", "yes"),
            ("reason", "asked at reception"),
        ];
        let ok = browser.post("/patients/pat-1/edit", &fields).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.store.patient("pat-1").await.expect("p").version, 2);
        let history = app.store.patient_history("pat-1").await.expect("history");
        assert_eq!(history[0].4, "asked at reception");

        // The same (now stale) form again: refused, nothing overwritten, and no second flag.
        let stale = browser.post("/patients/pat-1/edit", &fields).await;
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        assert!(
            body(stale)
                .await
                .contains("Someone else changed these details")
        );
        let ok_again = browser
            .post(
                "/patients/pat-1/edit",
                &[
                    ("given_name", "Amina"),
                    ("family_name", "Haddad"),
                    ("version", "2"),
                    ("interpreter_required", "yes"),
                    ("reason", "typo"),
                ],
            )
            .await;
        assert_eq!(ok_again.status(), StatusCode::SEE_OTHER);
        let record = app
            .store
            .record("pat-1", Visibility::Administrative)
            .await
            .expect("record");
        assert_eq!(
            record.bodies(EntryBody::as_flag).count(),
            1,
            "the flag is added once"
        );
    }
}

haven_testdb::both! {
    /// Many people know only the year they were born. That is recorded as the year, shown as the
    /// year with the ages it allows, and kept through an edit of something else: never turned
    /// into 1 January, and never lost because a date field could not show it.
    async fn a_birth_year_alone_is_recorded_shown_and_kept_as_a_year() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let browser = app.signed_in("desk").await;
        let res = browser
            .post(
                "/patients/new",
                &[("family_name", "Ahmadi"), ("birth_year", "1988")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body(res).await);
        let stored = app.store.patient("pat-1").await.expect("stored").patient;
        assert_eq!(
            stored.birth_date.map(|d| d.to_string()),
            Some("1988".into())
        );
        let today = time::OffsetDateTime::now_utc().date();
        let age = stored.age_text_on(today).expect("age");
        let page = body(browser.get("/patients/pat-1").await).await;
        assert!(page.contains(&format!("1988 ({age})")), "{page}");
        assert!(!page.contains("1988-01-01"));

        let edit = body(browser.get("/patients/pat-1/edit").await).await;
        assert!(
            edit.contains(
                "name=\"birth_year\" type=\"text\" inputmode=\"numeric\" maxlength=\"4\" value=\"1988\""
            ) && edit.contains(
                "name=\"birth_day\" type=\"text\" inputmode=\"numeric\" maxlength=\"2\" value=\"\""
            ),
            "{edit}"
        );
        let ok = browser
            .post(
                "/patients/pat-1/edit",
                &[
                    ("family_name", "Ahmadi"),
                    ("birth_year", "1988"),
                    ("version", "1"),
                    ("phone", "07700 900456"),
                    ("reason", "phone number given"),
                ],
            )
            .await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let edited = app.store.patient("pat-1").await.expect("stored").patient;
        assert_eq!(
            edited.birth_date.map(|d| d.to_string()),
            Some("1988".into())
        );
        let bad = browser
            .post(
                "/patients/new",
                &[("family_name", "Ahmadi"), ("birth_year", "88")],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(bad).await.contains("a year with 4 numbers"));
    }
}

haven_testdb::both! {
    async fn control_characters_in_a_name_are_refused_beside_the_field() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let browser = app.signed_in("desk").await;
        let res = browser
            .post(
                "/patients/new",
                &[("given_name", "Amina"), ("family_name", "Had\u{0}dad")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(
            page.contains("id=\"family_name-error\""),
            "beside the field"
        );
        assert!(page.contains("control character (U+0000)"));
        assert_eq!(app.store.count_patients().await.expect("count"), 0);
    }
}
