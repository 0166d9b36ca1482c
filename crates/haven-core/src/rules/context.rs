//! The per-evaluation context: the entries a rule may see, questionnaires scored once, and the
//! small look-ups (latest entry, windows, referral resolution) the rules share.
//!
//! Building it costs a few passes over the record and one scoring per questionnaire that can
//! change a rule's outcome; every rule then reads from it, so adding a rule re-scores nothing.
//! Scoring is the expensive part (about a microsecond each), so old questionnaires that no
//! rule looks at are not scored at all.

use std::cell::Cell;

use time::{Duration, OffsetDateTime};

use super::events::{self, NegativeEvent};
use super::{Action, RuleId};
use crate::Date;
use crate::instruments::{Detail, Instrument, ItqDiagnosis, Score, ScoringOptions};
use crate::policy::Policy;
use crate::record::{
    AsylumSituation, Entry, EntryBody, PatientRecord, Problem, QuestionnaireResult, ReferralStatus,
    ReferralStep, ReferralType, RiskReview,
};

/// A questionnaire entry with its score.
pub(crate) struct Scored<'a> {
    pub entry: &'a Entry,
    pub instrument: Instrument,
    pub date: Date,
    pub score: Score,
}

impl Scored<'_> {
    pub fn instrument(&self) -> Instrument {
        self.instrument
    }

    /// The score as a reason names it, e.g. `PHQ-9 total 14 on 2026-11-01`.
    pub fn describe(&self) -> String {
        let name = self.instrument().name();
        match (self.score.detail(), self.score.total()) {
            (Some(Detail::Itq(itq)), _) => {
                let result = match itq.diagnosis {
                    ItqDiagnosis::Cptsd => "complex PTSD",
                    ItqDiagnosis::Ptsd => "PTSD",
                    ItqDiagnosis::Neither => "neither PTSD nor complex PTSD",
                };
                format!("{name} on {} indicating {result}", self.date)
            }
            (_, Some(total)) if self.instrument() == Instrument::Rhs15 => {
                format!("{name} on {} with an RHS-13 total of {total}", self.date)
            }
            (_, Some(total)) => format!("{name} total {total} on {}", self.date),
            (_, None) => format!("{name} on {}", self.date),
        }
    }
}

/// What every rule reads: the record, the policy, the evaluation date and derived facts.
pub(crate) struct Context<'a> {
    pub record: &'a PatientRecord,
    pub policy: &'a Policy,
    pub today: Date,
    /// The entries the rules see (see [`Context::visible`]), oldest first by [`order_key`]:
    /// sorted once here so that "the latest of a kind" is a short backwards walk.
    visible: Vec<&'a Entry>,
    /// Questionnaire entries the rules see, unscored, oldest first (see [`order_key`]).
    /// RHS-15 entries are left out when the policy switches RHS-15 off.
    pub questionnaires: Vec<(&'a Entry, &'a QuestionnaireResult)>,
    /// The scores the rules need, oldest first: the latest two valid scores with a result of
    /// each instrument (positive screens, relapse) and every PHQ-9 after the latest risk review
    /// (item 9, read whenever it was recorded, with or without the other items). Older scores
    /// cannot change any rule's outcome.
    pub scores: Vec<Scored<'a>>,
    pub latest_review: Option<&'a RiskReview>,
    pub asylum: Option<&'a AsylumSituation>,
    pub last_encounter: Option<Date>,
    /// Every negative life event, oldest first: life-event entries and the events asylum
    /// situations stand for (see [`events`]). Rules read events only from here.
    pub negative_events: Vec<NegativeEvent>,
    /// The first day after `today` on which a comparison made with `today` so far would
    /// answer differently (see [`Context::changes_on`]); `None` while none would.
    horizon: Cell<Option<Date>>,
}

/// The order of entries in time: clinical date, then when it was recorded, then entry id. It
/// does not depend on the order of `record.entries`, so neither does anything built on it.
pub(crate) fn order_key(entry: &Entry) -> (Date, OffsetDateTime, &str) {
    (entry.body.date(), entry.change.at, entry.id.as_str())
}

/// The entries the rules see on `today` (see [`Context::visible`]), in [`order_key`] order.
pub(crate) fn visible_entries(record: &PatientRecord, today: Date) -> Vec<&Entry> {
    let mut visible: Vec<&Entry> = record
        .active()
        .filter(|e| matches!(e.body, EntryBody::PlannedContact(_)) || e.body.date() <= today)
        .collect();
    // Stable, so entries with equal keys keep their record order, as `max_by` did.
    visible.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    visible
}

