//! Scenario 2: a receptionist sees what the front desk needs (demographics, planned contacts)
//! and never the sensitive history a clinician recorded — neither on the page nor by asking
//! for the entry's address directly.

use crate::flows::{register_arabic_patient, today};
use crate::harness::{Browser, Haven, Setup, tools_or_skip};

const DISCLOSURE_NOTE: &str = "Synthetic disclosure note for the browser test";
const CONTACT_PURPOSE: &str = "Review with the named clinician";

haven_testdb::both! {
    async fn a_receptionist_sees_demographics_and_contacts_but_not_sensitive_history() {
        let Some(tools) = tools_or_skip() else {
            return;
        };
        let haven = Haven::start(&Setup {
            users: &[("dr.amal", "clinician"), ("desk", "receptionist")],
            ..Setup::default()
        })
        .await;
        let b = Browser::launch(&tools, &haven);

        // A clinician registers the patient, records a disclosure and books a contact.
        b.sign_in("dr.amal");
        let patient = register_arabic_patient(&b);
        b.follow("Disclosure of abuse");
        b.choose("kind", "torture");
        b.fill("note", DISCLOSURE_NOTE);
        b.press("Save");
        assert_eq!(b.path(), patient, "{}", b.main_text());
        let disclosure = b.link_href("//main", "Torture");
        assert!(
            disclosure.starts_with(&format!("{patient}/entries/")),
            "{disclosure}"
        );
        assert_eq!(b.status_of(&disclosure), 200, "the clinician may open it");

        b.follow("Planned contact");
        b.set_date("date", &(today() + time::Duration::days(7)).to_string());
        b.pick("status", "booked");
        b.fill("purpose", CONTACT_PURPOSE);
        b.press("Save");
        assert_eq!(b.path(), patient, "{}", b.main_text());
        b.sign_out();

        // The receptionist finds the patient from the list.
        b.sign_in("desk");
        b.open("/patients");
        b.follow("Amina Haddad");
        assert_eq!(b.path(), patient);
        let page = b.main_text();
        for expected in [
            "Amina Haddad",
            "Arabic",
            "Interpreter required",
            CONTACT_PURPOSE,
        ] {
            assert!(
                page.contains(expected),
                "receptionist page lacks {expected:?}: {page}"
            );
        }
        for hidden in ["Torture", DISCLOSURE_NOTE, "Sensitive history"] {
            assert!(!page.contains(hidden), "receptionist page shows {hidden:?}");
        }
        assert!(
            !b.has(&format!("a[href=\"{disclosure}\"]")),
            "no link to the disclosure"
        );

        // Asking for the disclosure's address directly is refused, and shows none of it.
        assert_eq!(b.status_of(&disclosure), 403);
        b.open(&disclosure);
        let refused = b.main_text();
        assert!(!refused.contains(DISCLOSURE_NOTE) && !refused.contains("Torture"));
        assert!(
            b.has("main h1"),
            "a refusal page, not a blank one: {refused}"
        );
    }
}
