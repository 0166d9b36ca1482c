//! How the care rules read an entry whose date is known only to the year or the month (an
//! onset "2019", a life event "2026-04" from another system). The rules compare days, so such
//! an entry is placed on one day of its period, chosen so that no due action is hidden:
//!
//! - What the practice did (a contact, a risk review, a safety plan, a referral, advice, a
//!   screening, a flag, an outreach) is read on the **first** day. Read early, it restarts no
//!   follow-up clock later than it might have, and it settles no prompt raised by something
//!   else in the same period that it may have come before.
//! - What happened to the person (a life event, an asylum decision, a disclosure, a problem's
//!   onset, questionnaire answers, a medication started) is read on the **last** day, never
//!   after today nor after the entry's own end (a problem resolved, a medication stopped). Read
//!   late, it counts as recent for as long as it may be, and a review earlier in the same
//!   period does not settle it.
//!
//! The date as given stays on the entry ([`super::Entry::partial_date`]) for display and
//! export.

use super::EntryBody;
use crate::{Date, PartialDate};

/// Which day of a partial date's period the rules read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    First,
    Last,
}

impl EntryBody {
    /// The entry's clinical date ([`EntryBody::date`]), to change.
    pub fn date_mut(&mut self) -> &mut Date {
        match self {
            Self::Asylum(x) => &mut x.since,
            Self::Disclosure(x) => &mut x.disclosed,
            Self::LifeEvent(x) => &mut x.date,
            Self::Problem(x) => &mut x.onset,
            Self::Encounter(x) => &mut x.date,
            Self::PlannedContact(x) => &mut x.date,
            Self::Questionnaire(x) => &mut x.date,
            Self::RiskReview(x) => &mut x.date,
            Self::SafetyPlan(x) => &mut x.date,
            Self::Screening(x) => &mut x.date,
            Self::Referral(x) => x.started_mut(),
            Self::Medication(x) => &mut x.started,
            Self::Advice(x) => &mut x.date,
            Self::Flag(x) => &mut x.date,
            Self::Outreach(x) => &mut x.date,
        }
    }

    /// Which day of a partial date the rules read for this kind (see the module comment).
    pub fn partial_reading(&self) -> Reading {
        match self {
            Self::Encounter(_)
            | Self::PlannedContact(_)
            | Self::RiskReview(_)
            | Self::SafetyPlan(_)
            | Self::Screening(_)
            | Self::Referral(_)
            | Self::Advice(_)
            | Self::Flag(_)
            | Self::Outreach(_) => Reading::First,
            Self::Asylum(_)
            | Self::Disclosure(_)
            | Self::LifeEvent(_)
            | Self::Problem(_)
            | Self::Questionnaire(_)
            | Self::Medication(_) => Reading::Last,
        }
    }

    /// Puts the entry's date on the day the rules read for `partial` on `today`.
    pub fn place_partial(&mut self, partial: &PartialDate, today: Date) {
        let own_end = match self {
            Self::Problem(p) => p.resolved,
            Self::Medication(m) => m.stopped,
            _ => None,
        };
        let day = match self.partial_reading() {
            Reading::First => partial.earliest(),
            Reading::Last => {
                let mut day = partial.latest().min(today);
                if let Some(end) = own_end {
                    day = day.min(end);
                }
                // Never outside the period: what cannot fit is left for validation to name.
                day.max(partial.earliest())
            }
        };
        *self.date_mut() = day;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{
        Encounter, InterpreterUse, LifeEvent, LifeEventKind, Problem, ProblemKind,
    };
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 28);

    fn placed(mut body: EntryBody, partial: &str) -> Date {
        body.place_partial(&PartialDate::parse(partial).expect("partial"), TODAY);
        body.date()
    }

    fn event() -> EntryBody {
        EntryBody::LifeEvent(LifeEvent {
            kind: LifeEventKind::AsylumRefused,
            date: TODAY,
            note: String::new(),
        })
    }

    fn contact() -> EntryBody {
        EntryBody::Encounter(Encounter {
            date: TODAY,
            interpreter: InterpreterUse::NotNeeded,
            somatic_complaints: Vec::new(),
            physical_cause_found: false,
            suicidal_thoughts_noted: false,
            self_harm_noted: false,
            note: String::new(),
        })
    }

    #[test]
    fn what_happened_is_read_late_and_what_was_done_early() {
        assert_eq!(placed(event(), "2025-04"), date!(2025 - 04 - 30));
        assert_eq!(placed(event(), "2025"), date!(2025 - 12 - 31));
        assert_eq!(placed(contact(), "2025-04"), date!(2025 - 04 - 01));
        assert_eq!(placed(contact(), "2025"), date!(2025 - 01 - 01));
    }

    #[test]
    fn a_late_reading_is_never_after_today_nor_after_the_entry_s_own_end() {
        assert_eq!(placed(event(), "2026"), TODAY);
        assert_eq!(placed(event(), "2026-11"), TODAY);
        let problem = |resolved| {
            EntryBody::Problem(Problem {
                kind: ProblemKind::SocialIsolation,
                onset: TODAY,
                resolved,
                note: String::new(),
            })
        };
        assert_eq!(
            placed(problem(Some(date!(2019 - 06 - 01))), "2019"),
            date!(2019 - 06 - 01)
        );
        assert_eq!(placed(problem(None), "2019"), date!(2019 - 12 - 31));
        // A period that has not begun stays in it, for validation to refuse as the future.
        assert_eq!(placed(event(), "2027"), date!(2027 - 01 - 01));
    }

    #[test]
    fn every_kind_s_date_can_be_set() {
        let mut body = contact();
        *body.date_mut() = date!(2020 - 01 - 02);
        assert_eq!(body.date(), date!(2020 - 01 - 02));
    }
}
