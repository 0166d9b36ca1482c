//! Questionnaires (§5, §6, §7): choosing an instrument (`/patients/{id}/assessments`), entry
//! item by item (`/patients/{id}/assessments/new/{instrument}`), the saved result
//! (`/patients/{id}/assessments/{entry_id}`), and the practice's crisis text shown when PHQ-9
//! item 9 is answered above 0.
//!
//! The score is always computed by haven-core (`score_with`, with the practice's PCL-5
//! cut-point). The page works without JavaScript: "Calculate" re-renders the form with the
//! score and saves nothing. `/static/assessment.js` (a file, because the Content Security
//! Policy allows no inline script) updates a provisional total as answers are chosen and
//! reveals the crisis text at once. RHS-15 is hidden when the policy switches it off.

use std::sync::LazyLock;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use haven_core::Date;
use haven_core::instruments::{Instrument, score_with};
use haven_core::record::{Entry, EntryBody, EntryKind, QuestionnaireResult, validate_entry};
use haven_store::StoreError;
use sha2::{Digest, Sha256};

use super::flash::{Flash, saved};
use super::form::{FormErrors, Shown};
use super::forms::data::FormData;
use super::forms::fields::sentence;
use super::forms::questionnaire::{
    Questions, ScoreView, answer_values, answers_text, bands_attribute, parse_answers, raises_item9,
};
use super::layout::Layout;
use super::patient_context::{Banner, PatientContext};
use super::safety_text::{SafetyText, safety_text};
use super::{encode_segment, new_entry_id, page, page_status, patient_href};
use crate::AppState;
use crate::auth::{CLINICAL_ROLES, CurrentUser};
use crate::error::AppError;

const SCRIPT: &str = include_str!("../../static/assessment.js");

static SCRIPT_HREF: LazyLock<String> = LazyLock::new(|| {
    let hash = hex::encode(Sha256::digest(SCRIPT.as_bytes()));
    format!("/static/assessment.js?v={}", &hash[..12])
});

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/assessments", get(choose))
        .route(
            "/patients/{id}/assessments/new/{instrument}",
            get(new_form).post(submit),
        )
        .route("/patients/{id}/assessments/{entry_id}", get(result))
        .route("/static/assessment.js", get(script))
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        SCRIPT,
    )
}

/// The instruments this practice uses (RHS-15 only while the policy allows it).
pub fn available(state: &AppState) -> Vec<Instrument> {
    let rhs15 = state.policy().rhs15_enabled();
    Instrument::all()
        .iter()
        .copied()
        .filter(|i| *i != Instrument::Rhs15 || rhs15)
        .collect()
}

fn instrument_of(state: &AppState, id: &str) -> Result<Instrument, AppError> {
    Instrument::parse(id)
        .filter(|i| available(state).contains(i))
        .ok_or(AppError::NotFound)
}

fn result_href(patient: &str, entry: &str) -> String {
    format!(
        "{}/assessments/{}",
        patient_href(patient),
        encode_segment(entry)
    )
}

pub struct Choice {
    pub name: &'static str,
    pub href: String,
    pub last: String,
}

#[derive(Template)]
#[template(path = "assessments/choose.html")]
struct ChoosePage {
    layout: Layout,
    banner: Banner,
    choices: Vec<Choice>,
    trends_href: String,
}

async fn choose(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let options = state.policy().scoring_options();
    let choices = available(&state)
        .into_iter()
        .map(|i| {
            let last = haven_core::rules::score_series(&ctx.record, i, &options)
                .last()
                .map(|(d, s)| match s.total() {
                    Some(t) => format!("last {d}: total {t}"),
                    None => format!("last {d}"),
                });
            Choice {
                name: i.name(),
                href: format!("{}/assessments/new/{}", patient_href(&id), i.id()),
                last: last.unwrap_or_default(),
            }
        })
        .collect();
    page(&ChoosePage {
        layout: Layout::new(
            &user,
            format!("Questionnaires – {}", ctx.banner.name),
            "/patients",
        ),
        trends_href: format!("{}/trends", patient_href(&id)),
        choices,
        banner: ctx.banner,
    })
}

#[derive(Template)]
#[template(path = "assessments/form.html")]
struct FormPage {
    layout: Layout,
    banner: Banner,
    script_href: &'static str,
    instrument: &'static str,
    action: String,
    cancel_href: String,
    date: String,
    /// The items, drawn from the instrument's description.
    questions: Questions,
    bands: String,
    /// The score after "Calculate", or after an amendment is shown again.
    score: Option<ScoreView>,
    safety: SafetyText,
    /// Show the crisis text now (the answers on screen have item 9 above 0).
    safety_shown: bool,
    errors: FormErrors,
    amending: Option<u32>,
    reason: String,
    licence_note: &'static str,
}

