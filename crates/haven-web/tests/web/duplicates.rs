//! Finding the right person: registration warns of possible duplicates (demographics only) and
//! needs a reason to register anyway; search finds spelling variants; administrators list
//! possible duplicates and mark pairs as different people, which is remembered.

use haven_core::record::Patient;
use haven_core::{LanguageTag, PatientId};
use haven_store::{Actor, Role};
use reqwest::StatusCode;
use time::macros::date;

use crate::support::{
    FIXTURE_DISCLOSURE_NOTE, FIXTURE_EVENT_NOTE, body, location, seed_patient, spawn_app,
};

/// The fixture's Amina Haddad (born 1990-05-01, أمينة حداد) spelled as another desk might.
const RESPELLED: &[(&str, &str)] = &[
    ("given_name", "Aminah"),
    ("family_name", "Hadad"),
    ("birth_day", "1"),
    ("birth_month", "5"),
    ("birth_year", "1990"),
];

fn with<'a>(base: &[(&'a str, &'a str)], more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    base.iter().chain(more).copied().collect()
}

haven_testdb::both! {
    async fn registration_warns_of_a_possible_duplicate_and_needs_a_reason() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let fixture = seed_patient(&app.store, None).await;
        let browser = app.signed_in("desk").await;

        let warned = browser.post("/patients/new", RESPELLED).await;
        assert_eq!(warned.status(), StatusCode::CONFLICT);
        let page = body(warned).await;
        assert!(page.contains("This person may already be registered"));
        assert!(page.contains(&format!(
            "href=\"/patients/{}\">Amina Haddad</a>",
            fixture.patient
        )));
        assert!(page.contains("أمينة حداد"));
        assert!(page.contains("same date of birth and a similar name"));
        assert!(page.contains(&format!(
            "name=\"duplicates_seen\" value=\"{}\"",
            fixture.patient
        )));
        assert!(page.contains("value=\"Aminah\""), "what was typed is kept");
        for hidden in [
            FIXTURE_DISCLOSURE_NOTE,
            FIXTURE_EVENT_NOTE,
            "Torture",
            "torture",
        ] {
            assert!(
                !page.contains(hidden),
                "a receptionist never sees {hidden:?}"
            );
        }
        assert_eq!(app.store.count_patients().await.expect("count"), 1);

        // Saved again without a reason: the same list, and the message beside the reason field.
        let seen = with(RESPELLED, &[("duplicates_seen", fixture.patient.as_str())]);
        let no_reason = browser.post("/patients/new", &seen).await;
        assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(no_reason).await;
        assert!(page.contains("There is a problem"));
        assert!(page.contains("href=\"#duplicate_reason\""));
        assert!(page.contains("id=\"duplicate_reason-error\""));
        assert!(page.contains("Amina Haddad"));
        assert_eq!(app.store.count_patients().await.expect("count"), 1);

        let reason = "Her cousin, who came with her; different mother";
        let saved = browser
            .post(
                "/patients/new",
                &with(&seen, &[("duplicate_reason", reason)]),
            )
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        let new_id = location(&saved).trim_start_matches("/patients/").to_owned();
        let audit = app
            .store
            .audit_recent(Some(&new_id), 10)
            .await
            .expect("audit");
        let decision = audit
            .iter()
            .find(|e| e.action == "patient.duplicate-override")
            .expect("the decision is audited");
        assert_eq!(decision.actor, "desk");
        assert!(decision.detail.contains(&fixture.patient));
        assert!(decision.detail.contains(reason));
    }
}

