//! Negative life events as every rule sees them (docs/rules.md §6): the life-event entries, and the
//! events an asylum situation itself stands for. Derived once per evaluation, in the context,
//! so `risk.reassess-after-event`, the §1 review interval and `social.prescribing` can never
//! disagree about what happened.

use crate::Date;
use crate::record::{AsylumStatus, Entry, EntryBody, LifeEventKind, PatientRecord};

use super::context::visible_entries;

/// Where a negative life event was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventSource {
    /// A life-event entry.
    LifeEvent,
    /// An asylum situation (`refused`, `detained` or `facing-removal`) that began on the
    /// event's date, with no life-event entry of the same type on that date.
    AsylumSituation,
}

/// One negative life event: its date, its type and where it was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NegativeEvent {
    pub date: Date,
    pub kind: LifeEventKind,
    pub source: EventSource,
}

impl NegativeEvent {
    /// The event as a reason names it, saying when it comes from the asylum situation, e.g.
    /// `Asylum claim refused on 2026-11-20 (recorded as the asylum situation)`.
    pub fn describe(&self) -> String {
        let (what, date) = (self.kind.label(), self.date);
        match self.source {
            EventSource::LifeEvent => format!("{what} on {date}"),
            EventSource::AsylumSituation => {
                format!("{what} on {date} (recorded as the asylum situation)")
            }
        }
    }
}

/// The negative life event an asylum situation stands for, given the situation before it:
/// a refusal after an appeal is the appeal dismissed.
fn implied_by(status: AsylumStatus, previous: Option<AsylumStatus>) -> Option<LifeEventKind> {
    match status {
        AsylumStatus::Refused if previous == Some(AsylumStatus::Appeal) => {
            Some(LifeEventKind::AppealDismissed)
        }
        AsylumStatus::Refused => Some(LifeEventKind::AsylumRefused),
        AsylumStatus::Detained | AsylumStatus::FacingRemoval => Some(LifeEventKind::FacingReturn),
        AsylumStatus::ClaimLodged
        | AsylumStatus::AwaitingDecision
        | AsylumStatus::Appeal
        | AsylumStatus::GrantedRefugee
        | AsylumStatus::GrantedHumanitarian
        | AsylumStatus::GrantedOther => None,
    }
}

/// The negative life events among `entries`, which must be in time order (the context's
/// visible entries): oldest first, life-event entries before situations on the same date.
///
/// An event recorded both ways (a life-event entry and an asylum situation of the same type on
/// the same date) counts once, as the life event; so does one situation recorded twice.
pub(crate) fn derive<'a>(entries: impl Iterator<Item = &'a Entry>) -> Vec<NegativeEvent> {
    let mut events = Vec::new();
    let mut previous = None;
    for entry in entries {
        match &entry.body {
            EntryBody::LifeEvent(e) => events.push(NegativeEvent {
                date: e.date,
                kind: e.kind,
                source: EventSource::LifeEvent,
            }),
            EntryBody::Asylum(a) => {
                if let Some(kind) = implied_by(a.status, previous) {
                    events.push(NegativeEvent {
                        date: a.since,
                        kind,
                        source: EventSource::AsylumSituation,
                    });
                }
                previous = Some(a.status);
            }
            _ => {}
        }
    }
    if events
        .iter()
        .any(|e| e.source == EventSource::AsylumSituation)
    {
        // Entries are in date order, so sorting by (date, source) only moves situations after
        // same-day life events; the life event then wins the de-duplication below.
        events.sort_by_key(|e| (e.date, e.source));
        let mut kept: Vec<NegativeEvent> = Vec::with_capacity(events.len());
        for e in events {
            let twin = e.source == EventSource::AsylumSituation
                && kept.iter().any(|k| k.date == e.date && k.kind == e.kind);
            if !twin {
                kept.push(e);
            }
        }
        events = kept;
    }
    events
}

