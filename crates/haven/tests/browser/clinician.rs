//! Scenario 1: a clinician registers a patient who needs an interpreter, records a negative
//! life event, sees the urgent risk review it raises (§6), amends the event with a reason and
//! finally marks it entered in error.

use crate::flows::{DIALECT, record_life_event, register_arabic_patient, yesterday};
use crate::harness::signed_in;

haven_testdb::both! {
    async fn a_clinician_registers_records_amends_and_marks_an_entry_in_error() {
        let Some((_haven, b)) = signed_in("dr.amal", "clinician").await else {
            return;
        };

        // Registration: the banner shows the language and the interpreter need with preferences.
        let patient = register_arabic_patient(&b);
        let banner = b.text(".banner");
        for expected in [
            "Amina Haddad",
            "Arabic",
            "Interpreter required",
            "female interpreter preferred",
            &format!("dialect: {DIALECT}"),
        ] {
            assert!(
                banner.contains(expected),
                "banner lacks {expected:?}: {banner}"
            );
        }

        // A negative life event yesterday: on the timeline, and an urgent risk review is due.
        record_life_event(
            &b,
            &patient,
            "asylum-refused",
            yesterday(),
            "Refusal letter received",
        );
        let main = b.main_text();
        assert!(main.contains("Asylum claim refused"), "timeline: {main}");
        assert!(main.contains(&yesterday().to_string()), "dated yesterday");
        let urgent = b.texts("#due .due__item--urgent").join("\n");
        assert!(
            urgent.contains("risk.reassess-after-event"),
            "an urgent risk review is due: {}",
            b.text("#due")
        );

        // Amending needs a reason; the earlier version stays in the history.
        b.follow("Asylum claim refused");
        let entry = b.path();
        assert!(b.main_text().contains("Version 1 (current)"));
        b.follow("Amend this entry");
        b.fill(
            "note",
            "Refusal letter received; appeal planned with solicitor",
        );
        b.press("Save amendment");
        assert!(
            b.text(".error-summary")
                .contains("Say why the entry is being amended"),
            "a reason is required"
        );
        assert!(
            b.has("#reason-error"),
            "the message is beside the reason field"
        );
        assert_eq!(
            b.value("note"),
            "Refusal letter received; appeal planned with solicitor",
            "what was typed is kept"
        );
        b.fill("reason", "appeal plan added after the consultation");
        b.press("Save amendment");
        assert_eq!(b.path(), entry, "back to the entry's history");
        let history = b.main_text();
        for expected in [
            "Version 2 (current)",
            "Version 1",
            "reason: appeal plan added after the consultation",
            "appeal planned with solicitor",
            "Refusal letter received",
        ] {
            assert!(
                history.contains(expected),
                "history lacks {expected:?}: {history}"
            );
        }

        // Entered in error: kept, struck through, marked, with its reason.
        b.fill("reason", "recorded for the wrong patient");
        b.press("Mark as entered in error");
        assert_eq!(b.path(), entry);
        assert!(b.text("main .version").contains("Entered in error"));
        assert!(b.main_text().contains("recorded for the wrong patient"));
        b.open(&patient);
        let row = b.text("tr.entry--in-error");
        assert!(
            row.contains("Asylum claim refused")
                && row.contains("Entered in error")
                && row.contains("recorded for the wrong patient"),
            "{row}"
        );
        assert!(
            b.has("tr.entry--in-error s"),
            "the summary is struck through"
        );
        assert!(
            !b.text("#due").contains("risk.reassess-after-event"),
            "an entry in error no longer drives the care rules"
        );
    }
}
