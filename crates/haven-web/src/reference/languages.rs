//! The languages forms offer and how pages name them, all from haven-core's one table
//! ([`haven_core::language::LANGUAGES`]). Any other valid tag can be typed in.

use haven_core::LanguageTag;
use haven_core::language::{self, LANGUAGES};

/// `(tag, English name)` for every language in the table, in the order forms list them.
pub fn choices() -> impl Iterator<Item = (&'static str, &'static str)> {
    LANGUAGES.iter().map(|l| (l.code, l.english))
}

/// Whether `code` is one of the languages forms offer.
pub fn is_offered(code: &str) -> bool {
    LANGUAGES.iter().any(|l| l.code == code)
}

/// The name of a patient's main language, or nothing when none is recorded.
pub fn main_of(patient: &haven_core::record::Patient) -> String {
    patient
        .main_language
        .as_ref()
        .map(LanguageTag::name)
        .unwrap_or_default()
}

/// Reads one language given either as a name ("Tigrinya", case-insensitive) or as a BCP-47
/// tag ("ti", "ku-Arab").
pub fn parse(text: &str) -> Option<LanguageTag> {
    language::parse_typed(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every language a form offers has a name staff read, its own name, and a direction
    /// that the pages use for text in it.
    #[test]
    fn every_offered_language_has_names_and_a_direction() {
        let offered: Vec<_> = choices().collect();
        assert!(offered.len() >= 30, "the common languages are offered");
        for (code, label) in offered {
            let tag = LanguageTag::parse(code).expect(code);
            let known = tag.language().expect("offered languages are in the table");
            assert_eq!(tag.name(), label);
            assert!(!label.is_empty() && !known.native.is_empty(), "{code}");
            assert_eq!(tag.is_right_to_left(), known.direction.html() == "rtl");
            assert_eq!(parse(label), Some(tag.clone()));
            assert_eq!(parse(code), Some(tag));
        }
        assert_eq!(parse("Klingonese"), None);
    }
}
