//! Countries of origin for the registration form: ISO 3166-1 alpha-2 codes with English names.
//! The list covers the countries most people seeking asylum in the UK come from, their
//! neighbours, and `ZZ` (the ISO user-assigned code Haven uses for "another country").
//! A flat table, sorted by name for the select.

/// `ZZ`: a country not in this list (or not known).
pub const OTHER: &str = "ZZ";

pub const COUNTRIES: &[(&str, &str)] = &[
    ("AF", "Afghanistan"),
    ("AL", "Albania"),
    ("DZ", "Algeria"),
    ("AO", "Angola"),
    ("AM", "Armenia"),
    ("AZ", "Azerbaijan"),
    ("BD", "Bangladesh"),
    ("BY", "Belarus"),
    ("BT", "Bhutan"),
    ("BI", "Burundi"),
    ("CM", "Cameroon"),
    ("CF", "Central African Republic"),
    ("TD", "Chad"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CG", "Congo"),
    ("CD", "Congo (Democratic Republic)"),
    ("CI", "Côte d’Ivoire"),
    ("CU", "Cuba"),
    ("DJ", "Djibouti"),
    ("EG", "Egypt"),
    ("SV", "El Salvador"),
    ("ER", "Eritrea"),
    ("ET", "Ethiopia"),
    ("GM", "Gambia"),
    ("GE", "Georgia"),
    ("GH", "Ghana"),
    ("GN", "Guinea"),
    ("HN", "Honduras"),
    ("HK", "Hong Kong"),
    ("IN", "India"),
    ("IR", "Iran"),
    ("IQ", "Iraq"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("KZ", "Kazakhstan"),
    ("KE", "Kenya"),
    ("XK", "Kosovo"),
    ("KW", "Kuwait (including Bidoon)"),
    ("KG", "Kyrgyzstan"),
    ("LB", "Lebanon"),
    ("LR", "Liberia"),
    ("LY", "Libya"),
    ("ML", "Mali"),
    ("MR", "Mauritania"),
    ("MD", "Moldova"),
    ("MA", "Morocco"),
    ("MM", "Myanmar (Burma)"),
    ("NP", "Nepal"),
    ("NI", "Nicaragua"),
    ("NE", "Niger"),
    ("NG", "Nigeria"),
    ("KP", "North Korea"),
    ("PK", "Pakistan"),
    ("PS", "Palestine"),
    ("RU", "Russia"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SN", "Senegal"),
    ("SL", "Sierra Leone"),
    ("SO", "Somalia"),
    ("ZA", "South Africa"),
    ("SS", "South Sudan"),
    ("LK", "Sri Lanka"),
    ("SD", "Sudan"),
    ("SY", "Syria"),
    ("TJ", "Tajikistan"),
    ("TZ", "Tanzania"),
    ("TG", "Togo"),
    ("TN", "Tunisia"),
    ("TR", "Turkey"),
    ("TM", "Turkmenistan"),
    ("UG", "Uganda"),
    ("UA", "Ukraine"),
    ("UZ", "Uzbekistan"),
    ("VE", "Venezuela"),
    ("VN", "Vietnam"),
    ("EH", "Western Sahara"),
    ("YE", "Yemen"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
    (OTHER, "Another country"),
];

/// The English name of a country code, or the code itself when Haven does not list it
/// (an imported record may carry any ISO code).
pub fn name(code: &str) -> &str {
    COUNTRIES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, n)| n)
}

pub fn is_listed(code: &str) -> bool {
    COUNTRIES.iter().any(|(c, _)| *c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_iso_shaped_and_include_the_common_origins() {
        let mut seen = std::collections::HashSet::new();
        for (code, _) in COUNTRIES {
            assert!(
                code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()),
                "{code}"
            );
            assert!(seen.insert(*code), "duplicate {code}");
        }
        for code in [
            "AF", "IR", "IQ", "SY", "SD", "ER", "ET", "SO", "YE", "AL", "VN", "TR", "PK", "BD",
            "IN", "NG", "CD", "EG", "LY", "KW", "UA", "GE", "ZW", "CM", "GN", "CI", "SA", "PS",
            "LB", "MM",
        ] {
            assert!(is_listed(code), "{code}");
        }
        assert_eq!(name("ER"), "Eritrea");
        assert_eq!(name("FR"), "FR");
    }

    #[test]
    fn sorted_by_name_with_other_last() {
        // Compared without the accent, as a reader would alphabetise "Côte d’Ivoire".
        let names: Vec<String> = COUNTRIES[..COUNTRIES.len() - 1]
            .iter()
            .map(|(_, n)| n.replace('ô', "o"))
            .collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert_eq!(COUNTRIES.last().map(|c| c.0), Some(OTHER));
    }
}
