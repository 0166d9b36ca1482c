//! Patient demographics and registration, following Safe Surgeries practice: nothing but a name
//! is required — no NHS number, ID document, address or immigration status.

use crate::{Date, LanguageTag, NhsNumber, PartialDate, PatientId, UserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum InterpreterGender {
    Female,
    Male,
    Any,
}

/// As a choice on forms (an interpreter booking asks for it); the ids are the stored ones.
impl super::Coded for InterpreterGender {
    const ALL: &'static [Self] = &[Self::Female, Self::Male, Self::Any];

    fn id(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
            Self::Any => "any",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Female => "Female interpreter",
            Self::Male => "Male interpreter",
            Self::Any => "Either",
        }
    }

    fn parse(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|g| g.id() == id)
    }
}

/// Where the person lives now; asylum accommodation changes often and matters for follow-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Accommodation {
    InitialAccommodation,
    DispersalAccommodation,
    Hotel,
    DetentionCentre,
    PrivateRented,
    SocialHousing,
    WithFriendsOrFamily,
    NightShelter,
    Homeless,
    Other,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Patient {
    pub id: PatientId,
    pub given_name: String,
    pub family_name: String,
    /// The name as the person writes it, in their own script, where different.
    pub native_name: Option<String>,
    /// As recorded: other systems may know only the year or the month (`1988`, `1988-04`).
    pub birth_date: Option<PartialDate>,
    pub sex: Option<Sex>,
    pub nhs_number: Option<NhsNumber>,
    /// The practice's own reference (for example from the GP system).
    pub local_id: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country_of_origin: Option<String>,
    pub main_language: Option<LanguageTag>,
    pub other_languages: Vec<LanguageTag>,
    /// `None` until someone has asked (rule `interpreter.need-unknown`).
    pub interpreter_required: Option<bool>,
    pub interpreter_gender: Option<InterpreterGender>,
    pub dialect: Option<String>,
    pub accommodation: Option<Accommodation>,
    pub named_clinician: Option<UserId>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// Support organisations and key workers, as free text (§4).
    pub support_contacts: Option<String>,
}

impl Patient {
    /// The details that differ between `self` and `other`, named as the registration form
    /// names them: what to tell someone whose save was refused because another person changed
    /// the record meanwhile.
    pub fn changed_fields(&self, other: &Patient) -> Vec<&'static str> {
        [
            ("given name", self.given_name == other.given_name),
            ("family name", self.family_name == other.family_name),
            (
                "name in their own script",
                self.native_name == other.native_name,
            ),
            ("date of birth", self.birth_date == other.birth_date),
            ("sex", self.sex == other.sex),
            ("NHS number", self.nhs_number == other.nhs_number),
            ("local id", self.local_id == other.local_id),
            (
                "country of origin",
                self.country_of_origin == other.country_of_origin,
            ),
            ("main language", self.main_language == other.main_language),
            (
                "other languages",
                self.other_languages == other.other_languages,
            ),
            (
                "interpreter needed",
                self.interpreter_required == other.interpreter_required,
            ),
            (
                "interpreter gender",
                self.interpreter_gender == other.interpreter_gender,
            ),
            ("dialect", self.dialect == other.dialect),
            ("accommodation", self.accommodation == other.accommodation),
            (
                "named clinician",
                self.named_clinician == other.named_clinician,
            ),
            ("phone", self.phone == other.phone),
            ("email", self.email == other.email),
            ("address", self.address == other.address),
            (
                "support contacts",
                self.support_contacts == other.support_contacts,
            ),
        ]
        .into_iter()
        .filter(|(_, same)| !same)
        .map(|(field, _)| field)
        .collect()
    }

    /// A patient with only the required fields set.
    pub fn new(
        id: PatientId,
        given_name: impl Into<String>,
        family_name: impl Into<String>,
    ) -> Self {
        Self {
            id,
            given_name: given_name.into(),
            family_name: family_name.into(),
            native_name: None,
            birth_date: None,
            sex: None,
            nhs_number: None,
            local_id: None,
            country_of_origin: None,
            main_language: None,
            other_languages: Vec::new(),
            interpreter_required: None,
            interpreter_gender: None,
            dialect: None,
            accommodation: None,
            named_clinician: None,
            phone: None,
            email: None,
            address: None,
            support_contacts: None,
        }
    }

    pub fn display_name(&self) -> String {
        match (self.given_name.is_empty(), self.family_name.is_empty()) {
            (false, false) => format!("{} {}", self.given_name, self.family_name),
            (true, _) => self.family_name.clone(),
            (_, true) => self.given_name.clone(),
        }
    }

    /// Age in whole years on `today`; for a birth date known only to the year or month, the
    /// youngest the person may be (see [`Patient::age_range_on`]).
    pub fn age_on(&self, today: Date) -> Option<i32> {
        self.age_range_on(today).map(|(youngest, _)| youngest)
    }

    /// The youngest and oldest the person may be on `today` (the same for a whole date).
    pub fn age_range_on(&self, today: Date) -> Option<(i32, i32)> {
        self.birth_date.map(|born| born.age_range_on(today))
    }

    /// The age as pages show it: `36`, or `35 or 36` when the birth date is partial and the
    /// birthday may or may not have passed.
    pub fn age_text_on(&self, today: Date) -> Option<String> {
        self.age_range_on(today).map(|(youngest, oldest)| {
            if youngest == oldest {
                youngest.to_string()
            } else {
                format!("{youngest} or {oldest}")
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_name_what_differs_and_only_that() {
        let before = Patient::new(PatientId::new("pat-1"), "Amina", "Haddad");
        let mut after = before.clone();
        assert!(before.changed_fields(&after).is_empty());
        after.phone = Some("07700 900111".into());
        after.family_name = "Hadad".into();
        assert_eq!(before.changed_fields(&after), ["family name", "phone"]);
    }
}