/// What the questionnaire form holds.
struct FormState<'a> {
    instrument: Instrument,
    data: &'a FormData,
    score: Option<ScoreView>,
    /// `Some((version, entry id))` when amending.
    amending: Option<(u32, &'a str)>,
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    ctx: PatientContext,
    shown: Shown<FormState<'_>>,
) -> Result<Response, AppError> {
    let f = shown.form;
    let id = ctx.banner.id.clone();
    let (action, cancel_href) = match f.amending {
        None => (
            format!(
                "{}/assessments/new/{}",
                patient_href(&id),
                f.instrument.id()
            ),
            format!("{}/assessments", patient_href(&id)),
        ),
        Some((_, entry)) => (
            format!(
                "{}/entries/{}/amend",
                patient_href(&id),
                encode_segment(entry)
            ),
            result_href(&id, entry),
        ),
    };
    let safety = safety_text(state, ctx.record.patient.main_language.as_ref()).await?;
    let description = f.instrument.description();
    let options = state.policy().scoring_options();
    let title = if f.amending.is_some() {
        format!("Amend {}", f.instrument.name())
    } else {
        f.instrument.name().to_owned()
    };
    let page_data = FormPage {
        layout: Layout::new(user, format!("{title} – {}", ctx.banner.name), "/patients"),
        script_href: SCRIPT_HREF.as_str(),
        instrument: description.name,
        action,
        cancel_href,
        date: f.data.get("date").to_owned(),
        questions: Questions::new(description, f.data, &shown.errors),
        bands: bands_attribute(description.bands(&options)),
        safety_shown: raises_item9(description, f.data)
            || f.score.as_ref().is_some_and(|s| s.item9),
        score: f.score,
        safety,
        errors: shown.errors,
        amending: f.amending.map(|(v, _)| v),
        reason: f.data.get("reason").to_owned(),
        licence_note: description.licence,
        banner: ctx.banner,
    };
    page_status(shown.status, &page_data)
}

async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, instrument)): Path<(String, String)>,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    let instrument = instrument_of(&state, &instrument)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let mut data = FormData::default();
    data.set("date", state.today().to_string());
    render(
        &state,
        &user,
        ctx,
        Shown::new(FormState {
            instrument,
            data: &data,
            score: None,
            amending: None,
        }),
    )
    .await
}

/// The answers and date, scored and validated; errors beside the fields otherwise.
fn parse(
    state: &AppState,
    instrument: Instrument,
    ctx: &PatientContext,
    data: &FormData,
    errors: &mut FormErrors,
) -> Option<(QuestionnaireResult, ScoreView)> {
    let date: Option<Date> = data.date("date", errors, "The date the questionnaire was completed");
    let answers = parse_answers(instrument.description(), data, errors)?;
    let score = match score_with(instrument, &answers, &state.policy().scoring_options()) {
        Ok(s) => s,
        Err(e) => {
            errors.add("item-1", sentence(&e.to_string()));
            return None;
        }
    };
    let q = QuestionnaireResult::answered(instrument, date?, &answers);
    if let Err(e) = validate_entry(
        &ctx.record.patient,
        &EntryBody::Questionnaire(q.clone()),
        state.today(),
    ) {
        errors.add(
            if e.field == "answers" {
                "item-1"
            } else {
                "date"
            },
            sentence(&e.message),
        );
        return None;
    }
    Some((q, ScoreView::of(&score)))
}

/// "Calculate" (no JavaScript): score what was typed without saving anything. Only the
/// answers are checked; a date problem is reported when saving.
fn calculate(
    state: &AppState,
    instrument: Instrument,
    data: &FormData,
) -> (Option<ScoreView>, FormErrors) {
    let mut errors = FormErrors::default();
    let score = parse_answers(instrument.description(), data, &mut errors)
        .and_then(|a| score_with(instrument, &a, &state.policy().scoring_options()).ok())
        .map(|s| ScoreView::of(&s));
    (score, errors)
}

async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, instrument)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    let instrument = instrument_of(&state, &instrument)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = FormData::parse(&body);
    if data.get("action") == "calculate" {
        let (score, errors) = calculate(&state, instrument, &data);
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render(
            &state,
            &user,
            ctx,
            Shown::with_status(
                status,
                FormState {
                    instrument,
                    data: &data,
                    score,
                    amending: None,
                },
                errors,
            ),
        )
        .await;
    }
    let mut errors = FormErrors::default();
    let Some((q, _)) = parse(&state, instrument, &ctx, &data, &mut errors) else {
        return render(
            &state,
            &user,
            ctx,
            Shown::invalid(
                FormState {
                    instrument,
                    data: &data,
                    score: None,
                    amending: None,
                },
                errors,
            ),
        )
        .await;
    };
    let entry = Entry::new(
        new_entry_id(),
        ctx.record.patient.id.clone(),
        EntryBody::Questionnaire(q),
        user.user_id(),
        state.now(),
    );
    user.store.add_entry(&user.actor(), &entry).await?;
    tracing::info!(patient = %id, instrument = instrument.id(), "questionnaire recorded");
    Ok(saved(
        &state,
        &result_href(&id, entry.id.as_str()),
        Flash::Recorded(EntryKind::Questionnaire),
    ))
}

