//! §3 General advice: wellbeing advice given at least once, and repeated while someone is
//! unwell.

use super::context::Context;
use super::{Action, RuleId};
use crate::Date;
use crate::record::{AdviceKind, EntryBody};

fn last_wellbeing_advice(ctx: &Context<'_>) -> Option<Date> {
    ctx.bodies(EntryBody::as_advice)
        .filter(|a| a.kind == AdviceKind::Wellbeing)
        .map(|a| a.date)
        .max()
}

/// `advice.wellbeing-not-given`
pub(super) fn wellbeing_not_given(ctx: &Context<'_>) -> Option<Action> {
    if last_wellbeing_advice(ctx).is_some() {
        return None;
    }
    Some(ctx.action(
        RuleId::AdviceWellbeingNotGiven,
        None,
        "No wellbeing advice has been recorded.".to_owned(),
    ))
}

/// `advice.wellbeing-reinforce`
pub(super) fn wellbeing_reinforce(ctx: &Context<'_>) -> Option<Action> {
    let last = last_wellbeing_advice(ctx)?;
    if ctx.at_most_days_since(last, ctx.policy.advice_reinforce_days) {
        return None;
    }
    let problem = ctx
        .current_problems()
        .filter(|p| p.kind.is_mental_health())
        .max_by_key(|p| (p.onset, p.kind));
    let why = match (problem, ctx.positive_screen()) {
        (Some(p), _) => format!("{} recorded since {}", p.kind.label(), p.onset),
        (None, Some(s)) => format!(
            "{} on {} was a positive screen",
            s.instrument().name(),
            s.date
        ),
        (None, None) => return None,
    };
    Some(ctx.action(
        RuleId::AdviceWellbeingReinforce,
        None,
        format!("{why}; wellbeing advice last given on {last}."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruments::Instrument;
    use crate::policy::Policy;
    use crate::record::ProblemKind;
    use crate::rules::test_support::{
        Builder, TODAY, assert_switch_off, check, check_with, d, fires,
    };

    const NOT_GIVEN: RuleId = RuleId::AdviceWellbeingNotGiven;
    const REINFORCE: RuleId = RuleId::AdviceWellbeingReinforce;

    #[test]
    fn not_given() {
        let bare = Builder::new().build();
        assert_eq!(
            check(NOT_GIVEN, &bare, TODAY),
            "- | No wellbeing advice has been recorded."
        );
        let given = Builder::new()
            .advice(AdviceKind::Wellbeing, d("2020-01-01"))
            .build();
        assert_eq!(check(NOT_GIVEN, &given, TODAY), "none");
        let enquiry = Builder::new()
            .advice(AdviceKind::PsychologicalEnquiry, d("2026-11-01"))
            .build();
        assert!(
            fires(NOT_GIVEN, &enquiry, TODAY),
            "an enquiry is not advice"
        );
        let in_error = Builder::new()
            .advice(AdviceKind::Wellbeing, d("2026-11-01"))
            .in_error()
            .build();
        assert!(fires(NOT_GIVEN, &in_error, TODAY));
        assert!(
            fires(NOT_GIVEN, &given, "2019-12-31"),
            "advice after today is not given yet"
        );
        assert_switch_off(NOT_GIVEN, &bare, TODAY);
    }

    fn unwell(advised: &str) -> Builder {
        Builder::new()
            .problem(ProblemKind::Depression, d("2026-03-01"), None)
            .advice(AdviceKind::Wellbeing, d(advised))
    }

    #[test]
    fn reinforce_after_ninety_days() {
        // 90 days before 2026-11-28 is 2026-08-30.
        assert_eq!(
            check(REINFORCE, &unwell("2026-08-30").build(), TODAY),
            "none"
        );
        assert_eq!(
            check(REINFORCE, &unwell("2026-08-29").build(), TODAY),
            "- | Depressive disorder recorded since 2026-03-01; wellbeing advice last given on 2026-08-29."
        );
        let again = unwell("2026-08-29").advice(AdviceKind::Wellbeing, d("2026-11-28"));
        assert!(!fires(REINFORCE, &again.build(), TODAY));
        let mut longer = Policy::default();
        longer
            .set("advice.reinforce-after-days", "120")
            .expect("valid");
        assert_eq!(
            check_with(REINFORCE, &unwell("2026-08-29").build(), &longer, TODAY),
            "none"
        );
        assert_switch_off(REINFORCE, &unwell("2026-08-29").build(), TODAY);
    }

    #[test]
    fn reinforce_needs_a_current_problem_or_positive_screen() {
        let well = Builder::new()
            .advice(AdviceKind::Wellbeing, d("2026-01-01"))
            .build();
        assert!(!fires(REINFORCE, &well, TODAY));
        let resolved = Builder::new()
            .problem(ProblemKind::Ptsd, d("2025-01-01"), Some(d("2026-06-01")))
            .advice(AdviceKind::Wellbeing, d("2026-01-01"))
            .build();
        assert!(!fires(REINFORCE, &resolved, TODAY));
        let lonely = Builder::new()
            .problem(ProblemKind::SocialIsolation, d("2025-01-01"), None)
            .advice(AdviceKind::Wellbeing, d("2026-01-01"))
            .build();
        assert!(
            !fires(REINFORCE, &lonely, TODAY),
            "isolation is not a mental-health problem"
        );
        let in_error = Builder::new()
            .problem(ProblemKind::Depression, d("2025-01-01"), None)
            .in_error()
            .advice(AdviceKind::Wellbeing, d("2026-01-01"))
            .build();
        assert!(!fires(REINFORCE, &in_error, TODAY));
        let screened = Builder::new()
            .advice(AdviceKind::Wellbeing, d("2026-01-01"))
            .scored(Instrument::Gad7, d("2026-10-01"), 12)
            .build();
        assert_eq!(
            check(REINFORCE, &screened, TODAY),
            "- | GAD-7 on 2026-10-01 was a positive screen; wellbeing advice last given on 2026-01-01."
        );
        let recovered = Builder::new()
            .advice(AdviceKind::Wellbeing, d("2026-01-01"))
            .scored(Instrument::Gad7, d("2026-10-01"), 12)
            .scored(Instrument::Gad7, d("2026-11-01"), 4)
            .build();
        assert!(
            !fires(REINFORCE, &recovered, TODAY),
            "only the latest score counts"
        );
        // Without earlier advice the not-given rule speaks instead.
        let never = Builder::new().problem(ProblemKind::Depression, d("2025-01-01"), None);
        assert!(!fires(REINFORCE, &never.build(), TODAY));
    }
}