/// A referral that leaves a need open, as a reason names it: "the <what> referral was
/// declined by the service on …" or "… drafted on … has not been sent".
pub(crate) fn open_referral(what: &str, open: ReferralStep) -> String {
    match open.status {
        ReferralStatus::ServiceDeclined => {
            format!(
                "the {what} referral was declined by the service on {}",
                open.date
            )
        }
        _ => format!(
            "the {what} referral drafted on {} has not been sent",
            open.date
        ),
    }
}

/// `date` plus `days`, saturating at the end of the calendar (policy caps days far below it).
pub(crate) fn add_days(date: Date, days: u32) -> Date {
    date.checked_add(Duration::days(days.into()))
        .unwrap_or(Date::MAX)
}

pub(crate) fn sub_days(date: Date, days: u32) -> Date {
    date.checked_sub(Duration::days(days.into()))
        .unwrap_or(Date::MIN)
}

/// Scores of one instrument over a patient's active entries, oldest first — the series the
/// trend charts draw and `risk.possible-relapse` compares. Entries whose answers cannot be
/// scored (validation refuses them on entry) are left out, and so are results recorded
/// elsewhere with some items but no total, which have no result to draw (see
/// [`Score::has_result`]).
pub fn score_series(
    record: &PatientRecord,
    instrument: Instrument,
    options: &ScoringOptions,
) -> Vec<(Date, Score)> {
    let mut series: Vec<(&Entry, Date, Score)> = record
        .active()
        .filter_map(|entry| {
            let q = entry.body.as_questionnaire()?;
            if q.instrument != instrument {
                return None;
            }
            let score = q.score(options).ok().filter(Score::has_result)?;
            Some((entry, q.date, score))
        })
        .collect();
    series.sort_by(|a, b| order_key(a.0).cmp(&order_key(b.0)));
    series
        .into_iter()
        .map(|(_, date, score)| (date, score))
        .collect()
}

impl<'a> Context<'a> {
    pub fn new(record: &'a PatientRecord, policy: &'a Policy, today: Date) -> Self {
        let visible = visible_entries(record, today);
        let negative_events = events::derive(visible.iter().copied());
        let mut ctx = Context {
            record,
            policy,
            today,
            visible,
            questionnaires: Vec::new(),
            scores: Vec::new(),
            latest_review: None,
            asylum: None,
            last_encounter: None,
            negative_events,
            horizon: Cell::new(None),
        };
        // An entry dated ahead becomes visible on its day (a planned contact is visible
        // already, and its day is when it stops lying ahead).
        if let Some(ahead) = record
            .active()
            .map(|e| e.body.date())
            .filter(|&d| d > today)
            .min()
        {
            ctx.changes_on(ahead);
        }
        ctx.latest_review = ctx.latest(EntryBody::as_risk_review).map(|(_, r)| r);
        let rhs15 = policy.rhs15_enabled();
        ctx.questionnaires = ctx
            .visible()
            .filter_map(|e| e.body.as_questionnaire().map(|q| (e, q)))
            .filter(|(_, q)| rhs15 || q.instrument != Instrument::Rhs15)
            .collect();
        ctx.scores = ctx.needed_scores();
        ctx.asylum = ctx.latest(EntryBody::as_asylum).map(|(_, a)| a);
        ctx.last_encounter = ctx.bodies(EntryBody::as_encounter).map(|e| e.date).max();
        ctx
    }

