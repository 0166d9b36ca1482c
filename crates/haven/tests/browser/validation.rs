//! Scenario 3: an invalid NHS number. The registration form comes back with the message beside
//! the field and in the error summary (whose link moves focus to the field), keeps everything
//! typed, and no patient is created.

use crate::harness::signed_in;

/// Ten digits whose check digit is wrong.
const BAD_NHS_NUMBER: &str = "900 000 0008";

haven_testdb::both! {
    async fn an_invalid_nhs_number_is_explained_beside_the_field_and_nothing_is_created() {
        let Some((_haven, b)) = signed_in("desk", "receptionist").await else {
            return;
        };

        b.open("/patients/new");
        b.fill("given_name", "Yonas");
        b.fill("family_name", "Tesfaye");
        b.fill("nhs_number", BAD_NHS_NUMBER);
        b.fill("phone", "07700 900123");
        b.press("Register");

        assert_eq!(b.path(), "/patients/new", "shown again, not saved");
        let summary = b.session.find(".error-summary").expect("an error summary");
        assert!(summary.is_displayed().expect("displayed"));
        assert!(summary.text().expect("text").contains("There is a problem"));
        let summary_link = b
            .session
            .find(".error-summary a[href=\"#nhs_number\"]")
            .expect("the summary links to the NHS number field");
        let message = summary_link.text().expect("text");
        assert!(!message.is_empty());

        // The same message beside the field, tied to the input for screen readers.
        let beside = b.text(".field--error #nhs_number-error");
        assert!(beside.contains(&message), "{beside:?} vs {message:?}");
        let input = b.field("nhs_number");
        assert_eq!(
            input.attr("aria-invalid").expect("attr").as_deref(),
            Some("true")
        );
        assert!(
            input
                .attr("aria-describedby")
                .expect("attr")
                .is_some_and(|d| d.contains("nhs_number-error"))
        );

        // Everything typed is kept.
        assert_eq!(b.value("given_name"), "Yonas");
        assert_eq!(b.value("family_name"), "Tesfaye");
        assert_eq!(b.value("nhs_number"), BAD_NHS_NUMBER);
        assert_eq!(b.value("phone"), "07700 900123");

        // The summary's link takes the keyboard to the field.
        summary_link.click().expect("follow the summary link");
        let focused = b
            .session
            .execute(
                "return document.activeElement && document.activeElement.id;",
                vec![],
            )
            .expect("active element");
        assert_eq!(focused, "nhs_number");

        // No patient was created.
        b.open("/patients?q=Tesfaye");
        assert!(b.text(".result-count").contains("No patients found"));
        b.open("/patients");
        assert!(b.text(".result-count").contains("No patients found"));
    }
}

haven_testdb::both! {
    /// Scenario 3b: the same person registered again under another spelling. The form lists the
    /// existing record instead of saving, and registering anyway needs a reason, asked for beside
    /// its field.
    async fn a_second_registration_under_another_spelling_is_caught_before_saving() {
        let Some((_haven, b)) = signed_in("desk", "receptionist").await else {
            return;
        };
        let first = crate::flows::register_arabic_patient(&b);

        b.open("/patients/new");
        b.fill("given_name", "Aminah");
        b.fill("family_name", "Hadad");
        b.fill("birth_day", "1");
        b.fill("birth_month", "5");
        b.fill("birth_year", "1990");
        b.press("Register");
        assert_eq!(b.path(), "/patients/new", "not saved: {}", b.main_text());
        let listed = b.text(".duplicates");
        assert!(
            listed.contains("This person may already be registered"),
            "{listed}"
        );
        assert!(listed.contains("Amina Haddad"), "{listed}");
        assert!(
            listed.contains("same date of birth and a similar name"),
            "{listed}"
        );

        b.press("Register as a different person");
        assert_eq!(
            b.path(),
            "/patients/new",
            "a reason is needed: {}",
            b.main_text()
        );
        assert!(!b.text(".field--error #duplicate_reason-error").is_empty());
        assert_eq!(b.value("given_name"), "Aminah", "what was typed is kept");

        b.fill("duplicate_reason", "Her cousin; different mother and phone");
        b.press("Register as a different person");
        let second = b.path();
        assert!(
            second.starts_with("/patients/pat-"),
            "saved: {}",
            b.main_text()
        );
        assert_ne!(second, first);

        b.open("/patients?q=haddad");
        assert!(
            b.text(".result-count").contains("of 2 patients"),
            "both spellings found"
        );
    }
}
