//! Questionnaire scoring: the six instruments Haven scores, exactly as published (each
//! module says how), as pure functions from item answers to a typed [`Score`].
//!
//! Every score goes through one door, [`score_with`], which checks the answers against the
//! instrument's item ranges before any arithmetic, so the per-instrument modules can assume
//! valid input. A [`Score`] can only be built here, so its fields always agree with each other.
//! Results recorded elsewhere — a total only, or a total with some items — come in through
//! [`score_recorded`], which keeps the recorded total and checks it against what items there
//! are (`recorded.rs`).
//!
//! Band ids, flags and detail field names are stable: `haven score --json` and the FHIR export
//! carry them. Where the published instrument defines no band, Haven chooses one and documents it on [`bands`]:
//! - PCL-5: `below-cutoff` / `above-cutoff`, at the configured cut-point (default 33).
//! - ITQ: `cptsd`, `ptsd` or `neither` — the provisional diagnosis; there is no total.
//! - RHS-15: `negative` / `positive` by the verified RHS-13 rule (items 1–13 total ≥ 11). The
//!   score's `total` is the RHS-13 total; the combined 15-item rule is unverified and never
//!   computed.

mod answers;
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
#[cfg(test)]
mod test_support;

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

pub use answers::{format_answers, parse_answers};
pub use error::{ScoreError, UnknownInstrument};
pub use itq::{ItqDetail, ItqDiagnosis};
pub use pcl5::{PCL5_CUTOFF_RANGE, PCL5_DEFAULT_CUTOFF, Pcl5Clusters, Pcl5Detail};
pub use phq9::Phq9Detail;
pub use recorded::score_recorded;
pub use rhs15::Rhs15Detail;

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

/// A band on an instrument's total: `(lowest total, highest total, band id)`, both ends
/// inclusive. The tables are data so that a chart can shade them.
pub type Band = (u8, u8, &'static str);

/// A questionnaire Haven can score.
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

    /// The stable id used on the command line, in JSON and in storage (`"phq9"`, …).
    pub fn id(&self) -> &'static str {
        match self {
            Instrument::Phq9 => "phq9",
            Instrument::Gad7 => "gad7",
            Instrument::Phq15 => "phq15",
            Instrument::Pcl5 => "pcl5",
            Instrument::Itq => "itq",
            Instrument::Rhs15 => "rhs15",
        }
    }

    /// The published name, for people (`"PHQ-9"`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Instrument::Phq9 => "PHQ-9",
            Instrument::Gad7 => "GAD-7",
            Instrument::Phq15 => "PHQ-15",
            Instrument::Pcl5 => "PCL-5",
            Instrument::Itq => "ITQ",
            Instrument::Rhs15 => "RHS-15",
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

    /// The number of answers the instrument requires. PHQ-9 accepts one more, optional answer
    /// (the difficulty question); see [`Instrument::max_answers`].
    pub fn item_count(&self) -> usize {
        match self {
            Instrument::Phq9 => phq9::ITEMS,
            _ => self.max_answers(),
        }
    }

    /// The most answers the instrument accepts, counting optional ones.
    pub fn max_answers(&self) -> usize {
        self.item_labels().len()
    }

    /// The allowed values of the answer at `index` (0-based), or `None` past the last answer.
    pub fn item_range(&self, index: usize) -> Option<RangeInclusive<u8>> {
        let max = match self {
            Instrument::Phq9 => phq9::item_max(index),
            Instrument::Gad7 => gad7::item_max(index),
            Instrument::Phq15 => phq15::item_max(index),
            Instrument::Pcl5 => pcl5::item_max(index),
            Instrument::Itq => itq::item_max(index),
            Instrument::Rhs15 => rhs15::item_max(index),
        }?;
        Some(0..=max)
    }

    /// Short labels for every answer the instrument accepts, in published order, written in
    /// Haven's own words: the clinician administers the validated wording from the official
    /// form. RHS-15 labels carry no item text at all, because its licence does not allow it.
    pub fn item_labels(&self) -> &'static [&'static str] {
        match self {
            Instrument::Phq9 => &phq9::LABELS,
            Instrument::Gad7 => &gad7::LABELS,
            Instrument::Phq15 => &phq15::LABELS,
            Instrument::Pcl5 => &pcl5::LABELS,
            Instrument::Itq => &itq::LABELS,
            Instrument::Rhs15 => &rhs15::LABELS,
        }
    }

    /// The highest possible [`Score::total`], or `None` where the instrument has no total.
    pub fn total_max(&self) -> Option<u8> {
        match self {
            Instrument::Phq9 => Some(27),
            Instrument::Gad7 => Some(21),
            Instrument::Phq15 => Some(30),
            Instrument::Pcl5 => Some(80),
            Instrument::Itq => None,
            Instrument::Rhs15 => Some(52),
        }
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

/// The instrument-specific part of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Phq9(Phq9Detail),
    Gad7,
    Phq15,
    Pcl5(Pcl5Detail),
    Itq(ItqDetail),
    Rhs15(Rhs15Detail),
}

