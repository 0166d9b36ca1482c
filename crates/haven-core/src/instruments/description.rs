//! What Haven knows about one questionnaire, written once: its items and their answer scales,
//! what adds up to the total, its bands and their words, when it is a positive screen, its
//! verified codes (as `codes.tsv` keys), its licence note, and its own arithmetic and derived
//! results. Each instrument's module holds one [`Description`]; scoring, the web form and its
//! live total, the FHIR mapping, `haven score` and the demo read it, and nothing else lists
//! an instrument's facts.
//!
//! A description is a value (`&'static Description`), so everything that takes one works for
//! any questionnaire described this way, including one a test makes up.

use std::fmt;
use std::ops::RangeInclusive;

use super::{Detail, Score, ScoringOptions};

/// One questionnaire.
pub struct Description {
    /// The stable id used on the command line, in JSON, in storage and in Haven's FHIR codes
    /// (`phq9`).
    pub id: &'static str,
    /// The published name, for people (`PHQ-9`).
    pub name: &'static str,
    /// Every answer the instrument accepts, in published order. Optional items come last.
    pub items: &'static [Item],
    /// The total, or `None` where the instrument has none (ITQ): then no item counts to one.
    pub total: Option<Total>,
    pub bands: Bands,
    pub screen: Screen,
    pub codes: Codes,
    /// What the form says about the wording the clinician reads, which the licence decides.
    pub licence: &'static str,
    /// The instrument's own arithmetic, given answers already checked against [`Self::items`].
    /// Most add up their counted items: [`super::score_total`].
    pub score: fn(&'static Description, &[u8], &ScoringOptions) -> Outcome,
    /// The derived results of a score with every item, and how they read; see [`Results`].
    pub results: fn(&Score) -> Results,
}

impl Description {
    /// The number of answers the instrument requires: every item but the optional ones.
    pub fn item_count(&self) -> usize {
        self.items.iter().filter(|item| !item.optional).count()
    }

    /// The most answers the instrument accepts, counting optional ones.
    pub fn max_answers(&self) -> usize {
        self.items.len()
    }

    /// The allowed values of the answer at `index` (0-based), or `None` past the last answer.
    pub fn item_range(&self, index: usize) -> Option<RangeInclusive<u8>> {
        self.items.get(index).map(|item| 0..=item.scale.max)
    }

    /// Whether the answer at `index` (0-based) counts to the total.
    pub fn counts(&self, index: usize) -> bool {
        self.total.is_some() && self.items.get(index).is_some_and(|item| item.counts)
    }

    /// The highest possible total (every counted item at its highest), or `None` where the
    /// instrument has no total.
    pub fn total_max(&self) -> Option<u8> {
        self.total.map(|_| {
            self.items
                .iter()
                .filter(|item| item.counts)
                .fold(0u8, |sum, item| sum.saturating_add(item.scale.max))
        })
    }

    /// The total of validated answers: the counted items added up (0 where there is no total).
    /// Saturation never happens for a real instrument (the largest total is 80) but keeps the
    /// arithmetic panic-free.
    pub fn total_of(&self, answers: &[u8]) -> u8 {
        self.items
            .iter()
            .zip(answers)
            .filter(|(item, _)| item.counts && self.total.is_some())
            .fold(0u8, |sum, (_, &answer)| sum.saturating_add(answer))
    }

    /// The bands on the total for these options. Empty where there is no total.
    pub fn bands(&self, options: &ScoringOptions) -> &'static [BandRange] {
        match self.bands {
            Bands::Fixed(table) => table,
            Bands::AtCutPoint(table) => table(options.pcl5_cutoff),
        }
    }

