//! Questionnaire scoring: the six instruments Haven scores, exactly as published (each
//! module says how), as pure functions from item answers to a typed [`Score`].
//!
//! Each instrument is one [`Description`] in its own module (`phq9.rs`, …): items and answer
//! scales, what counts to the total, bands and their words, screen, codes, licence note, and
//! its arithmetic and derived results. [`Instrument`] names the ones Haven ships (the stored
//! identity); [`Instrument::description`] is the one place that maps a name to its
//! description. Everything else takes a description, so a questionnaire described the same
//! way — one a test makes up — is scored, drawn and exchanged the same way.
//!
//! Every score goes through one door, [`score_with`], which checks the answers against the
//! description's items before any arithmetic, so the instrument's own arithmetic can assume
//! valid input. A [`Score`] can only be built here, so its fields always agree with each other.
//! Results recorded elsewhere — a total only, or a total with some items — come in through
//! [`score_recorded`], which keeps the recorded total and checks it against what items there
//! are (`recorded.rs`).
//!
//! Band ids, flags and detail field names are stable: `haven score --json` and the FHIR export
//! carry them. Where the published instrument defines no band, Haven chooses one:
//! - PCL-5: `below-cutoff` / `above-cutoff`, at the configured cut-point (default 33).
//! - ITQ: `cptsd`, `ptsd` or `neither` — the provisional diagnosis; there is no total.
//! - RHS-15: `negative` / `positive` by the verified RHS-13 rule (items 1–13 total ≥ 11). The
//!   score's `total` is the RHS-13 total; the combined 15-item rule is unverified and never
//!   computed.

mod answers;
mod description;
mod error;
mod gad7;
mod itq;
mod pcl5;
mod phq15;
mod phq9;
#[cfg(test)]
mod proptests;
mod recorded;
mod rhs15;
mod scales;
mod score;
#[cfg(test)]
mod test_support;

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

pub use answers::{format_answers, parse_answers};
pub use description::{
    Band, BandRange, Bands, Codes, Derived, Description, HavenCode, Item, Outcome, Results,
    SHORT_LABELS, Scale, Screen, Summary, Total, Value, no_results,
};
pub use error::{ScoreError, UnknownInstrument};
pub use itq::{ItqDetail, ItqDiagnosis};
pub use pcl5::{PCL5_CUTOFF_RANGE, PCL5_DEFAULT_CUTOFF, Pcl5Clusters, Pcl5Detail};
pub use recorded::score_recorded;
pub use scales::{FREQUENCY, INTENSITY};
pub use score::{Detail, Score, score_total};

/// Flag ids carried in [`Score::flags`]; the same strings appear in `score --json`.
pub mod flag {
    /// PHQ-9 item 9 answered 1 or more: an immediate risk review is due, whatever the total.
    pub const ITEM9_POSITIVE: &str = "item9-positive";
    /// GAD-7 ≥ 10, PCL-5 at or above the cut-point, ITQ PTSD or CPTSD, RHS-13 ≥ 11.
    ///
    /// PHQ-9 does not carry this flag: its only flag is `item9-positive`, as `haven score`
    /// prints it; its ≥ 10 screen is in [`super::is_positive_screen`].
    pub const POSITIVE_SCREEN: &str = "positive-screen";
}

/// A questionnaire Haven ships: the identity stored with a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum Instrument {
    Phq9,
    Gad7,
    Phq15,
    Pcl5,
    Itq,
    Rhs15,
}

impl Instrument {
    const ALL: [Instrument; 6] = [
        Instrument::Phq9,
        Instrument::Gad7,
        Instrument::Phq15,
        Instrument::Pcl5,
        Instrument::Itq,
        Instrument::Rhs15,
    ];

