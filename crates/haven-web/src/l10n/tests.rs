//! The shipped translations: parsed, complete against English, in their own script and
//! punctuation, reviewed only where a review is recorded; and how a tag chooses one.

use std::collections::BTreeMap;

use fluent_syntax::ast::{Entry, PatternElement};
use haven_core::LanguageTag;
use time::macros::date;

use super::*;

fn resource(source: &str) -> FluentResource {
    FluentResource::try_new(source.to_owned()).expect("test source parses")
}

fn catalogue_or_fail() -> &'static Catalogue {
    catalogue().unwrap_or_else(|e| panic!("the shipped translations load: {e}"))
}

#[test]
fn every_file_parses_and_has_exactly_englishs_messages_and_variables() {
    let english = parse("en", SOURCES[0].1).expect("en.ftl parses");
    assert!(
        check::messages(&english).len() > 40,
        "English has every handout's messages"
    );
    for &(file, source) in &SOURCES {
        let resource = parse(file, source).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            check::differences(&english, &resource),
            Vec::<String>::new(),
            "locales/{file}.ftl"
        );
    }
    catalogue_or_fail();
}

#[test]
fn english_is_the_only_reviewed_file_and_the_others_are_drafts() {
    let catalogue = catalogue_or_fail();
    let reviewed: Vec<&str> = catalogue
        .iter()
        .filter(|l| l.review == ReviewStatus::Reviewed)
        .map(Locale::code)
        .collect();
    // A translation joins this list only when a qualified translator's review is recorded in
    // its file (-review-status = reviewed, -reviewed-by with the name and date).
    assert_eq!(reviewed, ["en"]);
    assert!(catalogue.iter().skip(1).all(Locale::is_draft));
}

#[test]
fn the_ten_languages_are_shipped_from_the_one_language_table() {
    let catalogue = catalogue_or_fail();
    let codes: Vec<&str> = catalogue.iter().map(Locale::code).collect();
    assert_eq!(
        codes,
        ["en", "ar", "fa", "prs", "ps", "ti", "ckb", "so", "sq", "vi"]
    );
    for locale in catalogue.iter() {
        let from_table = haven_core::language::by_code(locale.code()).expect("in the table");
        assert!(std::ptr::eq(locale.language, from_table));
    }
    let rtl: Vec<&str> = catalogue
        .iter()
        .filter(|l| l.dir() == "rtl")
        .map(Locale::code)
        .collect();
    assert_eq!(rtl, ["ar", "fa", "prs", "ps", "ckb"]);
    assert_eq!(catalogue.get("ti").map(|l| l.script.as_str()), Some("Ethi"));
}

#[test]
fn a_translation_that_drops_or_adds_a_message_or_a_variable_is_refused() {
    let english = resource("a = Call { $number }\nb = Hello\n");
    let check = |source: &str| check::differences(&english, &resource(source));
    assert!(check("a = اتصل { $number }\nb = مرحبا\n").is_empty());
    assert_eq!(check("a = اتصل\nb = مرحبا\n").len(), 1, "a lost number");
    assert_eq!(check("a = اتصل { $number }\n"), ["message b is missing"]);
    assert_eq!(
        check("a = اتصل { $number }\nb = مرحبا\nc = زيادة\n"),
        ["message c is not in English"]
    );
}

/// Which translation each tag prints in: `Some(code)` of the locale, with `untranslated`
/// when the handout is English for want of one.
fn check_choice(tag: Option<&str>, expected_locale: &str, expected_untranslated: bool) {
    let catalogue = catalogue_or_fail();
    let tag = tag.map(|t| LanguageTag::parse(t).expect("valid tag"));
    let chosen = choose(catalogue, tag.as_ref());
    assert_eq!(
        (chosen.locale.code(), chosen.untranslated.is_some()),
        (expected_locale, expected_untranslated),
        "{tag:?}"
    );
}

#[test]
fn a_tag_prints_in_its_language_or_english_with_the_interpreter_line_never_another() {
    for code in ["ar", "fa", "prs", "ps", "ti", "ckb", "so", "sq", "vi"] {
        check_choice(Some(code), code, false);
    }
    // Regional tags: the table reads them as their primary language.
    check_choice(Some("ar-SD"), "ar", false);
    check_choice(Some("ti-ER"), "ti", false);
    check_choice(Some("so-ET"), "so", false);
    check_choice(Some("sq-XK"), "sq", false);
    check_choice(Some("ckb-IQ"), "ckb", false);
    // The table has no entry for fa-AF, so it is Farsi (Persian), as every page names it.
    check_choice(Some("fa-AF"), "fa", false);
    check_choice(Some("ar-Arab"), "ar", false);
    // A script the file is not written in, or a language Haven has no translation of.
    check_choice(Some("fa-Latn"), "en", true);
    check_choice(Some("ckb-Latn"), "en", true);
    check_choice(Some("ti-Latn"), "en", true);
    check_choice(Some("ku"), "en", true);
    check_choice(Some("ku-Arab"), "en", true);
    check_choice(Some("kmr"), "en", true);
    check_choice(Some("ta"), "en", true);
    check_choice(Some("am"), "en", true);
    check_choice(Some("xx-YY"), "en", true);
    // English, or nothing recorded: English without the line.
    check_choice(Some("en"), "en", false);
    check_choice(Some("en-GB"), "en", false);
    check_choice(None, "en", false);
}

