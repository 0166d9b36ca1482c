//! Referrals that have gone quiet (§4, and the referrals of §5 and §8): a referral sent with no
//! answer from the service after the policy's interval comes back to the worklist. Haven adds
//! this rule (`referral.no-response`) for issue 14; the contract's list does not hold it.

use super::context::{Context, add_days};
use super::{Action, RuleId};
use crate::Date;
use crate::record::{EntryBody, ReferralStatus};

/// `referral.no-response`
pub(super) fn no_response(ctx: &Context<'_>) -> Option<Action> {
    let days = ctx.policy.referral_no_response_days;
    let mut waiting: Vec<(Date, &str)> = ctx
        .bodies(EntryBody::as_referral)
        .filter_map(|r| {
            let now = ctx.status_today(r)?;
            (now.status == ReferralStatus::Sent).then(|| (now.date, r.kind.label()))
        })
        .filter(|&(sent, _)| ctx.has_come(add_days(sent, days)))
        .collect();
    waiting.sort();
    let &(sent, to) = waiting.first()?;
    let others = &waiting[1..];
    let mut reason = format!("No response from {to} in {days} days to the referral sent on {sent}");
    match others.len() {
        0 => {}
        1 => reason.push_str("; 1 more referral is waiting too"),
        n => reason.push_str(&format!("; {n} more referrals are waiting too")),
    }
    reason.push('.');
    Some(ctx.action(
        RuleId::ReferralNoResponse,
        Some(add_days(sent, days)),
        reason,
    ))
}

#[cfg(test)]
mod tests {
    use crate::policy::Policy;
    use crate::record::ReferralStatus::*;
    use crate::record::ReferralType::*;
    use crate::rules::RuleId;
    use crate::rules::test_support::{Builder, TODAY, assert_switch_off, check, check_with, d};

    const RULE: RuleId = RuleId::ReferralNoResponse;

    #[test]
    fn fires_on_the_policy_day_and_not_before() {
        // 28 days before 2026-11-28 is 2026-10-31.
        let sent = |date| {
            Builder::new()
                .referral_steps(
                    SpecialistTrauma,
                    &[(Drafted, d("2026-10-20")), (Sent, d(date))],
                )
                .build()
        };
        assert_eq!(check(RULE, &sent("2026-11-01"), TODAY), "none");
        assert_eq!(
            check(RULE, &sent("2026-10-31"), TODAY),
            "2026-11-28 | No response from Specialist trauma service in 28 days to the referral sent on 2026-10-31."
        );
        assert_eq!(
            check(RULE, &sent("2026-10-31"), "2026-11-27"),
            "none",
            "the day before"
        );
        assert_switch_off(RULE, &sent("2026-10-01"), TODAY);
    }

    #[test]
    fn the_interval_is_the_practices() {
        let rec = Builder::new()
            .referral(TalkingTherapies, Sent, d("2026-11-14"))
            .build();
        let mut fortnight = Policy::default();
        fortnight
            .set("referral.no-response-days", "14")
            .expect("in range");
        assert_eq!(
            check_with(RULE, &rec, &fortnight, TODAY),
            "2026-11-28 | No response from NHS Talking Therapies in 14 days to the referral sent on 2026-11-14."
        );
        assert_eq!(check(RULE, &rec, TODAY), "none");
    }

    #[test]
    fn an_answer_or_a_decline_ends_the_wait() {
        for answer in [
            Accepted,
            Seen,
            Completed,
            ServiceDeclined,
            Declined,
            NotTakenUp,
        ] {
            let rec = Builder::new()
                .referral_steps(
                    RefugeeSupport,
                    &[(Sent, d("2026-09-01")), (answer, d("2026-11-01"))],
                )
                .build();
            assert_eq!(check(RULE, &rec, TODAY), "none", "{answer:?}");
            // Seen as of a day before the answer, it was still waiting.
            assert!(check(RULE, &rec, "2026-10-31").starts_with("2026-09-29 |"));
        }
        let draft = Builder::new()
            .referral(RefugeeSupport, Drafted, d("2026-01-01"))
            .build();
        assert_eq!(check(RULE, &draft, TODAY), "none", "a draft never went out");
        let in_error = Builder::new()
            .referral(RefugeeSupport, Sent, d("2026-01-01"))
            .in_error()
            .build();
        assert_eq!(check(RULE, &in_error, TODAY), "none");
    }

