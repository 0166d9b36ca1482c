//! [`FhirBody`]: a request body read up to its route's limit (axum's `DefaultBodyLimit`),
//! refused beyond it with 413 and an OperationOutcome — not axum's plain-text rejection, which
//! a FHIR client or EHR could not read as an error about its request.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

use super::FhirError;

/// The whole body of a FHIR write or a CDS Hooks call.
pub struct FhirBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for FhirBody {
    type Rejection = FhirError;

    async fn from_request(req: Request, state: &S) -> Result<Self, FhirError> {
        let path = req.uri().path().to_owned();
        match Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(Self(bytes)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(too_large(&path))
            }
            Err(rejection) => Err(FhirError::BadRequest(format!(
                "the request body could not be read: {}",
                rejection.body_text()
            ))),
        }
    }
}

/// The limit of each route that reads a body, in words, and what to do instead.
fn too_large(path: &str) -> FhirError {
    let (limit, advice) = if path == "/fhir" {
        (
            haven_fhir::MAX_DOCUMENT_BYTES,
            "send a larger population as NDJSON to `haven import`, or in several Bundles",
        )
    } else if path.starts_with("/cds-services") {
        (
            crate::cds::MAX_REQUEST_BYTES,
            "prefetch one patient's record, not more",
        )
    } else {
        (
            haven_fhir::MAX_RESOURCE_BYTES,
            "a single resource is a few kilobytes",
        )
    };
    FhirError::TooLarge {
        limit: format!("{} MiB", limit >> 20),
        advice,
    }
}
