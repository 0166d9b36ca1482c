//! Languages offered in the registration form and the list filter: BCP-47 tags with English
//! names, chosen from the languages most asked for by people seeking asylum in the UK.
//! Any other valid tag can be typed in; this table only makes the common ones quick.

use haven_core::LanguageTag;

pub const LANGUAGES: &[(&str, &str)] = &[
    ("sq", "Albanian"),
    ("am", "Amharic"),
    ("ar", "Arabic"),
    ("hy", "Armenian"),
    ("bal", "Balochi"),
    ("bn", "Bengali"),
    ("my", "Burmese"),
    ("zh", "Chinese"),
    ("prs", "Dari"),
    ("en", "English"),
    ("fa", "Farsi (Persian)"),
    ("fr", "French"),
    ("ka", "Georgian"),
    ("ha", "Hausa"),
    ("hi", "Hindi"),
    ("ig", "Igbo"),
    ("kmr", "Kurdish (Kurmanji)"),
    ("ckb", "Kurdish (Sorani)"),
    ("ln", "Lingala"),
    ("om", "Oromo"),
    ("ps", "Pashto"),
    ("pt", "Portuguese"),
    ("pa", "Punjabi"),
    ("rhg", "Rohingya"),
    ("ru", "Russian"),
    ("sn", "Shona"),
    ("so", "Somali"),
    ("es", "Spanish"),
    ("sw", "Swahili"),
    ("ta", "Tamil"),
    ("ti", "Tigrinya"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("vi", "Vietnamese"),
    ("yo", "Yoruba"),
];

/// An English name for display: Haven's table first, then the core's names, then the tag.
/// The name of a patient's main language, or nothing when none is recorded.
pub fn main_of(patient: &haven_core::record::Patient) -> String {
    patient.main_language.as_ref().map(name).unwrap_or_default()
}

pub fn name(tag: &LanguageTag) -> String {
    if let Some((_, n)) = LANGUAGES.iter().find(|(t, _)| *t == tag.as_str()) {
        return (*n).to_owned();
    }
    let from_core = tag.english_name();
    if from_core != "Other language" {
        return from_core.to_owned();
    }
    if let Some((_, n)) = LANGUAGES.iter().find(|(t, _)| *t == tag.primary()) {
        return format!("{n} ({tag})");
    }
    tag.to_string()
}

/// Reads one language given either as an English name from the table ("Tigrinya",
/// case-insensitive) or as a BCP-47 tag ("ti", "ku-Arab").
pub fn parse(text: &str) -> Option<LanguageTag> {
    let t = text.trim();
    if let Some((tag, _)) = LANGUAGES.iter().find(|(_, n)| n.eq_ignore_ascii_case(t)) {
        return LanguageTag::parse(tag).ok();
    }
    LanguageTag::parse(t).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_parses_and_names_round_trip() {
        for (tag, label) in LANGUAGES {
            let parsed = LanguageTag::parse(tag).expect(tag);
            assert_eq!(name(&parsed), *label);
            assert_eq!(parse(label), Some(parsed));
        }
    }

    #[test]
    fn reads_names_tags_and_regional_variants() {
        assert_eq!(parse("tigrinya").map(|t| t.to_string()), Some("ti".into()));
        assert_eq!(
            parse("ku-Arab").map(|t| t.to_string()),
            Some("ku-Arab".into())
        );
        assert_eq!(parse("Klingonese"), None);
        let ar_sd = LanguageTag::parse("ar-SD").expect("tag");
        assert_eq!(name(&ar_sd), "Arabic");
        let sn_zw = LanguageTag::parse("sn-ZW").expect("tag");
        assert_eq!(name(&sn_zw), "Shona (sn-ZW)");
    }
}
