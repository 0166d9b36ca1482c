//! FHIR R4 (UK Core where it applies) and CDS Hooks wire formats for Haven, and the mapping
//! between them and `haven_core::record::PatientRecord` — both ways, exactly per the mapping
//! table in `docs/fhir.md`, with Haven's own additions written down in `MAPPING.md`.
//!
//! - [`model`]: precise serde types for the small FHIR subset Haven uses.
//! - [`to_resources`]: a record → resources (export); [`ndjson`] writes them for bulk export.
//! - [`parse_input`] and [`assemble`]: JSON, Bundle or NDJSON → records (import), refusing
//!   bad input with the source, line or entry, and field path; [`Feed`] and [`Assembler`] do
//!   the same for input of any size as it arrives, on every core.
//! - [`cds`]: CDS Hooks request, discovery and card types, and cards from rule actions.
//! - [`instrument_codes`], [`result_observation`] and [`read_result`]: questionnaire results
//!   both ways for any instrument, from its `haven_core::instruments::Description` alone.
//!
//! Architecture invariant: no I/O but the NDJSON file writer, no clock — "today" is an
//! argument — and no SNOMED CT or LOINC literal (codes come from `haven_core::terminology`).

pub mod cds;
mod export;
mod import;
pub mod instrument_codes;
pub mod model;
pub mod ndjson;
mod practice;
pub mod uris;

pub use export::{
    Clinician, StoredVersion, country_id, instant, practitioner, resource_type_of, response_id,
    result_observation, to_patient, to_resources, to_resources_stored, to_typed, to_typed_stored,
};
pub use import::{
    Assembler, Assembly, BundleText, EntryHead, Feed, FinishError, ImportError, ImportErrorKind,
    ImportedResource, Location, MAX_DOCUMENT_BYTES, MAX_RESOURCE_BYTES, NotRecorded, PatientGiven,
    Position, Purpose, Rank, Recorded, Shared, Skipped, Stage, Target, UnusedTypes, assemble,
    assemble_with, assign_new_ids, batch_entries, etag, is_stored, mentions_patients,
    ndjson_by_its_start, parse_input, parse_json, parse_value, part_of, parts_disagree,
    patient_of_line, read_result, repeated_id, version_of_etag,
};
pub use practice::Practice;
