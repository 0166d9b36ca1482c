//! Scenario 4: accessibility basics on every page a clinician visits — a skip link that the
//! first Tab reaches, one `<h1>`, `lang` on `<html>`, a title, a label for every control — and
//! an Arabic name rendered right to left.

use serde_json::Value;

use crate::flows::{record_life_event, register_arabic_patient, yesterday};
use crate::harness::{Browser, Haven, Setup, tools_or_skip};

/// Returns a list of problems with the current page (empty when it passes).
const AUDIT: &str = r##"
const problems = [];
const html = document.documentElement;
if (!html.getAttribute('lang')) problems.push('<html> has no lang');
if (!document.title.trim()) problems.push('no <title>');
const skip = document.querySelector('a[href="#main"]');
if (!skip) problems.push('no skip link to #main');
else if (document.querySelector('a[href], button, input, select, textarea') !== skip)
  problems.push('the skip link is not the first focusable element');
if (!document.getElementById('main')) problems.push('the skip link target #main is missing');
const h1 = document.querySelectorAll('h1');
if (h1.length !== 1) problems.push(h1.length + ' <h1> elements');
else if (!h1[0].textContent.trim()) problems.push('empty <h1>');
for (const el of document.querySelectorAll('input, select, textarea')) {
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
  const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
  const labelled = (el.labels && Array.from(el.labels).some(l => l.textContent.trim()));
  if (!named && !labelled) problems.push('unlabelled ' + el.tagName.toLowerCase() + ' name=' + el.getAttribute('name'));
}
for (const img of document.querySelectorAll('img')) {
  if (!img.hasAttribute('alt')) problems.push('img without alt: ' + img.getAttribute('src'));
}
for (const b of document.querySelectorAll('button, a[href]')) {
  if (!b.textContent.trim() && !b.getAttribute('aria-label')) problems.push('unnamed ' + b.tagName.toLowerCase());
}
return problems;
"##;

pub fn audit(b: &Browser, path: &str) {
    b.open(path);
    let found = b.session.execute(AUDIT, vec![]).expect("run the audit");
    let problems: Vec<&str> = found
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(problems.is_empty(), "{path}: {problems:?}");
}

/// The first Tab from the top of the page lands on the skip link, and following it moves
/// focus to the main content.
fn skip_link_works(b: &Browser) {
    let body = b.session.find("body").expect("body");
    body.send_keys("\u{E004}").expect("press Tab");
    let focused = b
        .session
        .execute(
            "return document.activeElement.getAttribute('href');",
            vec![],
        )
        .expect("active element");
    assert_eq!(focused, "#main", "the first Tab reaches the skip link");
    // Keys sent to an element focus it first, so Enter goes to the skip link itself.
    let skip = b.session.find("a[href=\"#main\"]").expect("skip link");
    skip.send_keys("\u{E007}").expect("press Enter");
    let focused = b
        .session
        .execute("return document.activeElement.id;", vec![])
        .expect("active element");
    assert_eq!(
        focused, "main",
        "the skip link moves focus to the main content"
    );
}

haven_testdb::both! {
    async fn every_page_has_the_accessibility_basics_and_arabic_reads_right_to_left() {
        let Some(tools) = tools_or_skip() else {
            return;
        };
        let haven = Haven::start(&Setup {
            users: &[("dr.amal", "clinician")],
            ..Setup::default()
        })
        .await;
        let b = Browser::launch(&tools, &haven);
        audit(&b, "/login");
        skip_link_works(&b);
        b.sign_in("dr.amal");
        let patient = register_arabic_patient(&b);
        record_life_event(&b, &patient, "bad-news-from-home", yesterday(), "");
        b.follow("Bad news from home");
        let entry = b.path();

        for path in [
            "/".to_owned(),
            "/patients".to_owned(),
            "/patients/new".to_owned(),
            patient.clone(),
            format!("{patient}/edit"),
            format!("{patient}/entries/new/life-event"),
            format!("{patient}/entries/new/planned-contact"),
            entry.clone(),
            format!("{entry}/amend"),
            "/worklist".to_owned(),
            "/worklist/practice".to_owned(),
            "/guidance".to_owned(),
            "/guidance/6".to_owned(),
        ] {
            audit(&b, &path);
        }
        b.open(&patient);
        skip_link_works(&b);

        // The Arabic name: marked as Arabic, right to left, and laid out so by the browser.
        for (path, css) in [
            (patient.as_str(), ".banner__native"),
            ("/patients", ".native-name"),
        ] {
            b.open(path);
            let name = b.session.find(css).expect("the name in Arabic script");
            assert_eq!(name.text().expect("text"), "أمينة حداد");
            assert_eq!(
                name.attr("dir").expect("dir").as_deref(),
                Some("rtl"),
                "{path}"
            );
            assert_eq!(
                name.attr("lang").expect("lang").as_deref(),
                Some("ar"),
                "{path}"
            );
            let direction = b
                .session
                .execute(
                    "return getComputedStyle(arguments[0]).direction;",
                    vec![name.json()],
                )
                .expect("computed direction");
            assert_eq!(direction, "rtl", "{path}");
        }
    }
}
