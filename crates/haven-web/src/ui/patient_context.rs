//! What every patient-level page starts from: the patient's record at the user's visibility,
//! the banner that heads the page (`templates/patients/_banner.html`) with its urgent actions,
//! and the names of the users who appear on it. Pages load it with [`PatientContext::load`].

use std::collections::HashMap;
use std::sync::Arc;

use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::record::{InterpreterGender, PatientRecord, Visibility};
use haven_store::DisplayNames;
use time::OffsetDateTime;

use super::actions::{UrgentAction, urgent_actions};
use super::patient_form::{SEXES, label_of, sex_id};
use super::patient_href;
use super::patients::{NativeName, age_text};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::error::AppError;
use crate::reference::languages;

/// The banner at the top of every patient-level page (`templates/patients/_banner.html`).
#[derive(Clone, Debug)]
pub struct Banner {
    pub id: String,
    pub href: String,
    pub name: String,
    pub native: Option<NativeName>,
    pub age: String,
    pub birth_date: String,
    pub sex: &'static str,
    pub nhs_number: String,
    pub language: String,
    /// `Some(true)` required, `Some(false)` not needed, `None` not asked yet.
    pub interpreter: Option<bool>,
    /// "Female interpreter preferred · dialect: Levantine", when required.
    pub interpreter_prefs: String,
    /// "Awaiting decision since 2026-03-01" (clinical roles only: receptionists do not load it).
    pub asylum: String,
    pub clinician: String,
    /// Clinical roles only, and only when an active sensitive entry exists.
    pub sensitive: bool,
    /// Urgent care-rule actions, evaluated at view time (set by [`PatientContext::load`]).
    pub urgent: Vec<UrgentAction>,
}

impl Banner {
    pub fn build(
        record: &PatientRecord,
        user: &CurrentUser,
        names: &HashMap<String, String>,
        today: Date,
    ) -> Self {
        let p = &record.patient;
        let mut prefs = Vec::new();
        if p.interpreter_required == Some(true) {
            match p.interpreter_gender {
                Some(InterpreterGender::Female) => {
                    prefs.push("female interpreter preferred".to_owned())
                }
                Some(InterpreterGender::Male) => {
                    prefs.push("male interpreter preferred".to_owned())
                }
                Some(InterpreterGender::Any) => {
                    prefs.push("no preference for the interpreter’s gender".to_owned())
                }
                None => {}
            }
            if let Some(d) = &p.dialect {
                prefs.push(format!("dialect: {d}"));
            }
        }
        // The current situation is the one that began last.
        let asylum = record
            .active()
            .filter_map(|e| Some((e, e.body.as_asylum()?)))
            .max_by_key(|(_, a)| a.since)
            .map(|(e, a)| format!("{} since {}", a.status.label(), e.date_text()))
            .unwrap_or_default();
        Self {
            id: p.id.to_string(),
            href: patient_href(p.id.as_str()),
            name: p.display_name(),
            native: NativeName::of(p),
            age: age_text(p, today),
            birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            sex: p
                .sex
                .map(|s| label_of(SEXES, sex_id(s)))
                .unwrap_or_default(),
            nhs_number: p
                .nhs_number
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            language: languages::main_of(p),
            interpreter: p.interpreter_required,
            interpreter_prefs: prefs.join(" · "),
            asylum: if user.is_clinical() {
                asylum
            } else {
                String::new()
            },
            clinician: p
                .named_clinician
                .as_ref()
                .map(|c| {
                    names
                        .get(c.as_str())
                        .cloned()
                        .unwrap_or_else(|| c.to_string())
                })
                .unwrap_or_default(),
            sensitive: user.is_clinical() && record.has_sensitive_history(),
            urgent: Vec::new(),
        }
    }
}

/// The record, banner and user names every patient-level page needs, the record read at the
/// user's visibility (the names are the store's kept ones: `Store::display_names`), and the
/// practice policy they were evaluated under. Callers check the role first.
pub struct PatientContext {
    pub record: PatientRecord,
    pub banner: Banner,
    /// Username → display name, for "named clinician" and "changed by".
    pub names: Arc<DisplayNames>,
    pub policy: Policy,
    /// The application's today, which the banner, the rules and the forms read.
    pub today: Date,
    /// How much of the record this user sees here: their role's view, or all of it while an
    /// emergency grant is open.
    pub visibility: Visibility,
    /// When this user's emergency access to the record ends, while it is open.
    pub emergency_until: Option<OffsetDateTime>,
}

/// What of `patient`'s record `user` may see now, and until when an emergency grant that
/// widens it lasts. Clinical roles see everything without one.
pub async fn record_access(
    state: &AppState,
    user: &CurrentUser,
    patient: &str,
) -> Result<(Visibility, Option<OffsetDateTime>), AppError> {
    if user.is_clinical() || !user.may_see(Visibility::Administrative) {
        return Ok((user.visibility(), None));
    }
    let until = user
        .store
        .break_glass_until(&user.username, patient, state.now())
        .await?;
    Ok(match until {
        Some(until) => (Visibility::Sensitive, Some(until)),
        None => (user.visibility(), None),
    })
}

impl PatientContext {
    pub async fn load(state: &AppState, user: &CurrentUser, id: &str) -> Result<Self, AppError> {
        user.require(PATIENT_ROLES)?;
        let (visibility, emergency_until) = record_access(state, user, id).await?;
        let record = user.store.record(id, visibility).await?;
        let names = state.store.display_names().await?;
        let policy = state.policy();
        let today = state.today();
        let mut banner = Banner::build(&record, user, &names, today);
        banner.urgent = urgent_actions(user, &record, &policy, today);
        Ok(Self {
            record,
            banner,
            names,
            policy,
            today,
            visibility,
            emergency_until,
        })
    }
}
