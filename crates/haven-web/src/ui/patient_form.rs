//! The registration / demographics form: its wire type (every field as typed), the conversion
//! to a [`Patient`] with a message per field, and back (to pre-fill the edit form).
//!
//! Safe Surgeries practice: only a name is required. NHS number, date of birth, address and
//! everything else are optional, and the NHS number is validated only when one is typed.

use haven_core::record::{Accommodation, InterpreterGender, Patient, Sex, validate_patient};
use haven_core::{Date, DatePrecision, LanguageTag, NhsNumber, PartialDate, PatientId, UserId};
use serde::Deserialize;

use super::form::{Choice, FormErrors, capitalise, choices, choices_with_blank, optional};
use crate::reference::{countries, languages};

pub const SEXES: &[(&str, &str)] = &[
    ("female", "Female"),
    ("male", "Male"),
    ("other", "Other"),
    ("unknown", "Not known"),
];

pub const INTERPRETER_NEED: &[(&str, &str)] =
    &[("yes", "Yes"), ("no", "No"), ("", "Not asked yet")];

pub const INTERPRETER_GENDERS: &[(&str, &str)] = &[
    ("female", "Female"),
    ("male", "Male"),
    ("any", "No preference"),
];

pub const ACCOMMODATION: &[(&str, &str)] = &[
    ("initial-accommodation", "Initial asylum accommodation"),
    ("dispersal-accommodation", "Dispersal accommodation"),
    ("hotel", "Hotel (contingency accommodation)"),
    ("detention-centre", "Immigration detention"),
    ("private-rented", "Private rented"),
    ("social-housing", "Social housing"),
    ("with-friends-or-family", "Staying with friends or family"),
    ("night-shelter", "Night shelter"),
    ("homeless", "Homeless / no fixed address"),
    ("other", "Other"),
];

fn sex_of(id: &str) -> Option<Sex> {
    Some(match id {
        "female" => Sex::Female,
        "male" => Sex::Male,
        "other" => Sex::Other,
        "unknown" => Sex::Unknown,
        _ => return None,
    })
}

pub fn sex_id(s: Sex) -> &'static str {
    match s {
        Sex::Female => "female",
        Sex::Male => "male",
        Sex::Other => "other",
        Sex::Unknown => "unknown",
    }
}

pub fn gender_of(id: &str) -> Option<InterpreterGender> {
    Some(match id {
        "female" => InterpreterGender::Female,
        "male" => InterpreterGender::Male,
        "any" => InterpreterGender::Any,
        _ => return None,
    })
}

pub fn gender_id(g: InterpreterGender) -> &'static str {
    match g {
        InterpreterGender::Female => "female",
        InterpreterGender::Male => "male",
        InterpreterGender::Any => "any",
    }
}

const ACCOMMODATION_VALUES: &[Accommodation] = &[
    Accommodation::InitialAccommodation,
    Accommodation::DispersalAccommodation,
    Accommodation::Hotel,
    Accommodation::DetentionCentre,
    Accommodation::PrivateRented,
    Accommodation::SocialHousing,
    Accommodation::WithFriendsOrFamily,
    Accommodation::NightShelter,
    Accommodation::Homeless,
    Accommodation::Other,
];

pub fn accommodation_id(a: Accommodation) -> &'static str {
    let i = ACCOMMODATION_VALUES
        .iter()
        .position(|v| *v == a)
        .expect("every Accommodation value is listed");
    ACCOMMODATION[i].0
}

pub fn accommodation_label(a: Accommodation) -> &'static str {
    ACCOMMODATION[ACCOMMODATION_VALUES
        .iter()
        .position(|v| *v == a)
        .expect("every Accommodation value is listed")]
    .1
}

fn accommodation_of(id: &str) -> Option<Accommodation> {
    ACCOMMODATION
        .iter()
        .position(|(i, _)| *i == id)
        .map(|p| ACCOMMODATION_VALUES[p])
}

/// Label for a code from one of the tables above.
pub fn label_of(table: &[(&'static str, &'static str)], id: &str) -> &'static str {
    table.iter().find(|(i, _)| *i == id).map_or("", |(_, l)| l)
}

