//! Forms for the person's history: asylum situation, disclosure of abuse (§9), negative life
//! events (§6) and coded problems.

use haven_core::record::{AsylumSituation, Disclosure, EntryBody, LifeEvent, Problem};

use super::bind::Form;
use super::data::{FormData, yes_no_value};
use super::{EntryForm, FormContext, dated_today};

/// Said beside the situation, so nobody is surprised by the review it raises (docs/rules.md §6).
pub const ASYLUM_STATUS_HINT: &str = "Claim refused, Detained and Facing removal each count as a negative life event from the date below, so Haven will ask for a suicide and self-harm risk review; there is no need to record the same event again as a life event (§6).";

pub static ASYLUM: EntryForm =
    EntryForm::new("Record the asylum situation", asylum).starts(asylum_starts);

/// Haven codes what it records itself (§9), so the code starts ticked.
fn asylum_starts(ctx: &FormContext<'_>) -> FormData {
    let mut d = dated_today(ctx);
    d.set("coded", yes_no_value(true));
    d
}

fn asylum(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_asylum));
    let status = f
        .field("status", "Asylum situation")
        .hint(ASYLUM_STATUS_HINT)
        .select(|a| a.status, "Choose the asylum situation");
    let since = f
        .field("date", "Since")
        .hint("When this situation began, for example the date of the decision letter")
        .date(|a| a.since, "The date this situation began");
    let coded = f
        .field(
            "coded",
            "Record the asylum seeker / refugee code on the record (§9)",
        )
        .hint("Untick only when copying an entry that was recorded without the code")
        .checkbox(|a| a.coded);
    let note = f.note("Optional", |a| a.note.clone());
    Some(EntryBody::Asylum(AsylumSituation {
        status: status?,
        since: since?,
        coded,
        note,
    }))
}

pub static DISCLOSURE: EntryForm = EntryForm::new("Record a disclosure of abuse", disclosure)
    .intro("Sensitive: only clinical staff see this entry, and it leaves Haven only in an export that asks for sensitive data.");

fn disclosure(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_disclosure));
    let kind = f
        .field("kind", "What was disclosed")
        .hint("Coding it keeps it visible on the record for the rest of the person’s care (§9). Sensitive: only clinical staff see it.")
        .select_or_none(
            ("uncoded", "Not coded — record as free text only"),
            |x| x.kind,
            "Choose what was disclosed, or “Not coded”",
        );
    let disclosed = f
        .field("date", "Date disclosed")
        .date(|x| x.disclosed, "The date of the disclosure");
    let note = f.note("Optional. Record only what the care needs.", |x| {
        x.note.clone()
    });
    if kind == Some(None) && note.is_empty() {
        f.error(
            "note",
            "Describe the disclosure in the note when it is not coded",
        );
    }
    Some(EntryBody::Disclosure(Disclosure {
        kind: kind?,
        disclosed: disclosed?,
        note,
    }))
}

pub static LIFE_EVENT: EntryForm = EntryForm::new("Record a life event", life_event)
    .intro("A negative development in the person’s life raises an urgent suicide and self-harm risk review (§6).");

fn life_event(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_life_event));
    let kind = f
        .field("kind", "What happened")
        .hint("Each of these calls for a suicide and self-harm risk review (§6)")
        .select(|e| e.kind, "Choose what happened");
    let date = f
        .field("date", "Date")
        .hint("When it happened, or when the person heard")
        .date(|e| e.date, "The date of the event");
    let note = f.note("Optional", |e| e.note.clone());
    Some(EntryBody::LifeEvent(LifeEvent {
        kind: kind?,
        date: date?,
        note,
    }))
}

pub static PROBLEM: EntryForm = EntryForm::new("Record a problem", problem);

fn problem(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_problem));
    let kind = f
        .field("kind", "Problem")
        .select(|p| p.kind, "Choose the problem");
    let onset = f
        .field("date", "Onset")
        .hint("When it began, or when it was first recorded")
        .date(|p| p.onset, "The onset date");
    let resolved = f
        .field("resolved", "Resolved")
        .hint("Optional — leave empty while the problem is current")
        .optional_date(|p| p.resolved, "The date resolved");
    let note = f.note("Optional", |p| p.note.clone());
    Some(EntryBody::Problem(Problem {
        kind: kind?,
        onset: onset?,
        resolved,
        note,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::form::FormErrors;
    use haven_core::record::{AbuseKind, AsylumStatus, LifeEventKind, ProblemKind};
    use time::macros::date;

    #[test]
    fn each_kind_round_trips_through_its_form() {
        let bodies = [
            EntryBody::Asylum(AsylumSituation {
                status: AsylumStatus::Refused,
                since: date!(2026 - 10 - 01),
                coded: true,
                note: "letter seen".into(),
            }),
            EntryBody::Disclosure(Disclosure {
                kind: Some(AbuseKind::Torture),
                disclosed: date!(2026 - 09 - 01),
                note: String::new(),
            }),
            EntryBody::Disclosure(Disclosure {
                kind: None,
                disclosed: date!(2026 - 09 - 01),
                note: "free text".into(),
            }),
            EntryBody::LifeEvent(LifeEvent {
                kind: LifeEventKind::LossOfHope,
                date: date!(2026 - 11 - 20),
                note: String::new(),
            }),
            EntryBody::Problem(Problem {
                kind: ProblemKind::Ptsd,
                onset: date!(2025 - 01 - 01),
                resolved: Some(date!(2026 - 01 - 01)),
                note: String::new(),
            }),
        ];
        for body in bodies {
            let form = match body {
                EntryBody::Asylum(_) => &ASYLUM,
                EntryBody::Disclosure(_) => &DISCLOSURE,
                EntryBody::LifeEvent(_) => &LIFE_EVENT,
                _ => &PROBLEM,
            };
            let mut errors = FormErrors::default();
            assert_eq!(
                form.parse(&form.values(&body), &mut errors),
                Some(body.clone())
            );
            assert!(errors.is_empty(), "{errors:?}");
        }
    }

    #[test]
    fn missing_values_are_named() {
        let mut errors = FormErrors::default();
        assert_eq!(
            LIFE_EVENT.parse(&FormData::parse(b"kind=&date=2026-02-30"), &mut errors),
            None
        );
        assert_eq!(errors.get("kind"), Some("Choose what happened"));
        assert!(errors.get("date").is_some_and(|m| m.contains("real date")));
        let mut errors = FormErrors::default();
        assert_eq!(
            DISCLOSURE
                .parse(
                    &FormData::parse(b"kind=uncoded&date=2026-11-01"),
                    &mut errors
                )
                .map(|_| ()),
            Some(())
        );
        assert!(
            errors.has("note"),
            "an uncoded disclosure needs its description"
        );
    }
}
