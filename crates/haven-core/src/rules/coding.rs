//! §9 Coding and flagging: disclosed abuse and the asylum situation kept as codes, not only
//! free text, so that they are not lost.

use super::context::Context;
use super::{Action, RuleId};
use crate::record::EntryBody;

/// `coding.abuse-uncoded`
pub(super) fn abuse_uncoded(ctx: &Context<'_>) -> Option<Action> {
    let (count, first) = ctx
        .bodies(EntryBody::as_disclosure)
        .filter(|d| d.kind.is_none())
        .fold((0usize, None), |(n, first), d| {
            (
                n + 1,
                Some(first.map_or(d.disclosed, |f: crate::Date| f.min(d.disclosed))),
            )
        });
    let first = first?;
    let reason = match count {
        1 => format!("A disclosure recorded on {first} has no code, only free text."),
        n => {
            format!("{n} disclosures, the first recorded on {first}, have no code, only free text.")
        }
    };
    Some(ctx.action(RuleId::CodingAbuseUncoded, None, reason))
}

/// `coding.asylum-status-uncoded`
pub(super) fn asylum_status_uncoded(ctx: &Context<'_>) -> Option<Action> {
    let current = ctx.asylum.filter(|a| !a.coded)?;
    Some(ctx.action(
        RuleId::CodingAsylumStatusUncoded,
        None,
        format!(
            "The asylum situation recorded since {} ({}) lacks the asylum seeker or refugee code.",
            current.since,
            current.status.label().to_lowercase()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{AbuseKind, AsylumStatus};
    use crate::rules::test_support::{Builder, TODAY, assert_switch_off, check, d, fires};

    #[test]
    fn abuse_uncoded() {
        let rule = RuleId::CodingAbuseUncoded;
        let one = || Builder::new().disclosure(None, d("2026-10-01"));
        assert_eq!(
            check(rule, &one().build(), TODAY),
            "- | A disclosure recorded on 2026-10-01 has no code, only free text."
        );
        let two = one().disclosure(None, d("2026-09-01")).build();
        assert_eq!(
            check(rule, &two, TODAY),
            "- | 2 disclosures, the first recorded on 2026-09-01, have no code, only free text."
        );
        let coded = Builder::new().disclosure(Some(AbuseKind::Trafficking), d("2026-10-01"));
        assert!(!fires(rule, &coded.build(), TODAY));
        assert!(!fires(rule, &one().in_error().build(), TODAY));
        assert!(!fires(rule, &one().build(), "2026-09-30"));
        assert_switch_off(rule, &one().build(), TODAY);
    }

    #[test]
    fn asylum_status_uncoded_looks_at_the_current_situation() {
        let rule = RuleId::CodingAsylumStatusUncoded;
        let uncoded =
            || Builder::new().asylum(AsylumStatus::AwaitingDecision, d("2026-03-01"), false);
        assert_eq!(
            check(rule, &uncoded().build(), TODAY),
            "- | The asylum situation recorded since 2026-03-01 (awaiting decision) lacks the asylum seeker or refugee code."
        );
        let now_coded = uncoded().asylum(AsylumStatus::Refused, d("2026-10-01"), true);
        assert!(!fires(rule, &now_coded.build(), TODAY));
        let newer_uncoded = Builder::new()
            .asylum(AsylumStatus::AwaitingDecision, d("2026-03-01"), true)
            .asylum(AsylumStatus::Appeal, d("2026-10-01"), false);
        assert!(fires(rule, &newer_uncoded.build(), TODAY));
        assert!(!fires(rule, &uncoded().in_error().build(), TODAY));
        assert!(
            !fires(rule, &Builder::new().build(), TODAY),
            "nothing recorded, nothing to code"
        );
        assert_switch_off(rule, &uncoded().build(), TODAY);
    }
}
