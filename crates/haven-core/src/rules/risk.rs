//! §6 Prognosis and risk: a risk review after every negative development or sign of suicidal
//! thinking, a safety plan when a review calls for one, and a look when scores rise.

use super::context::{Context, add_days};
use super::{Action, RuleId};
use crate::Date;
use crate::instruments::{Instrument, flag};
use crate::record::{EntryBody, ProblemKind, SuicidalThoughts};

/// `" and 2 later ones"` style tail for reasons naming the earliest of several facts.
fn and_later(others: usize, noun: &str) -> String {
    match others {
        0 => String::new(),
        1 => format!(", and 1 later {noun}"),
        n => format!(", and {n} later {noun}s"),
    }
}

/// Whether a fact dated `date` still lacks a risk review on or after it.
fn unreviewed(ctx: &Context<'_>, date: Date) -> bool {
    ctx.latest_review.is_none_or(|r| r.date < date)
}

/// `risk.reassess-after-event`
pub(super) fn reassess_after_event(ctx: &Context<'_>) -> Option<Action> {
    let events = || {
        ctx.negative_events
            .iter()
            .filter(|e| unreviewed(ctx, e.date))
    };
    let first = events().min_by_key(|e| (e.date, e.kind.label(), e.source))?;
    let later = and_later(events().count() - 1, "negative event");
    Some(ctx.action(
        RuleId::RiskReassessAfterEvent,
        Some(add_days(first.date, ctx.policy.reassess_due_days)),
        format!("{}{later}; no risk review since.", first.describe()),
    ))
}

/// `risk.assess-now`
pub(super) fn assess_now(ctx: &Context<'_>) -> Option<Action> {
    // Item 9 wherever it was recorded: with every item, or with only the total from elsewhere.
    let item9 = ctx.scores.iter().filter_map(|s| {
        let answer = s
            .score
            .item(9)
            .filter(|_| s.score.has_flag(flag::ITEM9_POSITIVE))?;
        let elsewhere = if s.score.items_missing() {
            " (recorded with only some items)"
        } else {
            ""
        };
        Some((
            s.date,
            format!("PHQ-9 item 9 answered {answer} on {}{elsewhere}", s.date),
        ))
    });
    let coded = ctx
        .bodies(EntryBody::as_problem)
        .filter(|p| {
            matches!(
                p.kind,
                ProblemKind::SuicidalThoughts | ProblemKind::SelfHarm
            )
        })
        .map(|p| {
            (
                p.onset,
                format!("{} recorded on {}", p.kind.label(), p.onset),
            )
        });
    let noted = ctx.bodies(EntryBody::as_encounter).filter_map(|e| {
        let what = match (e.suicidal_thoughts_noted, e.self_harm_noted) {
            (true, true) => "Suicidal thoughts and self-harm",
            (true, false) => "Suicidal thoughts",
            (false, true) => "Self-harm",
            (false, false) => return None,
        };
        Some((e.date, format!("{what} noted at the contact on {}", e.date)))
    });
    let mut triggers: Vec<(Date, String)> = item9
        .chain(coded)
        .chain(noted)
        .filter(|(date, _)| unreviewed(ctx, *date))
        .collect();
    triggers.sort_unstable();
    let count = triggers.len();
    let (date, what) = triggers.into_iter().next()?;
    let later = and_later(count - 1, "sign");
    Some(ctx.action(
        RuleId::RiskAssessNow,
        Some(date),
        format!("{what}{later}; no risk review since."),
    ))
}

