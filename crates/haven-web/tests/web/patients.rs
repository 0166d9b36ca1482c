//! The patient list: search by name in any script, NHS number, date of birth; filters; pages.

use haven_core::record::{Patient, PatientRecord};
use haven_core::{LanguageTag, NhsNumber, PatientId, UserId};
use haven_store::{Actor, Role};
use reqwest::StatusCode;
use time::macros::date;

use crate::support::{body, spawn_app};

fn patient(given: &str, family: &str) -> Patient {
    Patient::new(PatientId::new(""), given, family)
}

haven_testdb::both! {
    async fn search_finds_names_in_any_script_numbers_and_dates() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        app.add_user("dr.ben", Role::Clinician, None).await;
        let mut amina = patient("Amina", "Haddad");
        amina.native_name = Some("أمينة حداد".into());
        amina.main_language = Some(LanguageTag::parse("ar").expect("tag"));
        amina.interpreter_required = Some(true);
        amina.birth_date = Some(date!(1990 - 05 - 01).into());
        amina.named_clinician = Some(UserId::new("dr.amal"));
        let mut jose = patient("José", "Ramírez");
        jose.nhs_number = Some(NhsNumber::parse("9434765919").expect("nhs"));
        jose.main_language = Some(LanguageTag::parse("es").expect("tag"));
        jose.named_clinician = Some(UserId::new("dr.ben"));
        let records: Vec<PatientRecord> = [amina, jose, patient("Yonas", "Tesfaye")]
            .into_iter()
            .map(PatientRecord::new)
            .collect();
        app.store
            .insert_records(&Actor::cli("test"), "test.seed", vec![records], |_| {})
            .await
            .expect("seed");

        let browser = app.signed_in("dr.amal").await;
        let found = |html: &str, name: &str| html.contains(name);

        let arabic = body(
            browser
                .get("/patients?q=%D8%A7%D9%85%D9%8A%D9%86%D9%87")
                .await,
        )
        .await; // امينه: no hamza, ta marbuta as ha
        assert!(
            found(&arabic, "Amina Haddad"),
            "Arabic-script search with spelling variants"
        );
        assert!(!found(&arabic, "Ramírez"));
        assert!(
            arabic.contains("lang=\"ar\" dir=\"rtl\">أمينة حداد"),
            "native name marked right-to-left"
        );
        assert!(arabic.contains("Interpreter</span>"));
        assert!(arabic.contains("Showing 1–1 of 1 patient."));

        let accent = body(browser.get("/patients?q=jose+RAMIREZ").await).await;
        assert!(found(&accent, "José Ramírez"));
        let nhs = body(browser.get("/patients?q=943+476+5919").await).await;
        assert!(found(&nhs, "José Ramírez") && !found(&nhs, "Amina"));
        let dob = body(browser.get("/patients?q=1990-05-01").await).await;
        assert!(found(&dob, "Amina Haddad") && !found(&dob, "Yonas"));

        let by_clinician = body(browser.get("/patients?clinician=dr.ben").await).await;
        assert!(found(&by_clinician, "José Ramírez") && !found(&by_clinician, "Amina"));
        assert!(by_clinician.contains("Name of dr.ben"));
        let by_language = body(browser.get("/patients?language=ar").await).await;
        assert!(found(&by_language, "Amina Haddad") && !found(&by_language, "Yonas"));

        let none = body(browser.get("/patients?q=nobody").await).await;
        assert!(none.contains("No patients found."));
    }
}

haven_testdb::both! {
    async fn the_list_pages_fifty_at_a_time() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let records: Vec<PatientRecord> = (0..120)
            .map(|i| PatientRecord::new(patient("Test", &format!("Person{i:03}"))))
            .collect();
        app.store
            .insert_records(&Actor::cli("test"), "test.seed", vec![records], |_| {})
            .await
            .expect("seed");
        let browser = app.signed_in("desk").await;

        let first = body(browser.get("/patients").await).await;
        assert!(first.contains("Showing 1–50 of 120 patients."));
        assert!(first.contains("Page 1 of 3"));
        assert!(first.contains("Person000") && !first.contains("Person050"));
        assert!(first.contains("page=2\" rel=\"next\""));

        let last = browser.get("/patients?page=3").await;
        assert_eq!(last.status(), StatusCode::OK);
        let last = body(last).await;
        assert!(last.contains("Showing 101–120 of 120 patients."));
        assert_eq!(
            last.matches("<tr>").count(),
            1 + 20,
            "header row and twenty patients"
        );
        assert!(!last.contains("rel=\"next\""));
    }
}

haven_testdb::both! {
    async fn every_list_page_is_audited_with_the_kind_of_search_never_its_text() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let mut amina = patient("Amina", "Haddad");
        amina.birth_date = Some(date!(1990 - 05 - 01).into());
        amina.nhs_number = Some(NhsNumber::parse("9434765919").expect("nhs"));
        app.store
            .insert_records(
                &Actor::cli("test"),
                "test.seed",
                vec![vec![PatientRecord::new(amina)]],
                |_| {},
            )
            .await
            .expect("seed");
        let browser = app.signed_in("desk").await;
        for (path, detail) in [
            ("/patients", "search: none; page 1, 1 of 1 patients"),
            (
                "/patients?q=943+476+5919",
                "search: NHS number; page 1, 1 of 1 patients",
            ),
            (
                "/patients?q=Haddad",
                "search: name; page 1, 1 of 1 patients",
            ),
            (
                "/patients?q=01%2F05%2F1990",
                "search: date of birth; page 1, 1 of 1 patients",
            ),
            (
                "/patients?q=Amina+1990-05-01&language=ar&page=2",
                "search: name and date of birth; filtered by language; page 2, 0 of 0 patients",
            ),
        ] {
            let before = app.store.audit_recent(None, 1).await.expect("audit")[0].seq;
            assert_eq!(browser.get(path).await.status(), StatusCode::OK, "{path}");
            let after = app.store.audit_recent(None, 2).await.expect("audit");
            assert_eq!(after[0].seq, before + 1, "one row for {path}");
            let row = &after[0];
            assert_eq!(
                (
                    row.actor.as_str(),
                    row.action.as_str(),
                    row.patient.as_deref()
                ),
                ("desk", "patient.list", None)
            );
            assert_eq!(row.detail, detail, "{path}");
        }
        let every_row = app.store.audit_recent(None, 100).await.expect("audit");
        for secret in ["Amina", "Haddad", "9434765919", "943 476", "1990"] {
            assert!(
                every_row.iter().all(|r| !r.detail.contains(secret)),
                "{secret} reached the audit log"
            );
        }
    }
}
