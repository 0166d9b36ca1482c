//! Record-level validation at the boundary: impossible dates and values are refused with a
//! message naming the field, before anything is written.

use super::{EntryBody, Patient};
use crate::Date;
use crate::instruments::ScoringOptions;
use crate::text::{forbidden_control, forbidden_control_message};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The form field or data path at fault, e.g. `birth_date`.
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// Checks demographics against `today`.
pub fn validate_patient(patient: &Patient, today: Date) -> Result<(), ValidationError> {
    refuse_control_characters(patient)?;
    if patient.given_name.trim().is_empty() && patient.family_name.trim().is_empty() {
        return Err(ValidationError::new(
            "given_name",
            "enter at least one name",
        ));
    }
    if let Some(born) = patient.birth_date {
        // A partial date is in the future only when all of it is.
        if born.earliest() > today {
            return Err(ValidationError::new(
                "birth_date",
                format!("date of birth {born} is in the future"),
            ));
        }
        if today.year() - born.latest().year() > 120 {
            return Err(ValidationError::new(
                "birth_date",
                format!("date of birth {born} is more than 120 years ago"),
            ));
        }
    }
    if let Some(country) = &patient.country_of_origin
        && (country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()))
    {
        return Err(ValidationError::new(
            "country_of_origin",
            format!("{country:?} is not an ISO 3166 two-letter country code"),
        ));
    }
    if patient.interpreter_required != Some(true)
        && (patient.interpreter_gender.is_some() || patient.dialect.is_some())
    {
        // Preferences without a need are harmless, but they usually mean the need was not ticked.
        return Err(ValidationError::new(
            "interpreter_required",
            "interpreter preferences are recorded but no interpreter need",
        ));
    }
    Ok(())
}

/// Names and numbers hold no control characters at all; addresses and contacts keep line breaks.
fn refuse_control_characters(p: &Patient) -> Result<(), ValidationError> {
    let single_line = [
        ("given_name", Some(&p.given_name)),
        ("family_name", Some(&p.family_name)),
        ("native_name", p.native_name.as_ref()),
        ("local_id", p.local_id.as_ref()),
        ("dialect", p.dialect.as_ref()),
        ("phone", p.phone.as_ref()),
        ("email", p.email.as_ref()),
    ];
    let multiline = [
        ("address", p.address.as_ref()),
        ("support_contacts", p.support_contacts.as_ref()),
    ];
    let fields = single_line
        .into_iter()
        .map(|(f, v)| (f, v, false))
        .chain(multiline.into_iter().map(|(f, v)| (f, v, true)));
    for (field, value, lines) in fields {
        if let Some(c) = value.and_then(|v| forbidden_control(v, lines)) {
            return Err(ValidationError::new(field, forbidden_control_message(c)));
        }
    }
    Ok(())
}

/// Checks an entry against the patient and `today`: no event before birth; no past event in
/// the future (planned contacts and agreed review dates may be ahead).
pub fn validate_entry(
    patient: &Patient,
    body: &EntryBody,
    today: Date,
) -> Result<(), ValidationError> {
    let date = body.date();
    // Before birth only if before the earliest day the birth may have been.
    if let Some(born) = patient.birth_date
        && date < born.earliest()
    {
        return Err(ValidationError::new(
            "date",
            format!("{date} is before the date of birth ({born})"),
        ));
    }
    let may_be_ahead = matches!(body, EntryBody::PlannedContact(_));
    if !may_be_ahead && date > today {
        return Err(ValidationError::new(
            "date",
            format!("{date} is in the future"),
        ));
    }
    match body {
        EntryBody::RiskReview(r) => {
            if let Some(next) = r.next_review
                && next < r.date
            {
                return Err(ValidationError::new(
                    "next_review",
                    format!(
                        "the next review ({next}) is before this review ({})",
                        r.date
                    ),
                ));
            }
        }
        EntryBody::Problem(p) => {
            if let Some(end) = p.resolved
                && end < p.onset
            {
                return Err(ValidationError::new(
                    "resolved",
                    "the problem cannot end before it began",
                ));
            }
        }
        EntryBody::Medication(m) => {
            if let Some(end) = m.stopped
                && end < m.started
            {
                return Err(ValidationError::new(
                    "stopped",
                    "the medication cannot stop before it started",
                ));
            }
        }
        EntryBody::PlannedContact(c) if c.interpreter.is_some() && !c.interpreter_booked => {
            return Err(ValidationError::new(
                "interpreter_booked",
                "interpreter booking details are recorded but the interpreter is not marked as booked",
            ));
        }
        EntryBody::Referral(r) => r.check(today)?,
        EntryBody::Questionnaire(q) => {
            q.score(&ScoringOptions::default()).map_err(|e| {
                let field = if e.is_about_total() {
                    "recorded_total"
                } else {
                    "answers"
                };
                ValidationError::new(field, e.to_string())
            })?;
        }
        _ => {}
    }
    Ok(())
}

