//! Emergency ("break-glass") access. A receptionist who needs one sensitive detail to book
//! safely — that the person needs a female clinician, say — records why; for the policy's
//! `access.break-glass-minutes` they then see that patient's whole record, read only. The
//! grant is audited, every page they open is audited as usual, and administrators review each
//! grant (`/admin/break-glass`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use haven_core::text::{forbidden_control, forbidden_control_message};
use haven_store::{BreakGlass, Role};
use serde::Deserialize;

use super::form::{FormErrors, Shown};
use super::layout::Layout;
use super::patient_context::{Banner, PatientContext};
use super::patient_page::time_text;
use super::{page_status, patient_href, see_other};
use crate::AppState;
use crate::auth::{ADMIN_ROLES, CurrentUser};
use crate::dates::moment;
use crate::error::AppError;

/// Grants listed on the review page: newest first.
const LISTED: i64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/break-glass", get(ask).post(grant))
        .route("/admin/break-glass", get(review_list))
        .route("/admin/break-glass/{grant}/reviewed", post(reviewed))
}

#[derive(Default, Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "break_glass/ask.html")]
struct AskPage {
    layout: Layout,
    banner: Banner,
    minutes: u32,
    action: String,
    reason: String,
    errors: FormErrors,
}

/// Only receptionists ask: clinical roles already see the whole record.
fn require_receptionist(user: &CurrentUser) -> Result<(), AppError> {
    if user.role == Role::Receptionist {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn render_ask(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    shown: Shown<String>,
) -> Result<Response, AppError> {
    let ctx = PatientContext::load(state, user, id).await?;
    page_status(
        shown.status,
        &AskPage {
            layout: Layout::new(
                user,
                format!("Emergency access – {}", ctx.banner.name),
                "/patients",
            ),
            minutes: ctx.policy.break_glass_minutes(),
            action: format!("{}/break-glass", patient_href(id)),
            reason: shown.form,
            errors: shown.errors,
            banner: ctx.banner,
        },
    )
}

async fn ask(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    require_receptionist(&user)?;
    render_ask(&state, &user, &id, Shown::new(String::new())).await
}

async fn grant(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, AppError> {
    require_receptionist(&user)?;
    let mut errors = FormErrors::default();
    let reason = errors.required(
        &form.reason,
        "reason",
        "Say why you need the sensitive details, for example “to book with a clinician of the right gender”",
    );
    if let Some(c) = forbidden_control(&form.reason, true) {
        errors.add("reason", forbidden_control_message(c));
    }
    if !errors.is_empty() {
        let shown = Shown::invalid(form.reason, errors);
        return render_ask(&state, &user, &id, shown).await;
    }
    user.store
        .grant_break_glass(
            &user.actor(),
            &id,
            &reason,
            state.now(),
            state.policy().break_glass_minutes(),
        )
        .await?;
    tracing::warn!(patient = %id, user = %user.username, "emergency access granted");
    Ok(see_other(&patient_href(&id)))
}

pub struct GrantRow {
    pub grant: BreakGlass,
    pub who: String,
    pub granted: String,
    pub until: String,
    pub patient_href: String,
    pub reviewed: Option<String>,
    pub action: String,
}

#[derive(Template)]
#[template(path = "break_glass/review.html")]
struct ReviewPage {
    layout: Layout,
    rows: Vec<GrantRow>,
    awaiting: usize,
}

async fn review_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let grants = user.store.break_glass_grants(LISTED).await?;
    user.store
        .audit_read(
            &user.actor(),
            "access.break-glass-list",
            None,
            &format!("{} grants listed", grants.len()),
        )
        .await?;
    let names = state.store.display_names().await?;
    let name = |u: &str| names.get(u).cloned().unwrap_or_else(|| u.to_owned());
    let rows: Vec<GrantRow> = grants
        .into_iter()
        .map(|g| GrantRow {
            who: name(&g.username),
            granted: moment(g.granted_at),
            until: time_text(g.expires_at),
            patient_href: patient_href(&g.patient_id),
            reviewed: g
                .reviewed
                .as_ref()
                .map(|(by, at)| format!("{} on {}", name(by), moment(*at))),
            action: format!("/admin/break-glass/{}/reviewed", g.id),
            grant: g,
        })
        .collect();
    page_status(
        StatusCode::OK,
        &ReviewPage {
            layout: Layout::new(&user, "Emergency access", "/admin/break-glass"),
            awaiting: rows.iter().filter(|r| r.reviewed.is_none()).count(),
            rows,
        },
    )
}

async fn reviewed(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(grant): Path<i64>,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    user.store
        .review_break_glass(&user.actor(), grant, state.now())
        .await?;
    Ok(see_other("/admin/break-glass"))
}
