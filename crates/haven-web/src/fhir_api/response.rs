//! FHIR responses: `application/fhir+json` bodies, and [`FhirError`], which becomes an
//! OperationOutcome with a fitting status on every failure and is logged once, without
//! personal data.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use haven_fhir::model::{OperationOutcome, Resource};
use haven_fhir::{ImportError, ImportErrorKind};
use haven_store::StoreError;
use haven_store::upsert::UpsertError;
use serde_json::Value;

use crate::cds::JwtError;

pub const FHIR_JSON: &str = "application/fhir+json";
pub const FHIR_NDJSON: &str = "application/fhir+ndjson";

/// A JSON body with the FHIR media type.
pub fn fhir_json(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Debug, thiserror::Error)]
pub enum FhirError {
    #[error("authentication required: send an API token as 'Authorization: Bearer <token>'")]
    Unauthenticated,
    #[error("the API token is not valid (unknown or revoked)")]
    BadToken,
    #[error("this API token's scope does not allow {0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    NotSupported(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Import(#[from] ImportError),
    #[error("{0}")]
    Conflict(String),
    /// A second patient with an NHS number already on file.
    #[error("{0}")]
    Duplicate(String),
    /// An update whose `If-Match` names a version that is not the current one.
    #[error("{0}")]
    VersionConflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
    /// A CDS Hooks JWT that is not accepted; the message says why.
    #[error("{0}")]
    Jwt(#[from] JwtError),
    /// CDS Hooks: the data needed was neither prefetched nor fetchable.
    #[error("{0}")]
    PreconditionFailed(String),
    /// A request body over the limit for its route; nothing was read past it.
    #[error(
        "the request body is larger than the {limit} Haven accepts here, and nothing was stored; {advice}"
    )]
    TooLarge { limit: String, advice: &'static str },
    /// An HTTP-level refusal (unknown address, method, format or media type).
    #[error("{message}")]
    Protocol {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    /// As many requests of this kind as allowed are running: this one was refused unread.
    #[error(
        "Haven is busy ({running} {what} already running): {outcome}; send the request again in {retry_after} seconds"
    )]
    Busy {
        running: usize,
        what: &'static str,
        /// What the client must know was not done, e.g. "nothing in this request was stored".
        outcome: &'static str,
        retry_after: u32,
    },
}

impl From<UpsertError> for FhirError {
    fn from(e: UpsertError) -> Self {
        match e {
            UpsertError::Store(e) => Self::Store(e),
            UpsertError::VersionMismatch { .. } | UpsertError::NotStoredForUpdate { .. } => {
                Self::VersionConflict(e.to_string())
            }
            UpsertError::DuplicateNhsNumber { .. } => Self::Duplicate(e.to_string()),
            other => Self::Conflict(other.to_string()),
        }
    }
}

impl FhirError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated | Self::BadToken | Self::Jwt(_) => StatusCode::UNAUTHORIZED,
            Self::PreconditionFailed(_) | Self::VersionConflict(_) => {
                StatusCode::PRECONDITION_FAILED
            }
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_)
            | Self::Store(StoreError::PatientNotFound(_) | StoreError::EntryNotFound(_)) => {
                StatusCode::NOT_FOUND
            }
            Self::NotSupported(_) | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Import(e) => match e.kind {
                ImportErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                ImportErrorKind::Syntax
                | ImportErrorKind::Structure
                | ImportErrorKind::Unsupported => StatusCode::BAD_REQUEST,
                ImportErrorKind::Invalid
                | ImportErrorKind::Reference
                | ImportErrorKind::Duplicate => StatusCode::UNPROCESSABLE_ENTITY,
                ImportErrorKind::MultipleMatches => StatusCode::PRECONDITION_FAILED,
            },
            Self::Conflict(_) | Self::Duplicate(_) => StatusCode::CONFLICT,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Protocol { status, .. } => *status,
            Self::Store(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn issue_code(&self) -> &'static str {
        match self {
            Self::Unauthenticated | Self::BadToken | Self::Jwt(_) => "login",
            Self::PreconditionFailed(_) => "incomplete",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::NotSupported(_) => "not-supported",
            Self::BadRequest(_) => "invalid",
            Self::Import(e) => e.kind.issue_code(),
            Self::Conflict(_) | Self::VersionConflict(_) => "conflict",
            Self::Duplicate(_) => "duplicate",
            Self::TooLarge { .. } => "too-long",
            Self::Busy { .. } => "throttled",
            Self::Protocol { code, .. } => code,
            Self::Store(StoreError::PatientNotFound(_) | StoreError::EntryNotFound(_)) => {
                "not-found"
            }
            Self::Store(_) | Self::Internal(_) => "exception",
        }
    }
}

impl FhirError {
    /// The OperationOutcome that reports this error: a server fault is logged with its cause
    /// and reported without internal detail; a busy server is no fault, and the client is told
    /// exactly what was not done.
    pub fn outcome(&self) -> Value {
        let status = self.status();
        let busy = matches!(self, Self::Busy { .. });
        let protocol = matches!(self, Self::Protocol { .. });
        let diagnostics = if status.is_server_error() && !busy && !protocol {
            tracing::error!(error = %self, "FHIR request failed");
            "Haven could not complete the request; the error has been logged.".to_owned()
        } else {
            self.to_string()
        };
        let expression = match self {
            Self::Import(e) if !e.path.is_empty() => Some(e.path.clone()),
            _ => None,
        };
        Resource::from(OperationOutcome::single(
            "error",
            self.issue_code(),
            diagnostics,
            expression,
        ))
        .to_value()
    }
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        let status = self.status();
        let busy = match &self {
            Self::Busy { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let mut response = fhir_json(status, &self.outcome());
        if let Some(seconds) = busy {
            tracing::warn!(error = %self, "request refused: busy");
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"haven\""),
            );
        }
        response
    }
}