/// The negative life events of `record` as the rules see them on `today` (entered-in-error and
/// later-dated entries left out), oldest first. For pages that show them beside the rules'
/// actions, such as the stressors a risk review starts from.
pub fn negative_events(record: &PatientRecord, today: Date) -> Vec<NegativeEvent> {
    derive(visible_entries(record, today).into_iter())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::AsylumStatus::*;
    use crate::record::LifeEventKind::*;
    use crate::rules::test_support::{Builder, TODAY, d};

    /// The events of a record as `"date kind source"` lines.
    fn check(b: Builder) -> Vec<String> {
        negative_events(&b.build(), d(TODAY))
            .iter()
            .map(|e| {
                let source = match e.source {
                    EventSource::LifeEvent => "entry",
                    EventSource::AsylumSituation => "situation",
                };
                format!("{} {} {source}", e.date, e.kind.id())
            })
            .collect()
    }

    #[test]
    fn refused_detained_and_facing_removal_are_events_on_the_date_they_began() {
        let b = Builder::new()
            .asylum(AwaitingDecision, d("2026-01-01"), true)
            .asylum(Refused, d("2026-03-01"), true)
            .asylum(Detained, d("2026-05-01"), true)
            .asylum(FacingRemoval, d("2026-06-01"), true)
            .asylum(GrantedRefugee, d("2026-09-01"), true);
        assert_eq!(
            check(b),
            [
                "2026-03-01 asylum-refused situation",
                "2026-05-01 facing-return situation",
                "2026-06-01 facing-return situation",
            ]
        );
        for quiet in [
            ClaimLodged,
            AwaitingDecision,
            Appeal,
            GrantedRefugee,
            GrantedHumanitarian,
            GrantedOther,
        ] {
            assert!(
                check(Builder::new().asylum(quiet, d("2026-03-01"), true)).is_empty(),
                "{quiet:?}"
            );
        }
    }

    #[test]
    fn a_refusal_after_an_appeal_is_the_appeal_dismissed() {
        let b = Builder::new()
            .asylum(Refused, d("2025-06-01"), true)
            .asylum(Appeal, d("2025-07-01"), true)
            .asylum(Refused, d("2026-02-01"), true);
        assert_eq!(
            check(b),
            [
                "2025-06-01 asylum-refused situation",
                "2026-02-01 appeal-dismissed situation",
            ]
        );
        // The order is the situations' dates, not the order they were typed in.
        let typed_late = Builder::new()
            .asylum(Refused, d("2026-02-01"), true)
            .asylum(Appeal, d("2025-07-01"), true);
        assert_eq!(check(typed_late), ["2026-02-01 appeal-dismissed situation"]);
        // An appeal entered in error leaves a plain refusal.
        let in_error = Builder::new()
            .asylum(Appeal, d("2025-07-01"), true)
            .in_error()
            .asylum(Refused, d("2026-02-01"), true);
        assert_eq!(check(in_error), ["2026-02-01 asylum-refused situation"]);
    }

    #[test]
    fn the_same_event_recorded_both_ways_counts_once() {
        let both = Builder::new()
            .asylum(Refused, d("2026-11-20"), true)
            .event(AsylumRefused, d("2026-11-20"));
        assert_eq!(check(both), ["2026-11-20 asylum-refused entry"]);
        let twice = Builder::new()
            .asylum(Detained, d("2026-11-20"), false)
            .asylum(Detained, d("2026-11-20"), true);
        assert_eq!(check(twice), ["2026-11-20 facing-return situation"]);
        // Another type, or another date, is another event.
        let other_type = Builder::new()
            .asylum(Refused, d("2026-11-20"), true)
            .event(BadNewsFromHome, d("2026-11-20"));
        assert_eq!(
            check(other_type),
            [
                "2026-11-20 bad-news-from-home entry",
                "2026-11-20 asylum-refused situation",
            ]
        );
        let other_day = Builder::new().event(AsylumRefused, d("2026-11-19")).asylum(
            Refused,
            d("2026-11-20"),
            true,
        );
        assert_eq!(
            check(other_day),
            [
                "2026-11-19 asylum-refused entry",
                "2026-11-20 asylum-refused situation",
            ]
        );
        // Two life events of one type on one day stay two: they may be two things.
        let two_entries = Builder::new()
            .event(OtherNegative, d("2026-11-20"))
            .event(OtherNegative, d("2026-11-20"));
        assert_eq!(check(two_entries).len(), 2);
    }

    #[test]
    fn only_what_the_rules_see_counts() {
        let b = Builder::new()
            .asylum(Refused, d("2026-11-20"), true)
            .in_error()
            .asylum(FacingRemoval, d("2026-11-29"), true)
            .event(LossOfHope, d("2026-12-01"));
        assert!(check(b).is_empty(), "entered in error or after today");
    }

    #[test]
    fn descriptions_say_where_an_event_comes_from() {
        let b = Builder::new()
            .asylum(Refused, d("2026-11-20"), true)
            .event(LossOfHope, d("2026-11-21"))
            .build();
        let described: Vec<String> = negative_events(&b, d(TODAY))
            .iter()
            .map(NegativeEvent::describe)
            .collect();
        assert_eq!(
            described,
            [
                "Asylum claim refused on 2026-11-20 (recorded as the asylum situation)",
                "Loss of hope on 2026-11-21"
            ]
        );
    }
}