/// The form exactly as typed. Every field is text so that it can be shown again unchanged.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PatientForm {
    pub given_name: String,
    pub family_name: String,
    pub native_name: String,
    /// Date of birth as day, month and year boxes (NHS design system *Date input*): a date
    /// known only to the year, or the month and year, leaves the others empty.
    pub birth_day: String,
    pub birth_month: String,
    pub birth_year: String,
    pub sex: String,
    pub nhs_number: String,
    pub local_id: String,
    pub country_of_origin: String,
    pub main_language: String,
    /// Another language, by name or BCP-47 tag, when it is not in the list.
    pub main_language_other: String,
    /// Comma-separated names or tags.
    pub other_languages: String,
    pub interpreter_required: String,
    pub interpreter_gender: String,
    pub dialect: String,
    pub accommodation: String,
    pub named_clinician: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub support_contacts: String,
    /// Edit only: why the demographics are being changed.
    pub reason: String,
    /// Edit only: the version the form was loaded from.
    pub version: String,
    /// Registration only: the ids of the possible duplicates already shown, comma-separated.
    pub duplicates_seen: String,
    /// Registration only: why this is a different person from those shown.
    pub duplicate_reason: String,
}

/// A clinician who may be named as lead clinician.
#[derive(Clone, Debug)]
pub struct ClinicianOption {
    pub username: String,
    pub display_name: String,
    pub active: bool,
}

/// The selects and radio groups of the form, with the typed value selected.
pub struct FormChoices {
    pub sexes: Vec<Choice>,
    pub countries: Vec<Choice>,
    pub languages: Vec<Choice>,
    pub interpreter_need: Vec<Choice>,
    pub interpreter_genders: Vec<Choice>,
    pub accommodation: Vec<Choice>,
    pub clinicians: Vec<Choice>,
}

impl PatientForm {
    pub fn choices(&self, clinicians: &[ClinicianOption]) -> FormChoices {
        let clinician_items: Vec<(String, String)> = clinicians
            .iter()
            .filter(|c| c.active || c.username == self.named_clinician)
            .map(|c| {
                (
                    c.username.clone(),
                    if c.active {
                        c.display_name.clone()
                    } else {
                        format!("{} (no longer active)", c.display_name)
                    },
                )
            })
            .collect();
        FormChoices {
            sexes: choices_with_blank("Not recorded", SEXES.iter().copied(), &self.sex),
            countries: choices_with_blank(
                "Not recorded",
                countries::COUNTRIES.iter().copied(),
                &self.country_of_origin,
            ),
            languages: choices_with_blank(
                "Not recorded",
                languages::choices(),
                &self.main_language,
            ),
            interpreter_need: choices(INTERPRETER_NEED.iter().copied(), &self.interpreter_required),
            interpreter_genders: choices_with_blank(
                "Not stated",
                INTERPRETER_GENDERS.iter().copied(),
                &self.interpreter_gender,
            ),
            accommodation: choices_with_blank(
                "Not recorded",
                ACCOMMODATION.iter().copied(),
                &self.accommodation,
            ),
            clinicians: choices_with_blank(
                "None yet",
                clinician_items
                    .iter()
                    .map(|(u, n)| (u.as_str(), n.as_str())),
                &self.named_clinician,
            ),
        }
    }