#[test]
fn dates_are_written_in_the_handouts_language() {
    let catalogue = catalogue_or_fail();
    let date = |code: &str| {
        let locale = catalogue.get(code).expect("shipped");
        long_date(locale, date!(2026 - 12 - 08)).expect("formats")
    };
    assert_eq!(date("en"), "Tuesday 8 December 2026");
    assert_eq!(date("ar"), "الثلاثاء، 8 ديسمبر 2026");
    assert_eq!(date("vi"), "Thứ Ba, ngày 8 tháng 12 năm 2026");
    assert_eq!(date("ti"), "ሰሉስ፣ 8 ታሕሳስ 2026");
    assert_eq!(date("sq"), "e martë, 8 dhjetor 2026");
}

/// Letters of the script a file says it is written in (ISO 15924).
fn in_script(script: &str, c: char) -> bool {
    let u = c as u32;
    match script {
        "Latn" => c.is_ascii_alphabetic() || matches!(u, 0xC0..=0x24F | 0x1E00..=0x1EFF),
        "Arab" => {
            matches!(u, 0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
        }
        "Ethi" => matches!(u, 0x1200..=0x139F | 0x2D80..=0x2DDF | 0xAB00..=0xAB2F),
        other => panic!("no letters known for script {other}"),
    }
}

/// Names that stay in Latin letters in every language: services the person will hear named
/// so on the telephone.
const LATIN_NAMES: [&str; 3] = ["Samaritans", "NHS", "A&E"];

/// Every message of a file as plain text, variables left out.
fn texts(source: &str) -> Vec<(String, String)> {
    resource(source)
        .entries()
        .filter_map(|e| match e {
            Entry::Message(m) => {
                let text = m.value.as_ref().map(|p| {
                    p.elements
                        .iter()
                        .filter_map(|el| match el {
                            PatternElement::TextElement { value } => Some(*value),
                            PatternElement::Placeable { .. } => None,
                        })
                        .collect::<String>()
                });
                Some((m.id.name.to_owned(), text.unwrap_or_default()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn every_translation_is_in_its_own_script_with_its_own_punctuation() {
    let catalogue = catalogue_or_fail();
    let english: BTreeMap<String, String> = texts(SOURCES[0].1).into_iter().collect();
    for &(file, source) in &SOURCES[1..] {
        let script = catalogue.get(file).expect("loaded").script.clone();
        for (id, text) in texts(source) {
            let mut letters = text.clone();
            for name in LATIN_NAMES {
                letters = letters.replace(name, "");
            }
            let foreign: String = letters
                .chars()
                .filter(|&c| c.is_alphabetic() && !in_script(&script, c))
                .collect();
            assert!(foreign.is_empty(), "{file} {id}: {foreign:?} in {text:?}");
            if english[&id].chars().any(char::is_alphabetic) {
                assert_ne!(text, english[&id], "{file} {id} is not translated");
            }
            match script.as_str() {
                // Arabic-script languages write ، ؛ ؟, never the Latin comma, semicolon or
                // question mark.
                "Arab" => assert!(
                    !text.contains([',', ';', '?']),
                    "{file} {id}: Latin punctuation in {text:?}"
                ),
                // Tigrinya ends sentences with ። and separates with ፣ and ፤.
                "Ethi" => assert!(
                    !text.contains(['.', ',', ';', '?']),
                    "{file} {id}: Latin punctuation in {text:?}"
                ),
                _ => {}
            }
        }
    }
}

#[test]
fn the_english_safety_plan_is_the_text_the_forms_and_crisis_box_use() {
    let english = catalogue_or_fail().english();
    assert_eq!(
        english.text("plan-crisis-text").as_deref(),
        Ok(crate::ui::safety_text::DEFAULT_SAFETY_TEXT),
        "the crisis box in English is Haven's default crisis text"
    );
    for ((_, heading), id) in crate::ui::forms::risk::PLAN_PARTS
        .iter()
        .zip(crate::ui::handouts::safety_plan::HEADINGS)
    {
        assert_eq!(english.text(id).as_deref(), Ok(*heading), "{id}");
    }
}

#[test]
fn a_missing_message_or_variable_is_an_error_not_a_gap() {
    let english = catalogue_or_fail().english();
    assert!(matches!(
        english.text("no-such-message"),
        Err(L10nError::MissingMessage { .. })
    ));
    assert!(matches!(
        english.text("handout-name"),
        Err(L10nError::Format { .. })
    ));
    assert_eq!(
        english.text_with("handout-name", &[("name", "Amina Haddad")]),
        Ok("Name: Amina Haddad".to_owned())
    );
}
