//! The one error type of the web layer. Every failure becomes a calm, safe page (no internal
//! detail, no personal data) and is logged exactly once, here.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use haven_store::StoreError;

use crate::auth::PasswordError;
use crate::ui::layout::Layout;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("page not found")]
    NotFound,
    #[error("not allowed for this role")]
    Forbidden,
    #[error("form token missing, wrong, or request not from this site")]
    Csrf,
    #[error("request body too large")]
    TooLarge,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("template rendering failed: {0}")]
    Template(#[from] askama::Error),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("background task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error(transparent)]
    Localisation(#[from] crate::l10n::L10nError),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound
            | Self::Store(
                StoreError::PatientNotFound(_)
                | StoreError::EntryNotFound(_)
                | StoreError::UserNotFound(_)
                | StoreError::OrganisationNotFound(_),
            ) => StatusCode::NOT_FOUND,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BadRequest(_) | Self::Store(StoreError::SamePatient(_)) => {
                StatusCode::BAD_REQUEST
            }
            Self::Store(StoreError::VersionConflict { .. } | StoreError::DuplicateUser(_)) => {
                StatusCode::CONFLICT
            }
            Self::Store(_)
            | Self::Template(_)
            | Self::Password(_)
            | Self::Task(_)
            | Self::Localisation(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Heading and explanation shown to the user, in plain words.
    fn wording(&self) -> (&'static str, &'static str) {
        match self.status() {
            StatusCode::NOT_FOUND => (
                "Page not found",
                "There is nothing at this address. Check the link, or find the patient from the patient list.",
            ),
            StatusCode::FORBIDDEN if matches!(self, Self::Csrf) => (
                "This form could not be accepted",
                "The form had expired or did not come from this Haven page. Go back, reload the page and try again. Nothing was saved.",
            ),
            StatusCode::FORBIDDEN => (
                "You do not have access to this page",
                "Your role does not include this page. Ask a Haven administrator if you need it for your work.",
            ),
            StatusCode::CONFLICT => (
                "Someone else changed this record",
                "The record changed while you were editing it, so nothing was saved. Reload the page to see the latest version and make your change again.",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "The form was too large",
                "Nothing was saved. Shorten the text and try again.",
            ),
            StatusCode::BAD_REQUEST => (
                "Something in the request was not understood",
                "Nothing was saved. Go back and try again.",
            ),
            _ => (
                "Sorry, something went wrong",
                "Haven could not complete this request and nothing was changed. Try again in a moment; if it keeps happening, tell your Haven administrator the time it happened.",
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: &'static str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        // Logged once, here; messages carry ids at most, never names or clinical text.
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::info!(status = status.as_u16(), error = %self, "request refused");
        }
        let (heading, message) = self.wording();
        let page = ErrorPage {
            layout: Layout::anonymous(heading),
            heading,
            message,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page could not be rendered");
                (status, heading).into_response()
            }
        }
    }
}
