//! §8 Blood-borne viruses and sexual health: offer hepatitis B, hepatitis C and HIV tests
//! (again a while after a decline), and a sexual health referral after a disclosure of rape or
//! sexual violence.

use super::context::{Context, order_key};
use super::{Action, RuleId};
use crate::record::{
    AbuseKind, EntryBody, ReferralType, Screening, ScreeningStatus, ScreeningTest,
};

fn test_name(test: ScreeningTest) -> &'static str {
    match test {
        ScreeningTest::HepatitisB => "hepatitis B",
        ScreeningTest::HepatitisC => "hepatitis C",
        ScreeningTest::Hiv => "HIV",
    }
}

fn offer(ctx: &Context<'_>, rule: RuleId, test: ScreeningTest) -> Option<Action> {
    let mut latest = None;
    for entry in ctx.visible() {
        let Some(s) = entry.body.as_screening().filter(|s| s.test == test) else {
            continue;
        };
        if matches!(
            s.status,
            ScreeningStatus::ResultNegative | ScreeningStatus::ResultPositive
        ) {
            return None;
        }
        if latest.is_none_or(|(e, _): (&crate::record::Entry, &Screening)| {
            order_key(entry) > order_key(e)
        }) {
            latest = Some((entry, s));
        }
    }
    let name = test_name(test);
    let reason = match latest {
        None => format!("No {name} test offer or result is recorded."),
        Some((_, s)) if s.status == ScreeningStatus::Declined => {
            let reoffer = ctx.policy.screening_reoffer_days;
            if ctx.at_most_days_since(s.date, reoffer) {
                return None;
            }
            format!(
                "The {name} test was declined on {}, more than {reoffer} days ago.",
                s.date
            )
        }
        Some(_) => return None,
    };
    Some(ctx.action(rule, None, reason))
}

/// `screening.hepatitis-b`
pub(super) fn hepatitis_b(ctx: &Context<'_>) -> Option<Action> {
    offer(ctx, RuleId::ScreeningHepatitisB, ScreeningTest::HepatitisB)
}

/// `screening.hepatitis-c`
pub(super) fn hepatitis_c(ctx: &Context<'_>) -> Option<Action> {
    offer(ctx, RuleId::ScreeningHepatitisC, ScreeningTest::HepatitisC)
}

/// `screening.hiv`
pub(super) fn hiv(ctx: &Context<'_>) -> Option<Action> {
    offer(ctx, RuleId::ScreeningHiv, ScreeningTest::Hiv)
}

fn sexual_health(kind: ReferralType) -> bool {
    kind == ReferralType::SexualHealth
}

