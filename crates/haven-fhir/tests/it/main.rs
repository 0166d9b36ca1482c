//! haven-fhir's integration tests: round trips, the docs/fhir.md examples, ordinary FHIR from
//! other systems, refusals of bad input, questionnaire results recorded elsewhere, and
//! snapshots of exported FHIR and CDS cards.

mod cds;
mod creates;
mod examples;
mod ordinary;
mod practices;
mod recorded;
mod refusals;
mod round_trip;
mod snapshots;
mod streaming;
mod support;
