//! What entry forms are made of, with no pages or routes: a submitted form as typed (`data`),
//! fields as data (`fields`), one description per kind that drives its fields, parser and
//! pre-fill (`bind`), the descriptions themselves (`care`, `history`, `risk`), and the
//! questionnaire's item-by-item form (`questionnaire`).
//!
//! The pages that use them are `ui::entry_form` (every kind with an [`EntryForm`]) and
//! `ui::assessments` (questionnaires); `ui::kinds` says which kind uses which.

pub mod bind;
pub mod care;
pub mod data;
pub mod fields;
pub mod history;
pub mod questionnaire;
pub mod risk;

use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::record::{EntryBody, PatientRecord};

use self::bind::Describe;
use self::data::{FormData, date_value};
use self::fields::Field;
use super::form::FormErrors;

/// How one kind of entry is recorded on the generic entry form (`ui::entry_form`).
pub struct EntryForm {
    /// Heading of the new-entry form, e.g. "Record a life event".
    pub title: &'static str,
    /// A sentence shown above the form (empty for none).
    pub intro: &'static str,
    /// The fields, the parser and the pre-fill of an amendment, in one description.
    pub describe: Describe,
    /// The values a new form starts with.
    pub starts: fn(&FormContext<'_>) -> FormData,
    /// Facts shown above the form, for kinds that have them (recent life events for a risk
    /// review).
    pub facts: Option<fn(&FormContext<'_>) -> Facts>,
    /// What an amendment keeps from the version it amends that the form does not show (a
    /// referral's status trail).
    pub keeps: Option<fn(&EntryBody, &mut EntryBody)>,
}

impl EntryForm {
    /// A form with this heading and description that starts dated today, with no intro and
    /// no facts above it; the methods below change that.
    pub const fn new(title: &'static str, describe: Describe) -> Self {
        Self {
            title,
            intro: "",
            describe,
            starts: dated_today,
            facts: None,
            keeps: None,
        }
    }

    pub const fn intro(self, intro: &'static str) -> Self {
        Self { intro, ..self }
    }

    pub const fn starts(self, starts: fn(&FormContext<'_>) -> FormData) -> Self {
        Self { starts, ..self }
    }

    pub const fn facts(self, facts: fn(&FormContext<'_>) -> Facts) -> Self {
        Self {
            facts: Some(facts),
            ..self
        }
    }

    pub const fn keeps(self, keeps: fn(&EntryBody, &mut EntryBody)) -> Self {
        Self {
            keeps: Some(keeps),
            ..self
        }
    }

    pub fn fields(&self, policy: &Policy) -> Vec<Field> {
        bind::fields(self.describe, policy)
    }

    /// An entry's values, to pre-fill its amendment.
    pub fn values(&self, entry: &EntryBody) -> FormData {
        bind::values(self.describe, entry)
    }

    /// The body a submitted form describes, or `None` with the messages in `errors`.
    pub fn parse(&self, data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
        bind::parse(self.describe, data, errors)
    }
}

/// What a new form may draw on: the patient's record, today and the practice policy.
pub struct FormContext<'a> {
    pub record: &'a PatientRecord,
    pub today: Date,
    pub policy: &'a Policy,
}

/// Facts shown above a form, under a heading.
pub struct Facts {
    pub heading: String,
    /// One line each; "None recorded." is shown when there are none.
    pub items: Vec<String>,
}

/// A new form starts with today's date; everything else empty.
pub fn dated_today(ctx: &FormContext<'_>) -> FormData {
    let mut d = FormData::default();
    d.set("date", date_value(ctx.today));
    d
}
