//! Scenario (issue 14, §4, §5, §8, §10): a clinician finds an organisation in the directory,
//! refers the person to it with their consent to share, marks the referral sent, and prints
//! its letter with the history they chose — sensitive history left out.

use crate::flows::{DIALECT, record_life_event, register_arabic_patient, today, yesterday};
use crate::harness::signed_in;

haven_testdb::both! {
    async fn a_clinician_finds_an_organisation_refers_with_consent_and_prints_the_letter() {
        let Some((_haven, b)) = signed_in("dr.amal", "clinician").await else {
            return;
        };
        let patient = register_arabic_patient(&b);
        record_life_event(&b, &patient, "asylum-refused", yesterday(), "");

        // Find an organisation: the directory searched by need.
        b.open("/directory");
        b.choose("need", "specialist-trauma");
        b.press("Search");
        let found = b.main_text();
        assert!(found.contains("Freedom from Torture"), "{found}");
        assert!(
            !found.contains("Refugee Council"),
            "only the help asked for"
        );

        // Refer from the patient's referrals: the directory again, for this person.
        b.open(&patient);
        b.follow("Referrals");
        b.follow("Refer to a service");
        b.choose("need", "specialist-trauma");
        b.press("Search");
        b.follow("Refer to Freedom from Torture");
        assert_eq!(b.value("organisation"), "Freedom from Torture");
        assert_eq!(
            b.value("interpreter_language"),
            "ar",
            "the person's own need"
        );
        assert_eq!(b.value("interpreter_dialect"), DIALECT);
        b.fill(
            "referral_reason",
            "Nightmares and flashbacks since detention; asks for therapy",
        );
        b.pick("consent_given_by", "person");
        b.set_date("consent_date", &today().to_string());
        b.pick("consent_shares", "relevant-history");
        b.press("Save");
        assert!(
            b.path().contains("/referrals/"),
            "the referral's own page: {}",
            b.main_text()
        );
        assert!(b.main_text().contains("Given by the person on"));

        // Sent, with its date; the draft stays in the trail.
        b.pick("status", "sent");
        b.set_date("date", &today().to_string());
        b.press("Save status");
        let trail = b.text(".referral-trail");
        assert!(
            trail.contains("Drafted, not sent") && trail.contains("Sent (current)"),
            "{trail}"
        );

        // The letter: the history chosen, no sensitive history offered as ticked.
        b.follow("Prepare the referral letter");
        b.session
            .find("main input[name=\"history\"]")
            .expect("history to choose")
            .click()
            .expect("tick");
        b.press("Show the letter to print");
        let letter = b.text(".referral-letter");
        for expected in [
            "To: Freedom from Torture",
            "Nightmares and flashbacks since detention",
            "Asylum claim refused",
            &format!("Arabic (dialect: {DIALECT}), female interpreter"),
            "Given by the person on",
            "Yours sincerely",
        ] {
            assert!(
                letter.contains(expected),
                "letter lacks {expected:?}: {letter}"
            );
        }
        assert!(
            !letter.contains("Sensitive history"),
            "nothing sensitive was ticked: {letter}"
        );
        let pdf = b.session.print_pdf().expect("print to PDF");
        assert!(pdf.starts_with(b"%PDF"), "the letter prints");
    }
}
