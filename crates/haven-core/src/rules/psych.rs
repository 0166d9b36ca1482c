//! §5 Psychological therapy and prescribing: referral when screens or diagnoses call for it,
//! the timing of trauma-focused work, and follow-up of psychotropic medication.

use super::context::{Context, add_days};
use super::{Action, RuleId};
use crate::Date;
use crate::instruments::{Detail, Instrument, ItqDiagnosis};
use crate::record::{EntryBody, ReferralType};

fn psychological(kind: ReferralType) -> bool {
    kind.is_psychological()
}

/// `psych.consider-referral`
pub(super) fn consider_referral(ctx: &Context<'_>) -> Option<Action> {
    let screen = ctx.positive_screen().map(|s| (s.date, s.describe()));
    let problem = ctx
        .current_problems()
        .filter(|p| p.kind.is_mental_health())
        .max_by_key(|p| (p.onset, p.kind))
        .map(|p| {
            (
                p.onset,
                format!("{} recorded since {}", p.kind.label(), p.onset),
            )
        });
    // The most recent of the two names the reason; ties prefer the screen, the fresher fact.
    let (_, why) = match (screen, problem) {
        (Some(s), Some(p)) => {
            if p.0 > s.0 {
                p
            } else {
                s
            }
        }
        (s, p) => s.or(p)?,
    };
    if ctx.referral_resolves(psychological, None) {
        return None;
    }
    let gap = ctx.referral_gap(psychological, None, "psychological therapy");
    Some(ctx.action(
        RuleId::PsychConsiderReferral,
        None,
        format!("{why}; {gap}."),
    ))
}

/// PTSD or complex PTSD, coded or by the latest ITQ: the fact and its date for a reason.
fn ptsd(ctx: &Context<'_>) -> Option<(Date, String)> {
    let coded = ctx
        .current_problems()
        .filter(|p| p.kind.is_ptsd())
        .max_by_key(|p| (p.onset, p.kind))
        .map(|p| {
            (
                p.onset,
                format!("{} recorded since {}", p.kind.label(), p.onset),
            )
        });
    let itq = ctx
        .latest_scores()
        .find(|s| s.instrument() == Instrument::Itq)
        .filter(|s| {
            matches!(
                s.score.detail(),
                Some(Detail::Itq(d)) if d.diagnosis != ItqDiagnosis::Neither
            )
        })
        .map(|s| (s.date, s.describe()));
    match (coded, itq) {
        (Some(c), Some(i)) => Some(if i.0 > c.0 { i } else { c }),
        (c, i) => c.or(i),
    }
}

/// `psych.trauma-focus-timing`
pub(super) fn trauma_focus_timing(ctx: &Context<'_>) -> Option<Action> {
    if ctx.asylum_granted() {
        return None;
    }
    let (_, why) = ptsd(ctx)?;
    let status = match ctx.asylum {
        Some(a) => format!(
            "leave to remain has not been granted ({} since {})",
            a.status.label().to_lowercase(),
            a.since
        ),
        None => "no grant of leave to remain is recorded".to_owned(),
    };
    Some(ctx.action(
        RuleId::PsychTraumaFocusTiming,
        None,
        format!("{why}, and {status}."),
    ))
}

/// `psych.medication-followup`
pub(super) fn medication_followup(ctx: &Context<'_>) -> Option<Action> {
    let started = ctx
        .bodies(EntryBody::as_medication)
        .map(|m| m.started)
        .max()?;
    if ctx.encounter_after(started) {
        return None;
    }
    Some(ctx.action(
        RuleId::PsychMedicationFollowup,
        Some(add_days(started, ctx.policy.medication_followup_days)),
        format!("Psychotropic medication started on {started}; no contact since."),
    ))
}

