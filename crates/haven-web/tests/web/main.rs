//! haven-web integration tests: the real router served on port 0 over a throwaway SQLite file,
//! driven over HTTP by a real client with a cookie jar, as a browser would.

mod admin;
mod auth;
mod health;
mod patient_page;
mod patients;
mod registration;
mod routes;
mod support;
