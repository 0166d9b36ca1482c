//! End-to-end tests of the interoperability endpoints over real HTTP: the FHIR REST API, Bulk
//! Data `$export`, and CDS Hooks with signed JWTs. Each test starts its own server on port 0
//! with a throwaway database.

mod cds;
mod fhir;
mod ordinary;
mod support;