/// Checks a change made in Haven (a new entry when `before` is `None`, else an amendment of
/// `before`) beyond [`validate_entry`]: what a practice must do before recording it, which
/// records arriving from elsewhere are not held to. A referral goes out only with consent.
pub fn validate_change(
    before: Option<&EntryBody>,
    after: &EntryBody,
) -> Result<(), ValidationError> {
    match after {
        EntryBody::Referral(r) => {
            super::Referral::check_change(before.and_then(EntryBody::as_referral), r)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{LifeEvent, LifeEventKind};
    use time::macros::date;

    fn patient() -> Patient {
        let mut p = Patient::new("pat-1".into(), "Amina", "Haddad");
        p.birth_date = Some(date!(1990 - 05 - 01).into());
        p
    }

    #[test]
    fn questionnaire_results_are_checked_naming_the_total_or_the_answers() {
        use crate::instruments::Instrument;
        use crate::record::QuestionnaireResult;
        let today = date!(2026 - 11 - 28);
        let on = date!(2026 - 11 - 01);
        let check = |items: Vec<Option<u8>>, total| {
            let q = QuestionnaireResult::recorded(Instrument::Phq9, on, items, total);
            validate_entry(&patient(), &EntryBody::Questionnaire(q), today)
                .map_err(|e| (e.field, e.message))
        };
        assert_eq!(check(vec![], Some(27)), Ok(()));
        assert_eq!(
            check(vec![], Some(28)),
            Err((
                "recorded_total",
                "PHQ-9 total 28 is above the maximum of 27".to_owned()
            ))
        );
        let mut item9 = vec![None; 9];
        item9[8] = Some(5);
        assert_eq!(
            check(item9, Some(10)),
            Err(("answers", "item 9: 5 is out of range 0–3".to_owned()))
        );
        let answered = QuestionnaireResult::answered(Instrument::Phq9, on, &[1; 9]);
        assert!(!answered.items_missing());
        assert_eq!(answered.recorded_total, None);
        let all_items: Vec<Option<u8>> = vec![Some(1); 9];
        assert_eq!(
            QuestionnaireResult::recorded(Instrument::Phq9, on, all_items, Some(9)),
            answered,
            "a total that comes with every item is derived, so both read the same"
        );
        assert_eq!(
            check(vec![Some(1); 9], Some(10)),
            Err((
                "recorded_total",
                "PHQ-9 total 10 does not match the item answers, which add up to 9".to_owned()
            ))
        );
    }

    #[test]
    fn control_characters_are_refused_naming_the_field() {
        let today = date!(2026 - 12 - 06);
        let mut p = patient();
        p.family_name = "Haddad\0".into();
        let e = validate_patient(&p, today).expect_err("NUL");
        assert_eq!(e.field, "family_name");
        assert_eq!(
            e.message,
            "contains a control character (U+0000) that cannot be stored; remove it"
        );
        p.family_name = "Haddad".into();
        p.given_name = "Sa\nra".into();
        assert_eq!(
            validate_patient(&p, today).map_err(|e| e.field),
            Err("given_name")
        );
        p.given_name = "Sara".into();
        p.address = Some("1 Long Lane\nLeeds\r\n".into());
        assert_eq!(
            validate_patient(&p, today),
            Ok(()),
            "an address keeps its lines"
        );
        p.support_contacts = Some("Brother \u{1b}[31m".into());
        assert_eq!(
            validate_patient(&p, today).map_err(|e| e.field),
            Err("support_contacts")
        );
    }

    #[test]
    fn a_booking_is_recorded_only_on_a_contact_marked_booked() {
        use crate::record::{ContactStatus, InterpreterBooking, InterpreterMode, PlannedContact};
        let today = date!(2026 - 11 - 28);
        let contact = |booked| {
            EntryBody::PlannedContact(PlannedContact {
                date: date!(2026 - 12 - 03),
                status: ContactStatus::Booked,
                interpreter_booked: booked,
                purpose: String::new(),
                interpreter: Some(InterpreterBooking {
                    mode: InterpreterMode::Telephone,
                    language: crate::LanguageTag::parse("ar").expect("tag"),
                    dialect: String::new(),
                    gender: None,
                    booked_with: "Interpreting service".into(),
                    reference: String::new(),
                }),
            })
        };
        assert_eq!(validate_entry(&patient(), &contact(true), today), Ok(()));
        assert_eq!(
            validate_entry(&patient(), &contact(false), today).map_err(|e| e.field),
            Err("interpreter_booked")
        );
    }

    #[test]
    fn future_birth_date_is_refused_naming_the_field() {
        let mut p = patient();
        p.birth_date = Some(date!(2030 - 01 - 01).into());
        let err = validate_patient(&p, date!(2026 - 11 - 28)).expect_err("future");
        assert_eq!(err.field, "birth_date");
        assert!(validate_patient(&patient(), date!(2026 - 11 - 28)).is_ok());
    }

    #[test]
    fn event_before_birth_or_in_future_is_refused() {
        let ev = |d| {
            EntryBody::LifeEvent(LifeEvent {
                kind: LifeEventKind::LossOfHope,
                date: d,
                note: String::new(),
            })
        };
        let today = date!(2026 - 11 - 28);
        assert_eq!(
            validate_entry(&patient(), &ev(date!(1980 - 01 - 01)), today).map_err(|e| e.field),
            Err("date")
        );
        assert_eq!(
            validate_entry(&patient(), &ev(date!(2026 - 12 - 01)), today).map_err(|e| e.field),
            Err("date")
        );
        assert!(validate_entry(&patient(), &ev(date!(2026 - 11 - 28)), today).is_ok());
    }
}
