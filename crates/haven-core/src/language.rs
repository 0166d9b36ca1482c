//! Languages: BCP-47 tags, and Haven's one table of the languages it names (English name,
//! the language's own name for itself, and which way its script runs). The forms, the patient
//! pages, FHIR import and export, the reports and the rules all name languages from
//! [`LANGUAGES`]; there is no other list.

use std::fmt;

/// Which way a script is written: pages set `dir` from this around text in the language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    LeftToRight,
    RightToLeft,
}

impl Direction {
    /// The HTML `dir` attribute value.
    pub fn html(self) -> &'static str {
        match self {
            Self::LeftToRight => "ltr",
            Self::RightToLeft => "rtl",
        }
    }
}

/// One language Haven knows by name.
#[derive(Debug, PartialEq, Eq)]
pub struct Language {
    /// The BCP-47 tag Haven records (the shortest ISO 639 code, as BCP-47 asks).
    pub code: &'static str,
    /// The name staff see.
    pub english: &'static str,
    /// The language's name for itself, in its own script.
    pub native: &'static str,
    /// The direction of the script the language is usually written in (without a script
    /// subtag: `ku-Arab` is right to left whatever the table says of `ku`).
    pub direction: Direction,
    /// Other names in use (in other systems' displays and in what people type).
    pub other_names: &'static [&'static str],
    /// Its ISO 639-2/639-3 three-letter codes, as some systems send them (bibliographic and
    /// terminology forms where they differ).
    pub alpha3: &'static [&'static str],
}

use Direction::{LeftToRight as L, RightToLeft as R};

const fn lang(
    code: &'static str,
    english: &'static str,
    native: &'static str,
    direction: Direction,
    other_names: &'static [&'static str],
    alpha3: &'static [&'static str],
) -> Language {
    Language {
        code,
        english,
        native,
        direction,
        other_names,
        alpha3,
    }
}

/// Every language Haven names, in the order forms offer them (by English name): the languages
/// most often needed by people seeking asylum in the UK, and those they often also speak.
/// Any other valid tag can still be recorded; it is shown as the tag itself.
pub static LANGUAGES: &[Language] = &[
    lang("sq", "Albanian", "Shqip", L, &[], &["sqi", "alb"]),
    lang(
        "ase",
        "American Sign Language",
        "American Sign Language",
        L,
        &["ASL"],
        &["ase"],
    ),
    lang("am", "Amharic", "አማርኛ", L, &[], &["amh"]),
    lang("ar", "Arabic", "العربية", R, &[], &["ara"]),
    lang("hy", "Armenian", "Հայերեն", L, &[], &["hye", "arm"]),
    lang(
        "asf",
        "Australian Sign Language",
        "Auslan",
        L,
        &["Auslan"],
        &["asf"],
    ),
    lang("bal", "Balochi", "بلوچی", R, &["Baluchi"], &["bal"]),
    lang("bn", "Bengali", "বাংলা", L, &["Bangla"], &["ben"]),
    lang(
        "bfi",
        "British Sign Language",
        "British Sign Language",
        L,
        &["BSL"],
        &["bfi"],
    ),
    lang(
        "my",
        "Burmese",
        "မြန်မာဘာသာ",
        L,
        &["Myanmar"],
        &["mya", "bur"],
    ),
    lang("zh", "Chinese", "中文", L, &[], &["zho", "chi"]),
    lang("prs", "Dari", "دری", R, &["Dari Persian"], &["prs"]),
    lang("en", "English", "English", L, &[], &["eng"]),
    lang(
        "fa",
        "Farsi (Persian)",
        "فارسی",
        R,
        &["Farsi", "Persian"],
        &["fas", "per"],
    ),
    lang("fr", "French", "Français", L, &[], &["fra", "fre"]),
    lang("ka", "Georgian", "ქართული", L, &[], &["kat", "geo"]),
    lang(
        "el",
        "Greek",
        "Ελληνικά",
        L,
        &["Modern Greek"],
        &["ell", "gre"],
    ),
    lang("ha", "Hausa", "Hausa", L, &[], &["hau"]),
    lang("he", "Hebrew", "עברית", R, &[], &["heb"]),
    lang("hi", "Hindi", "हिन्दी", L, &[], &["hin"]),
    lang("ig", "Igbo", "Asụsụ Igbo", L, &[], &["ibo"]),
    lang("it", "Italian", "Italiano", L, &[], &["ita"]),
    lang("ku", "Kurdish", "Kurdî", L, &[], &["kur"]),
    lang(
        "kmr",
        "Kurdish (Kurmanji)",
        "Kurmancî",
        L,
        &["Kurmanji", "Northern Kurdish"],
        &["kmr"],
    ),
    lang(
        "ckb",
        "Kurdish (Sorani)",
        "کوردی",
        R,
        &["Sorani", "Central Kurdish"],
        &["ckb"],
    ),
    lang("ln", "Lingala", "Lingála", L, &[], &["lin"]),
    lang(
        "nd",
        "Ndebele (North)",
        "isiNdebele",
        L,
        &["Ndebele", "North Ndebele"],
        &["nde"],
    ),
    lang("om", "Oromo", "Afaan Oromoo", L, &["Afan Oromo"], &["orm"]),
    lang("ps", "Pashto", "پښتو", R, &["Pushto"], &["pus"]),
    lang("pt", "Portuguese", "Português", L, &[], &["por"]),
    lang("pa", "Punjabi", "ਪੰਜਾਬੀ", L, &["Panjabi"], &["pan"]),
    lang("rhg", "Rohingya", "Ruáingga", L, &[], &["rhg"]),
    lang("ru", "Russian", "Русский", L, &[], &["rus"]),
    lang("sn", "Shona", "chiShona", L, &[], &["sna"]),
    lang("sd", "Sindhi", "سنڌي", R, &[], &["snd"]),
    lang("so", "Somali", "Soomaali", L, &[], &["som"]),
    lang("es", "Spanish", "Español", L, &["Castilian"], &["spa"]),
    lang("sw", "Swahili", "Kiswahili", L, &[], &["swa", "swh"]),
    lang("ta", "Tamil", "தமிழ்", L, &[], &["tam"]),
    lang("ti", "Tigrinya", "ትግርኛ", L, &["Tigrigna"], &["tir"]),
    lang("tr", "Turkish", "Türkçe", L, &[], &["tur"]),
    lang("uk", "Ukrainian", "Українська", L, &[], &["ukr"]),
    lang("ur", "Urdu", "اردو", R, &[], &["urd"]),
    lang("ug", "Uyghur", "ئۇيغۇرچە", R, &["Uighur"], &["uig"]),
    lang("vi", "Vietnamese", "Tiếng Việt", L, &[], &["vie"]),
    lang("yi", "Yiddish", "ייִדיש", R, &[], &["yid"]),
    lang("yo", "Yoruba", "Èdè Yorùbá", L, &[], &["yor"]),
];