    /// Pre-fills the edit form from stored demographics.
    /// The date of birth from its three boxes: all empty for none; the year alone, or the
    /// month and year, when that is all that is known; never a day without its month and year.
    fn birth_date(&self, e: &mut FormErrors) -> Option<PartialDate> {
        let (day, month, year) = (
            self.birth_day.trim(),
            self.birth_month.trim(),
            self.birth_year.trim(),
        );
        if day.is_empty() && month.is_empty() && year.is_empty() {
            return None;
        }
        let number =
            |text: &str, most: u32| text.parse::<u32>().ok().filter(|n| (1..=most).contains(n));
        let text = match (number(day, 31), number(month, 12)) {
            _ if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) => {
                e.add(
                    "birth_date",
                    "Date of birth must include a year with 4 numbers, for example 1990",
                );
                return None;
            }
            (None, None) if day.is_empty() && month.is_empty() => year.to_owned(),
            (None, Some(m)) if day.is_empty() => format!("{year}-{m:02}"),
            (Some(d), Some(m)) => format!("{year}-{m:02}-{d:02}"),
            _ if month.is_empty() => {
                e.add(
                    "birth_date",
                    "Date of birth must include a month when it has a day; if only the year is known, leave the day empty",
                );
                return None;
            }
            _ => {
                e.add(
                    "birth_date",
                    "Date of birth must be a real date: day 1 to 31, month 1 to 12, for example 1 5 1990",
                );
                return None;
            }
        };
        match PartialDate::parse(&text) {
            Ok(date) => Some(date),
            Err(_) => {
                e.add(
                    "birth_date",
                    "Date of birth must be a real date, for example 1 5 1990",
                );
                None
            }
        }
    }

    pub fn from_patient(p: &Patient, version: u32) -> Self {
        let main = p
            .main_language
            .as_ref()
            .map(LanguageTag::as_str)
            .unwrap_or_default();
        let listed = languages::is_offered(main);
        Self {
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            native_name: p.native_name.clone().unwrap_or_default(),
            birth_day: p
                .birth_date
                .filter(|d| d.precision() == DatePrecision::Day)
                .map(|d| d.earliest().day().to_string())
                .unwrap_or_default(),
            birth_month: p
                .birth_date
                .filter(|d| d.precision() != DatePrecision::Year)
                .map(|d| u8::from(d.earliest().month()).to_string())
                .unwrap_or_default(),
            birth_year: p
                .birth_date
                .map(|d| d.earliest().year().to_string())
                .unwrap_or_default(),
            sex: p.sex.map(sex_id).unwrap_or_default().to_owned(),
            nhs_number: p
                .nhs_number
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            local_id: p.local_id.clone().unwrap_or_default(),
            country_of_origin: p.country_of_origin.clone().unwrap_or_default(),
            main_language: if listed {
                main.to_owned()
            } else {
                String::new()
            },
            main_language_other: if listed {
                String::new()
            } else {
                main.to_owned()
            },
            other_languages: p
                .other_languages
                .iter()
                .map(LanguageTag::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            interpreter_required: match p.interpreter_required {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
            .to_owned(),
            interpreter_gender: p
                .interpreter_gender
                .map(gender_id)
                .unwrap_or_default()
                .to_owned(),
            dialect: p.dialect.clone().unwrap_or_default(),
            accommodation: p
                .accommodation
                .map(accommodation_id)
                .unwrap_or_default()
                .to_owned(),
            named_clinician: p
                .named_clinician
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            phone: p.phone.clone().unwrap_or_default(),
            email: p.email.clone().unwrap_or_default(),
            address: p.address.clone().unwrap_or_default(),
            support_contacts: p.support_contacts.clone().unwrap_or_default(),
            reason: String::new(),
            version: version.to_string(),
            duplicates_seen: String::new(),
            duplicate_reason: String::new(),
        }
    }

    /// Builds the patient (with `id`), or the messages for every field at fault. Nothing is
    /// saved unless this returns `Ok`.
    pub fn to_patient(
        &self,
        id: PatientId,
        clinicians: &[ClinicianOption],
        today: Date,
    ) -> Result<Patient, FormErrors> {
        let mut e = FormErrors::default();
        let mut p = Patient::new(id, self.given_name.trim(), self.family_name.trim());
        if p.given_name.is_empty() && p.family_name.is_empty() {
            e.add(
                "given_name",
                "Enter the person’s name: a given name, a family name, or both",
            );
        }
        p.native_name = optional(&self.native_name);
        p.birth_date = self.birth_date(&mut e);
        if let Some(born) = p.birth_date
            && born.earliest() > today
        {
            e.add("birth_date", "Date of birth must be today or in the past");
        }
        p.sex = match self.sex.as_str() {
            "" => None,
            other => sex_of(other).or_else(|| {
                e.add("sex", "Choose one of the options");
                None
            }),
        };
        if !self.nhs_number.trim().is_empty() {
            match NhsNumber::parse(&self.nhs_number) {
                Ok(n) => p.nhs_number = Some(n),
                Err(err) => e.add(
                    "nhs_number",
                    format!("Check the NHS number — {err}. Leave it empty if the person does not know it; it is not needed to register."),
                ),
            }
        }
        p.local_id = optional(&self.local_id);
        p.country_of_origin = match self.country_of_origin.trim() {
            "" => None,
            code if code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()) => {
                Some(code.to_owned())
            }
            _ => {
                e.add("country_of_origin", "Choose a country from the list");
                None
            }
        };
        p.main_language = if !self.main_language_other.trim().is_empty() {
            languages::parse(&self.main_language_other).or_else(|| {
                e.add("main_language_other", "Enter a language name from the list or a language code such as “ckb” or “ar-SD”");
                None
            })
        } else if self.main_language.is_empty() {
            None
        } else {
            LanguageTag::parse(&self.main_language).ok().or_else(|| {
                e.add("main_language", "Choose a language from the list");
                None
            })
        };
        let mut bad = Vec::new();
        for item in self
            .other_languages
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match languages::parse(item) {
                Some(tag) if !p.other_languages.contains(&tag) => p.other_languages.push(tag),
                Some(_) => {}
                None => bad.push(item),
            }
        }
        if !bad.is_empty() {
            e.add("other_languages", format!("These are not recognised languages: {}. Use names from the list or language codes, separated by commas", bad.join(", ")));
        }
        p.interpreter_required = match self.interpreter_required.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            "" => None,
            _ => {
                e.add("interpreter_required", "Choose yes, no or not asked yet");
                None
            }
        };
        p.interpreter_gender = match self.interpreter_gender.as_str() {
            "" => None,
            other => gender_of(other).or_else(|| {
                e.add("interpreter_gender", "Choose one of the options");
                None
            }),
        };
        p.dialect = optional(&self.dialect);
        if p.interpreter_required != Some(true)
            && (p.interpreter_gender.is_some() || p.dialect.is_some())
        {
            e.add("interpreter_required", "Interpreter preferences are filled in: choose “Yes” if an interpreter is needed, or clear the preferences");
        }
        p.accommodation = match self.accommodation.as_str() {
            "" => None,
            other => accommodation_of(other).or_else(|| {
                e.add("accommodation", "Choose one of the options");
                None
            }),
        };
        p.named_clinician = match self.named_clinician.as_str() {
            "" => None,
            name if clinicians.iter().any(|c| c.username == name) => Some(UserId::new(name)),
            _ => {
                e.add("named_clinician", "Choose a clinician from the list");
                None
            }
        };
        p.phone = optional(&self.phone);
        p.email = optional(&self.email);
        if p.email
            .as_deref()
            .is_some_and(|m| !m.contains('@') || m.contains(char::is_whitespace))
        {
            e.add(
                "email",
                "Enter an email address like name@example.org, or leave it empty",
            );
        }
        p.address = optional(&self.address);
        p.support_contacts = optional(&self.support_contacts);
        // The core's own checks, mapped onto the form's fields (they repeat ours, so they only
        // add a message when a rule exists there and not here).
        if e.is_empty()
            && let Err(v) = validate_patient(&p, today)
        {
            e.add(v.field, capitalise(&v.message));
        }
        if e.is_empty() { Ok(p) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_date_of_birth_is_read_from_day_month_and_year() {
        let read = |day: &str, month: &str, year: &str| {
            let f = PatientForm {
                given_name: "A".into(),
                birth_day: day.into(),
                birth_month: month.into(),
                birth_year: year.into(),
                ..Default::default()
            };
            convert(&f)
                .map(|p| p.birth_date.map(|d| d.to_string()))
                .map_err(|e| e.get("birth_date").map(str::to_owned))
        };
        assert_eq!(read("", "", ""), Ok(None));
        assert_eq!(read("4", "4", "1990"), Ok(Some("1990-04-04".into())));
        assert_eq!(read(" 14 ", "02", "1998"), Ok(Some("1998-02-14".into())));
        assert_eq!(read("", "4", "1990"), Ok(Some("1990-04".into())));
        assert_eq!(read("", "", "1990"), Ok(Some("1990".into())));
        for (day, month, year) in [
            ("30", "2", "1990"),
            ("4", "", "1990"),
            ("4", "4", ""),
            ("4", "4", "90"),
            ("4", "13", "1990"),
            ("x", "4", "1990"),
            ("1", "1", "2030"),
        ] {
            let refused = read(day, month, year).expect_err(&format!("{day}/{month}/{year}"));
            assert!(refused.is_some(), "{day}/{month}/{year}");
        }
        let mut p = Patient::new(PatientId::new("pat-1"), "A", "");
        p.birth_date = PartialDate::parse("1990-04").ok();
        let back = PatientForm::from_patient(&p, 1);
        assert_eq!(
            (
                back.birth_day.as_str(),
                back.birth_month.as_str(),
                back.birth_year.as_str()
            ),
            ("", "4", "1990")
        );
    }

    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 28);

    fn clinicians() -> Vec<ClinicianOption> {
        vec![ClinicianOption {
            username: "dr.amal".into(),
            display_name: "Dr Amal".into(),
            active: true,
        }]
    }

    fn convert(f: &PatientForm) -> Result<Patient, FormErrors> {
        f.to_patient(PatientId::new(""), &clinicians(), TODAY)
    }

    #[test]
    fn only_a_name_is_required() {
        let f = PatientForm {
            family_name: "Haddad".into(),
            ..Default::default()
        };
        let p = convert(&f).expect("a name is enough");
        assert_eq!(p.family_name, "Haddad");
        assert_eq!(p.nhs_number, None);
        assert_eq!(p.interpreter_required, None);
        let empty = convert(&PatientForm::default()).expect_err("no name");
        assert!(empty.has("given_name"));
    }

    #[test]
    fn every_field_round_trips_through_the_edit_form() {
        let f = PatientForm {
            given_name: "Amina".into(),
            family_name: "Haddad".into(),
            native_name: "أمينة حداد".into(),
            birth_day: "1".into(),
            birth_month: "5".into(),
            birth_year: "1990".into(),
            sex: "female".into(),
            nhs_number: "943 476 5919".into(),
            local_id: "L-1".into(),
            country_of_origin: "SY".into(),
            main_language: "ar".into(),
            other_languages: "French, en".into(),
            interpreter_required: "yes".into(),
            interpreter_gender: "female".into(),
            dialect: "Levantine".into(),
            accommodation: "hotel".into(),
            named_clinician: "dr.amal".into(),
            phone: "07700 900123".into(),
            email: "a@example.org".into(),
            address: "1 High St".into(),
            support_contacts: "Refugee Council".into(),
            ..Default::default()
        };
        let p = convert(&f).expect("valid");
        assert_eq!(
            p.other_languages
                .iter()
                .map(LanguageTag::as_str)
                .collect::<Vec<_>>(),
            vec!["fr", "en"]
        );
        let back = PatientForm::from_patient(&p, 3);
        assert_eq!(convert(&back).expect("still valid"), p);
        assert_eq!(back.version, "3");
        assert_eq!(back.other_languages, "fr, en");
    }

    #[test]
    fn bad_values_get_messages_beside_their_fields() {
        let f = PatientForm {
            given_name: "A".into(),
            birth_day: "1".into(),
            birth_month: "1".into(),
            birth_year: "2030".into(),
            nhs_number: "9000000008".into(),
            main_language_other: "Klingonese".into(),
            other_languages: "fr, zzzzzzzzzz".into(),
            dialect: "Sorani".into(),
            named_clinician: "mallory".into(),
            email: "not an email".into(),
            ..Default::default()
        };
        let e = convert(&f).expect_err("invalid");
        for field in [
            "birth_date",
            "nhs_number",
            "main_language_other",
            "other_languages",
            "interpreter_required",
            "named_clinician",
            "email",
        ] {
            assert!(e.has(field), "{field}: {e:?}");
        }
        assert!(
            e.get("nhs_number")
                .is_some_and(|m| m.contains("check digit"))
        );
    }

    #[test]
    fn accommodation_table_covers_every_value() {
        for a in ACCOMMODATION_VALUES {
            assert_eq!(accommodation_of(accommodation_id(*a)), Some(*a));
        }
    }
}