    /// Every instrument, in the order Haven lists them.
    pub fn all() -> &'static [Instrument] {
        &Self::ALL
    }

    /// Everything Haven knows about the instrument.
    pub fn description(self) -> &'static Description {
        match self {
            Instrument::Phq9 => &phq9::DESCRIPTION,
            Instrument::Gad7 => &gad7::DESCRIPTION,
            Instrument::Phq15 => &phq15::DESCRIPTION,
            Instrument::Pcl5 => &pcl5::DESCRIPTION,
            Instrument::Itq => &itq::DESCRIPTION,
            Instrument::Rhs15 => &rhs15::DESCRIPTION,
        }
    }

    /// The stable id used on the command line, in JSON and in storage (`"phq9"`, …).
    pub fn id(&self) -> &'static str {
        self.description().id
    }

    /// The published name, for people (`"PHQ-9"`, …).
    pub fn name(&self) -> &'static str {
        self.description().name
    }

    /// Every id in words, for messages: "phq9, gad7, phq15, pcl5, itq or rhs15".
    pub fn ids_listed() -> String {
        let ids: Vec<&str> = Self::ALL.iter().map(Instrument::id).collect();
        match ids.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    /// Parses an id, ignoring case and hyphens so that the published name (`PHQ-9`) works too.
    pub fn parse(s: &str) -> Option<Self> {
        let wanted: String = s
            .trim()
            .chars()
            .filter(|c| *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Self::ALL.into_iter().find(|i| i.id() == wanted)
    }

    /// See [`Description::item_count`].
    pub fn item_count(&self) -> usize {
        self.description().item_count()
    }

    /// See [`Description::max_answers`].
    pub fn max_answers(&self) -> usize {
        self.description().max_answers()
    }

    /// See [`Description::item_range`].
    pub fn item_range(&self, index: usize) -> Option<RangeInclusive<u8>> {
        self.description().item_range(index)
    }

    /// See [`Description::total_max`].
    pub fn total_max(&self) -> Option<u8> {
        self.description().total_max()
    }
}

impl From<Instrument> for &'static Description {
    fn from(instrument: Instrument) -> Self {
        instrument.description()
    }
}

impl fmt::Display for Instrument {
    /// Displays the published name; use [`Instrument::id`] for the machine form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Instrument {
    type Err = UnknownInstrument;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Instrument::parse(s).ok_or_else(|| UnknownInstrument(s.to_owned()))
    }
}

/// Settings that change how an instrument is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoringOptions {
    /// PCL-5 provisional cut-point, within [`PCL5_CUTOFF_RANGE`]; [`score_with`] rejects others.
    pub pcl5_cutoff: u8,
}

impl ScoringOptions {
    /// Options with a PCL-5 cut-point, checked against [`PCL5_CUTOFF_RANGE`].
    pub fn with_pcl5_cutoff(pcl5_cutoff: u8) -> Result<Self, ScoreError> {
        let options = ScoringOptions { pcl5_cutoff };
        options.check()?;
        Ok(options)
    }

    fn check(&self) -> Result<(), ScoreError> {
        if PCL5_CUTOFF_RANGE.contains(&self.pcl5_cutoff) {
            Ok(())
        } else {
            Err(ScoreError::Pcl5Cutoff {
                cutoff: self.pcl5_cutoff,
            })
        }
    }
}

impl Default for ScoringOptions {
    fn default() -> Self {
        ScoringOptions {
            pcl5_cutoff: PCL5_DEFAULT_CUTOFF,
        }
    }
}

/// Whether the score is a positive screen as `psych.consider-referral` (docs/rules.md) reads
/// it: PHQ-9 ≥ 10, GAD-7 ≥ 10, PCL-5 at or above the cut-point it was scored with, ITQ PTSD or
/// CPTSD, RHS-13 ≥ 11 — each description's [`Screen`]. PHQ-15 is never a positive screen.
pub fn is_positive_screen(score: &Score) -> bool {
    match score.description().screen {
        Screen::Never => false,
        Screen::From {
            total,
            flagged: false,
        } => score.total().is_some_and(|t| t >= total),
        Screen::From { flagged: true, .. } | Screen::CutPoint | Screen::Algorithm => {
            score.has_flag(flag::POSITIVE_SCREEN)
        }
    }
}

/// Whether valid answers with every item are a positive screen — what [`is_positive_screen`]
/// says of their score — without building the score where a total decides it (the demo asks
/// this of every questionnaire it writes).
pub fn answers_screen_positive(
    instrument: impl Into<&'static Description>,
    answers: &[u8],
    options: &ScoringOptions,
) -> bool {
    let description = instrument.into();
    match description.screen {
        Screen::Never => false,
        Screen::From { total, .. } => description.total_of(answers) >= total,
        Screen::CutPoint => description.total_of(answers) >= options.pcl5_cutoff,
        Screen::Algorithm => {
            score_with(description, answers, options).is_ok_and(|s| s.is_positive_screen())
        }
    }
}

/// Scores the answers with the default options (PCL-5 cut-point 33).
pub fn score(
    instrument: impl Into<&'static Description>,
    answers: &[u8],
) -> Result<Score, ScoreError> {
    score_with(instrument, answers, &ScoringOptions::default())
}

/// Scores the answers, given in published order. Fails, naming the item, when the count is
/// wrong or an answer is out of range, and when the options are out of range.
pub fn score_with(
    instrument: impl Into<&'static Description>,
    answers: &[u8],
    options: &ScoringOptions,
) -> Result<Score, ScoreError> {
    let description = instrument.into();
    options.check()?;
    answers::check(description, answers)?;
    let outcome = (description.score)(description, answers, options);
    Ok(Score::answered(description, answers, outcome))
}