/// The language of a tag exactly as Haven records it (`ckb`, not `ckb-IQ`), case-insensitive.
pub fn by_code(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code.eq_ignore_ascii_case(code))
}

/// The language with this English name, own name or other name, compared without case or
/// accents ("tigrinya", "Farsi", "فارسی").
pub fn by_name(name: &str) -> Option<&'static Language> {
    let wanted = crate::text::fold(name);
    if wanted.is_empty() {
        return None;
    }
    LANGUAGES.iter().find(|l| {
        [l.english, l.native]
            .iter()
            .chain(l.other_names)
            .any(|n| crate::text::fold(n) == wanted)
    })
}

/// The language of an ISO 639 code: two letters (639-1, the same as its BCP-47 tag) or three
/// (639-2 or 639-3).
pub fn by_iso639(code: &str) -> Option<&'static Language> {
    by_code(code).or_else(|| {
        LANGUAGES
            .iter()
            .find(|l| l.alpha3.iter().any(|a| a.eq_ignore_ascii_case(code)))
    })
}

/// A language typed by a person: a name from the table ("Tigrinya", case-insensitive) or a
/// BCP-47 tag ("ti", "ku-Arab").
pub fn parse_typed(text: &str) -> Option<LanguageTag> {
    let text = text.trim();
    match by_name(text) {
        Some(language) => Some(language.tag()),
        None => LanguageTag::parse(text).ok(),
    }
}

impl Language {
    pub fn tag(&self) -> LanguageTag {
        LanguageTag(self.code.to_owned())
    }
}

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

