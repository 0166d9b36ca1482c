//! Scenario 6 (§5, §6): a PHQ-9 with item 9 above 0 shows the practice's crisis text and raises
//! an urgent risk review; the review (no low/medium/high label anywhere) then calls for a
//! safety plan, which clears it and prints in the person's right-to-left layout.

use crate::flows::{register_arabic_patient, today};
use crate::harness::{Browser, signed_in};

fn urgent_rules(b: &Browser) -> String {
    b.texts("#due .due__item--urgent").join("\n")
}

haven_testdb::both! {
    async fn item_nine_raises_a_risk_review_which_leads_to_a_printable_safety_plan() {
        let Some((_haven, b)) = signed_in("dr.amal", "clinician").await else {
            return;
        };
        let patient = register_arabic_patient(&b);

        // PHQ-9 answered item by item: total 10 (moderate), item 9 = 1.
        b.open(&format!("{patient}/assessments/new/phq9"));
        b.set_date("date", &today().to_string());
        for (item, answer) in [1, 1, 1, 1, 1, 1, 1, 2, 1].iter().enumerate() {
            b.pick(&format!("item-{}", item + 1), &answer.to_string());
        }
        b.press("Save");
        let result = b.main_text();
        assert!(result.contains("10"), "the total is shown: {result}");
        assert!(b.has("#safety-text"), "item 9 shows the crisis text");
        assert!(
            b.text("#safety-text").contains("116 123"),
            "crisis contacts are listed"
        );

        // The urgent review is due at once, on the patient page.
        b.open(&patient);
        assert!(
            urgent_rules(&b).contains("risk.assess-now"),
            "risk.assess-now: {}",
            b.text("#due")
        );

        // The risk review: passive thoughts, no stratification label.
        b.open(&format!("{patient}/entries/new/risk-review"));
        let form = b.main_text().to_lowercase();
        for label in ["low risk", "medium risk", "high risk"] {
            assert!(
                !form.contains(label),
                "no {label:?} label on the review form"
            );
        }
        b.set_date("date", &today().to_string());
        b.pick("suicidal_thoughts", "passive");
        b.pick("plans_or_intent", "no");
        b.pick("recent_self_harm", "no");
        b.fill("protective_factors", "Her brother in Leeds; her faith");
        b.fill(
            "formulation",
            "Passive thoughts since the refusal; no plans; engaged with care.",
        );
        b.press("Save");
        assert_eq!(b.path(), patient, "saved: {}", b.main_text());
        let urgent = urgent_rules(&b);
        assert!(
            !urgent.contains("risk.assess-now"),
            "the review resolves it: {urgent}"
        );
        assert!(
            urgent.contains("risk.safety-plan"),
            "a safety plan is now due: {urgent}"
        );

        // The safety plan clears it and prints right to left for an Arabic speaker.
        b.open(&format!("{patient}/entries/new/safety-plan"));
        b.set_date("date", &today().to_string());
        b.fill("warning_signs", "Not sleeping; staying in her room");
        b.fill("reasons_for_living", "Her daughter");
        b.press("Save");
        assert_eq!(b.path(), patient, "saved: {}", b.main_text());
        assert!(
            !urgent_rules(&b).contains("risk.safety-plan"),
            "the plan resolves it"
        );
        let history = b.link_href("//main", "Safety plan agreed");
        assert!(
            !history.contains("/new/"),
            "the saved plan's own page: {history}"
        );
        b.open(&history);
        b.follow("Print for the person");
        assert!(
            b.has("[dir=\"rtl\"]"),
            "the printed plan is laid out right to left"
        );
        assert!(b.main_text().contains("Her daughter"));
    }
}
