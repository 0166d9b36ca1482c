//! §2 Interpreters: knowing the language and the need, booking interpreters for appointments
//! ahead, and flagging the need on the record.

use super::context::{Context, sub_days};
use super::{Action, RuleId};
use crate::Date;
use crate::policy::Policy;
use crate::record::{ContactStatus, Entry, EntryBody, FlagKind, PatientRecord};

/// `interpreter.need-unknown`
pub(super) fn need_unknown(ctx: &Context<'_>) -> Option<Action> {
    let p = &ctx.record.patient;
    let reason = match (p.main_language.is_none(), p.interpreter_required.is_none()) {
        (false, false) => return None,
        (true, true) => {
            "Neither the main spoken language nor the need for an interpreter is recorded."
        }
        (true, false) => "The main spoken language is not recorded.",
        (false, true) => "Whether an interpreter is needed is not recorded.",
    };
    Some(ctx.action(RuleId::InterpreterNeedUnknown, None, reason.to_owned()))
}

fn needs_interpreter(ctx: &Context<'_>) -> bool {
    ctx.record.patient.interpreter_required == Some(true)
}

/// The planned contacts `interpreter.book` is about: booked, with no interpreter booked, from
/// `today` to the end of the booking window, earliest first (by clinical date, then when they
/// were recorded). None when the person needs no interpreter. The booking page offers the
/// first, so the link from the action books the appointment the action names.
pub fn contacts_needing_interpreter<'a>(
    record: &'a PatientRecord,
    policy: &'a Policy,
    today: Date,
) -> Vec<&'a Entry> {
    unbooked(&Context::new(record, policy, today))
}

fn unbooked<'a>(ctx: &Context<'a>) -> Vec<&'a Entry> {
    if !needs_interpreter(ctx) {
        return Vec::new();
    }
    // `visible` is in time order already, so the first is the earliest.
    ctx.visible()
        .filter(|e| {
            e.body.as_planned_contact().is_some_and(|c| {
                c.status == ContactStatus::Booked
                    && !c.interpreter_booked
                    && ctx.today_within(sub_days(c.date, ctx.policy.booking_window_days), c.date)
            })
        })
        .collect()
}

/// `interpreter.book`
pub(super) fn book(ctx: &Context<'_>) -> Option<Action> {
    let unbooked = unbooked(ctx);
    let (first, others) = unbooked.split_first()?;
    let date = first.body.date();
    let language = ctx
        .record
        .patient
        .main_language
        .as_ref()
        .map(|l| format!(" for {}", l.name()))
        .unwrap_or_default();
    let more = match others.len() {
        0 => String::new(),
        1 => " (and 1 more appointment soon)".to_owned(),
        n => format!(" (and {n} more appointments soon)"),
    };
    Some(ctx.action(
        RuleId::InterpreterBook,
        Some(sub_days(date, ctx.policy.book_days_before)),
        format!("The appointment on {date} has no interpreter{language} booked{more}."),
    ))
}