haven_testdb::both! {
    async fn either_script_the_nhs_number_or_the_phone_is_enough_to_ask() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let fixture = seed_patient(&app.store, None).await;
        let mut numbered = Patient::new(PatientId::new(""), "Yonas", "Tesfaye");
        numbered.nhs_number = haven_core::NhsNumber::parse("943 476 5919").ok();
        let numbered = app
            .store
            .create_patient(&Actor::cli("test"), numbered, vec![])
            .await
            .expect("create");
        let browser = app.signed_in("dr.amal").await;
        let res = browser
            .post(
                "/patients/new",
                &[("given_name", "Jonas"), ("nhs_number", "9434765919")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let page = body(res).await;
        assert!(page.contains(numbered.id.as_str()) && page.contains("same NHS number"));
        for (fields, why) in [
            (
                vec![
                    ("given_name", "A."),
                    ("family_name", "Hadad"),
                    ("native_name", "امينه حداد"),
                    ("birth_day", "1"),
                    ("birth_month", "5"),
                    ("birth_year", "1990"),
                ],
                "same date of birth and a similar name",
            ),
            (
                vec![("given_name", "Someone"), ("phone", "+44 7700 900 456")],
                "same phone number",
            ),
        ] {
            let res = browser.post("/patients/new", &fields).await;
            assert_eq!(res.status(), StatusCode::CONFLICT, "{fields:?}");
            let page = body(res).await;
            assert!(
                page.contains(&fixture.patient) && page.contains(why),
                "{why}"
            );
        }
        // Nothing alike: registered straight away.
        let res = browser
            .post(
                "/patients/new",
                &[
                    ("given_name", "Amina"),
                    ("family_name", "Haddad"),
                    ("birth_day", "1"),
                    ("birth_month", "5"),
                    ("birth_year", "1991"),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "another birthday, another person"
        );
    }
}

haven_testdb::both! {
    async fn someone_registered_since_the_warning_is_shown_before_saving() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let fixture = seed_patient(&app.store, None).await;
        let browser = app.signed_in("desk").await;
        let mut meanwhile = Patient::new(PatientId::new(""), "Ameena", "Haddad");
        meanwhile.birth_date = Some(date!(1990 - 05 - 01).into());
        let meanwhile = app
            .store
            .create_patient(&Actor::cli("test"), meanwhile, vec![])
            .await
            .expect("create");
        let res = browser
            .post(
                "/patients/new",
                &with(
                    RESPELLED,
                    &[
                        ("duplicates_seen", fixture.patient.as_str()),
                        ("duplicate_reason", "checked the list"),
                    ],
                ),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "not saved");
        let page = body(res).await;
        assert!(page.contains("Ameena Haddad") && page.contains(meanwhile.id.as_str()));
        assert_eq!(app.store.count_patients().await.expect("count"), 2);
    }
}

haven_testdb::both! {
    async fn search_finds_spelling_variants_family_name_first_and_uk_dates() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let mut mahmoud = Patient::new(PatientId::new(""), "Mahmoud", "Abdelrahman");
        mahmoud.birth_date = Some(date!(1994 - 06 - 19).into());
        mahmoud.main_language = LanguageTag::parse("ar").ok();
        for p in [
            mahmoud,
            Patient::new(PatientId::new(""), "Kourosh", "Ahmadi"),
        ] {
            app.store
                .create_patient(&Actor::cli("test"), p, vec![])
                .await
                .expect("create");
        }
        let browser = app.signed_in("desk").await;
        for (q, name) in [
            ("Mahmud+Abdulrahman", "Mahmoud Abdelrahman"),
            ("Abdelrahmen", "Mahmoud Abdelrahman"),
            ("abdel+rahman", "Mahmoud Abdelrahman"),
            ("Abd+al-Rahman", "Mahmoud Abdelrahman"),
            ("Abdelrahman+Mahmoud", "Mahmoud Abdelrahman"),
            ("19%2F06%2F1994", "Mahmoud Abdelrahman"),
            ("Kourosh+Ahmady", "Kourosh Ahmadi"),
        ] {
            let page = body(browser.get(&format!("/patients?q={q}")).await).await;
            assert!(page.contains(name), "{q}");
            assert!(page.contains("Showing 1–1 of 1 patient."), "{q}");
        }
    }
}

haven_testdb::both! {
    async fn admins_list_possible_duplicates_and_mark_a_pair_as_different_people() {
        let app = spawn_app().await;
        app.add_user("admin", Role::Admin, None).await;
        let fixture = seed_patient(&app.store, None).await;
        let mut twin = Patient::new(PatientId::new(""), "Amina", "Haddad");
        twin.birth_date = Some(date!(1990 - 05 - 01).into());
        let twin = app
            .store
            .create_patient(&Actor::cli("test"), twin, vec![])
            .await
            .expect("create")
            .id
            .to_string();
        let browser = app.signed_in("admin").await;

        let page = body(browser.get("/admin/duplicates").await).await;
        assert!(page.contains("1 pair."));
        assert!(page.contains("same date of birth and a similar name"));
        assert!(page.contains(&format!("name=\"a\" value=\"{}\"", fixture.patient)));
        assert!(page.contains(&format!("name=\"b\" value=\"{twin}\"")));
        assert!(page.contains("Phone <bdi>07700 900456</bdi>"));

        let res = browser
            .post(
                "/admin/duplicates/different",
                &[("a", fixture.patient.as_str()), ("b", twin.as_str())],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/admin/duplicates?done=different");
        let page = body(browser.get("/admin/duplicates?done=different").await).await;
        assert!(page.contains("marked as two different people"));
        assert!(page.contains("No possible duplicates."));
        let audit = app
            .store
            .audit_recent(Some(&twin), 10)
            .await
            .expect("audit");
        assert!(
            audit
                .iter()
                .any(|e| e.action == "patient.not-duplicate" && e.actor == "admin")
        );

        let same = browser
            .post(
                "/admin/duplicates/different",
                &[("a", twin.as_str()), ("b", twin.as_str())],
            )
            .await;
        assert_eq!(same.status(), StatusCode::BAD_REQUEST);
        let unknown = browser
            .post(
                "/admin/duplicates/different",
                &[("a", twin.as_str()), ("b", "pat-999")],
            )
            .await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    }
}