    /// Every rule that asks for a referral, with a record that makes it fire on [`TODAY`].
    fn referral_asking_rules() -> Vec<(RuleId, Builder)> {
        use crate::record::{AbuseKind, ProblemKind};
        vec![
            (RuleId::SocialSupportOrg, Builder::new()),
            (
                RuleId::SocialPrescribing,
                Builder::new().problem(ProblemKind::SocialIsolation, d("2026-05-01"), None),
            ),
            (
                RuleId::PsychConsiderReferral,
                Builder::new().problem(ProblemKind::Ptsd, d("2026-02-01"), None),
            ),
            (
                RuleId::PsychMedicationWithoutTherapy,
                Builder::new().medication(d("2026-06-01"), None),
            ),
            (
                RuleId::SexualHealthReferral,
                Builder::new().disclosure(Some(AbuseKind::SexualViolence), d("2026-11-01")),
            ),
        ]
    }

    /// A referral made from a directory entry giving the help a rule suggests clears that rule
    /// at every status that resolves it, and leaves it open as a draft or when the service
    /// declined — saying so.
    #[test]
    fn each_referral_from_the_directory_clears_the_action_that_asked_for_it() {
        use crate::directory::help_for;
        for (rule, trigger) in referral_asking_rules() {
            assert!(
                check(rule, &trigger.build(), TODAY).starts_with("- |"),
                "{rule} fires"
            );
            for &help in help_for(rule) {
                let kind = help.referral_type().expect("a type the rules read");
                let referred = |steps: &[_]| {
                    let (rule, trigger) = referral_asking_rules()
                        .into_iter()
                        .find(|(r, _)| *r == rule)
                        .expect("listed");
                    check(rule, &trigger.referral_steps(kind, steps).build(), TODAY)
                };
                for status in [Sent, Accepted, Seen, Completed, Declined, NotTakenUp] {
                    let steps = [(Drafted, d("2026-11-10")), (status, d("2026-11-12"))];
                    assert_eq!(referred(&steps), "none", "{rule}: {help:?} {status:?}");
                }
                let draft = referred(&[(Drafted, d("2026-11-10"))]);
                assert!(
                    draft.contains("referral drafted on 2026-11-10 has not been sent"),
                    "{rule}: {draft}"
                );
                let refused =
                    referred(&[(Sent, d("2026-11-10")), (ServiceDeclined, d("2026-11-20"))]);
                assert!(
                    refused.contains("referral was declined by the service on 2026-11-20"),
                    "{rule}: {refused}"
                );
            }
        }
    }

    #[test]
    /// The reason names the kind of service, never the free-text organisation: the stored
    /// rules view the worklist reads holds no free text, and the worklist and the patient page
    /// must say the same.
    fn the_reason_reads_the_same_without_free_text() {
        use crate::record::{EntryBody, Referral};
        let rec = Builder::new()
            .entry(EntryBody::Referral(Referral {
                organisation: "Freedom from Torture".into(),
                ..Referral::new(SpecialistTrauma, Drafted, d("2026-10-20"))
                    .moved_to(Sent, d("2026-10-31"))
            }))
            .build();
        assert_eq!(
            check(RULE, &rec, TODAY),
            "2026-11-28 | No response from Specialist trauma service in 28 days to the referral sent on 2026-10-31."
        );
    }

    #[test]
    fn the_longest_wait_names_the_action_and_the_others_are_counted() {
        let rec = Builder::new()
            .referral(SexualHealth, Sent, d("2026-10-15"))
            .referral(SocialPrescribing, Sent, d("2026-09-01"))
            .referral(Other, Sent, d("2026-10-01"))
            .referral(TalkingTherapies, Sent, d("2026-11-20"))
            .build();
        assert_eq!(
            check(RULE, &rec, TODAY),
            "2026-09-29 | No response from Social prescribing in 28 days to the referral sent on 2026-09-01; 2 more referrals are waiting too."
        );
    }
}