/// The amend form for a stored questionnaire (`ui::amend` sends questionnaires here).
pub async fn amend_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    entry: &Entry,
) -> Result<Response, AppError> {
    let EntryBody::Questionnaire(q) = &entry.body else {
        return Err(AppError::NotFound);
    };
    let ctx = PatientContext::load(state, user, id).await?;
    let mut data = answer_values(&q.answers);
    data.set("date", q.date.to_string());
    let score = q
        .score(&state.policy().scoring_options())
        .ok()
        .map(|s| ScoreView::of(&s));
    render(
        state,
        user,
        ctx,
        Shown::new(FormState {
            instrument: q.instrument,
            data: &data,
            score,
            amending: Some((entry.version, entry.id.as_str())),
        }),
    )
    .await
}

/// Saves (or, for "Calculate", only scores) an amended questionnaire.
pub async fn amend_save(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    entry: &Entry,
    data: &FormData,
) -> Result<Response, AppError> {
    let EntryBody::Questionnaire(stored) = &entry.body else {
        return Err(AppError::NotFound);
    };
    let instrument = stored.instrument;
    let ctx = PatientContext::load(state, user, id).await?;
    let amending = Some((entry.version, entry.id.as_str()));
    if data.get("action") == "calculate" {
        let (score, errors) = calculate(state, instrument, data);
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render(
            state,
            user,
            ctx,
            Shown::with_status(
                status,
                FormState {
                    instrument,
                    data,
                    score,
                    amending,
                },
                errors,
            ),
        )
        .await;
    }
    let mut errors = FormErrors::default();
    let parsed = parse(state, instrument, &ctx, data, &mut errors);
    let reason = errors.required(
        data.get("reason"),
        "reason",
        "Say why the answers are being amended",
    );
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() && data.get("version").trim().parse::<u32>().ok() != Some(entry.version) {
        errors.add("reason", CHANGED_MEANWHILE);
        status = StatusCode::CONFLICT;
    }
    if let (Some((q, _)), true) = (parsed, errors.is_empty()) {
        match entry.amend(
            EntryBody::Questionnaire(q),
            user.user_id(),
            state.now(),
            &reason,
        ) {
            Ok(next) => match user.store.change_entry(&user.actor(), &next).await {
                Ok(()) => {
                    return Ok(saved(
                        state,
                        &result_href(id, entry.id.as_str()),
                        Flash::Amended(EntryKind::Questionnaire),
                    ));
                }
                Err(StoreError::VersionConflict { .. }) => {
                    errors.add("reason", CHANGED_MEANWHILE);
                    status = StatusCode::CONFLICT;
                }
                Err(e) => return Err(e.into()),
            },
            Err(e) => errors.add("reason", sentence(&e.to_string())),
        }
    }
    let current = user.store.entry(entry.id.as_str()).await?.version;
    render(
        state,
        user,
        ctx,
        Shown::with_status(
            status,
            FormState {
                instrument,
                data,
                score: None,
                amending: Some((current, entry.id.as_str())),
            },
            errors,
        ),
    )
    .await
}

#[derive(Template)]
#[template(path = "assessments/result.html")]
struct ResultPage {
    layout: Layout,
    banner: Banner,
    instrument: &'static str,
    date: String,
    score: ScoreView,
    /// Every answer in order, or the items recorded elsewhere, or empty (see `answers_text`).
    answers: String,
    safety: SafetyText,
    risk_review_href: String,
    trends_href: String,
    history_href: String,
}

/// Said beside the reason when the answers were amended by someone else meanwhile.
const CHANGED_MEANWHILE: &str = "These answers changed after you opened them. Check the history, then save again if your amendment still applies.";

async fn result(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    let entry = user.store.entry(&entry_id).await?;
    let EntryBody::Questionnaire(q) = &entry.body else {
        return Err(AppError::NotFound);
    };
    if entry.patient.as_str() != id {
        return Err(AppError::NotFound);
    }
    let ctx = PatientContext::load(&state, &user, &id).await?;
    user.store
        .audit_read(&user.actor(), "entry.view", Some(&id), &entry_id)
        .await?;
    let score = q
        .score(&state.policy().scoring_options())
        .map_err(|_| AppError::BadRequest("the stored answers could not be scored"))?;
    let page_data = ResultPage {
        layout: Layout::new(
            &user,
            format!("{} result – {}", q.instrument.name(), ctx.banner.name),
            "/patients",
        ),
        instrument: q.instrument.name(),
        date: q.date.to_string(),
        score: ScoreView::of(&score),
        answers: answers_text(q.instrument.description(), &q.answers),
        safety: safety_text(&state, ctx.record.patient.main_language.as_ref()).await?,
        risk_review_href: format!("{}/entries/new/risk-review", patient_href(&id)),
        trends_href: format!("{}/trends", patient_href(&id)),
        history_href: format!(
            "{}/entries/{}",
            patient_href(&id),
            encode_segment(&entry_id)
        ),
        banner: ctx.banner,
    };
    page(&page_data)
}
