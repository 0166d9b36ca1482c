//! The safety plan's print view (`/patients/{id}/entries/{entry_id}/print`): the plan agreed
//! with the person, in their language and script direction, with the practice's crisis text,
//! for them to take home.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use haven_core::record::{EntryBody, EntryStatus};

use super::forms::risk::{PLAN_PARTS, plan_texts};
use super::layout::Layout;
use super::page;
use super::patient_context::{Banner, PatientContext};
use super::safety_text::{SafetyText, safety_text};
use crate::AppState;
use crate::auth::{CLINICAL_ROLES, CurrentUser};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/patients/{id}/entries/{entry_id}/print", get(print))
}

pub struct PlanPart {
    pub heading: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "forms/safety_plan_print.html")]
struct PrintPage {
    layout: Layout,
    banner: Banner,
    /// BCP-47 tag of the person's main language, empty when not recorded.
    lang: String,
    /// `rtl` or `ltr`.
    dir: &'static str,
    agreed: String,
    printed: String,
    version: u32,
    parts: Vec<PlanPart>,
    crisis: SafetyText,
}

async fn print(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    let entry = state.store.entry(&entry_id).await?;
    if entry.patient.as_str() != id || entry.status != EntryStatus::Active {
        return Err(AppError::NotFound);
    }
    let EntryBody::SafetyPlan(plan) = &entry.body else {
        return Err(AppError::NotFound);
    };
    let ctx = PatientContext::load(&state, &user, &id).await?;
    state
        .store
        .audit_read(&user.actor(), "entry.print", Some(&id), &entry_id)
        .await?;
    let language = ctx.record.patient.main_language.clone();
    let crisis = safety_text(&state, language.as_ref()).await?;
    let parts = PLAN_PARTS
        .iter()
        .zip(plan_texts(plan))
        .filter(|(_, t)| !t.is_empty())
        .map(|(&(_, heading), text)| PlanPart {
            heading,
            text: text.to_owned(),
        })
        .collect();
    let page_data = PrintPage {
        layout: Layout::new(
            &user,
            format!("Safety plan – {}", ctx.banner.name),
            "/patients",
        ),
        lang: language
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        dir: if language.as_ref().is_some_and(|l| l.is_right_to_left()) {
            "rtl"
        } else {
            "ltr"
        },
        agreed: plan.date.to_string(),
        printed: state.today().to_string(),
        version: entry.version,
        parts,
        crisis,
        banner: ctx.banner,
    };
    page(&page_data)
}
