//! A scored questionnaire, and the arithmetic most instruments share: their counted items
//! added up, banded, and flagged.

use super::description::{Band, Description, Outcome, Results};
use super::{ItqDetail, Pcl5Detail, ScoringOptions, flag, is_positive_screen};

/// The instrument's own part of a score with every item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Nothing beyond the total, its band and the items themselves.
    Sum,
    Pcl5(Pcl5Detail),
    Itq(ItqDetail),
}

/// A scored questionnaire. Only [`super::score`], [`super::score_with`] and
/// [`super::score_recorded`] make one, so the items, total, band, flags and detail always agree.
///
/// Most scores come from every item answered, and everything is derived from the answers. A
/// result recorded elsewhere may hold only its total, or the total with some items: then the
/// total is the one recorded (never re-derived), the band and the total's flags follow from it,
/// the items that came are kept, and [`Score::detail`] is `None`, since cluster sums, ITQ
/// diagnoses and the like need every item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub(super) description: &'static Description,
    pub(super) items: Vec<Option<u8>>,
    pub(super) total: Option<u8>,
    pub(super) band: Option<&'static Band>,
    pub(super) flags: Vec<&'static str>,
    pub(super) detail: Option<Detail>,
}

impl Score {
    /// A score of every item answered, from what the instrument's arithmetic made of them.
    pub(super) fn answered(
        description: &'static Description,
        answers: &[u8],
        outcome: Outcome,
    ) -> Score {
        Score {
            description,
            items: answers.iter().copied().map(Some).collect(),
            total: outcome.total,
            band: outcome.band,
            flags: outcome.flags,
            detail: Some(outcome.detail),
        }
    }

    /// The questionnaire scored.
    pub fn description(&self) -> &'static Description {
        self.description
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
        items_missing(self.description, &self.items)
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

    /// The band (see the instrument's description for its ids and words), always from the
    /// total; `None` only where there is no result (see [`Score::has_result`]).
    pub fn band(&self) -> Option<&'static Band> {
        self.band
    }

    /// Flag ids from [`flag`], in a fixed order.
    pub fn flags(&self) -> &[&'static str] {
        &self.flags
    }

    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }

    /// The instrument's own part, or `None` when items are missing (it needs every item).
    pub fn detail(&self) -> Option<&Detail> {
        self.detail.as_ref()
    }

    /// See [`is_positive_screen`].
    pub fn is_positive_screen(&self) -> bool {
        is_positive_screen(self)
    }

    /// The derived results and how they read, from the instrument's description; empty when
    /// items are missing.
    pub fn results(&self) -> Results {
        if self.detail.is_some() {
            (self.description.results)(self)
        } else {
            Results::default()
        }
    }
}

/// The arithmetic of an instrument that adds up its counted items: the total, its band, the
/// flags its items raise (PHQ-9 item 9), then `positive-screen` where the total reaches the
/// screen. Used as [`Description::score`] by most instruments.
pub fn score_total(
    description: &'static Description,
    answers: &[u8],
    options: &ScoringOptions,
) -> Outcome {
    let total = description.total_of(answers);
    let mut flags = description.item_flags(answers.iter().copied().map(Some));
    if description.screen.flags(total, options) {
        flags.push(flag::POSITIVE_SCREEN);
    }
    Outcome {
        total: Some(total),
        band: description.band_for(options, total),
        flags,
        detail: Detail::Sum,
    }
}

/// Whether any required item (every item but the optional ones) is absent.
pub(super) fn items_missing(description: &Description, items: &[Option<u8>]) -> bool {
    (0..description.item_count()).any(|index| items.get(index).copied().flatten().is_none())
}