    /// The band holding `total`. The tables start at 0 and are contiguous (a test checks), so
    /// the last band starting at or below `total` is the one.
    pub fn band_for(&self, options: &ScoringOptions, total: u8) -> Option<&'static Band> {
        self.bands(options)
            .iter()
            .rev()
            .find(|range| total >= range.lowest)
            .map(|range| &range.band)
    }

    /// The flags the answers given raise whatever the total (PHQ-9 item 9 at 1 or more), in
    /// item order; `None` for an item not recorded.
    pub fn item_flags(&self, answers: impl Iterator<Item = Option<u8>>) -> Vec<&'static str> {
        self.items
            .iter()
            .zip(answers)
            .filter_map(|(item, answer)| item.flag.filter(|_| answer >= Some(1)))
            .collect()
    }
}

/// Descriptions are the same when their ids are (each is one `static`).
impl PartialEq for Description {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Description {}

impl fmt::Debug for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// One item as the form asks it and the scoring reads it.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    /// A short label in Haven's own words ("Item 9 — thoughts of death or self-harm"): the
    /// clinician administers the validated wording from the official form.
    pub label: &'static str,
    pub scale: &'static Scale,
    /// Whether the answer is added to the total (read only where there is a total).
    pub counts: bool,
    /// Whether the item may be left unanswered (PHQ-9's difficulty question).
    pub optional: bool,
    /// Whether the form offers "not applicable", scored 0 (PHQ-15 items 4 and 11).
    pub not_applicable: bool,
    /// The flag an answer of 1 or more raises whatever the total (PHQ-9 item 9).
    pub flag: Option<&'static str>,
    /// The `codes.tsv` key of the item's verified LOINC code, where there is one.
    pub code: Option<&'static str>,
}

impl Item {
    /// A required item that counts to the total.
    pub const fn new(label: &'static str, scale: &'static Scale) -> Item {
        Item {
            label,
            scale,
            counts: true,
            optional: false,
            not_applicable: false,
            flag: None,
            code: None,
        }
    }

    /// Answered, but not part of the total.
    pub const fn outside_total(self) -> Item {
        Item {
            counts: false,
            ..self
        }
    }

    pub const fn optional(self) -> Item {
        Item {
            optional: true,
            ..self
        }
    }

    pub const fn not_applicable(self) -> Item {
        Item {
            not_applicable: true,
            ..self
        }
    }

    pub const fn flag(self, flag: &'static str) -> Item {
        Item {
            flag: Some(flag),
            ..self
        }
    }

    pub const fn code(self, key: &'static str) -> Item {
        Item {
            code: Some(key),
            ..self
        }
    }
}

/// The answers an item takes: whole numbers from 0 to `max`.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub max: u8,
    /// Haven's short words for each answer from 0 up; empty where the form shows numbers only.
    pub words: &'static [&'static str],
    /// The `codes.tsv` keys of the verified LOINC answer codes for each answer from 0 up, where
    /// verified; an answer given as one of these codes is read as its number.
    pub codes: &'static [&'static str],
}

impl Scale {
    /// Answers shown as numbers only.
    pub const fn numbers(max: u8) -> Scale {
        Scale {
            max,
            words: &[],
            codes: &[],
        }
    }

    /// The words for an answer, or `""` where there are none.
    pub fn words_for(&self, answer: u8) -> &'static str {
        self.words.get(usize::from(answer)).copied().unwrap_or("")
    }
}

/// What the total is called where it is shown.
#[derive(Debug, Clone, Copy)]
pub struct Total {
    /// "Total", or the name of the part that is totalled ("RHS-13 total").
    pub label: &'static str,
}

/// What a result is called: a band of totals, or the ITQ's diagnosis. `id` is the stable form
/// (`score --json`, FHIR interpretation); `label` the words people read.
#[derive(Debug, PartialEq, Eq)]
pub struct Band {
    pub id: &'static str,
    pub label: &'static str,
}

/// A band of totals, both ends inclusive.
#[derive(Debug, PartialEq, Eq)]
pub struct BandRange {
    pub lowest: u8,
    pub highest: u8,
    pub band: Band,
}

impl BandRange {
    pub const fn new(lowest: u8, highest: u8, id: &'static str, label: &'static str) -> Self {
        BandRange {
            lowest,
            highest,
            band: Band { id, label },
        }
    }
}

