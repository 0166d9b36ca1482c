//! Countries of origin in the demo population, weighted roughly like recent asylum claims in
//! England, each with the languages its people speak, name pools, sex mix and the shares of
//! abuse histories that the clinical literature reports for that group.

use crate::names::*;

/// One language as spoken by people from one country.
pub(crate) struct Speech {
    /// BCP-47 tag of the main spoken language.
    pub tag: &'static str,
    pub male: Pool,
    pub female: Pool,
    pub family: Pool,
    /// Dialects an interpreting service asks for, and how often one is recorded.
    pub dialects: &'static [&'static str],
    pub dialect_share: f64,
    /// Other languages people often also speak.
    pub others: &'static [&'static str],
}

pub(crate) struct Origin {
    /// ISO 3166-1 alpha-2, upper case.
    pub country: &'static str,
    /// Share of claims granted at first decision or on appeal, roughly as published.
    pub grant_rate: f64,
    pub male_share: f64,
    pub speech: &'static [(u32, Speech)],
    /// Chance that someone discloses each kind of abuse, before adjustment for sex.
    pub torture: f64,
    pub trafficking: f64,
    /// Prevalence of FGM among women, which drives disclosure by women from this country.
    pub fgm: f64,
    /// HIV prevalence above 1% (UKHSA: recommend a test), which raises positive results.
    pub high_hiv: bool,
}

const NO_DIALECT: &[&str] = &[];

