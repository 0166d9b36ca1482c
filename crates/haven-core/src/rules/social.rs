//! §4 Social interventions: contact with a refugee support organisation, and social
//! prescribing for isolation or lost support.

use super::context::{Context, open_referral};
use super::{Action, RuleId};
use crate::Date;
use crate::record::{LifeEventKind, ProblemKind, ReferralType};

fn refugee_support(kind: ReferralType) -> bool {
    kind == ReferralType::RefugeeSupport
}

fn social_prescribing(kind: ReferralType) -> bool {
    kind == ReferralType::SocialPrescribing
}

/// `social.support-org`
pub(super) fn support_org(ctx: &Context<'_>) -> Option<Action> {
    let written = ctx
        .record
        .patient
        .support_contacts
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty());
    if written || ctx.referral_resolves(refugee_support, None) {
        return None;
    }
    let open = ctx.referral_left_open(refugee_support, None);
    let reason = match (ctx.latest_decline(refugee_support, None), open) {
        (Some(date), _) => format!(
            "A refugee support organisation was declined or not taken up on {date}, more than {} days ago; no contact since.",
            ctx.policy.referral_reoffer_days
        ),
        (None, Some(open)) => {
            capitalise_first(&open_referral("refugee support", open)) + "; no contact since."
        }
        (None, None) => {
            "No contact with or referral to a refugee support organisation is recorded.".to_owned()
        }
    };
    Some(ctx.action(RuleId::SocialSupportOrg, None, reason))
}

/// "the …" as the start of a sentence.
fn capitalise_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `social.prescribing`
pub(super) fn prescribing(ctx: &Context<'_>) -> Option<Action> {
    let isolation = ctx
        .current_problems()
        .filter(|p| {
            matches!(
                p.kind,
                ProblemKind::SocialIsolation | ProblemKind::FeelingLonely | ProblemKind::LivesAlone
            )
        })
        .map(|p| (p.onset, p.kind.label()));
    let window = ctx.policy.separation_window_days;
    let separation = ctx
        .negative_events
        .iter()
        .filter(|e| {
            e.kind == LifeEventKind::SeparatedFromSupport && ctx.within_last(e.date, window)
        })
        .map(|e| (e.date, e.kind.label()));
    let (since, what): (Date, &str) = isolation.chain(separation).max()?;
    if ctx.referral_resolves(social_prescribing, Some(since)) {
        return None;
    }
    let gap = ctx.referral_gap(social_prescribing, Some(since), "social prescribing");
    Some(ctx.action(
        RuleId::SocialPrescribing,
        None,
        format!("{what} recorded on {since}; {gap}."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::ReferralStatus::*;
    use crate::rules::test_support::{Builder, TODAY, assert_switch_off, check, d, fires};

    const ORG: RuleId = RuleId::SocialSupportOrg;
    const PRESCRIBING: RuleId = RuleId::SocialPrescribing;

    #[test]
    fn support_org_fires_until_contact_referral_or_decline() {
        let bare = Builder::new().build();
        assert_eq!(
            check(ORG, &bare, TODAY),
            "- | No contact with or referral to a refugee support organisation is recorded."
        );
        let written =
            Builder::new().patient(|p| p.support_contacts = Some("Drop-in, Tuesdays".into()));
        assert!(!fires(ORG, &written.build(), TODAY));
        let blank = Builder::new().patient(|p| p.support_contacts = Some("  ".into()));
        assert!(fires(ORG, &blank.build(), TODAY));
        for status in [Sent, Completed] {
            let rec = Builder::new()
                .referral(ReferralType::RefugeeSupport, status, d("2020-01-01"))
                .build();
            assert!(!fires(ORG, &rec, TODAY), "{status:?}");
        }
        let other = Builder::new()
            .referral(ReferralType::SocialPrescribing, Sent, d("2026-01-01"))
            .build();
        assert!(fires(ORG, &other, TODAY));
        let in_error = Builder::new()
            .referral(ReferralType::RefugeeSupport, Sent, d("2026-01-01"))
            .in_error()
            .build();
        assert!(fires(ORG, &in_error, TODAY));
        assert_switch_off(ORG, &bare, TODAY);
    }

    #[test]
    fn a_decline_resolves_for_the_reoffer_interval() {
        // 365 days before 2026-11-28 is 2025-11-28.
        let declined = |date, status| {
            Builder::new()
                .referral(ReferralType::RefugeeSupport, status, d(date))
                .build()
        };
        assert!(!fires(ORG, &declined("2025-11-28", Declined), TODAY));
        assert_eq!(
            check(ORG, &declined("2025-11-27", Declined), TODAY),
            "- | A refugee support organisation was declined or not taken up on 2025-11-27, more than 365 days ago; no contact since."
        );
        assert!(!fires(ORG, &declined("2026-06-01", NotTakenUp), TODAY));
        assert!(fires(ORG, &declined("2025-06-01", NotTakenUp), TODAY));
    }

    #[test]
    fn prescribing_for_isolation() {
        let lonely = || Builder::new().problem(ProblemKind::SocialIsolation, d("2026-05-01"), None);
        assert_eq!(
            check(PRESCRIBING, &lonely().build(), TODAY),
            "- | Social isolation recorded on 2026-05-01; no social prescribing referral since."
        );
        let before = lonely().referral(ReferralType::SocialPrescribing, Sent, d("2026-04-30"));
        assert!(
            fires(PRESCRIBING, &before.build(), TODAY),
            "a referral before does not count"
        );
        let same_day = lonely().referral(ReferralType::SocialPrescribing, Sent, d("2026-05-01"));
        assert!(!fires(PRESCRIBING, &same_day.build(), TODAY));
        let declined =
            lonely().referral(ReferralType::SocialPrescribing, Declined, d("2026-06-01"));
        assert!(!fires(PRESCRIBING, &declined.build(), TODAY));
        let resolved = Builder::new().problem(
            ProblemKind::FeelingLonely,
            d("2026-01-01"),
            Some(d("2026-06-01")),
        );
        assert!(!fires(PRESCRIBING, &resolved.build(), TODAY));
        let alone = Builder::new().problem(ProblemKind::LivesAlone, d("2026-01-01"), None);
        assert!(fires(PRESCRIBING, &alone.build(), TODAY));
        let in_error = lonely().in_error();
        assert!(!fires(PRESCRIBING, &in_error.build(), TODAY));
        assert_switch_off(PRESCRIBING, &lonely().build(), TODAY);
    }

    #[test]
    fn prescribing_after_separation_within_ninety_days() {
        let sep = |date| {
            Builder::new()
                .event(LifeEventKind::SeparatedFromSupport, d(date))
                .build()
        };
        // 90 days before 2026-11-28 is 2026-08-30.
        assert_eq!(
            check(PRESCRIBING, &sep("2026-08-30"), TODAY),
            "- | Separated from friends or support recorded on 2026-08-30; no social prescribing referral since."
        );
        assert!(!fires(PRESCRIBING, &sep("2026-08-29"), TODAY));
        let other = Builder::new()
            .event(LifeEventKind::LossOfHope, d("2026-11-01"))
            .build();
        assert!(!fires(PRESCRIBING, &other, TODAY));
        // A referral for earlier isolation does not cover a new separation.
        let rec = Builder::new()
            .problem(ProblemKind::SocialIsolation, d("2026-01-01"), None)
            .referral(ReferralType::SocialPrescribing, Completed, d("2026-02-01"))
            .event(LifeEventKind::SeparatedFromSupport, d("2026-11-01"))
            .build();
        assert!(fires(PRESCRIBING, &rec, TODAY));
    }
}
