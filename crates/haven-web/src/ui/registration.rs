//! Registering a patient and changing their demographics (`/patients/new`,
//! `/patients/{id}/edit`). Open to admins, clinicians and receptionists.
//!
//! When an interpreter need is recorded here, Haven adds the communication flag itself in the
//! same save (rule `interpreter.flag-missing`, §2, §9).
//!
//! Before a new patient is saved, Haven looks for people already registered who may be the same
//! person (the same NHS number, the same phone number, or the same date of birth and a similar
//! name in either script, however it is transliterated) and shows them, with demographics only.
//! Registering anyway needs a reason, which is audited with the ids that were shown.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use haven_core::record::{Entry, EntryBody, Flag, FlagKind, Patient, Visibility};
use haven_core::{PatientId, UserId};
use haven_store::{DuplicateCandidate, DuplicateOverride, Role, Store, StoreError};
use time::OffsetDateTime;

use super::flash::{self, Flash};
use super::form::{FormErrors, Shown};
use super::layout::Layout;
use super::patient_form::{ClinicianOption, FormChoices, PatientForm};
use super::patients::NativeName;
use super::{new_entry_id, page_status, patient_href};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/new", get(new_form).post(create))
        .route("/patients/{id}/edit", get(edit_form).post(update))
}

#[derive(Template)]
#[template(path = "patients/form.html")]
struct PatientFormPage {
    layout: Layout,
    form: PatientForm,
    errors: FormErrors,
    choices: FormChoices,
    /// `None` when registering; the patient's id when editing.
    editing: Option<String>,
    action: String,
    cancel_href: String,
    /// Registration only: people already registered who may be this person.
    duplicates: Vec<DuplicateRow>,
}

/// A possible duplicate as the registration form lists it: demographics only, never history,
/// so the list is the same for every role that may register.
pub struct DuplicateRow {
    pub href: String,
    pub id: String,
    pub name: String,
    pub native: Option<NativeName>,
    pub birth_date: String,
    pub nhs_number: String,
    /// Why Haven asks, in plain words.
    pub reasons: String,
}

impl DuplicateRow {
    pub fn of(c: &DuplicateCandidate) -> Self {
        let p = &c.patient.patient;
        Self {
            href: patient_href(p.id.as_str()),
            id: p.id.to_string(),
            name: p.display_name(),
            native: NativeName::of(p),
            birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            nhs_number: p
                .nhs_number
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            reasons: reasons_text(&c.reasons),
        }
    }
}

/// The reasons as one phrase: "same NHS number and same phone number".
pub fn reasons_text(reasons: &[haven_core::duplicates::DuplicateReason]) -> String {
    let labels: Vec<&str> = reasons.iter().map(|r| r.label()).collect();
    match labels.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Every clinician account, for the named-clinician select (inactive ones only appear when
/// already named, so that an edit does not silently drop them).
pub async fn clinician_options(store: &Store) -> Result<Vec<ClinicianOption>, StoreError> {
    Ok(store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Clinician)
        .map(|u| ClinicianOption {
            username: u.username,
            display_name: u.display_name,
            active: u.active,
        })
        .collect())
}

/// Which page the patient form is on.
enum Purpose {
    /// Registering someone, with the possible duplicates to look at first (none at first).
    Register(Vec<DuplicateRow>),
    /// Changing the details of the patient with this id.
    Edit(String),
}

fn render(
    user: &CurrentUser,
    clinicians: &[ClinicianOption],
    purpose: Purpose,
    shown: Shown<PatientForm>,
) -> Result<Response, AppError> {
    let (editing, duplicates) = match purpose {
        Purpose::Register(duplicates) => (None, duplicates),
        Purpose::Edit(id) => (Some(id), Vec::new()),
    };
    let Shown {
        status,
        form,
        errors,
    } = shown;
    let (title, action, cancel_href) = match &editing {
        None => (
            "Register a patient".to_owned(),
            "/patients/new".to_owned(),
            "/patients".to_owned(),
        ),
        Some(id) => (
            "Change personal details".to_owned(),
            format!("{}/edit", patient_href(id)),
            patient_href(id),
        ),
    };
    let current = if editing.is_some() {
        "/patients"
    } else {
        "/patients/new"
    };
    let choices = form.choices(clinicians);
    page_status(
        status,
        &PatientFormPage {
            layout: Layout::new(user, title, current),
            form,
            errors,
            choices,
            editing,
            action,
            cancel_href,
            duplicates,
        },
    )
}

async fn new_form(user: CurrentUser) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let clinicians = clinician_options(&user.store).await?;
    let form = PatientForm {
        interpreter_required: String::new(),
        ..Default::default()
    };
    render(
        &user,
        &clinicians,
        Purpose::Register(Vec::new()),
        Shown::new(form),
    )
}

