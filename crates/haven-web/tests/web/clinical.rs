//! Helpers for the clinical-forms tests: patients made directly in the store, dates relative to
//! today (the web layer evaluates rules on the real date), and questionnaire form fields.

use haven_core::record::{Entry, EntryBody, Patient, Visibility};
use haven_core::{Date, EntryId, LanguageTag, PatientId, UserId};
use haven_store::{Actor, Store};
use time::OffsetDateTime;

pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

pub fn days_from_today(days: i64) -> Date {
    today() + time::Duration::days(days)
}

/// A patient with a name, a main language and a named clinician, and the given entries.
pub async fn patient_with(
    store: &Store,
    given: &str,
    language: &str,
    clinician: Option<&str>,
    bodies: Vec<EntryBody>,
) -> String {
    let mut p = Patient::new(PatientId::new(""), given, "Testperson");
    p.main_language = Some(LanguageTag::parse(language).expect("tag"));
    p.interpreter_required = Some(false);
    p.named_clinician = clinician.map(UserId::new);
    let at = OffsetDateTime::now_utc() - time::Duration::days(1);
    let entries = bodies
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            Entry::new(
                EntryId::new(format!("{given}-{i}")),
                PatientId::new(""),
                b,
                UserId::new("seed"),
                at,
            )
        })
        .collect();
    store
        .create_patient(&Actor::cli("test"), p, entries)
        .await
        .expect("patient")
        .id
        .to_string()
}

/// Every current entry of a patient (sensitive included).
pub async fn entries(store: &Store, patient: &str) -> Vec<Entry> {
    store
        .record(patient, Visibility::Sensitive)
        .await
        .expect("record")
        .entries
}

/// PHQ-9 fields for a form post: `item-1`…`item-9` and the date.
pub fn phq9_fields(answers: [u8; 9]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("item-{}", i + 1), a.to_string()))
        .collect();
    f.push(("date".into(), today().to_string()));
    f
}

/// Borrowed view of owned fields, for `Browser::post`.
pub fn borrow(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// The part of a page between two markers (to check what one section says).
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).map_or(0, |i| i + start.len());
    let rest = &html[from..];
    rest.find(end).map_or(rest, |i| &rest[..i])
}
