//! Haven's web layer: the server-rendered clinical UI, the FHIR REST API and the CDS Hooks
//! service, as one axum router over shared [`AppState`].
//!
//! Architecture invariant: handlers are thin — extract the user and the input, parse into
//! domain types, call haven-core / haven-store, render. No care rule lives here.

pub mod state;

pub use state::{AppState, WebConfig};