/// `(weight per mille, origin)`. One line per language keeps the table readable as a table.
#[rustfmt::skip]
pub(crate) const ORIGINS: &[(u32, Origin)] = &[
    (160, Origin {
        country: "AF", grant_rate: 0.75, male_share: 0.86, torture: 0.30, trafficking: 0.08, fgm: 0.0, high_hiv: false,
        speech: &[
            (55, Speech { tag: "prs", male: DARI_MALE, female: DARI_FEMALE, family: AFGHAN_FAMILY, dialects: &["Hazaragi", "Kabuli"], dialect_share: 0.4, others: &["ps", "fa"] }),
            (45, Speech { tag: "ps", male: PASHTO_MALE, female: PASHTO_FEMALE, family: PASHTO_FAMILY, dialects: &["Kandahari", "Peshawari"], dialect_share: 0.2, others: &["prs", "ur"] }),
        ],
    }),
    (120, Origin {
        country: "IR", grant_rate: 0.6, male_share: 0.74, torture: 0.40, trafficking: 0.03, fgm: 0.0, high_hiv: false,
        speech: &[
            (75, Speech { tag: "fa", male: FARSI_MALE, female: FARSI_FEMALE, family: IRAN_FAMILY, dialects: NO_DIALECT, dialect_share: 0.0, others: &["en"] }),
            (25, Speech { tag: "ckb", male: SORANI_MALE, female: SORANI_FEMALE, family: SORANI_FAMILY, dialects: &["Sorani"], dialect_share: 0.5, others: &["fa"] }),
        ],
    }),
    (110, Origin {
        country: "ER", grant_rate: 0.9, male_share: 0.78, torture: 0.30, trafficking: 0.20, fgm: 0.83, high_hiv: false,
        speech: &[
            (100, Speech { tag: "ti", male: TIGRINYA_MALE, female: TIGRINYA_FEMALE, family: ERITREA_FAMILY, dialects: NO_DIALECT, dialect_share: 0.0, others: &["ar", "am"] }),
        ],
    }),
    (100, Origin {
        country: "SD", grant_rate: 0.9, male_share: 0.92, torture: 0.35, trafficking: 0.12, fgm: 0.87, high_hiv: false,
        speech: &[
            (100, Speech { tag: "ar", male: ARABIC_MALE, female: ARABIC_FEMALE, family: SUDAN_FAMILY, dialects: &["Sudanese Arabic"], dialect_share: 0.3, others: &["en"] }),
        ],
    }),
    (70, Origin {
        country: "SY", grant_rate: 0.9, male_share: 0.70, torture: 0.35, trafficking: 0.03, fgm: 0.0, high_hiv: false,
        speech: &[
            (85, Speech { tag: "ar", male: ARABIC_MALE, female: ARABIC_FEMALE, family: SYRIA_FAMILY, dialects: &["Levantine (Syrian)"], dialect_share: 0.3, others: &["tr"] }),
            (15, Speech { tag: "kmr", male: KURMANJI_MALE, female: KURMANJI_FEMALE, family: SYRIA_KURD_FAMILY, dialects: &["Kurmanji"], dialect_share: 0.4, others: &["ar"] }),
        ],
    }),
    (80, Origin {
        country: "IQ", grant_rate: 0.35, male_share: 0.82, torture: 0.25, trafficking: 0.04, fgm: 0.0, high_hiv: false,
        speech: &[
            (40, Speech { tag: "ar", male: ARABIC_MALE, female: ARABIC_FEMALE, family: IRAQ_FAMILY, dialects: &["Iraqi Arabic"], dialect_share: 0.3, others: &["ckb"] }),
            (60, Speech { tag: "ckb", male: SORANI_MALE, female: SORANI_FEMALE, family: SORANI_FAMILY, dialects: &["Sorani", "Badini"], dialect_share: 0.5, others: &["ar"] }),
        ],
    }),
    (20, Origin {
        country: "YE", grant_rate: 0.6, male_share: 0.80, torture: 0.25, trafficking: 0.05, fgm: 0.19, high_hiv: false,
        speech: &[
            (100, Speech { tag: "ar", male: ARABIC_MALE, female: ARABIC_FEMALE, family: YEMEN_FAMILY, dialects: &["Yemeni Arabic"], dialect_share: 0.3, others: NO_DIALECT }),
        ],
    }),
    (40, Origin {
        country: "TR", grant_rate: 0.6, male_share: 0.80, torture: 0.30, trafficking: 0.02, fgm: 0.0, high_hiv: false,
        speech: &[
            (85, Speech { tag: "kmr", male: KURMANJI_MALE, female: KURMANJI_FEMALE, family: TURKEY_FAMILY, dialects: &["Kurmanji"], dialect_share: 0.4, others: &["tr"] }),
            (15, Speech { tag: "tr", male: TURKISH_MALE, female: TURKISH_FEMALE, family: TURKEY_FAMILY, dialects: NO_DIALECT, dialect_share: 0.0, others: &["en"] }),
        ],
    }),
    (70, Origin {
        country: "AL", grant_rate: 0.15, male_share: 0.75, torture: 0.03, trafficking: 0.35, fgm: 0.0, high_hiv: false,
        speech: &[
            (100, Speech { tag: "sq", male: ALBANIAN_MALE, female: ALBANIAN_FEMALE, family: ALBANIA_FAMILY, dialects: &["Gheg", "Tosk"], dialect_share: 0.1, others: &["it", "el"] }),
        ],
    }),
    (60, Origin {
        country: "VN", grant_rate: 0.35, male_share: 0.70, torture: 0.03, trafficking: 0.45, fgm: 0.0, high_hiv: false,
        speech: &[
            (100, Speech { tag: "vi", male: VIETNAMESE_MALE, female: VIETNAMESE_FEMALE, family: VIETNAM_FAMILY, dialects: NO_DIALECT, dialect_share: 0.0, others: NO_DIALECT }),
        ],
    }),
    (40, Origin {
        country: "ET", grant_rate: 0.5, male_share: 0.55, torture: 0.25, trafficking: 0.15, fgm: 0.65, high_hiv: false,
        speech: &[
            (100, Speech { tag: "am", male: AMHARIC_MALE, female: AMHARIC_FEMALE, family: ETHIOPIA_FAMILY, dialects: NO_DIALECT, dialect_share: 0.0, others: &["ti", "en"] }),
        ],
    }),
    (30, Origin {
        country: "SO", grant_rate: 0.55, male_share: 0.58, torture: 0.15, trafficking: 0.10, fgm: 0.98, high_hiv: false,
        speech: &[
            (100, Speech { tag: "so", male: SOMALI_MALE, female: SOMALI_FEMALE, family: SOMALI_FAMILY, dialects: &["Maay"], dialect_share: 0.1, others: &["ar", "en"] }),
        ],
    }),
    (30, Origin {
        country: "CD", grant_rate: 0.4, male_share: 0.50, torture: 0.35, trafficking: 0.08, fgm: 0.0, high_hiv: true,
        speech: &[
            (100, Speech { tag: "fr", male: CONGO_MALE, female: CONGO_FEMALE, family: CONGO_FAMILY, dialects: NO_DIALECT, dialect_share: 0.0, others: &["ln", "sw"] }),
        ],
    }),
    (40, Origin {
        country: "NG", grant_rate: 0.2, male_share: 0.40, torture: 0.08, trafficking: 0.30, fgm: 0.20, high_hiv: true,
        speech: &[
            (100, Speech { tag: "en", male: NIGERIA_MALE, female: NIGERIA_FEMALE, family: NIGERIA_FAMILY, dialects: NO_DIALECT, dialect_share: 0.0, others: &["yo", "ig", "ha"] }),
        ],
    }),
    (30, Origin {
        country: "ZW", grant_rate: 0.35, male_share: 0.45, torture: 0.25, trafficking: 0.05, fgm: 0.0, high_hiv: true,
        speech: &[
            (100, Speech { tag: "en", male: ZIMBABWE_MALE, female: ZIMBABWE_FEMALE, family: ZIMBABWE_FAMILY, dialects: NO_DIALECT, dialect_share: 0.0, others: &["sn", "nd"] }),
        ],
    }),
];

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::LanguageTag;

    #[test]
    fn table_is_well_formed() {
        let total: u32 = ORIGINS.iter().map(|(w, _)| w).sum();
        assert_eq!(total, 1000, "weights are per mille");
        for (_, o) in ORIGINS {
            assert!(o.country.len() == 2 && o.country.chars().all(|c| c.is_ascii_uppercase()));
            for (_, s) in o.speech {
                assert!(LanguageTag::parse(s.tag).is_ok(), "{}", s.tag);
                for other in s.others {
                    assert!(LanguageTag::parse(other).is_ok(), "{other}");
                }
                assert!(s.male.len() > 5 && s.female.len() > 5 && s.family.len() > 5);
                assert!(s.dialect_share == 0.0 || !s.dialects.is_empty());
            }
        }
    }
}
