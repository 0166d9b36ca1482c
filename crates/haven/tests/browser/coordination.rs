//! Care coordination in a real browser (issue 14 parts 3 and 4): a receptionist books an
//! interpreter from the patient's `interpreter.book` action in one step, and marks a missed
//! appointment from the day list, then records the outreach and the new appointment from the
//! recall list.

use crate::flows::{register_arabic_patient, today};
use crate::harness::{Browser, signed_in};

fn book_contact(b: &Browser, patient: &str, date: time::Date, purpose: &str) {
    b.open(&format!("{patient}/entries/new/planned-contact"));
    b.set_date("date", &date.to_string());
    b.pick("status", "booked");
    b.fill("purpose", purpose);
    b.press("Save");
    assert_eq!(b.path(), patient, "contact saved: {}", b.main_text());
}

fn flash(b: &Browser) -> String {
    b.text(".flash")
}

haven_testdb::both! {
    async fn a_receptionist_books_an_interpreter_from_the_action_in_one_step() {
        let Some((_haven, b)) = signed_in("desk", "receptionist").await else {
            return;
        };
        let patient = register_arabic_patient(&b);
        assert!(
            flash(&b).contains("Patient registered."),
            "{}",
            b.main_text()
        );
        book_contact(&b, &patient, today() + time::Duration::days(5), "Review");

        // The action's link opens the booking of that appointment, filled from the record.
        let due = b.text("#due");
        assert!(due.contains("Book an interpreter"), "{due}");
        b.follow("Book an interpreter for the appointment.");
        assert_eq!(b.path(), format!("{patient}/interpreter"));
        assert_eq!(b.value("language"), "ar");
        assert_eq!(b.value("dialect"), "Levantine");
        b.pick("mode", "in-person");
        b.fill("booked_with", "Borough interpreting service");
        b.fill("reference", "BIS-4471");
        b.press("Save the booking");

        // Back on the patient page: confirmed, the action gone, still one appointment.
        assert_eq!(b.path(), patient, "{}", b.main_text());
        assert!(
            flash(&b).contains("Interpreter booked for the appointment on"),
            "{}",
            b.main_text()
        );
        let due = b.text("#due");
        assert!(!due.contains("Book an interpreter"), "{due}");
        let contacts: Vec<String> = b
            .texts("main tr")
            .into_iter()
            .filter(|row| row.contains("Booked: Review"))
            .collect();
        assert_eq!(contacts.len(), 1, "one appointment, not two: {contacts:?}");
        assert!(
            contacts[0].contains("Arabic interpreter booked in person"),
            "{contacts:?}"
        );
    }
}

haven_testdb::both! {
    async fn a_receptionist_records_a_missed_contact_and_the_outreach() {
        let Some((_haven, b)) = signed_in("desk", "receptionist").await else {
            return;
        };
        let patient = register_arabic_patient(&b);
        book_contact(&b, &patient, today(), "Review");

        // Today on the day list: needs an interpreter, none booked; one click for did not attend.
        b.open("/day-list");
        let list = b.main_text();
        assert!(list.contains("Amina Haddad"), "{list}");
        assert!(list.contains("Needed — not booked"), "{list}");
        b.press("Did not attend: Amina Haddad");
        assert!(b.path().starts_with("/day-list"), "{}", b.path());
        assert!(
            flash(&b).contains("is marked did not attend"),
            "{}",
            b.main_text()
        );

        // The recall list leads to the outreach, which books the next appointment and goes
        // straight on to its interpreter.
        b.open("/recalls");
        assert!(
            b.main_text()
                .contains("Reach out after a missed appointment")
        );
        b.follow("Record the outreach");
        assert!(
            b.path().starts_with(&format!("{patient}/outreach")),
            "{}",
            b.path()
        );
        assert!(b.main_text().contains("Missed appointment"));
        b.pick("method", "phone-interpreter");
        b.pick("outcome", "contact-made");
        b.fill("note", "Spoke via telephone interpreter");
        let next = today() + time::Duration::days(7);
        b.set_date("next_date", &next.to_string());
        b.fill("next_purpose", "Review");
        b.press("Save");
        assert!(
            b.path()
                .split('?')
                .next()
                .is_some_and(|p| p.ends_with("/interpreter")),
            "on to the interpreter booking: {} {}",
            b.path(),
            b.main_text()
        );
        assert!(
            flash(&b).contains("Outreach recorded, and a new appointment booked for"),
            "{}",
            b.main_text()
        );
        b.pick("mode", "telephone");
        b.fill("booked_with", "Telephone interpreting");
        b.press("Save the booking");
        assert_eq!(b.path(), "/recalls", "{}", b.main_text());
        assert!(
            b.main_text().contains("Nobody is due for a recall."),
            "{}",
            b.main_text()
        );

        // The patient page holds the outreach and both appointments.
        b.open(&patient);
        let page = b.main_text();
        assert!(page.contains("Outreach after a missed contact"), "{page}");
        assert!(page.contains("Did not attend"), "{page}");
    }
}
