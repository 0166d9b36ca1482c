//! §7 Somatic symptoms: repeated pain or headaches without a physical cause prompt an enquiry
//! into mood and circumstances.

use super::context::{Context, sub_days};
use super::{Action, RuleId};
use crate::instruments::Instrument;
use crate::record::{AdviceKind, EntryBody};

/// `somatic.explore-psychological`
pub(super) fn explore_psychological(ctx: &Context<'_>) -> Option<Action> {
    let window = ctx.policy.somatic_window_days;
    let in_window = |date| ctx.within_last(date, window);
    let (count, first, last) = ctx
        .bodies(EntryBody::as_encounter)
        .filter(|e| {
            !e.somatic_complaints.is_empty() && !e.physical_cause_found && in_window(e.date)
        })
        .fold((0usize, ctx.today, ctx.today), |(n, first, last), e| {
            let last = if n == 0 { e.date } else { last.max(e.date) };
            (n + 1, first.min(e.date), last)
        });
    if count < 2 {
        return None;
    }
    let questionnaire = ctx.questionnaires.iter().any(|(_, q)| {
        matches!(q.instrument, Instrument::Phq9 | Instrument::Phq15) && in_window(q.date)
    });
    let enquiry = ctx
        .bodies(EntryBody::as_advice)
        .any(|a| a.kind == AdviceKind::PsychologicalEnquiry && in_window(a.date));
    if questionnaire || enquiry {
        return None;
    }
    let since = sub_days(ctx.names_today(), window);
    Some(ctx.action(
        RuleId::SomaticExplorePsychological,
        None,
        format!(
            "Somatic complaints without a physical cause at {count} contacts between {first} and {last}; no PHQ-15, PHQ-9 or psychological enquiry since {since}."
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;
    use crate::record::SomaticComplaint::*;
    use crate::rules::test_support::{
        Builder, TODAY, assert_switch_off, check, check_with, d, fires,
    };

    const RULE: RuleId = RuleId::SomaticExplorePsychological;

    fn two(first: &str) -> Builder {
        Builder::new()
            .somatic(d(first), Headache)
            .somatic(d("2026-11-01"), BackPain)
    }

    #[test]
    fn fires_on_two_unexplained_somatic_contacts_in_the_window() {
        // 180 days before 2026-11-28 is 2026-06-01.
        assert_eq!(
            check(RULE, &two("2026-06-01").build(), TODAY),
            "- | Somatic complaints without a physical cause at 2 contacts between 2026-06-01 and 2026-11-01; no PHQ-15, PHQ-9 or psychological enquiry since 2026-06-01."
        );
        assert!(!fires(RULE, &two("2026-05-31").build(), TODAY));
        let one = Builder::new()
            .somatic(d("2026-11-01"), ChronicPain)
            .encounter(d("2026-11-02"));
        assert!(
            !fires(RULE, &one.build(), TODAY),
            "plain contacts do not count"
        );
        let explained = Builder::new()
            .somatic(d("2026-10-01"), Headache)
            .encounter_with(d("2026-11-01"), |e| {
                e.somatic_complaints.push(BackPain);
                e.physical_cause_found = true;
            });
        assert!(!fires(RULE, &explained.build(), TODAY));
        assert!(!fires(RULE, &two("2026-10-01").in_error().build(), TODAY));
        let mut narrow = Policy::default();
        narrow.set("somatic.window-days", "30").expect("valid");
        assert_eq!(
            check_with(RULE, &two("2026-10-01").build(), &narrow, TODAY),
            "none"
        );
        assert_switch_off(RULE, &two("2026-10-01").build(), TODAY);
    }

    #[test]
    fn an_enquiry_or_questionnaire_in_the_window_resolves_it() {
        let b = || two("2026-09-01");
        let phq15 = b().scored(Instrument::Phq15, d("2026-06-01"), 6);
        assert!(!fires(RULE, &phq15.build(), TODAY));
        let phq9 = b().scored(Instrument::Phq9, d("2026-11-27"), 3);
        assert!(!fires(RULE, &phq9.build(), TODAY));
        let old = b().scored(Instrument::Phq9, d("2026-05-31"), 3);
        assert!(fires(RULE, &old.build(), TODAY));
        let gad = b().scored(Instrument::Gad7, d("2026-11-01"), 3);
        assert!(
            fires(RULE, &gad.build(), TODAY),
            "GAD-7 is not one of the resolving forms"
        );
        let enquiry = b().advice(AdviceKind::PsychologicalEnquiry, d("2026-10-01"));
        assert!(!fires(RULE, &enquiry.build(), TODAY));
        let advice = b().advice(AdviceKind::Wellbeing, d("2026-10-01"));
        assert!(fires(RULE, &advice.build(), TODAY));
        let in_error = b()
            .advice(AdviceKind::PsychologicalEnquiry, d("2026-10-01"))
            .in_error();
        assert!(fires(RULE, &in_error.build(), TODAY));
    }
}
