//! haven-fhir's integration tests: round trips, the INTERFACES.md examples, ordinary FHIR from
//! other systems, refusals of bad input, and snapshots of exported FHIR and CDS cards.

mod cds;
mod examples;
mod ordinary;
mod refusals;
mod round_trip;
mod snapshots;
mod streaming;
mod support;
