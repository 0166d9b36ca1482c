//! The page of one step of a task on a patient's record — booking an interpreter for an
//! appointment, recording an outreach after a missed one — drawn by `templates/forms/step.html`:
//! the facts the step is about, its fields, and where it goes back to. Pages fill a
//! [`StepPage`] and render it; they keep their own parsing and saving.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::form::FormErrors;
use super::forms::fields::FieldView;
use super::layout::Layout;
use super::page_status;
use super::patient_context::Banner;
use crate::error::AppError;

#[derive(Template)]
#[template(path = "forms/step.html")]
pub struct StepPage {
    pub layout: Layout,
    pub banner: Banner,
    pub title: String,
    pub intro: &'static str,
    pub facts_heading: &'static str,
    /// `(label, value)` rows about what the step concerns.
    pub facts: Vec<(&'static str, String)>,
    /// When there is nothing to do, the sentence that says so (and no form is drawn).
    pub nothing_to_do: Option<String>,
    pub errors: FormErrors,
    pub action: String,
    /// Hidden fields sent back with the form (the version it was opened at, where to go next).
    pub hidden: Vec<(&'static str, String)>,
    pub fields: Vec<FieldView>,
    pub more_heading: &'static str,
    pub more_intro: &'static str,
    pub more_fields: Vec<FieldView>,
    pub submit: &'static str,
    pub cancel_href: String,
}

impl StepPage {
    pub fn render(&self, status: StatusCode) -> Result<Response, AppError> {
        page_status(status, self)
    }
}

/// Where a step goes when saved or cancelled: a page it was opened from (`back`, only the day
/// list or this patient's page), or the patient's page.
pub fn back_to(back: &str, patient_href: &str) -> String {
    let safe = crate::auth::safe_next(Some(back));
    if safe.starts_with("/day-list") || safe.starts_with("/recalls") || safe == patient_href {
        safe
    } else {
        patient_href.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_goes_back_only_to_pages_it_is_opened_from() {
        let patient = "/patients/pat-1";
        assert_eq!(
            back_to("/day-list?day=2026-12-03", patient),
            "/day-list?day=2026-12-03"
        );
        assert_eq!(back_to("/recalls", patient), "/recalls");
        assert_eq!(back_to(patient, patient), patient);
        for elsewhere in [
            "",
            "/admin/users",
            "//evil.example/day-list",
            "https://evil.example",
        ] {
            assert_eq!(back_to(elsewhere, patient), patient, "{elsewhere:?}");
        }
    }
}