    /// Scores the newest questionnaires first, skipping those no rule needs (see `scores`).
    fn needed_scores(&self) -> Vec<Scored<'a>> {
        let options = self.policy.scoring_options();
        let reviewed = self.latest_review.map(|r| r.date);
        // Valid scores with a result kept so far per instrument, indexed by declaration order.
        // An instrument beyond the array (one added later) is simply always scored.
        let mut kept = [0u8; 8];
        let mut out = Vec::with_capacity(self.questionnaires.len().min(12));
        for &(entry, q) in self.questionnaires.iter().rev() {
            let slot = kept.get_mut(q.instrument as usize);
            let enough = slot.as_ref().is_some_and(|n| **n >= 2);
            let item9 = q.instrument == Instrument::Phq9 && reviewed.is_none_or(|r| q.date > r);
            if enough && !item9 {
                continue;
            }
            if let Ok(score) = q.score(&options) {
                if let Some(n) = slot.filter(|_| score.has_result()) {
                    *n = n.saturating_add(1);
                }
                out.push(Scored {
                    entry,
                    instrument: q.instrument,
                    date: q.date,
                    score,
                });
            }
        }
        out.reverse();
        out
    }

    /// Entries the rules see: active (not entered-in-error) and not dated after `today`.
    /// Planned contacts are the exception, since they are meant to lie ahead; so the rules
    /// evaluated "as of" a past date see the record as it stood clinically then.
    pub fn visible(&self) -> impl Iterator<Item = &'a Entry> + '_ {
        self.visible.iter().copied()
    }

    /// Visible entry bodies of one kind.
    pub fn bodies<T: 'a>(
        &self,
        pick: fn(&'a EntryBody) -> Option<&'a T>,
    ) -> impl Iterator<Item = &'a T> + '_ {
        self.visible().filter_map(move |e| pick(&e.body))
    }

    /// The latest visible entry of one kind, by [`order_key`].
    pub fn latest<T: 'a>(
        &self,
        pick: fn(&'a EntryBody) -> Option<&'a T>,
    ) -> Option<(&'a Entry, &'a T)> {
        self.visible
            .iter()
            .rev()
            .find_map(|&e| pick(&e.body).map(|b| (e, b)))
    }

    /// Notes that an answer given on `today` may differ from `date` on: every comparison
    /// with `today` that the rules make goes through a method that tells the day it would
    /// flip, so that [`super::evaluate_until`] knows how long its actions stand. A day not
    /// after `today` changes nothing (today only moves forward from an evaluation).
    pub fn changes_on(&self, date: Date) {
        if date > self.today && self.horizon.get().is_none_or(|h| date < h) {
            self.horizon.set(Some(date));
        }
    }

    /// The first day after `today` on which an answer given so far may differ.
    pub fn horizon(&self) -> Option<Date> {
        self.horizon.get()
    }

    /// Whether `date` is after today (it stops being so on `date`).
    pub fn is_ahead(&self, date: Date) -> bool {
        self.changes_on(date);
        date > self.today
    }

    /// Whether `date` is today or past (it becomes so on `date`).
    pub fn has_come(&self, date: Date) -> bool {
        !self.is_ahead(date)
    }

    /// Whether `date` lies in the last `days` days: on or after `today - days`, up to today.
    pub fn within_last(&self, date: Date, days: u32) -> bool {
        // Ahead: it enters the window on its day; inside: it leaves `days + 1` days after.
        self.changes_on(date);
        self.changes_on(add_days(date, days.saturating_add(1)));
        date <= self.today && date >= sub_days(self.today, days)
    }

    /// Whether no more than `days` whole days have passed since `date` (a date ahead counts as
    /// none): true until `days + 1` days after it.
    pub fn at_most_days_since(&self, date: Date, days: u32) -> bool {
        self.changes_on(add_days(date, days.saturating_add(1)));
        (self.today - date).whole_days() <= i64::from(days)
    }

    /// Whether `today` lies in `first..=last` (it enters on `first`, leaves the day after
    /// `last`).
    pub fn today_within(&self, first: Date, last: Date) -> bool {
        self.changes_on(first);
        self.changes_on(add_days(last, 1));
        (first..=last).contains(&self.today)
    }

    /// The status `referral` had today (it moves on at its next step's day).
    pub fn status_today(&self, referral: &crate::record::Referral) -> Option<ReferralStep> {
        if let Some(next) = referral
            .steps()
            .map(|s| s.date)
            .filter(|&d| d > self.today)
            .min()
        {
            self.changes_on(next);
        }
        referral.status_on(self.today)
    }

    /// An answer that names today itself (a due date of today, a window counted back from
    /// today): it differs tomorrow.
    pub fn names_today(&self) -> Date {
        self.changes_on(add_days(self.today, 1));
        self.today
    }

    /// Whether an encounter is recorded strictly after `date`.
    pub fn encounter_after(&self, date: Date) -> bool {
        self.last_encounter.is_some_and(|d| d > date)
    }

    /// Whether an encounter is recorded on or after `date`.
    pub fn encounter_since(&self, date: Date) -> bool {
        self.last_encounter.is_some_and(|d| d >= date)
    }

    /// Problems current today: not resolved, or resolved after today.
    pub fn current_problems(&self) -> impl Iterator<Item = &'a Problem> + '_ {
        self.bodies(EntryBody::as_problem)
            .filter(move |p| p.resolved.is_none_or(|end| self.is_ahead(end)))
    }

    /// The latest score with a result (a total, or an ITQ diagnosis) of each instrument.
    pub fn latest_scores(&self) -> impl Iterator<Item = &Scored<'a>> {
        Instrument::all().iter().filter_map(|&i| {
            self.scores
                .iter()
                .rev()
                .find(|s| s.instrument() == i && s.score.has_result())
        })
    }

    /// The latest positive screen among each instrument's latest score, if any.
    pub fn positive_screen(&self) -> Option<&Scored<'a>> {
        self.latest_scores()
            .filter(|s| s.score.is_positive_screen())
            .max_by(|a, b| order_key(a.entry).cmp(&order_key(b.entry)))
    }

    /// Whether the claim is decided with leave to remain. No asylum entry at all counts as
    /// undecided: Haven's population is people seeking asylum, and guessing "settled" would
    /// lengthen follow-up for exactly the people nobody has asked.
    pub fn asylum_granted(&self) -> bool {
        self.asylum.is_some_and(|a| a.status.is_granted())
    }

    /// The referrals of a matching type started on or after `since` (any date when `None`),
    /// each at the status it had today.
    fn referrals(
        &self,
        kind: fn(ReferralType) -> bool,
        since: Option<Date>,
    ) -> impl Iterator<Item = ReferralStep> + '_ {
        self.bodies(EntryBody::as_referral)
            .filter(move |r| kind(r.kind) && since.is_none_or(|s| r.started() >= s))
            .filter_map(|r| self.status_today(r))
    }

    /// Whether a referral of a matching type resolves a rule triggered on `since` (any date
    /// when `None`): one sent, accepted, seen or completed resolves for good; one the person
    /// declined or did not take up resolves until the policy's re-offer interval has passed,
    /// after which the rule may fire again, never sooner (docs/rules.md). A draft not yet sent,
    /// and one the service declined, leave the need open.
    pub fn referral_resolves(&self, kind: fn(ReferralType) -> bool, since: Option<Date>) -> bool {
        let reoffer = self.policy.referral_reoffer_days;
        self.referrals(kind, since).any(|step| match step.status {
            ReferralStatus::Sent
            | ReferralStatus::Accepted
            | ReferralStatus::Seen
            | ReferralStatus::Completed => true,
            ReferralStatus::Declined | ReferralStatus::NotTakenUp => {
                self.at_most_days_since(step.date, reoffer)
            }
            ReferralStatus::Drafted | ReferralStatus::ServiceDeclined => false,
        })
    }

    /// The latest referral of a matching type declined or not taken up on or after `since`.
    pub fn latest_decline(
        &self,
        kind: fn(ReferralType) -> bool,
        since: Option<Date>,
    ) -> Option<Date> {
        self.latest_at(
            kind,
            since,
            &[ReferralStatus::Declined, ReferralStatus::NotTakenUp],
        )
    }

    /// The date of the latest referral of a matching type whose status today is one of these.
    fn latest_at(
        &self,
        kind: fn(ReferralType) -> bool,
        since: Option<Date>,
        statuses: &[ReferralStatus],
    ) -> Option<Date> {
        self.referrals(kind, since)
            .filter(|step| statuses.contains(&step.status))
            .map(|step| step.date)
            .max()
    }

    /// Why a matching referral started on or after `since` leaves the need open, if one
    /// does: the latest the service declined, else the latest draft not yet sent.
    pub fn referral_left_open(
        &self,
        kind: fn(ReferralType) -> bool,
        since: Option<Date>,
    ) -> Option<ReferralStep> {
        [ReferralStatus::ServiceDeclined, ReferralStatus::Drafted]
            .into_iter()
            .find_map(|status| {
                self.latest_at(kind, since, &[status])
                    .map(|date| ReferralStep { status, date })
            })
    }

    /// How a firing referral rule ends its reason: `"no <what> referral since"` (or "is
    /// recorded" without a start date), or — when a lapsed decline, a service's refusal or an
    /// unsent draft is why it fires — that referral and its date.
    pub fn referral_gap(
        &self,
        kind: fn(ReferralType) -> bool,
        since: Option<Date>,
        what: &str,
    ) -> String {
        if let Some(date) = self.latest_decline(kind, since) {
            return format!(
                "the {what} referral declined or not taken up on {date} was more than {} days ago",
                self.policy.referral_reoffer_days
            );
        }
        match (self.referral_left_open(kind, since), since) {
            (Some(open), _) => open_referral(what, open),
            (None, Some(_)) => format!("no {what} referral since"),
            (None, None) => format!("no {what} referral is recorded"),
        }
    }

    /// An action of `rule`, with the catalogue's section, urgency and resolution.
    pub fn action(&self, rule: RuleId, due: Option<Date>, reason: String) -> Action {
        let info = rule.info();
        Action {
            rule,
            section: info.section,
            urgency: info.urgency,
            due,
            reason,
            resolve: info.resolve,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{Builder, d, with_total};

    #[test]
    fn series_is_in_date_order_whatever_the_entry_order_and_skips_errors() {
        let rec = Builder::new()
            .questionnaire(
                Instrument::Phq9,
                d("2026-10-01"),
                with_total(Instrument::Phq9, 12),
            )
            .questionnaire(
                Instrument::Phq9,
                d("2026-06-01"),
                with_total(Instrument::Phq9, 4),
            )
            .questionnaire(
                Instrument::Gad7,
                d("2026-07-01"),
                with_total(Instrument::Gad7, 9),
            )
            .questionnaire(
                Instrument::Phq9,
                d("2026-08-01"),
                with_total(Instrument::Phq9, 20),
            )
            .in_error()
            .questionnaire(Instrument::Phq9, d("2026-09-01"), vec![9; 9])
            .build();
        let series = score_series(&rec, Instrument::Phq9, &ScoringOptions::default());
        let got: Vec<(Date, Option<u8>)> = series.iter().map(|(d, s)| (*d, s.total())).collect();
        assert_eq!(
            got,
            [(d("2026-06-01"), Some(4)), (d("2026-10-01"), Some(12))]
        );
    }

    #[test]
    fn visible_hides_future_dated_entries_but_not_planned_contacts() {
        let rec = Builder::new()
            .encounter(d("2026-12-01"))
            .planned(d("2026-12-02"), crate::record::ContactStatus::Booked, false)
            .build();
        let policy = Policy::default();
        let ctx = Context::new(&rec, &policy, d("2026-11-28"));
        let kinds: Vec<&str> = ctx.visible().map(|e| e.body.kind_id()).collect();
        assert_eq!(kinds, ["planned-contact"]);
        assert_eq!(ctx.last_encounter, None);
    }

    #[test]
    fn only_the_scores_a_rule_can_use_are_scored() {
        let rec = Builder::new()
            .scored(Instrument::Gad7, d("2026-01-01"), 3)
            .scored(Instrument::Gad7, d("2026-02-01"), 4)
            .scored(Instrument::Gad7, d("2026-03-01"), 5)
            .scored(Instrument::Phq9, d("2026-01-10"), 1)
            .scored(Instrument::Phq9, d("2026-02-10"), 2)
            .review(d("2026-02-15"))
            .scored(Instrument::Phq9, d("2026-03-10"), 3)
            .scored(Instrument::Phq9, d("2026-04-10"), 4)
            .scored(Instrument::Phq9, d("2026-05-10"), 5)
            // Unscorable answers are skipped and the next older one takes their place.
            .questionnaire(Instrument::Pcl5, d("2026-06-01"), vec![9; 20])
            .scored(Instrument::Pcl5, d("2026-05-01"), 30)
            .scored(Instrument::Pcl5, d("2026-04-01"), 20)
            .scored(Instrument::Pcl5, d("2026-03-01"), 10)
            .build();
        let policy = Policy::default();
        let ctx = Context::new(&rec, &policy, d("2026-11-28"));
        let got: Vec<(&str, Option<u8>)> = ctx
            .scores
            .iter()
            .map(|s| (s.instrument().id(), s.score.total()))
            .collect();
        assert_eq!(
            got,
            [
                ("gad7", Some(4)),
                ("gad7", Some(5)),
                ("phq9", Some(3)),
                ("pcl5", Some(20)),
                ("phq9", Some(4)),
                ("pcl5", Some(30)),
                ("phq9", Some(5)),
            ]
        );
        assert_eq!(ctx.questionnaires.len(), 12);
        let mut no_rhs = Policy::default();
        no_rhs.set("rhs15.enabled", "false").expect("valid");
        let rhs = Builder::new()
            .scored(Instrument::Rhs15, d("2026-01-01"), 20)
            .build();
        assert!(
            Context::new(&rhs, &no_rhs, d("2026-11-28"))
                .questionnaires
                .is_empty()
        );
        assert_eq!(Context::new(&rhs, &policy, d("2026-11-28")).scores.len(), 1);
    }

    #[test]
    fn within_last_includes_both_ends() {
        let rec = Builder::new().build();
        let policy = Policy::default();
        let ctx = Context::new(&rec, &policy, d("2026-11-28"));
        assert!(ctx.within_last(d("2026-10-31"), 28));
        assert!(!ctx.within_last(d("2026-10-30"), 28));
        assert!(ctx.within_last(d("2026-11-28"), 28));
        assert!(!ctx.within_last(d("2026-11-29"), 28));
    }
}
