//! haven-web integration tests: the real router served on port 0 over a throwaway SQLite file,
//! driven over HTTP by a real client with a cookie jar, as a browser would.

mod admin;
mod assessments;
mod audit_log;
mod auth;
mod break_glass;
mod clinical;
mod clock;
mod coordination;
mod duplicates;
mod entry_forms;
mod guidance_links;
mod handouts;
mod health;
mod patient_page;
mod patients;
mod policy;
mod practices;
mod practices_admin;
mod referrals;
mod registration;
mod reports;
mod reports_across;
mod routes;
mod support;
mod toy_instrument;
mod worklist;