/// `psych.medication-without-therapy`
pub(super) fn medication_without_therapy(ctx: &Context<'_>) -> Option<Action> {
    let active_since = ctx
        .bodies(EntryBody::as_medication)
        .filter(|m| m.stopped.is_none_or(|end| ctx.is_ahead(end)))
        .map(|m| m.started)
        .max()?;
    if ctx.referral_resolves(psychological, None) {
        return None;
    }
    let gap = ctx.referral_gap(psychological, None, "psychological therapy");
    Some(ctx.action(
        RuleId::PsychMedicationWithoutTherapy,
        None,
        format!("Psychotropic medication active since {active_since}; {gap}."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;
    use crate::record::{AsylumStatus, ProblemKind, ReferralStatus::*};
    use crate::rules::test_support::{
        Builder, TODAY, assert_switch_off, check, check_with, d, fires,
    };

    const CONSIDER: RuleId = RuleId::PsychConsiderReferral;
    const TIMING: RuleId = RuleId::PsychTraumaFocusTiming;
    const MED_FOLLOWUP: RuleId = RuleId::PsychMedicationFollowup;
    const MED_THERAPY: RuleId = RuleId::PsychMedicationWithoutTherapy;

    /// ITQ answers meeting PTSD (and, with `dso`, complex PTSD) criteria.
    fn itq(dso: bool) -> Vec<u8> {
        let mut a = vec![0; 18];
        for i in [0, 2, 4, 6] {
            a[i] = 3;
        }
        if dso {
            for i in [9, 11, 13, 15] {
                a[i] = 3;
            }
        }
        a
    }

    #[test]
    fn consider_referral_on_each_positive_screen_at_its_threshold() {
        let cases = [
            (Instrument::Phq9, 10, 9),
            (Instrument::Gad7, 10, 9),
            (Instrument::Pcl5, 33, 32),
            (Instrument::Rhs15, 11, 10),
        ];
        for (instrument, positive, negative) in cases {
            let at = |total| {
                Builder::new()
                    .scored(instrument, d("2026-11-01"), total)
                    .build()
            };
            assert!(
                fires(CONSIDER, &at(positive), TODAY),
                "{instrument} {positive}"
            );
            assert!(
                !fires(CONSIDER, &at(negative), TODAY),
                "{instrument} {negative}"
            );
        }
        let phq = Builder::new()
            .scored(Instrument::Phq9, d("2026-11-01"), 14)
            .build();
        assert_eq!(
            check(CONSIDER, &phq, TODAY),
            "- | PHQ-9 total 14 on 2026-11-01; no psychological therapy referral is recorded."
        );
        let itq_rec = Builder::new()
            .questionnaire(Instrument::Itq, d("2026-11-02"), itq(true))
            .build();
        assert_eq!(
            check(CONSIDER, &itq_rec, TODAY),
            "- | ITQ on 2026-11-02 indicating complex PTSD; no psychological therapy referral is recorded."
        );
        assert!(!fires(
            CONSIDER,
            &Builder::new()
                .scored(Instrument::Phq15, d("2026-11-01"), 20)
                .build(),
            TODAY
        ));
        assert_switch_off(CONSIDER, &phq, TODAY);
    }

    #[test]
    fn consider_referral_on_a_total_recorded_elsewhere() {
        for (instrument, positive, negative) in [
            (Instrument::Phq9, 10, 9),
            (Instrument::Gad7, 10, 9),
            (Instrument::Pcl5, 33, 32),
        ] {
            let at = |total| {
                Builder::new()
                    .recorded(instrument, d("2026-11-01"), &[], Some(total))
                    .build()
            };
            assert!(fires(CONSIDER, &at(positive), TODAY), "{instrument}");
            assert!(!fires(CONSIDER, &at(negative), TODAY), "{instrument}");
        }
        let phq = Builder::new()
            .recorded(Instrument::Phq9, d("2026-11-01"), &[(9, 0)], Some(14))
            .build();
        assert_eq!(
            check(CONSIDER, &phq, TODAY),
            "- | PHQ-9 total 14 on 2026-11-01; no psychological therapy referral is recorded."
        );
        // A later result without a total is not a negative screen: the total before it counts.
        let later = Builder::new()
            .recorded(Instrument::Phq9, d("2026-11-01"), &[], Some(14))
            .recorded(Instrument::Phq9, d("2026-11-10"), &[(9, 0)], None)
            .build();
        assert!(fires(CONSIDER, &later, TODAY));
        let lower = Builder::new()
            .recorded(Instrument::Phq9, d("2026-11-01"), &[], Some(14))
            .recorded(Instrument::Phq9, d("2026-11-10"), &[], Some(4))
            .build();
        assert!(
            !fires(CONSIDER, &lower, TODAY),
            "only the latest total counts"
        );
    }

    #[test]
    fn consider_referral_follows_policy_cutoff_and_rhs15_switch() {
        let pcl = Builder::new()
            .scored(Instrument::Pcl5, d("2026-11-01"), 31)
            .build();
        assert!(!fires(CONSIDER, &pcl, TODAY));
        let mut low = Policy::default();
        low.set("pcl5.cutoff", "31").expect("valid");
        assert_ne!(check_with(CONSIDER, &pcl, &low, TODAY), "none");
        let rhs = Builder::new()
            .scored(Instrument::Rhs15, d("2026-11-01"), 20)
            .build();
        let mut no_rhs = Policy::default();
        no_rhs.set("rhs15.enabled", "false").expect("valid");
        assert_eq!(check_with(CONSIDER, &rhs, &no_rhs, TODAY), "none");
    }

    #[test]
    fn consider_referral_on_coded_problems_and_resolution() {
        let coded = || Builder::new().problem(ProblemKind::ComplexPtsd, d("2026-02-01"), None);
        assert_eq!(
            check(CONSIDER, &coded().build(), TODAY),
            "- | Complex PTSD recorded since 2026-02-01; no psychological therapy referral is recorded."
        );
        for kind in [
            ReferralType::PsychologicalTherapy,
            ReferralType::SpecialistTrauma,
            ReferralType::TalkingTherapies,
        ] {
            for status in [Sent, Completed] {
                let rec = coded().referral(kind, status, d("2026-03-01")).build();
                assert!(!fires(CONSIDER, &rec, TODAY), "{kind:?} {status:?}");
            }
        }
        let social = coded().referral(ReferralType::SocialPrescribing, Sent, d("2026-03-01"));
        assert!(fires(CONSIDER, &social.build(), TODAY));
        let in_error = coded()
            .referral(ReferralType::TalkingTherapies, Sent, d("2026-03-01"))
            .in_error();
        assert!(fires(CONSIDER, &in_error.build(), TODAY));
        // A decline on 2025-11-28 holds for 365 days, up to and including 2026-11-28.
        let declined = coded()
            .referral(
                ReferralType::PsychologicalTherapy,
                Declined,
                d("2025-11-28"),
            )
            .build();
        assert!(!fires(CONSIDER, &declined, "2026-11-28"));
        assert_eq!(
            check(CONSIDER, &declined, "2026-11-29"),
            "- | Complex PTSD recorded since 2026-02-01; the psychological therapy referral declined or not taken up on 2025-11-28 was more than 365 days ago."
        );
        let problem_in_error = coded().in_error().build();
        assert!(!fires(CONSIDER, &problem_in_error, TODAY));
        let old_positive = Builder::new()
            .scored(Instrument::Phq9, d("2026-06-01"), 15)
            .scored(Instrument::Phq9, d("2026-10-01"), 6)
            .build();
        assert!(
            !fires(CONSIDER, &old_positive, TODAY),
            "only the latest score counts"
        );
    }

    #[test]
    fn trauma_focus_timing() {
        let coded = || Builder::new().problem(ProblemKind::Ptsd, d("2026-02-01"), None);
        assert_eq!(
            check(TIMING, &coded().build(), TODAY),
            "- | Post-traumatic stress disorder recorded since 2026-02-01, and no grant of leave to remain is recorded."
        );
        let refused = coded()
            .asylum(AsylumStatus::Refused, d("2026-09-01"), true)
            .build();
        assert_eq!(
            check(TIMING, &refused, TODAY),
            "- | Post-traumatic stress disorder recorded since 2026-02-01, and leave to remain has not been granted (claim refused since 2026-09-01)."
        );
        let granted = coded().asylum(AsylumStatus::GrantedHumanitarian, d("2026-09-01"), true);
        assert!(!fires(TIMING, &granted.build(), TODAY));
        // Granted after today's evaluation date is not yet granted.
        assert!(fires(
            TIMING,
            &coded()
                .asylum(AsylumStatus::GrantedRefugee, d("2026-12-01"), true)
                .build(),
            TODAY
        ));
        let by_itq = Builder::new().questionnaire(Instrument::Itq, d("2026-10-01"), itq(false));
        assert_eq!(
            check(TIMING, &by_itq.build(), TODAY),
            "- | ITQ on 2026-10-01 indicating PTSD, and no grant of leave to remain is recorded."
        );
        let depression = Builder::new().problem(ProblemKind::Depression, d("2026-02-01"), None);
        assert!(!fires(TIMING, &depression.build(), TODAY));
        assert!(!fires(TIMING, &coded().in_error().build(), TODAY));
        let info =
            crate::rules::evaluate_rule(TIMING, &coded().build(), &Policy::default(), d(TODAY));
        assert_eq!(
            info.map(|a| (a.urgency, a.due)),
            Some((crate::rules::Urgency::Info, None))
        );
        assert_switch_off(TIMING, &coded().build(), TODAY);
    }

    #[test]
    fn medication_followup_due_fourteen_days_after_the_start() {
        let started = || Builder::new().medication(d("2026-11-20"), None);
        assert_eq!(
            check(MED_FOLLOWUP, &started().build(), TODAY),
            "2026-12-04 | Psychotropic medication started on 2026-11-20; no contact since."
        );
        assert!(
            fires(
                MED_FOLLOWUP,
                &started().encounter(d("2026-11-20")).build(),
                TODAY
            ),
            "the prescribing visit itself does not count"
        );
        assert!(!fires(
            MED_FOLLOWUP,
            &started().encounter(d("2026-11-21")).build(),
            TODAY
        ));
        assert!(fires(
            MED_FOLLOWUP,
            &started().encounter(d("2026-11-21")).in_error().build(),
            TODAY
        ));
        assert!(!fires(MED_FOLLOWUP, &started().build(), "2026-11-19"));
        let late = Builder::new()
            .medication(d("2026-01-01"), None)
            .encounter(d("2026-03-01"));
        assert!(
            !fires(MED_FOLLOWUP, &late.build(), TODAY),
            "a late follow-up still resolves"
        );
        let restart = Builder::new()
            .medication(d("2026-01-01"), Some(d("2026-02-01")))
            .encounter(d("2026-01-10"))
            .medication(d("2026-11-01"), None);
        assert_eq!(
            check(MED_FOLLOWUP, &restart.build(), TODAY).get(..10),
            Some("2026-11-15")
        );
        let mut longer = Policy::default();
        longer
            .set("psych.medication-followup-days", "28")
            .expect("valid");
        assert_eq!(
            check_with(MED_FOLLOWUP, &started().build(), &longer, TODAY).get(..10),
            Some("2026-12-18")
        );
        assert_switch_off(MED_FOLLOWUP, &started().build(), TODAY);
    }

    #[test]
    fn medication_without_therapy() {
        let on_med = || Builder::new().medication(d("2026-06-01"), None);
        assert_eq!(
            check(MED_THERAPY, &on_med().build(), TODAY),
            "- | Psychotropic medication active since 2026-06-01; no psychological therapy referral is recorded."
        );
        let referred =
            on_med().referral(ReferralType::TalkingTherapies, Completed, d("2025-01-01"));
        assert!(
            !fires(MED_THERAPY, &referred.build(), TODAY),
            "a referral ever counts"
        );
        let declined = on_med().referral(ReferralType::SpecialistTrauma, Declined, d("2026-07-01"));
        assert!(!fires(MED_THERAPY, &declined.build(), TODAY));
        let stopped = Builder::new().medication(d("2026-06-01"), Some(d("2026-11-28")));
        assert!(
            !fires(MED_THERAPY, &stopped.build(), TODAY),
            "stopped today is no longer active"
        );
        let stopping = Builder::new().medication(d("2026-06-01"), Some(d("2026-11-29")));
        assert!(fires(MED_THERAPY, &stopping.build(), TODAY));
        assert!(!fires(MED_THERAPY, &on_med().in_error().build(), TODAY));
        assert_switch_off(MED_THERAPY, &on_med().build(), TODAY);
    }
}
