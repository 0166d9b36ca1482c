//! Patient demographics and registration, following Safe Surgeries practice: nothing but a name
//! is required — no NHS number, ID document, address or immigration status.

use crate::{Date, LanguageTag, NhsNumber, PatientId, UserId};

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
    pub birth_date: Option<Date>,
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

    /// Age in whole years on `today`.
    pub fn age_on(&self, today: Date) -> Option<i32> {
        let born = self.birth_date?;
        let mut years = today.year() - born.year();
        if (today.month() as u8, today.day()) < (born.month() as u8, born.day()) {
            years -= 1;
        }
        Some(years)
    }
}