/// The bands on an instrument's total.
#[derive(Clone, Copy)]
pub enum Bands {
    /// The same whatever the options (empty where there is no total).
    Fixed(&'static [BandRange]),
    /// Either side of the practice's PCL-5 cut-point: the table for a cut-point.
    AtCutPoint(fn(u8) -> &'static [BandRange]),
}

/// When a result is a positive screen (`psych.consider-referral` in RULES.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Never (PHQ-15).
    Never,
    /// A total at or above `total`. `flagged`: whether the score then carries
    /// `positive-screen` (the PHQ-9's does not: its facts list only `item9-positive`).
    From { total: u8, flagged: bool },
    /// A total at or above the practice's PCL-5 cut-point, flagged.
    CutPoint,
    /// The instrument's own arithmetic decides and raises the flag (the ITQ's diagnosis).
    Algorithm,
}

impl Screen {
    /// Whether a total alone raises `positive-screen`: what item-by-item scoring and a total
    /// recorded elsewhere both follow.
    pub fn flags(&self, total: u8, options: &ScoringOptions) -> bool {
        match *self {
            Screen::From {
                total: from,
                flagged: true,
            } => total >= from,
            Screen::CutPoint => total >= options.pcl5_cutoff,
            Screen::From { flagged: false, .. } | Screen::Never | Screen::Algorithm => false,
        }
    }
}

/// The instrument's codes: `codes.tsv` keys of its verified LOINC codes, and Haven's own code
/// for its result, which every instrument has.
#[derive(Debug, Clone, Copy)]
pub struct Codes {
    /// The whole questionnaire (accepted on import as a result's code).
    pub panel: Option<&'static str>,
    /// The total score.
    pub total: Option<&'static str>,
    pub result: HavenCode,
}

/// A code in Haven's own code system, with its display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HavenCode {
    pub code: &'static str,
    pub display: &'static str,
}

/// What an instrument's arithmetic makes of answers with every item: the total (`None` where
/// there is none), its band, its flags in a fixed order, and the instrument's own detail.
#[derive(Debug)]
pub struct Outcome {
    pub total: Option<u8>,
    pub band: Option<&'static Band>,
    pub flags: Vec<&'static str>,
    pub detail: Detail,
}

/// A score's derived results beside its total and band, and how they read. Empty for a score
/// with items missing (they need every item) and for instruments with nothing of their own.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Results {
    /// Named values, for `haven score --json` and, where coded, the FHIR Observation.
    pub values: Vec<Derived>,
    /// Sentences under the result on the result page.
    pub sentences: Vec<String>,
    /// How `haven score`'s text summary says it.
    pub summary: Summary,
}

/// `haven score`'s text summary of the instrument's own results.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The result, where the total and band do not say it (`provisional CPTSD`).
    pub result: Option<String>,
    /// Lines after the result.
    pub lines: Vec<String>,
}

/// One derived result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// The `score --json` field; `clusters.b` is field `b` of object `clusters`.
    pub key: &'static str,
    pub value: Value,
    /// Haven's code for it in the FHIR Observation, where it is exported.
    pub code: Option<HavenCode>,
}

impl Derived {
    pub fn number(key: &'static str, value: u8) -> Derived {
        Derived {
            key,
            value: Value::Number(value),
            code: None,
        }
    }

    pub fn yes_no(key: &'static str, value: bool) -> Derived {
        Derived {
            key,
            value: Value::YesNo(value),
            code: None,
        }
    }

    /// Exported to FHIR under Haven's `code`.
    pub fn coded(self, code: &'static str, display: &'static str) -> Derived {
        Derived {
            code: Some(HavenCode { code, display }),
            ..self
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Number(u8),
    YesNo(bool),
}

/// The note most instruments show: free to use, but the validated wording is the official one.
pub const SHORT_LABELS: &str =
    "Short labels only: read the validated wording and translation from the official form.";

/// For instruments whose results are a total and a band only.
pub fn no_results(_: &Score) -> Results {
    Results::default()
}
