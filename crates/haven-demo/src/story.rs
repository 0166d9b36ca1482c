//! One demo patient's story while it is being written: who they are, the dated facts decided
//! so far, and the latent distress that every questionnaire and risk review reads from.
//!
//! The generator decides the shape of a life first (asylum history, events, contacts) and
//! derives the clinical entries from it, so that entries agree with each other: a refusal is
//! followed by a rise in symptoms, a risk review mentions the events before it, and so on.

use haven_core::record::{AbuseKind, AsylumStatus, LifeEventKind, Sex};
use time::Date;

use crate::dice::Dice;
use crate::origins::Origin;

/// Deliberate gaps in care, each making one care rule fire for a few per cent of patients —
/// real registers have them, and the demo must show what Haven does about them.
#[derive(Default)]
pub(crate) struct Traits {
    pub flag_missing: bool,
    pub booking_gap: bool,
    pub no_advice: bool,
    pub no_support_org: bool,
    pub dna_outreach: bool,
    pub relapse_recent: bool,
    pub somatic: bool,
    pub somatic_unexplored: bool,
    pub med_no_followup: bool,
    pub asylum_uncoded: bool,
    /// Suicidal thoughts noted at the latest consultation and not yet reviewed.
    pub unassessed_concern: bool,
}

impl Traits {
    pub(crate) fn roll(dice: &mut Dice) -> Self {
        let somatic = dice.chance(0.35);
        let somatic_unexplored = somatic && dice.chance(0.2);
        Self {
            flag_missing: dice.chance(0.06),
            booking_gap: dice.chance(0.08),
            no_advice: dice.chance(0.10),
            no_support_org: dice.chance(0.12),
            dna_outreach: dice.chance(0.08),
            // A relapse needs PHQ-9s in the recent window that somatic_unexplored avoids.
            relapse_recent: !somatic_unexplored && dice.chance(0.05),
            somatic,
            somatic_unexplored,
            med_no_followup: dice.chance(0.06),
            asylum_uncoded: dice.chance(0.05),
            unassessed_concern: dice.chance(0.05),
        }
    }
}

/// A negative life event and the risk review that followed it, if any.
pub(crate) struct Event {
    pub kind: LifeEventKind,
    pub date: Date,
    pub review: Option<Date>,
}

/// How distress rises after negative events and settles with time and with leave to remain.
fn bump(kind: LifeEventKind) -> f64 {
    match kind {
        LifeEventKind::AsylumRefused => 0.32,
        LifeEventKind::AppealDismissed | LifeEventKind::FacingReturn => 0.36,
        LifeEventKind::LossOfHope => 0.30,
        LifeEventKind::BadNewsFromHome | LifeEventKind::EvictionOrDestitution => 0.22,
        LifeEventKind::SeparatedFromSupport => 0.16,
        LifeEventKind::OtherNegative => 0.10,
    }
}

pub(crate) struct Story {
    pub today: Date,
    pub born: Date,
    pub sex: Sex,
    pub origin: &'static Origin,
    pub interpreter: Option<bool>,
    pub registered: Date,
    pub traits: Traits,
    pub asylum: Vec<(AsylumStatus, Date)>,
    pub events: Vec<Event>,
    pub abuse: Vec<AbuseKind>,
    /// Distress before anything in the record happened, 0 (none) to 1 (extreme).
    pub baseline: f64,
    pub granted: Option<Date>,
    /// Treatment that has begun to help (completed therapy or medication).
    pub treated: Option<Date>,
    /// The risk review after the recent event of a patient with trait `relapse_recent`, when
    /// their PHQ-9 rises by five or more and nobody has seen them since.
    pub relapse: Option<Date>,
    /// Days on which the generator must not place an attended encounter, so that the rule the
    /// patient's traits ask for stays unresolved: `(from, to)` inclusive.
    pub no_encounter: Vec<(Date, Date)>,
}

impl Story {
    pub(crate) fn is_female(&self) -> bool {
        self.sex == Sex::Female
    }

    pub(crate) fn interpreter_required(&self) -> bool {
        self.interpreter == Some(true)
    }

    /// The asylum situation in force on `date`, if the claim had been made by then.
    pub(crate) fn status_on(&self, date: Date) -> Option<AsylumStatus> {
        self.asylum
            .iter()
            .take_while(|(_, since)| *since <= date)
            .last()
            .map(|(s, _)| *s)
    }

    pub(crate) fn current_status(&self) -> Option<AsylumStatus> {
        self.asylum.last().map(|(s, _)| *s)
    }

    /// Latent distress on `date`, 0..=1: the baseline, plus each earlier event's bump fading
    /// over about four months, less a settling after a grant and after treatment began.
    pub(crate) fn severity(&self, date: Date) -> f64 {
        let mut s = self.baseline;
        for e in &self.events {
            let days = (date - e.date).whole_days();
            if days >= 0 {
                s += bump(e.kind) * (-(days as f64) / 120.0).exp();
            }
        }
        if let Some(g) = self.granted.filter(|g| *g <= date) {
            s -= 0.22 * (1.0 - (-((date - g).whole_days() as f64) / 90.0).exp());
        }
        if let Some(t) = self.treated.filter(|t| *t <= date) {
            s -= 0.12 * (1.0 - (-((date - t).whole_days() as f64) / 60.0).exp());
        }
        s.clamp(0.0, 1.0)
    }

    pub(crate) fn encounter_allowed(&self, date: Date) -> bool {
        date <= self.today
            && date >= self.registered
            && !self
                .no_encounter
                .iter()
                .any(|(from, to)| *from <= date && date <= *to)
    }

    /// Events in the `days` before `date` (inclusive), newest first.
    pub(crate) fn events_before(&self, date: Date, days: i64) -> impl Iterator<Item = &Event> {
        self.events
            .iter()
            .rev()
            .filter(move |e| e.date <= date && (date - e.date).whole_days() <= days)
    }

    pub(crate) fn had_abuse(&self, kind: AbuseKind) -> bool {
        self.abuse.contains(&kind)
    }
}