/// `risk.safety-plan`
pub(super) fn safety_plan(ctx: &Context<'_>) -> Option<Action> {
    let review = ctx.latest_review.filter(|r| r.needs_safety_plan())?;
    if ctx
        .bodies(EntryBody::as_safety_plan)
        .any(|p| p.date >= review.date)
    {
        return None;
    }
    let mut found: Vec<&str> = Vec::with_capacity(3);
    match review.suicidal_thoughts {
        SuicidalThoughts::Active => found.push("active suicidal thoughts"),
        SuicidalThoughts::Passive => found.push("passive suicidal thoughts"),
        SuicidalThoughts::None => {}
    }
    if review.plans_or_intent {
        found.push("plans or intent");
    }
    if review.recent_self_harm {
        found.push("recent self-harm");
    }
    let what = match found.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => return None,
    };
    Some(ctx.action(
        RuleId::RiskSafetyPlan,
        Some(review.date),
        format!(
            "The risk review on {} recorded {what}; no safety plan since.",
            review.date
        ),
    ))
}

/// `risk.possible-relapse`
pub(super) fn possible_relapse(ctx: &Context<'_>) -> Option<Action> {
    let rise = |instrument: Instrument, threshold: u8| {
        let mut series = ctx
            .scores
            .iter()
            .rev()
            .filter(|s| s.instrument() == instrument && s.score.total().is_some());
        let (latest, previous) = (series.next()?, series.next()?);
        let (to, from) = (latest.score.total()?, previous.score.total()?);
        if to < from.saturating_add(threshold) || ctx.encounter_after(latest.date) {
            return None;
        }
        Some((
            latest.date,
            format!(
                "{} total rose from {from} on {} to {to} on {}; no contact since.",
                instrument.name(),
                previous.date,
                latest.date
            ),
        ))
    };
    let (_, reason) = match (rise(Instrument::Phq9, 5), rise(Instrument::Pcl5, 10)) {
        (Some(phq), Some(pcl)) => {
            if pcl.0 > phq.0 {
                pcl
            } else {
                phq
            }
        }
        (phq, pcl) => phq.or(pcl)?,
    };
    Some(ctx.action(RuleId::RiskPossibleRelapse, None, reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;
    use crate::record::LifeEventKind::*;
    use crate::rules::test_support::{
        Builder, TODAY, assert_switch_off, check, check_with, d, fires, with_total,
    };

    const AFTER_EVENT: RuleId = RuleId::RiskReassessAfterEvent;
    const NOW: RuleId = RuleId::RiskAssessNow;
    const PLAN: RuleId = RuleId::RiskSafetyPlan;
    const RELAPSE: RuleId = RuleId::RiskPossibleRelapse;

    #[test]
    fn reassess_after_event() {
        let refused = || Builder::new().event(AsylumRefused, d("2026-11-27"));
        assert_eq!(
            check(AFTER_EVENT, &refused().build(), TODAY),
            "2026-11-29 | Asylum claim refused on 2026-11-27; no risk review since."
        );
        assert_eq!(
            check(
                AFTER_EVENT,
                &refused().review(d("2026-11-27")).build(),
                TODAY
            ),
            "none"
        );
        assert!(fires(
            AFTER_EVENT,
            &refused().review(d("2026-11-26")).build(),
            TODAY
        ));
        assert!(fires(
            AFTER_EVENT,
            &refused().review(d("2026-11-27")).in_error().build(),
            TODAY
        ));
        assert!(!fires(AFTER_EVENT, &refused().in_error().build(), TODAY));
        assert!(
            !fires(AFTER_EVENT, &refused().build(), "2026-11-26"),
            "not yet happened"
        );
        let mut same_day = Policy::default();
        same_day.set("risk.reassess-due-days", "0").expect("valid");
        assert_eq!(
            check_with(AFTER_EVENT, &refused().build(), &same_day, TODAY).get(..10),
            Some("2026-11-27")
        );
        assert_switch_off(AFTER_EVENT, &refused().build(), TODAY);
    }

    #[test]
    fn reassess_after_an_asylum_situation_that_is_itself_a_negative_event() {
        use crate::record::AsylumStatus;
        let situation = |status| {
            Builder::new()
                .asylum(AsylumStatus::AwaitingDecision, d("2026-03-01"), true)
                .asylum(status, d("2026-11-27"), true)
        };
        assert_eq!(
            check(
                AFTER_EVENT,
                &situation(AsylumStatus::Refused).build(),
                TODAY
            ),
            "2026-11-29 | Asylum claim refused on 2026-11-27 (recorded as the asylum situation); no risk review since."
        );
        for status in [AsylumStatus::Detained, AsylumStatus::FacingRemoval] {
            assert_eq!(
                check(AFTER_EVENT, &situation(status).build(), TODAY),
                "2026-11-29 | Facing return or removal on 2026-11-27 (recorded as the asylum situation); no risk review since.",
                "{status:?}"
            );
        }
        for status in [
            AsylumStatus::Appeal,
            AsylumStatus::AwaitingDecision,
            AsylumStatus::GrantedRefugee,
        ] {
            assert!(
                !fires(AFTER_EVENT, &situation(status).build(), TODAY),
                "{status:?}"
            );
        }
        let dismissed = Builder::new()
            .asylum(AsylumStatus::Appeal, d("2026-06-01"), true)
            .asylum(AsylumStatus::Refused, d("2026-11-27"), true);
        assert_eq!(
            check(AFTER_EVENT, &dismissed.build(), TODAY),
            "2026-11-29 | Appeal dismissed on 2026-11-27 (recorded as the asylum situation); no risk review since."
        );
        // A review on or after the date it began resolves it, as for any event.
        let reviewed = situation(AsylumStatus::Refused).review(d("2026-11-27"));
        assert!(!fires(AFTER_EVENT, &reviewed.build(), TODAY));
        assert!(!fires(
            AFTER_EVENT,
            &situation(AsylumStatus::Refused).in_error().build(),
            TODAY
        ));
        assert_switch_off(
            AFTER_EVENT,
            &situation(AsylumStatus::Refused).build(),
            TODAY,
        );
    }

    #[test]
    fn an_event_recorded_both_as_life_event_and_situation_counts_once() {
        use crate::record::AsylumStatus;
        let both = Builder::new()
            .asylum(AsylumStatus::Refused, d("2026-11-27"), true)
            .event(AsylumRefused, d("2026-11-27"))
            .build();
        assert_eq!(
            check(AFTER_EVENT, &both, TODAY),
            "2026-11-29 | Asylum claim refused on 2026-11-27; no risk review since."
        );
        let with_other = Builder::new()
            .event(BadNewsFromHome, d("2026-11-25"))
            .asylum(AsylumStatus::Detained, d("2026-11-26"), true)
            .event(FacingReturn, d("2026-11-26"))
            .build();
        assert_eq!(
            check(AFTER_EVENT, &with_other, TODAY),
            "2026-11-27 | Bad news from home on 2026-11-25, and 1 later negative event; no risk review since."
        );
    }

    #[test]
    fn reassess_counts_every_event_since_the_last_review() {
        let rec = Builder::new()
            .event(BadNewsFromHome, d("2026-10-01"))
            .review(d("2026-10-02"))
            .event(FacingReturn, d("2026-11-25"))
            .event(SeparatedFromSupport, d("2026-11-20"))
            .event(EvictionOrDestitution, d("2026-11-26"))
            .build();
        assert_eq!(
            check(AFTER_EVENT, &rec, TODAY),
            "2026-11-22 | Separated from friends or support on 2026-11-20, and 2 later negative events; no risk review since."
        );
    }

    #[test]
    fn assess_now_on_phq9_item9() {
        let mut answers = with_total(Instrument::Phq9, 4);
        answers[8] = 1;
        let b = || Builder::new().questionnaire(Instrument::Phq9, d("2026-11-20"), answers.clone());
        assert_eq!(
            check(NOW, &b().build(), TODAY),
            "2026-11-20 | PHQ-9 item 9 answered 1 on 2026-11-20; no risk review since."
        );
        assert!(!fires(NOW, &b().review(d("2026-11-20")).build(), TODAY));
        assert!(fires(NOW, &b().review(d("2026-11-19")).build(), TODAY));
        assert!(!fires(NOW, &b().in_error().build(), TODAY));
        let zero = Builder::new()
            .scored(Instrument::Phq9, d("2026-11-20"), 20)
            .build();
        assert!(!fires(NOW, &zero, TODAY), "a high total with item 9 at 0");
        assert_switch_off(NOW, &b().build(), TODAY);
    }

    #[test]
    fn assess_now_on_item9_recorded_elsewhere_with_only_some_items() {
        let b = |item9, total| {
            Builder::new().recorded(Instrument::Phq9, d("2026-11-20"), &[(9, item9)], total)
        };
        assert_eq!(
            check(NOW, &b(2, Some(6)).build(), TODAY),
            "2026-11-20 | PHQ-9 item 9 answered 2 on 2026-11-20 (recorded with only some items); no risk review since."
        );
        assert!(
            fires(NOW, &b(1, None).build(), TODAY),
            "item 9 without a total"
        );
        assert!(!fires(NOW, &b(0, Some(20)).build(), TODAY));
        assert!(!fires(
            NOW,
            &b(2, Some(6)).review(d("2026-11-20")).build(),
            TODAY
        ));
        // A total alone says nothing about item 9.
        let total_only = Builder::new().recorded(Instrument::Phq9, d("2026-11-20"), &[], Some(27));
        assert!(!fires(NOW, &total_only.build(), TODAY));
    }

    #[test]
    fn assess_now_on_coded_or_noted_thoughts_and_self_harm() {
        let coded = Builder::new()
            .problem(ProblemKind::SelfHarm, d("2026-11-10"), None)
            .build();
        assert_eq!(
            check(NOW, &coded, TODAY),
            "2026-11-10 | Self-harm recorded on 2026-11-10; no risk review since."
        );
        let noted = Builder::new()
            .encounter_with(d("2026-11-12"), |e| e.suicidal_thoughts_noted = true)
            .encounter_with(d("2026-11-14"), |e| e.self_harm_noted = true)
            .build();
        assert_eq!(
            check(NOW, &noted, TODAY),
            "2026-11-12 | Suicidal thoughts noted at the contact on 2026-11-12, and 1 later sign; no risk review since."
        );
        let reviewed_between = Builder::new()
            .encounter_with(d("2026-11-12"), |e| e.suicidal_thoughts_noted = true)
            .review(d("2026-11-13"))
            .encounter_with(d("2026-11-14"), |e| e.self_harm_noted = true)
            .build();
        assert_eq!(
            check(NOW, &reviewed_between, TODAY).get(..10),
            Some("2026-11-14")
        );
        let other = Builder::new()
            .problem(ProblemKind::Depression, d("2026-11-10"), None)
            .build();
        assert!(!fires(NOW, &other, TODAY));
    }

    #[test]
    fn safety_plan() {
        let review = |change: fn(&mut crate::record::RiskReview)| {
            Builder::new().review_with(d("2026-11-20"), change)
        };
        let passive = || review(|r| r.suicidal_thoughts = SuicidalThoughts::Passive);
        assert_eq!(
            check(PLAN, &passive().build(), TODAY),
            "2026-11-20 | The risk review on 2026-11-20 recorded passive suicidal thoughts; no safety plan since."
        );
        let many = review(|r| {
            r.suicidal_thoughts = SuicidalThoughts::Active;
            r.plans_or_intent = true;
            r.recent_self_harm = true;
        });
        assert_eq!(
            check(PLAN, &many.build(), TODAY),
            "2026-11-20 | The risk review on 2026-11-20 recorded active suicidal thoughts, plans or intent and recent self-harm; no safety plan since."
        );
        assert!(fires(
            PLAN,
            &review(|r| r.recent_self_harm = true).build(),
            TODAY
        ));
        assert!(!fires(PLAN, &review(|_| {}).build(), TODAY));
        assert!(!fires(
            PLAN,
            &passive().safety_plan(d("2026-11-20")).build(),
            TODAY
        ));
        assert!(fires(
            PLAN,
            &passive().safety_plan(d("2026-11-19")).build(),
            TODAY
        ));
        assert!(fires(
            PLAN,
            &passive().safety_plan(d("2026-11-21")).in_error().build(),
            TODAY
        ));
        // Only the latest review counts: a later clear review needs no plan.
        assert!(!fires(
            PLAN,
            &passive().review(d("2026-11-25")).build(),
            TODAY
        ));
        assert!(!fires(PLAN, &passive().in_error().build(), TODAY));
        assert_switch_off(PLAN, &passive().build(), TODAY);
    }

    #[test]
    fn relapse_on_a_phq9_rise_of_five() {
        let rise = |to| {
            Builder::new()
                .scored(Instrument::Phq9, d("2026-10-01"), 8)
                .scored(Instrument::Phq9, d("2026-11-20"), to)
        };
        assert_eq!(
            check(RELAPSE, &rise(13).build(), TODAY),
            "- | PHQ-9 total rose from 8 on 2026-10-01 to 13 on 2026-11-20; no contact since."
        );
        assert!(!fires(RELAPSE, &rise(12).build(), TODAY));
        assert!(!fires(
            RELAPSE,
            &rise(13).encounter(d("2026-11-21")).build(),
            TODAY
        ));
        assert!(fires(
            RELAPSE,
            &rise(13).encounter(d("2026-11-20")).build(),
            TODAY
        ));
        assert!(!fires(RELAPSE, &rise(13).in_error().build(), TODAY));
        // Only the latest two scores are compared.
        let settled = rise(13).scored(Instrument::Phq9, d("2026-11-25"), 12);
        assert!(!fires(RELAPSE, &settled.build(), TODAY));
        assert_switch_off(RELAPSE, &rise(13).build(), TODAY);
    }

    #[test]
    fn relapse_reads_recorded_totals_and_passes_over_results_without_one() {
        let rise = || {
            Builder::new()
                .recorded(Instrument::Phq9, d("2026-10-01"), &[], Some(8))
                .recorded(Instrument::Phq9, d("2026-11-20"), &[(9, 0)], Some(13))
        };
        assert_eq!(
            check(RELAPSE, &rise().build(), TODAY),
            "- | PHQ-9 total rose from 8 on 2026-10-01 to 13 on 2026-11-20; no contact since."
        );
        // A later result with item 9 but no total hides neither score.
        let item9_only = rise().recorded(Instrument::Phq9, d("2026-11-25"), &[(9, 0)], None);
        assert!(fires(RELAPSE, &item9_only.build(), TODAY));
        let mixed = Builder::new()
            .scored(Instrument::Pcl5, d("2026-09-01"), 20)
            .recorded(Instrument::Pcl5, d("2026-11-01"), &[], Some(30))
            .build();
        assert!(fires(RELAPSE, &mixed, TODAY));
    }

    #[test]
    fn relapse_on_a_pcl5_rise_of_ten_and_not_across_instruments() {
        let rise = |to| {
            Builder::new()
                .scored(Instrument::Pcl5, d("2026-09-01"), 20)
                .scored(Instrument::Pcl5, d("2026-11-01"), to)
                .build()
        };
        assert_eq!(
            check(RELAPSE, &rise(30), TODAY),
            "- | PCL-5 total rose from 20 on 2026-09-01 to 30 on 2026-11-01; no contact since."
        );
        assert!(!fires(RELAPSE, &rise(29), TODAY));
        let mixed = Builder::new()
            .scored(Instrument::Gad7, d("2026-09-01"), 2)
            .scored(Instrument::Gad7, d("2026-11-01"), 20)
            .scored(Instrument::Phq9, d("2026-11-02"), 20)
            .build();
        assert!(!fires(RELAPSE, &mixed, TODAY));
    }
}
