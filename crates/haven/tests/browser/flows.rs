//! Steps several scenarios share: registering the synthetic Arabic-speaking patient and
//! recording entries through the forms, exactly as a person fills them in.

use crate::harness::Browser;

/// The synthetic patient most scenarios register.
pub const GIVEN: &str = "Amina";
pub const FAMILY: &str = "Haddad";
pub const NATIVE: &str = "أمينة حداد";
pub const DIALECT: &str = "Levantine";

/// Today and yesterday in UTC, the day the server also uses.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

pub fn yesterday() -> time::Date {
    today() - time::Duration::days(1)
}

/// Registers Amina Haddad (Arabic, interpreter required, female interpreter, Levantine
/// dialect) from the patient list and returns her page's path.
pub fn register_arabic_patient(b: &Browser) -> String {
    b.open("/patients");
    b.follow("Register a patient");
    assert_eq!(b.path(), "/patients/new");
    b.fill("given_name", GIVEN);
    b.fill("family_name", FAMILY);
    b.fill("native_name", NATIVE);
    b.fill("birth_day", "1");
    b.fill("birth_month", "5");
    b.fill("birth_year", "1990");
    b.choose("sex", "female");
    b.choose("main_language", "ar");
    b.pick("interpreter_required", "yes");
    b.pick("interpreter_gender", "female");
    b.fill("dialect", DIALECT);
    b.press("Register");
    let path = b.path();
    assert!(
        path.starts_with("/patients/pat-"),
        "registration should lead to the patient page, not {path}: {}",
        b.main_text()
    );
    path
}

/// Records a life event from the patient page and comes back to it.
pub fn record_life_event(b: &Browser, patient: &str, kind: &str, date: time::Date, note: &str) {
    b.open(patient);
    b.follow("Life event");
    b.choose("kind", kind);
    b.set_date("date", &date.to_string());
    if !note.is_empty() {
        b.fill("note", note);
    }
    b.press("Save");
    assert_eq!(b.path(), patient, "saved: {}", b.main_text());
}