/// Band boundaries with the default options (for PCL-5, the default cut-point). Empty for ITQ,
/// which has no total.
pub fn bands(instrument: impl Into<&'static Description>) -> &'static [BandRange] {
    bands_with(instrument, &ScoringOptions::default())
}

/// Band boundaries for these options; PCL-5's follow the configured cut-point.
pub fn bands_with(
    instrument: impl Into<&'static Description>,
    options: &ScoringOptions,
) -> &'static [BandRange] {
    instrument.into().bands(options)
}

/// An answer counts as endorsed at 2 or more on PCL-5 and ITQ.
fn endorsed(answer: u8) -> bool {
    answer >= 2
}

/// Sum of validated answers. Saturation never happens (the largest total is 80) but keeps the
/// arithmetic panic-free without an `unwrap`.
fn sum(answers: &[u8]) -> u8 {
    answers.iter().fold(0u8, |acc, &a| acc.saturating_add(a))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::terminology;

    #[test]
    fn ids_round_trip_and_names_parse() {
        for &i in Instrument::all() {
            // Storage names the variant in lower case; it must be the description's id.
            assert_eq!(format!("{i:?}").to_lowercase(), i.id());
            assert_eq!(Instrument::parse(i.id()), Some(i));
            assert_eq!(Instrument::parse(i.name()), Some(i));
            assert_eq!(i.id().parse::<Instrument>(), Ok(i));
        }
        assert_eq!(Instrument::parse("cssrs"), None);
        assert_eq!(
            "cssrs".parse::<Instrument>().map_err(|e| e.to_string()),
            Err(
                "unknown instrument \"cssrs\" (expected phq9, gad7, phq15, pcl5, itq or rhs15)"
                    .to_owned()
            )
        );
    }

    #[test]
    fn item_counts_and_ranges() {
        let expect = [
            (Instrument::Phq9, 9, 10),
            (Instrument::Gad7, 7, 7),
            (Instrument::Phq15, 15, 15),
            (Instrument::Pcl5, 20, 20),
            (Instrument::Itq, 18, 18),
            (Instrument::Rhs15, 15, 15),
        ];
        for (i, count, max) in expect {
            assert_eq!((i.item_count(), i.max_answers()), (count, max), "{i}");
            assert_eq!(i.item_range(max), None, "{i}");
        }
        assert_eq!(Instrument::Phq9.item_range(9), Some(0..=3));
        assert_eq!(Instrument::Phq15.item_range(14), Some(0..=2));
        assert_eq!(Instrument::Pcl5.item_range(0), Some(0..=4));
        assert_eq!(Instrument::Rhs15.item_range(13), Some(0..=4));
        assert_eq!(Instrument::Rhs15.item_range(14), Some(0..=10));
    }

    #[test]
    fn total_max_is_every_item_at_its_max() {
        let expect = [
            (Instrument::Phq9, Some(27)),
            (Instrument::Gad7, Some(21)),
            (Instrument::Phq15, Some(30)),
            (Instrument::Pcl5, Some(80)),
            (Instrument::Itq, None),
            (Instrument::Rhs15, Some(52)),
        ];
        for (i, max) in expect {
            assert_eq!(i.total_max(), max, "{i}");
            if i == Instrument::Itq {
                continue;
            }
            let answers: Vec<u8> = (0..i.item_count())
                .filter_map(|k| i.item_range(k).map(|r| *r.end()))
                .collect();
            let s = score(i, &answers).map(|s| s.total());
            assert_eq!(s, Ok(i.total_max()), "{i}");
        }
    }

    #[test]
    fn band_tables_are_contiguous_from_zero_to_total_max() {
        for &i in Instrument::all() {
            for cutoff in PCL5_CUTOFF_RANGE {
                let table = bands_with(
                    i,
                    &ScoringOptions {
                        pcl5_cutoff: cutoff,
                    },
                );
                let Some(max) = i.total_max() else {
                    assert!(table.is_empty());
                    continue;
                };
                let mut next = 0u8;
                for range in table {
                    let id = range.band.id;
                    assert_eq!(range.lowest, next, "{i} {id}");
                    assert!(range.highest >= range.lowest, "{i} {id}");
                    next = range.highest.saturating_add(1);
                }
                assert_eq!(next, max + 1, "{i}");
            }
        }
    }

    #[test]
    fn pcl5_bands_follow_the_cutoff() {
        let below = |c| {
            let r = &bands_with(Instrument::Pcl5, &ScoringOptions { pcl5_cutoff: c })[0];
            (r.lowest, r.highest, r.band.id)
        };
        assert_eq!(below(31), (0, 30, "below-cutoff"));
        assert_eq!(below(33), (0, 32, "below-cutoff"));
        assert_eq!(
            bands(Instrument::Pcl5)[1],
            BandRange::new(
                33,
                80,
                "above-cutoff",
                "At or above the cut-point (provisional PTSD)"
            )
        );
    }

    #[test]
    fn labels_are_numbered_and_rhs15_has_no_item_text() {
        let labels = |i: Instrument| -> Vec<&str> {
            i.description()
                .items
                .iter()
                .map(|item| item.label)
                .collect()
        };
        for &i in Instrument::all() {
            for (k, label) in labels(i).into_iter().enumerate() {
                let n = format!("Item {}", k + 1);
                let ok = label == n
                    || label.starts_with(&format!("{n} "))
                    || (i == Instrument::Phq9 && k == 9 && label.starts_with("Difficulty"));
                assert!(ok, "{i} label {k}: {label}");
            }
        }
        let rhs = labels(Instrument::Rhs15);
        for (k, label) in rhs.iter().take(13).enumerate() {
            assert_eq!(*label, format!("Item {}", k + 1));
        }
        assert_eq!(rhs[13], "Item 14 — coping");
        assert_eq!(rhs[14], "Item 15 — distress thermometer (0–10)");
        assert_eq!(
            labels(Instrument::Phq9)[8],
            "Item 9 — thoughts of death or self-harm"
        );
    }

    /// What every description must be for the form, scoring and FHIR to read it safely.
    #[test]
    fn descriptions_are_well_formed() {
        let mut ids = HashSet::new();
        for &i in Instrument::all() {
            let d = i.description();
            assert!(ids.insert(d.id), "{i}: duplicate id");
            assert_eq!(i.id(), d.id);
            let first_optional = d.items.iter().position(|item| item.optional);
            if let Some(at) = first_optional {
                assert!(
                    d.items[at..].iter().all(|item| item.optional),
                    "{i}: optional items come last"
                );
            }
            for item in d.items {
                let scale = item.scale;
                let values = usize::from(scale.max) + 1;
                assert!(
                    scale.words.is_empty() || scale.words.len() == values,
                    "{i} {}",
                    item.label
                );
                assert!(
                    scale.codes.is_empty() || scale.codes.len() == values,
                    "{i} {}",
                    item.label
                );
                assert!(
                    !(item.optional && item.counts && d.total.is_some()),
                    "{i}: an optional item cannot count"
                );
            }
            let keys = d
                .items
                .iter()
                .filter_map(|item| item.code)
                .chain(
                    d.items
                        .iter()
                        .flat_map(|item| item.scale.codes.iter().copied()),
                )
                .chain(d.codes.panel)
                .chain(d.codes.total);
            for key in keys {
                assert!(
                    terminology::find_key(key).is_some(),
                    "{i}: {key} is not in codes.tsv"
                );
            }
            assert!(d.codes.result.code.starts_with(d.id), "{i}");
            assert!(
                d.codes.total.is_none() || d.total.is_some(),
                "{i}: a LOINC total needs a total"
            );
            for range in d.bands(&ScoringOptions::default()) {
                assert!(!range.band.label.is_empty(), "{i} {}", range.band.id);
            }
            assert!(!d.licence.is_empty());
        }
    }

    #[test]
    fn positive_screen_per_rules() {
        use test_support::with_total;
        let cases = [
            (Instrument::Phq9, 9, false),
            (Instrument::Phq9, 10, true),
            (Instrument::Gad7, 9, false),
            (Instrument::Gad7, 10, true),
            (Instrument::Phq15, 30, false),
            (Instrument::Pcl5, 32, false),
            (Instrument::Pcl5, 33, true),
            (Instrument::Rhs15, 10, false),
            (Instrument::Rhs15, 11, true),
        ];
        for (i, total, positive) in cases {
            let s = score(i, &with_total(i, total));
            assert_eq!(
                s.map(|s| is_positive_screen(&s)),
                Ok(positive),
                "{i} {total}"
            );
        }
    }

    #[test]
    fn options_out_of_range_are_rejected() {
        assert_eq!(
            ScoringOptions::with_pcl5_cutoff(34).map_err(|e| e.to_string()),
            Err("PCL-5 cut-point 34 is outside 31–33".to_owned())
        );
        assert_eq!(
            ScoringOptions::with_pcl5_cutoff(31),
            Ok(ScoringOptions { pcl5_cutoff: 31 })
        );
        let bad = ScoringOptions { pcl5_cutoff: 30 };
        assert_eq!(
            score_with(Instrument::Gad7, &[0; 7], &bad),
            Err(ScoreError::Pcl5Cutoff { cutoff: 30 })
        );
    }
}
