//! haven-fhir's integration tests: round trips, the INTERFACES.md examples, refusals of bad
//! input, and snapshots of exported FHIR and CDS cards.

mod cds;
mod creates;
mod examples;
mod refusals;
mod round_trip;
mod snapshots;
mod streaming;
mod support;
