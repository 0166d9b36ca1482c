//! Which translation a handout prints in, for a person's language tag, following haven-core's
//! language table: the tag's own entry if the table has one, else its primary language
//! (`ar-SD` is Arabic; `fa-AF` is Farsi (Persian), as the table names it). A script subtag
//! must match the file's script (`fa-Latn` is not printed in Arabic letters). Anything else
//! prints in English with the line asking for an interpreter: never in another language.

use haven_core::LanguageTag;

use super::{Catalogue, Locale};

/// The language of one printed handout.
pub struct HandoutLanguage {
    /// The translation the handout's text comes from.
    pub locale: &'static Locale,
    /// The person's language when Haven has no translation of it: the handout is then in
    /// English and asks for an interpreter to read it with the patient.
    pub untranslated: Option<LanguageTag>,
}

impl HandoutLanguage {
    /// Whether the handout is in the person's own language (or English is theirs).
    pub fn is_translated(&self) -> bool {
        self.untranslated.is_none()
    }
}

/// The handout language for a person whose language is `wanted` (`None`: not recorded, so
/// English without the interpreter line).
pub fn choose(catalogue: &'static Catalogue, wanted: Option<&LanguageTag>) -> HandoutLanguage {
    let english = HandoutLanguage {
        locale: catalogue.english(),
        untranslated: None,
    };
    let Some(tag) = wanted else {
        return english;
    };
    let translation = tag
        .language()
        .and_then(|language| catalogue.get(language.code))
        .filter(|locale| {
            tag.script()
                .is_none_or(|s| s.eq_ignore_ascii_case(&locale.script))
        });
    match translation {
        Some(locale) if locale.code() == "en" => english,
        Some(locale) => HandoutLanguage {
            locale,
            untranslated: None,
        },
        None => HandoutLanguage {
            untranslated: Some(tag.clone()),
            ..english
        },
    }
}
