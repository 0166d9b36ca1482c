//! Scenario 9 (§2, §3, §6): every handout printed in every shipped language. For each print:
//! the page's `lang` and `dir`, the draft mark on unreviewed translations, crisis numbers in
//! dialling order on right-to-left pages, and no character falling back to a missing glyph —
//! the fonts the print style sheet names must be installed and hold every character the sheet
//! shows, and the PDF Chromium prints may embed no other font.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::accessibility::audit;
use crate::bidi::assert_left_to_right;
use crate::flows::{register_arabic_patient, today};
use crate::fonts::{InstalledFonts, is_drawn, named_families};
use crate::harness::{Browser, signed_in};

const DRAFT_MARK: &str = "Draft translation — check with an interpreter";

/// Each shown text in the handout with the `font-family` it is drawn with.
const SHEET_TEXT: &str = "
    const out = [];
    const sheet = document.querySelector('.print-sheet');
    const walker = document.createTreeWalker(sheet, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.data.trim()) { continue; }
        const style = getComputedStyle(node.parentElement);
        if (style.display === 'none' || style.visibility === 'hidden') { continue; }
        out.push([style.fontFamily, node.data]);
    }
    return out;
";

/// Fails unless every character of the sheet is held by a font its style names, every font
/// named is installed, and the printed PDF embeds only those fonts.
fn assert_fonts_hold_every_character(b: &Browser, fonts: &InstalledFonts, what: &str) {
    let found = b
        .session
        .execute(SHEET_TEXT, vec![])
        .expect("read the sheet");
    let mut named: BTreeSet<String> = BTreeSet::new();
    let mut missing: BTreeSet<String> = BTreeSet::new();
    for item in found.as_array().expect("a list") {
        let family = item[0].as_str().unwrap_or_default();
        let text = item[1].as_str().unwrap_or_default();
        let families = named_families(family);
        assert!(!families.is_empty(), "{what}: {text:?} names no font");
        for f in &families {
            assert!(
                fonts.family(f).is_some(),
                "{what}: the font {f:?} named in the style sheet is not installed (Debian's fonts-noto-core)"
            );
        }
        named.extend(families.iter().cloned());
        for c in text.chars().filter(|&c| is_drawn(c)) {
            if !families
                .iter()
                .filter_map(|f| fonts.family(f))
                .any(|f| f.covers(c))
            {
                missing.insert(format!("{c:?} U+{:04X} in {family}", u32::from(c)));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{what}: no named font holds {} characters, among them {:?}",
        missing.len(),
        missing.iter().take(12).collect::<Vec<_>>()
    );
    let allowed: BTreeSet<&str> = named
        .iter()
        .filter_map(|f| fonts.family(f))
        .flat_map(|f| f.postscript_names.iter().map(String::as_str))
        .collect();
    let pdf = b.session.print_pdf().expect("print to PDF");
    assert!(pdf.starts_with(b"%PDF-"), "{what}: not a PDF");
    let embedded = embedded_fonts(&pdf);
    assert!(!embedded.is_empty(), "{what}: the PDF names no font");
    for font in &embedded {
        assert!(
            allowed.contains(font.as_str()),
            "{what}: the print embeds {font}, which the style sheet did not name ({allowed:?})"
        );
    }
}

/// The PostScript names of the fonts a PDF embeds (`/BaseFont /ABCDEF+NotoSans-Regular`),
/// without the subset prefix.
fn embedded_fonts(pdf: &[u8]) -> BTreeSet<String> {
    let text = String::from_utf8_lossy(pdf);
    text.split("/BaseFont")
        .skip(1)
        .filter_map(|rest| {
            let name = rest.trim_start().strip_prefix('/')?;
            let name: String = name
                .chars()
                .take_while(|c| !c.is_whitespace() && !"/<>[]()".contains(*c))
                .collect();
            let name = match name.split_once('+') {
                Some((prefix, base)) if prefix.len() == 6 => base.to_owned(),
                _ => name,
            };
            Some(name)
        })
        .collect()
}

fn attribute(b: &Browser, script: &str) -> String {
    match b.session.execute(script, vec![]).expect("read attribute") {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// The paths of the patient's four handouts, from their Handouts page.
fn handout_paths(b: &Browser, patient: &str) -> Vec<String> {
    b.open(patient);
    b.follow("Handouts");
    assert_eq!(b.path(), format!("{patient}/handouts"));
    [
        "Wellbeing advice (§3)",
        "“I need an interpreter” card (§2)",
        "Next-appointment letter",
        "Safety plan (§6)",
    ]
    .iter()
    .map(|title| b.link_href("//main", title))
    .collect()
}

/// Records a safety plan in the person's words and a contact booked next week.
pub fn record_plan_and_contact(b: &Browser, patient: &str) {
    b.open(&format!("{patient}/entries/new/safety-plan"));
    b.set_date("date", &today().to_string());
    b.fill("warning_signs", "لا أستطيع النوم وأبقى وحدي في الغرفة");
    b.fill("professionals_and_crisis", "اتصل بالطبيب على 0161 000 0000");
    b.press("Save");
    assert_eq!(b.path(), patient, "plan saved: {}", b.main_text());
    b.open(&format!("{patient}/entries/new/planned-contact"));
    b.set_date("date", &(today() + time::Duration::days(7)).to_string());
    b.pick("status", "booked");
    b.press("Save");
    assert_eq!(b.path(), patient, "contact saved: {}", b.main_text());
}

haven_testdb::both! {
    async fn every_handout_prints_in_every_shipped_language_in_fonts_that_hold_every_character() {
        let Some((_haven, b)) = signed_in("dr.amal", "clinician").await else {
            return;
        };
        let patient = register_arabic_patient(&b);
        record_plan_and_contact(&b, &patient);
        let handouts = handout_paths(&b, &patient);
        let fonts = InstalledFonts::scan();
        for handout in &handouts {
            audit(&b, handout);
        }
        let shipped = haven_web::l10n::catalogue().expect("the translations load");
        assert_eq!(shipped.iter().count(), 10, "English and nine translations");
        for locale in shipped.iter() {
            let (code, dir) = (locale.code(), locale.dir());
            for handout in &handouts {
                let what = format!("{handout} in {code}");
                b.open(&format!("{handout}?lang={code}"));
                assert_eq!(
                    attribute(&b, "return document.documentElement.lang;"),
                    code,
                    "{what}"
                );
                assert_eq!(
                    attribute(&b, "return document.documentElement.dir;"),
                    dir,
                    "{what}"
                );
                assert!(
                    b.has(&format!(".print-sheet[lang=\"{code}\"][dir=\"{dir}\"]")),
                    "{what}"
                );
                let marks = b.texts(".handout__draft");
                if code == "en" {
                    assert!(marks.is_empty(), "{what}: English is reviewed: {marks:?}");
                } else {
                    assert!(
                        marks.iter().any(|m| m.contains(DRAFT_MARK)),
                        "{what}: the draft mark is shown: {marks:?}"
                    );
                }
                assert_fonts_hold_every_character(&b, &fonts, &what);
                if handout.ends_with("/print") && dir == "rtl" {
                    assert_left_to_right(&b, ".print-sheet__crisis", "116 123");
                    assert_left_to_right(&b, ".print-sheet", "0161 000 0000");
                }
            }
        }
    }
}

haven_testdb::both! {
    async fn a_language_without_a_translation_prints_in_english_asking_for_an_interpreter() {
        let Some((_haven, b)) = signed_in("front.desk", "receptionist").await else {
            return;
        };
        let patient = register_arabic_patient(&b);
        b.open(&format!("{patient}/handouts/wellbeing?lang=am"));
        assert_eq!(attribute(&b, "return document.documentElement.lang;"), "en");
        assert_eq!(attribute(&b, "return document.documentElement.dir;"), "ltr");
        assert_eq!(
            b.texts(".handout__draft"),
            [
                "There is no translation in Amharic (አማርኛ) yet. Ask an interpreter to read this with the patient."
            ]
        );
        assert_eq!(b.text("h1"), "Looking after your wellbeing");
        let fonts = InstalledFonts::scan();
        assert_fonts_hold_every_character(&b, &fonts, "wellbeing for Amharic");
    }
}