/// `interpreter.flag-missing`
pub(super) fn flag_missing(ctx: &Context<'_>) -> Option<Action> {
    if !needs_interpreter(ctx)
        || ctx
            .bodies(EntryBody::as_flag)
            .any(|f| f.kind == FlagKind::InterpreterNeeded)
    {
        return None;
    }
    Some(ctx.action(
        RuleId::InterpreterFlagMissing,
        None,
        "An interpreter is needed but the record carries no interpreter flag.".to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LanguageTag;
    use crate::record::ContactStatus::*;
    use crate::rules::test_support::{
        Builder, TODAY, assert_switch_off, check, check_with, d, fires,
    };

    fn needing(tag: &str) -> Builder {
        let tag = LanguageTag::parse(tag).expect("tag");
        Builder::new().patient(|p| {
            p.main_language = Some(tag);
            p.interpreter_required = Some(true);
        })
    }

    #[test]
    fn need_unknown() {
        let rule = RuleId::InterpreterNeedUnknown;
        let bare = Builder::new().build();
        assert_eq!(
            check(rule, &bare, TODAY),
            "- | Neither the main spoken language nor the need for an interpreter is recorded."
        );
        let no_need = Builder::new()
            .patient(|p| p.interpreter_required = Some(false))
            .build();
        assert_eq!(
            check(rule, &no_need, TODAY),
            "- | The main spoken language is not recorded."
        );
        let lang = Builder::new().patient(|p| p.main_language = LanguageTag::parse("so").ok());
        assert_eq!(
            check(rule, &lang.build(), TODAY),
            "- | Whether an interpreter is needed is not recorded."
        );
        assert_eq!(check(rule, &needing("so").build(), TODAY), "none");
        assert_switch_off(rule, &bare, TODAY);
    }

    #[test]
    fn book_fires_for_the_earliest_unbooked_appointment_in_the_window() {
        let rule = RuleId::InterpreterBook;
        let rec = needing("ti")
            .planned(d("2026-12-10"), Booked, false)
            .planned(d("2026-12-03"), Booked, false)
            .planned(d("2026-12-01"), Booked, true)
            .build();
        assert_eq!(
            check(rule, &rec, TODAY),
            "2026-12-01 | The appointment on 2026-12-03 has no interpreter for Tigrinya booked (and 1 more appointment soon)."
        );
        assert_switch_off(rule, &rec, TODAY);
    }

    #[test]
    fn the_booking_page_is_offered_the_contact_the_action_names() {
        let rec = needing("ti")
            .planned(d("2026-12-10"), Booked, false)
            .planned(d("2026-12-03"), Booked, false)
            .planned(d("2026-12-01"), Booked, true)
            .planned(d("2026-12-30"), Booked, false)
            .build();
        let dates: Vec<_> = contacts_needing_interpreter(&rec, &Policy::default(), d(TODAY))
            .iter()
            .map(|e| e.body.date().to_string())
            .collect();
        assert_eq!(dates, ["2026-12-03", "2026-12-10"]);
        let no_need = Builder::new()
            .planned(d("2026-12-03"), Booked, false)
            .build();
        assert!(contacts_needing_interpreter(&no_need, &Policy::default(), d(TODAY)).is_empty());
    }

    #[test]
    fn book_window_boundaries() {
        let rule = RuleId::InterpreterBook;
        // 14 days after 2026-11-28 is 2026-12-12.
        let at = |date| needing("ar").planned(d(date), Booked, false).build();
        assert!(fires(rule, &at("2026-12-12"), TODAY));
        assert!(!fires(rule, &at("2026-12-13"), TODAY));
        assert!(
            fires(rule, &at("2026-11-28"), TODAY),
            "an appointment today still counts"
        );
        assert!(!fires(rule, &at("2026-11-27"), TODAY));
        assert_eq!(
            check(rule, &at("2026-11-28"), TODAY),
            "2026-11-26 | The appointment on 2026-11-28 has no interpreter for Arabic booked."
        );
        let mut wide = Policy::default();
        wide.set("interpreter.booking-window-days", "30")
            .expect("valid");
        assert_ne!(check_with(rule, &at("2026-12-13"), &wide, TODAY), "none");
    }

    #[test]
    fn book_is_cleared_by_booking_and_ignores_other_contacts() {
        let rule = RuleId::InterpreterBook;
        let booked = needing("fa").planned(d("2026-12-01"), Booked, true).build();
        assert!(!fires(rule, &booked, TODAY));
        let cancelled = needing("fa")
            .planned(d("2026-12-01"), Cancelled, false)
            .build();
        assert!(!fires(rule, &cancelled, TODAY));
        let in_error = needing("fa")
            .planned(d("2026-12-01"), Booked, false)
            .in_error()
            .build();
        assert!(!fires(rule, &in_error, TODAY));
        let no_need = Builder::new()
            .patient(|p| p.interpreter_required = Some(false))
            .planned(d("2026-12-01"), Booked, false)
            .build();
        assert!(!fires(rule, &no_need, TODAY));
        let unnamed = needing("xh")
            .planned(d("2026-12-01"), Booked, false)
            .build();
        assert_eq!(
            check(rule, &unnamed, TODAY),
            "2026-11-29 | The appointment on 2026-12-01 has no interpreter for xh booked."
        );
    }

    #[test]
    fn flag_missing() {
        let rule = RuleId::InterpreterFlagMissing;
        let rec = needing("ps").build();
        assert_eq!(
            check(rule, &rec, TODAY),
            "- | An interpreter is needed but the record carries no interpreter flag."
        );
        let flagged = needing("ps")
            .flag(FlagKind::InterpreterNeeded, d("2026-01-01"))
            .build();
        assert_eq!(check(rule, &flagged, TODAY), "none");
        let other = needing("ps")
            .flag(FlagKind::SensitiveHistory, d("2026-01-01"))
            .build();
        assert!(fires(rule, &other, TODAY));
        let in_error = needing("ps")
            .flag(FlagKind::InterpreterNeeded, d("2026-01-01"))
            .in_error()
            .build();
        assert!(fires(rule, &in_error, TODAY));
        assert!(!fires(rule, &Builder::new().build(), TODAY));
        assert_switch_off(rule, &rec, TODAY);
    }
}
