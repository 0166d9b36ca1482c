//! Haven's clinical domain: the record model, terminology, questionnaires, care rules and policy.
//!
//! Architecture invariant: this crate does no I/O, reads no clock and spawns nothing. Every
//! function that depends on "today" takes the date as an argument, so the whole domain is
//! deterministic and unit-tested in microseconds.

pub mod directory;
pub mod duplicates;
pub mod guidance;
pub mod ids;
pub mod instruments;
pub mod language;
pub mod lists;
pub mod names;
pub mod nhs_number;
pub mod partial_date;
pub mod policy;
pub mod population;
pub mod record;
pub mod referral_letter;
pub mod reports;
pub mod rules;
pub mod search;
pub mod terminology;
pub mod text;

pub use ids::{EntryId, OrganisationId, PatientId, UserId};
pub use language::LanguageTag;
pub use nhs_number::NhsNumber;
pub use partial_date::{DatePrecision, PartialDate};
pub use time::Date;