/// `sexual-health.referral`
pub(super) fn sexual_health_referral(ctx: &Context<'_>) -> Option<Action> {
    let disclosed = ctx
        .bodies(EntryBody::as_disclosure)
        .filter(|d| d.kind == Some(AbuseKind::SexualViolence))
        .map(|d| d.disclosed)
        .max()?;
    if ctx.referral_resolves(sexual_health, Some(disclosed)) {
        return None;
    }
    let gap = ctx.referral_gap(sexual_health, Some(disclosed), "sexual health");
    Some(ctx.action(
        RuleId::SexualHealthReferral,
        None,
        format!("A disclosure recorded on {disclosed} calls for sexual health screening; {gap}."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;
    use crate::record::ReferralStatus::{Completed, Sent};
    use crate::record::ScreeningStatus::*;
    use crate::rules::test_support::{
        Builder, TODAY, assert_switch_off, check, check_with, d, fires,
    };

    const TESTS: [(RuleId, ScreeningTest, &str); 3] = [
        (
            RuleId::ScreeningHepatitisB,
            ScreeningTest::HepatitisB,
            "hepatitis B",
        ),
        (
            RuleId::ScreeningHepatitisC,
            ScreeningTest::HepatitisC,
            "hepatitis C",
        ),
        (RuleId::ScreeningHiv, ScreeningTest::Hiv, "HIV"),
    ];

    #[test]
    fn each_test_is_offered_until_offered_or_done() {
        for (rule, test, name) in TESTS {
            let bare = Builder::new().build();
            assert_eq!(
                check(rule, &bare, TODAY),
                format!("- | No {name} test offer or result is recorded.")
            );
            for status in [Offered, Accepted, ResultNegative, ResultPositive] {
                let rec = Builder::new()
                    .screening(test, status, d("2020-01-01"))
                    .build();
                assert!(!fires(rule, &rec, TODAY), "{rule} {status:?}");
            }
            let in_error = Builder::new()
                .screening(test, Offered, d("2026-01-01"))
                .in_error();
            assert!(fires(rule, &in_error.build(), TODAY), "{rule}");
            // Another test's entry does not count.
            let (_, other, _) = TESTS
                .iter()
                .copied()
                .find(|t| t.1 != test)
                .expect("another test");
            let rec = Builder::new()
                .screening(other, ResultNegative, d("2026-01-01"))
                .build();
            assert!(fires(rule, &rec, TODAY), "{rule}");
            assert_switch_off(rule, &bare, TODAY);
        }
    }

    #[test]
    fn a_decline_holds_for_a_year_then_the_offer_returns() {
        for (rule, test, name) in TESTS {
            // 365 days before 2026-11-28 is 2025-11-28.
            let declined = |date| Builder::new().screening(test, Declined, d(date)).build();
            assert!(!fires(rule, &declined("2025-11-28"), TODAY), "{rule}");
            assert_eq!(
                check(rule, &declined("2025-11-27"), TODAY),
                format!("- | The {name} test was declined on 2025-11-27, more than 365 days ago.")
            );
            // A later offer after an old decline resolves; a result at any time resolves.
            let reoffered = Builder::new()
                .screening(test, Declined, d("2024-01-01"))
                .screening(test, Offered, d("2025-01-01"));
            assert!(!fires(rule, &reoffered.build(), TODAY));
            let tested = Builder::new()
                .screening(test, ResultNegative, d("2023-01-01"))
                .screening(test, Declined, d("2024-01-01"));
            assert!(!fires(rule, &tested.build(), TODAY));
            let offered_then_declined = Builder::new()
                .screening(test, Offered, d("2024-01-01"))
                .screening(test, Declined, d("2024-01-02"));
            assert!(fires(rule, &offered_then_declined.build(), TODAY));
            let mut shorter = Policy::default();
            shorter
                .set("screening.reoffer-after-decline-days", "90")
                .expect("valid");
            assert_ne!(
                check_with(rule, &declined("2026-08-01"), &shorter, TODAY),
                "none"
            );
        }
    }

    #[test]
    fn sexual_health_referral_after_disclosure() {
        let rule = RuleId::SexualHealthReferral;
        let disclosed =
            || Builder::new().disclosure(Some(AbuseKind::SexualViolence), d("2026-11-01"));
        assert_eq!(
            check(rule, &disclosed().build(), TODAY),
            "- | A disclosure recorded on 2026-11-01 calls for sexual health screening; no sexual health referral since."
        );
        let referred = disclosed().referral(ReferralType::SexualHealth, Sent, d("2026-11-01"));
        assert!(!fires(rule, &referred.build(), TODAY));
        let before = disclosed().referral(ReferralType::SexualHealth, Completed, d("2026-10-31"));
        assert!(
            fires(rule, &before.build(), TODAY),
            "a referral before the disclosure"
        );
        let declined = disclosed().referral(
            ReferralType::SexualHealth,
            crate::record::ReferralStatus::Declined,
            d("2026-11-02"),
        );
        assert!(!fires(rule, &declined.build(), TODAY));
        let other_kind = Builder::new().disclosure(Some(AbuseKind::Torture), d("2026-11-01"));
        assert!(!fires(rule, &other_kind.build(), TODAY));
        let uncoded = Builder::new().disclosure(None, d("2026-11-01"));
        assert!(!fires(rule, &uncoded.build(), TODAY));
        assert!(!fires(rule, &disclosed().in_error().build(), TODAY));
        assert_switch_off(rule, &disclosed().build(), TODAY);
    }
}