/// A scored questionnaire. Only [`score`], [`score_with`] and [`score_recorded`] make one, so
/// the items, total, band, flags and detail always agree.
///
/// Most scores come from every item answered, and everything is derived from the answers. A
/// result recorded elsewhere may hold only its total, or the total with some items: then the
/// total is the one recorded (never re-derived), the band and the total's flags follow from it,
/// the items that came are kept, and [`Score::detail`] is `None`, since cluster sums, ITQ
/// diagnoses and the like need every item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    instrument: Instrument,
    items: Vec<Option<u8>>,
    total: Option<u8>,
    band: Option<&'static str>,
    flags: Vec<&'static str>,
    detail: Option<Detail>,
}

impl Score {
    /// A score of every item answered; the per-instrument modules build theirs through this.
    fn answered(
        answers: &[u8],
        total: Option<u8>,
        band: &'static str,
        flags: Vec<&'static str>,
        detail: Detail,
    ) -> Score {
        let instrument = match detail {
            Detail::Phq9(_) => Instrument::Phq9,
            Detail::Gad7 => Instrument::Gad7,
            Detail::Phq15 => Instrument::Phq15,
            Detail::Pcl5(_) => Instrument::Pcl5,
            Detail::Itq(_) => Instrument::Itq,
            Detail::Rhs15(_) => Instrument::Rhs15,
        };
        Score {
            instrument,
            items: answers.iter().copied().map(Some).collect(),
            total,
            band: Some(band),
            flags,
            detail: Some(detail),
        }
    }

    pub fn instrument(&self) -> Instrument {
        self.instrument
    }

    /// The item answers in published order, `None` where an item was not recorded. Items past
    /// the last one recorded are simply absent.
    pub fn items(&self) -> &[Option<u8>] {
        &self.items
    }

    /// The answer to item `number` (1-based, as on the form), where it was recorded.
    pub fn item(&self, number: usize) -> Option<u8> {
        number
            .checked_sub(1)
            .and_then(|index| self.items.get(index).copied().flatten())
    }

    /// Whether any required item was not recorded: a result recorded elsewhere as a total, or a
    /// total with only some items. Such a result is shown as "items not recorded".
    pub fn items_missing(&self) -> bool {
        items_missing(self.instrument, &self.items)
    }

    /// Whether the score carries the instrument's result: a total, or for ITQ its diagnosis.
    /// Only a result recorded elsewhere with some items and no total has none; the rules that
    /// read totals (screens, relapse, trends) pass over it, and item 9 still counts.
    pub fn has_result(&self) -> bool {
        self.total.is_some() || self.detail.is_some()
    }

    /// The total, or `None` for ITQ (which has none) and for a result recorded elsewhere
    /// without one. For RHS-15 this is the RHS-13 total. A result recorded elsewhere keeps the
    /// total it was recorded with.
    pub fn total(&self) -> Option<u8> {
        self.total
    }

    /// The band id (see the module documentation for the ids Haven chose), always from the
    /// total; `None` only where there is no result (see [`Score::has_result`]).
    pub fn band(&self) -> Option<&'static str> {
        self.band
    }

    /// Flag ids from [`flag`], in a fixed order.
    pub fn flags(&self) -> &[&'static str] {
        &self.flags
    }

    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }

    /// The instrument's derived results, or `None` when items are missing (they need every
    /// item).
    pub fn detail(&self) -> Option<&Detail> {
        self.detail.as_ref()
    }

    /// See [`is_positive_screen`].
    pub fn is_positive_screen(&self) -> bool {
        is_positive_screen(self)
    }
}

/// Whether the score is a positive screen as `psych.consider-referral` (docs/rules.md) reads
/// it: PHQ-9 ≥ 10, GAD-7 ≥ 10, PCL-5 at or above the cut-point it was scored with, ITQ PTSD or
/// CPTSD, RHS-13 ≥ 11. PHQ-15 is never a positive screen for that rule.
pub fn is_positive_screen(score: &Score) -> bool {
    match score.instrument {
        Instrument::Phq9 => score.total.is_some_and(|t| t >= phq9::POSITIVE_SCREEN_FROM),
        Instrument::Phq15 => false,
        Instrument::Gad7 | Instrument::Pcl5 | Instrument::Itq | Instrument::Rhs15 => {
            score.has_flag(flag::POSITIVE_SCREEN)
        }
    }
}

/// Scores the answers with the default options (PCL-5 cut-point 33).
pub fn score(instrument: Instrument, answers: &[u8]) -> Result<Score, ScoreError> {
    score_with(instrument, answers, &ScoringOptions::default())
}

