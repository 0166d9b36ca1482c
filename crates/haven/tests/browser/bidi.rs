//! Scenario 8 (§6): crisis phone numbers on right-to-left pages read in the order they are
//! dialled. An Arabic safety plan with "0161 000 0000" and an Arabic crisis text with
//! "116 123" are printed, and the position of each digit group is read back from the page
//! Chromium laid out: every group must stand to the right of the one before it.

use serde_json::{Value, json};

use crate::flows::{register_arabic_patient, today};
use crate::harness::{Browser, signed_in};

const PLAN_CONTACTS: &str = "اتصل بالطبيب على 0161 000 0000 في النهار";
const CRISIS_TEXT: &str = "اتصل بالرقم 116 123 في أي وقت، ليلا أو نهارا";

/// The left edge of each space-separated group of `number`, as laid out in the first text
/// node under `scope` that holds the whole number (one range per group, so the groups are
/// measured where the browser drew them, whatever the markup around them).
fn group_lefts(b: &Browser, scope: &str, number: &str) -> Vec<f64> {
    let script = "
        const [scope, number] = arguments;
        const root = document.querySelector(scope);
        if (!root) { return 'no element ' + scope; }
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(number);
            if (at < 0) { continue; }
            let offset = at;
            return number.split(' ').map(group => {
                const start = node.data.indexOf(group, offset);
                offset = start + group.length;
                const range = document.createRange();
                range.setStart(node, start);
                range.setEnd(node, offset);
                return range.getBoundingClientRect().left;
            });
        }
        return 'no text node holds ' + number;
    ";
    let lefts = b
        .session
        .execute(script, vec![json!(scope), json!(number)])
        .expect("measure the digit groups");
    match lefts {
        Value::Array(xs) => xs.iter().map(|x| x.as_f64().expect("a position")).collect(),
        other => panic!("{other} on {}: {}", b.path(), b.main_text()),
    }
}

pub fn assert_left_to_right(b: &Browser, scope: &str, number: &str) {
    let lefts = group_lefts(b, scope, number);
    assert_eq!(lefts.len(), number.split(' ').count());
    assert!(
        lefts.windows(2).all(|w| w[0] < w[1]),
        "the groups of {number:?} in {scope} are laid out left to right, not reversed: {lefts:?}"
    );
}

haven_testdb::both! {
    async fn phone_numbers_on_an_arabic_safety_plan_print_in_dialling_order() {
        let Some((_haven, b)) = signed_in("dr.noor", "admin").await else {
            return;
        };

        // The practice's Arabic crisis text.
        b.open("/admin/policy");
        b.choose("language", "ar");
        b.fill("text", CRISIS_TEXT);
        b.press("Save crisis text");
        assert!(
            b.main_text().contains("116 123"),
            "saved: {}",
            b.main_text()
        );
        assert_left_to_right(&b, "main dd[lang=\"ar\"]", "116 123");

        // A safety plan in Arabic with the doctor's number, printed.
        let patient = register_arabic_patient(&b);
        b.open(&format!("{patient}/entries/new/safety-plan"));
        b.set_date("date", &today().to_string());
        b.fill("professionals_and_crisis", PLAN_CONTACTS);
        b.press("Save");
        assert_eq!(b.path(), patient, "saved: {}", b.main_text());
        let history = b.link_href("//main", "Safety plan agreed");
        b.open(&history);
        assert_left_to_right(&b, "main", "0161 000 0000");
        b.follow("Print for the person");
        assert!(b.has(".print-sheet[dir=\"rtl\"]"), "laid out right to left");
        assert_left_to_right(&b, ".print-sheet__part", "0161 000 0000");
        assert_left_to_right(&b, ".print-sheet__crisis", "116 123");
    }
}