/// Scripts written right to left, by their ISO 15924 code as a BCP-47 script subtag.
const RIGHT_TO_LEFT_SCRIPTS: &[&str] = &["arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"];

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

    /// The script subtag (`Arab` in `ku-Arab-IQ`), if the tag has one.
    pub fn script(&self) -> Option<&str> {
        // A script comes before any singleton (`x-…` private use, extensions), and is the
        // only subtag of four letters there.
        self.0
            .split('-')
            .skip(1)
            .take_while(|s| s.len() > 1)
            .find(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic()))
    }

    /// The language in Haven's table: the whole tag if it is there, else its primary subtag
    /// (`ar-SD` is Arabic).
    pub fn language(&self) -> Option<&'static Language> {
        by_code(&self.0).or_else(|| by_code(self.primary()))
    }

    /// The name staff see: the English name, with the tag when it says more than the
    /// language (`Arabic (ar-SD)`), or the tag itself for a language not in the table.
    pub fn name(&self) -> String {
        match by_code(&self.0) {
            Some(language) => language.english.to_owned(),
            None => match by_code(self.primary()) {
                Some(language) => format!("{} ({})", language.english, self.0),
                None => self.0.clone(),
            },
        }
    }

    /// Which way text in this language runs: a script subtag decides (`ku-Arab`, `fa-Latn`),
    /// else the table; a language Haven does not know is taken as left to right.
    pub fn direction(&self) -> Direction {
        match self.script() {
            Some(script)
                if RIGHT_TO_LEFT_SCRIPTS.contains(&script.to_ascii_lowercase().as_str()) =>
            {
                Direction::RightToLeft
            }
            Some(_) => Direction::LeftToRight,
            None => self
                .language()
                .map_or(Direction::LeftToRight, |l| l.direction),
        }
    }

    /// Whether text in this language is usually written right to left, so pages set
    /// `dir="rtl"` around it.
    pub fn is_right_to_left(&self) -> bool {
        self.direction() == Direction::RightToLeft
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
        assert_eq!(rtl("ku-arab-IQ"), Ok(true));
        assert_eq!(rtl("ti"), Ok(false));
        assert_eq!(rtl("fa-Latn"), Ok(false));
        assert_eq!(rtl("ar-SD"), Ok(true));
        assert_eq!(rtl("he"), Ok(true));
        assert_eq!(rtl("xx"), Ok(false));
    }

    /// Whether a letter is from a right-to-left script (Hebrew, Arabic and its presentation
    /// forms).
    fn rtl_letter(c: char) -> bool {
        matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
    }

    #[test]
    fn every_language_has_a_valid_tag_names_and_the_direction_of_its_own_name() {
        let mut codes = std::collections::HashSet::new();
        for l in LANGUAGES {
            let tag = LanguageTag::parse(l.code).expect(l.code);
            assert_eq!(tag.as_str(), l.code, "codes are stored lower case");
            assert!(codes.insert(l.code), "{} twice", l.code);
            assert!(!l.english.trim().is_empty() && !l.native.trim().is_empty());
            let first_letter = l.native.chars().find(|c| c.is_alphabetic());
            assert_eq!(
                first_letter.is_some_and(rtl_letter),
                l.direction == Direction::RightToLeft,
                "{}: its own name {:?} is not written {:?}",
                l.code,
                l.native,
                l.direction
            );
            assert_eq!(tag.direction(), l.direction);
            assert_eq!(tag.name(), l.english);
            for a in l.alpha3 {
                assert_eq!(a.len(), 3, "{a}");
                assert_eq!(by_iso639(a).map(|x| x.code), Some(l.code), "{a}");
            }
            for name in [l.english, l.native].iter().chain(l.other_names) {
                assert_eq!(by_name(name).map(|x| x.code), Some(l.code), "{name}");
            }
        }
        let english: Vec<_> = LANGUAGES.iter().map(|l| l.english).collect();
        let mut sorted = english.clone();
        sorted.sort_unstable();
        assert_eq!(english, sorted, "forms list them by English name");
    }

    #[test]
    fn names_regional_and_unknown_tags() {
        let name = |s: &str| LanguageTag::parse(s).expect("tag").name();
        assert_eq!(name("ti"), "Tigrinya");
        assert_eq!(name("ar-SD"), "Arabic (ar-SD)");
        assert_eq!(name("sn-ZW"), "Shona (sn-ZW)");
        assert_eq!(name("xx-YY"), "xx-YY");
        // Every language the demo and the issue named is in the table, so none is written
        // as an anonymous "other language".
        for code in ["it", "el", "yo", "sn", "ha", "ig", "nd", "ln", "sw", "prs"] {
            assert!(by_code(code).is_some(), "{code}");
        }
    }

    #[test]
    fn reads_what_people_type_and_other_systems_send() {
        let typed = |s: &str| parse_typed(s).map(|t| t.to_string());
        assert_eq!(typed("tigrinya"), Some("ti".into()));
        assert_eq!(typed(" Persian "), Some("fa".into()));
        assert_eq!(typed("فارسی"), Some("fa".into()));
        assert_eq!(typed("ku-Arab"), Some("ku-Arab".into()));
        assert_eq!(typed("Klingonese"), None);
        assert_eq!(by_iso639("ara").map(|l| l.code), Some("ar"));
        assert_eq!(by_iso639("per").map(|l| l.code), Some("fa"));
        assert_eq!(by_iso639("ar").map(|l| l.code), Some("ar"));
        assert_eq!(by_iso639("zzz"), None);
    }
}