/// Scores the answers, given in published order. Fails, naming the item, when the count is
/// wrong or an answer is out of range, and when the options are out of range.
pub fn score_with(
    instrument: Instrument,
    answers: &[u8],
    options: &ScoringOptions,
) -> Result<Score, ScoreError> {
    options.check()?;
    answers::check(instrument, answers)?;
    Ok(match instrument {
        Instrument::Phq9 => phq9::score(answers),
        Instrument::Gad7 => gad7::score(answers),
        Instrument::Phq15 => phq15::score(answers),
        Instrument::Pcl5 => pcl5::score(answers, options.pcl5_cutoff),
        Instrument::Itq => itq::score(answers),
        Instrument::Rhs15 => rhs15::score(answers),
    })
}

/// Band boundaries with the default options (for PCL-5, the default cut-point). Empty for ITQ,
/// which has no total.
pub fn bands(instrument: Instrument) -> &'static [Band] {
    bands_with(instrument, &ScoringOptions::default())
}

/// Band boundaries for these options; PCL-5's follow the configured cut-point.
pub fn bands_with(instrument: Instrument, options: &ScoringOptions) -> &'static [Band] {
    match instrument {
        Instrument::Phq9 => phq9::BANDS,
        Instrument::Gad7 => gad7::BANDS,
        Instrument::Phq15 => phq15::BANDS,
        Instrument::Pcl5 => pcl5::bands(options.pcl5_cutoff),
        Instrument::Itq => &[],
        Instrument::Rhs15 => rhs15::BANDS,
    }
}

/// The items that make up the total: PHQ-9's difficulty question and RHS-15's items 14 and 15
/// are not part of it, and the ITQ has no total.
fn scored_items(instrument: Instrument) -> std::ops::Range<usize> {
    match instrument {
        Instrument::Phq9 => 0..phq9::ITEMS,
        Instrument::Rhs15 => 0..rhs15::RHS13_ITEMS,
        Instrument::Itq => 0..0,
        Instrument::Gad7 | Instrument::Phq15 | Instrument::Pcl5 => 0..instrument.item_count(),
    }
}

/// Whether any required item (every item but PHQ-9's optional difficulty question) is absent.
fn items_missing(instrument: Instrument, items: &[Option<u8>]) -> bool {
    (0..instrument.item_count()).any(|index| items.get(index).copied().flatten().is_none())
}

/// The id of the band holding `total`. The tables start at 0 and are contiguous (a test checks),
/// so the last band starting at or below `total` is the one.
fn band_for(bands: &[Band], total: u8) -> &'static str {
    let mut id = "";
    for &(lo, _, band) in bands {
        if total >= lo {
            id = band;
        }
    }
    id
}

/// Sum of validated answers. Saturation never happens (the largest total is 80) but keeps the
/// arithmetic panic-free without an `unwrap`.
fn sum(answers: &[u8]) -> u8 {
    answers.iter().fold(0u8, |acc, &a| acc.saturating_add(a))
}

/// An answer counts as endorsed at 2 or more on PCL-5 and ITQ.
fn endorsed(answer: u8) -> bool {
    answer >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_names_parse() {
        for &i in Instrument::all() {
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
        for &i in Instrument::all() {
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
                for &(lo, hi, id) in table {
                    assert_eq!(lo, next, "{i} {id}");
                    assert!(hi >= lo, "{i} {id}");
                    next = hi.saturating_add(1);
                }
                assert_eq!(next, max + 1, "{i}");
            }
        }
    }

    #[test]
    fn pcl5_bands_follow_the_cutoff() {
        let below = |c| bands_with(Instrument::Pcl5, &ScoringOptions { pcl5_cutoff: c })[0];
        assert_eq!(below(31), (0, 30, "below-cutoff"));
        assert_eq!(below(33), (0, 32, "below-cutoff"));
        assert_eq!(bands(Instrument::Pcl5)[1], (33, 80, "above-cutoff"));
    }

    #[test]
    fn labels_are_numbered_and_rhs15_has_no_item_text() {
        for &i in Instrument::all() {
            for (k, label) in i.item_labels().iter().enumerate() {
                let n = format!("Item {}", k + 1);
                let ok = *label == n
                    || label.starts_with(&format!("{n} "))
                    || (i == Instrument::Phq9 && k == 9 && label.starts_with("Difficulty"));
                assert!(ok, "{i} label {k}: {label}");
            }
        }
        let rhs = Instrument::Rhs15.item_labels();
        for (k, label) in rhs.iter().take(13).enumerate() {
            assert_eq!(*label, format!("Item {}", k + 1));
        }
        assert_eq!(rhs[13], "Item 14 — coping");
        assert_eq!(rhs[14], "Item 15 — distress thermometer (0–10)");
        assert_eq!(
            Instrument::Phq9.item_labels()[8],
            "Item 9 — thoughts of death or self-harm"
        );
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
