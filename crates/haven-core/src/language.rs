//! BCP-47 language tags, and the few facts about languages that the record needs.

use std::fmt;

/// A syntactically valid BCP-47 tag (`ar`, `fa`, `ckb`, `ku-Arab-IQ`), lower-cased language.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct LanguageTag(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a BCP-47 language tag (for example \"ar\", \"fa\" or \"ckb\")")]
pub struct LanguageTagError(pub String);

impl LanguageTag {
    pub fn parse(input: &str) -> Result<Self, LanguageTagError> {
        let bad = || LanguageTagError(input.to_owned());
        let mut parts = input.split('-');
        let primary = parts.next().ok_or_else(bad)?;
        if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(bad());
        }
        let mut out = primary.to_ascii_lowercase();
        for sub in parts {
            if sub.is_empty() || sub.len() > 8 || !sub.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(bad());
            }
            out.push('-');
            out.push_str(sub);
        }
        Ok(Self(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag (`ku` for `ku-Arab`).
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    /// English name for display, where Haven knows it.
    pub fn english_name(&self) -> &'static str {
        match self.primary() {
            "ar" => "Arabic",
            "fa" => "Farsi (Persian)",
            "prs" => "Dari",
            "ps" => "Pashto",
            "ti" => "Tigrinya",
            "ku" => "Kurdish",
            "ckb" => "Kurdish (Sorani)",
            "kmr" => "Kurdish (Kurmanji)",
            "am" => "Amharic",
            "so" => "Somali",
            "ur" => "Urdu",
            "sq" => "Albanian",
            "vi" => "Vietnamese",
            "fr" => "French",
            "en" => "English",
            "tr" => "Turkish",
            "uk" => "Ukrainian",
            "ru" => "Russian",
            _ => "Other language",
        }
    }

    /// Whether text in this language is usually written right to left (Arabic or Hebrew
    /// script), so pages set `dir="rtl"` around it.
    pub fn is_right_to_left(&self) -> bool {
        if self.0.contains("-Latn") || self.0.contains("-Cyrl") {
            return false;
        }
        if self.0.contains("-Arab") || self.0.contains("-Hebr") {
            return true;
        }
        matches!(
            self.primary(),
            "ar" | "fa" | "prs" | "ps" | "ur" | "ckb" | "he" | "yi" | "sd" | "ug"
        )
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for LanguageTag {
    type Error = LanguageTagError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LanguageTag> for String {
    fn from(value: LanguageTag) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        assert_eq!(
            LanguageTag::parse("AR").map(|t| t.to_string()),
            Ok("ar".into())
        );
        assert_eq!(
            LanguageTag::parse("ku-Arab-IQ").map(|t| t.primary().to_owned()),
            Ok("ku".into())
        );
        for bad in ["", "a", "arabic", "ar-", "ar--x", "a1"] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn knows_right_to_left_scripts() {
        let rtl = |s: &str| LanguageTag::parse(s).map(|t| t.is_right_to_left());
        assert_eq!(rtl("ar"), Ok(true));
        assert_eq!(rtl("ckb"), Ok(true));
        assert_eq!(rtl("kmr"), Ok(false));
        assert_eq!(rtl("ku-Arab"), Ok(true));
        assert_eq!(rtl("ti"), Ok(false));
        assert_eq!(rtl("fa-Latn"), Ok(false));
    }
}