fn interpreter_flag(patient: &Patient, by: UserId, at: OffsetDateTime) -> Entry {
    let body = EntryBody::Flag(Flag {
        kind: FlagKind::InterpreterNeeded,
        date: at.date(),
    });
    Entry::new(new_entry_id(), patient.id.clone(), body, by, at)
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<PatientForm>,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let clinicians = clinician_options(&user.store).await?;
    let patient = match form.to_patient(PatientId::new(""), &clinicians, state.today()) {
        Ok(p) => p,
        Err(errors) => {
            return render(
                &user,
                &clinicians,
                Purpose::Register(Vec::new()),
                Shown::invalid(form, errors),
            );
        }
    };
    let first_entries = if patient.interpreter_required == Some(true) {
        vec![interpreter_flag(&patient, user.user_id(), state.now())]
    } else {
        Vec::new()
    };
    let candidates = user.store.possible_duplicates(&patient).await?;
    let saved = if candidates.is_empty() {
        user.store
            .create_patient(&user.actor(), patient, first_entries)
            .await?
    } else {
        let ids: Vec<String> = candidates
            .iter()
            .map(|c| c.patient.patient.id.to_string())
            .collect();
        let seen: Vec<&str> = form.duplicates_seen.split(',').map(str::trim).collect();
        let all_seen = ids.iter().all(|id| seen.contains(&id.as_str()));
        let reason = form.duplicate_reason.trim().to_owned();
        if !all_seen || reason.is_empty() {
            // First the list; then, if saved again without a reason, the list and a message.
            // Anyone newly registered in between is shown before the save can go ahead.
            let mut errors = FormErrors::default();
            let status = if all_seen {
                errors.add(
                    "duplicate_reason",
                    "Say why this is a different person from the people listed, or open their record instead of registering again",
                );
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            let form = PatientForm {
                duplicates_seen: ids.join(","),
                ..form
            };
            let rows = candidates.iter().map(DuplicateRow::of).collect();
            return render(
                &user,
                &clinicians,
                Purpose::Register(rows),
                Shown::with_status(status, form, errors),
            );
        }
        let decision = DuplicateOverride {
            candidates: ids,
            reason,
        };
        let saved = user
            .store
            .create_patient_despite_duplicates(&user.actor(), patient, first_entries, &decision)
            .await?;
        tracing::info!(
            patient = %saved.id,
            possible_duplicates = decision.candidates.len(),
            "patient registered although possibly registered already"
        );
        saved
    };
    tracing::info!(patient = %saved.id, "patient registered");
    Ok(flash::saved(
        &state,
        &patient_href(saved.id.as_str()),
        Flash::Registered,
    ))
}

async fn edit_form(user: CurrentUser, Path(id): Path<String>) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let current = user.store.patient(&id).await?;
    let clinicians = clinician_options(&user.store).await?;
    let form = PatientForm::from_patient(&current.patient, current.version);
    render(&user, &clinicians, Purpose::Edit(id), Shown::new(form))
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<PatientForm>,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let clinicians = clinician_options(&user.store).await?;
    // Ensures the patient exists (404 otherwise) before anything else.
    let stored = user.store.patient(&id).await?;
    let mut errors = FormErrors::default();
    let reason = errors.required(
        &form.reason,
        "reason",
        "Say why the details are being changed",
    );
    let version: Option<u32> = form.version.trim().parse().ok();
    if version.is_none() {
        errors.add(
            "reason",
            "The form was incomplete; reload the page and make the change again",
        );
    }
    let patient = match form.to_patient(stored.patient.id.clone(), &clinicians, state.today()) {
        Ok(p) => Some(p),
        Err(e) => {
            for item in e.items() {
                errors.add(item.field.clone(), item.message.clone());
            }
            None
        }
    };
    let (Some(patient), Some(version), true) = (patient, version, errors.is_empty()) else {
        return render(
            &user,
            &clinicians,
            Purpose::Edit(id),
            Shown::invalid(form, errors),
        );
    };
    match user
        .store
        .update_patient(&user.actor(), &patient, version, &reason)
        .await
    {
        Ok(_) => {}
        Err(StoreError::VersionConflict { current }) => {
            let changed = changed_since(&state, &id, version).await?;
            errors.add("reason", format!("Someone else changed these details while you were editing{changed} (they are now at version {current}). Open the patient again to see their change, then make yours."));
            return render(
                &user,
                &clinicians,
                Purpose::Edit(id),
                Shown::with_status(StatusCode::CONFLICT, form, errors),
            );
        }
        Err(e) => return Err(e.into()),
    }
    if patient.interpreter_required == Some(true) {
        let record = user.store.record(&id, Visibility::Administrative).await?;
        let flagged = record
            .bodies(EntryBody::as_flag)
            .any(|f| f.kind == FlagKind::InterpreterNeeded);
        if !flagged {
            user.store
                .add_entry(
                    &user.actor(),
                    &interpreter_flag(&patient, user.user_id(), state.now()),
                )
                .await?;
        }
    }
    Ok(flash::saved(
        &state,
        &patient_href(&id),
        Flash::DetailsChanged,
    ))
}

/// What changed in a patient's details since `version` (the one a refused form was opened at):
/// ": phone, address", or nothing when that version is not in the history.
async fn changed_since(state: &AppState, id: &str, version: u32) -> Result<String, AppError> {
    let history = state.store.patient_history(id).await?;
    let then = history
        .iter()
        .find(|(v, ..)| *v == version)
        .map(|(_, p, ..)| p);
    let now = state.store.patient(id).await?.patient;
    Ok(match then {
        Some(then) => {
            let fields = then.changed_fields(&now);
            if fields.is_empty() {
                String::new()
            } else {
                format!(": {}", fields.join(", "))
            }
        }
        None => String::new(),
    })
}
