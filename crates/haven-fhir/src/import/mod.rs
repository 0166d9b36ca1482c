//! FHIR R4 input → Haven records: [`parse_input`] reads a resource, a Bundle or NDJSON
//! ([`BundleText`] a Bundle one entry at a time, for a server's bounded memory);
//! [`assemble`] resolves references, groups by patient, maps each resource to an entry and
//! validates everything through haven-core, failing on the first problem with its location.

mod assemble;
mod codes;
mod entries;
mod error;
mod feed;
mod modifiers;
mod observation;
mod parse;
mod patient;
mod referral;
mod refs;
mod requests;
mod text;
mod unused;
mod values;

pub use assemble::{
    Assembler, Assembly, FinishError, NotRecorded, PatientGiven, Purpose, Rank, Shared, Skipped,
    Stage, assemble, assemble_with, part_of, parts_disagree, patient_of_line, repeated_id,
};
pub use error::{ImportError, ImportErrorKind, Location, Position};
pub use feed::{Feed, ndjson_by_its_start};
pub use observation::{Recorded, read_result};
pub use parse::{
    ImportedResource, MAX_DOCUMENT_BYTES, MAX_RESOURCE_BYTES, OnePass, mentions_patients,
    parse_input, parse_json, parse_value,
};
pub use refs::Target;
pub use requests::{assign_new_ids, etag, is_stored, version_of_etag};
pub use text::{BundleText, EntryHead, batch_entries};
pub use unused::UnusedTypes;

use haven_core::record::{EntryBody, EntryStatus};

/// What one resource means to Haven.
pub(crate) enum Mapped {
    Entry {
        /// Boxed: a referral's body is far larger than the other variants.
        body: Box<EntryBody>,
        status: EntryStatus,
        /// The element holding the entry's date, for validation messages.
        date_path: &'static str,
    },
    /// The country-of-origin Observation fills a demographic field.
    Country {
        code: String,
        date: Option<haven_core::Date>,
    },
    /// A resource of a known type that records nothing Haven keeps, and why.
    Skip(String),
    /// A resource whose content another resource carries (Haven's own QuestionnaireResponse
    /// beside its result Observation): read once, from the other, and not reported.
    Duplicate,
}

/// Every FHIR status but `entered-in-error` is an active entry; callers handle the statuses
/// that mean "did not happen" first.
pub(crate) fn status_of(fhir_status: &str) -> EntryStatus {
    if fhir_status == "entered-in-error" {
        EntryStatus::EnteredInError
    } else {
        EntryStatus::Active
    }
}
