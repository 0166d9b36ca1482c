//! End-to-end tests of the interoperability endpoints over real HTTP: the FHIR REST API, Bulk
//! Data `$export`, CDS Hooks with signed JWTs, and questionnaire results recorded elsewhere.
//! Each test starts its own server on port 0 with a throwaway database.

mod bulk;
mod cds;
mod conformance;
mod fhir;
mod identity;
mod limits;
mod managing_org;
mod ordinary;
mod practices;
mod recorded;
mod support;
mod versions;
