//! Entry forms: recording (`/patients/{id}/entries/new/{kind}`) and amending
//! (`/patients/{id}/entries/{entry_id}/amend`) every kind of clinical entry.
//!
//! Each kind is a row of [`KINDS`]: its fields, a parser into the entry body, the reverse (to
//! pre-fill an amendment) and the values a new form starts with. One template draws every
//! form; questionnaires have their own item-by-item form in `ui::assessments`.
//!
//! Every handler: role check → `PatientContext::load` (record, banner) → parse the form into
//! the body collecting `FormErrors` → `validate_entry` → `store.add_entry` /
//! `Entry::amend` + `store.change_entry` (both audited by the store) → 303 redirect. A form
//! with errors is shown again, as typed, with status 422, and nothing is written.
//!
//! Who may record what: clinicians and administrators every kind; receptionists planned
//! contacts only (with their interpreter booking), since every other kind is clinical.

pub mod care;
pub mod data;
pub mod fields;
pub mod history;
pub mod questionnaire;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use haven_core::Date;
use haven_core::record::{Entry, EntryBody, EntryStatus, PatientRecord, validate_entry};
use haven_store::StoreError;

use self::data::FormData;
use self::fields::{Field, FieldView, add_validation, views};
use super::form::FormErrors;
use super::layout::Layout;
use super::patient_page::{Banner, PatientContext};
use super::{assessments, encode_segment, new_entry_id, now, page_status, patient_href, risk, see_other, today};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/entries/new/{kind}", get(new_form).post(create))
        .route("/patients/{id}/entries/{entry_id}/amend", get(amend_form).post(amend))
}

/// One kind of entry and how its form works.
pub struct KindSpec {
    /// The entry kind id (`EntryBody::kind_id`), also the URL segment.
    pub id: &'static str,
    /// Heading of the new-entry form, e.g. "Record a life event".
    pub title: &'static str,
    /// Link text on the patient page.
    pub link: &'static str,
    /// A sentence shown above the form (empty for none).
    pub intro: &'static str,
    /// Receptionists may record and amend it.
    pub administrative: bool,
    pub fields: fn() -> Vec<Field>,
    pub parse: fn(&FormData, &mut FormErrors) -> Option<EntryBody>,
    pub values: fn(&EntryBody) -> FormData,
    pub defaults: fn(&PatientRecord, Date) -> FormData,
}

const NG225: &str = "This is a structured record of what the person tells you, not a score: Haven never grades people as low, medium or high risk (NICE NG225). Plan for the person’s safety with them.";

/// Every kind with a generic form, in the order the patient page offers them. Questionnaires
/// are recorded item by item in `ui::assessments`.
pub static KINDS: [KindSpec; 13] = [
    KindSpec { id: "encounter", title: "Record a consultation", link: "Consultation", intro: "", administrative: false, fields: care::encounter_fields, parse: care::encounter_parse, values: care::encounter_values, defaults: history::dated_today },
    KindSpec { id: "planned-contact", title: "Record a planned contact", link: "Planned contact", intro: "", administrative: true, fields: care::planned_contact_fields, parse: care::planned_contact_parse, values: care::planned_contact_values, defaults: history::dated_today },
    KindSpec { id: "life-event", title: "Record a life event", link: "Life event", intro: "A negative development in the person’s life raises an urgent suicide and self-harm risk review (§6).", administrative: false, fields: history::life_event_fields, parse: history::life_event_parse, values: history::life_event_values, defaults: history::dated_today },
    KindSpec { id: "risk-review", title: "Record a suicide and self-harm risk review", link: "Risk review", intro: NG225, administrative: false, fields: risk::review_fields, parse: risk::review_parse, values: risk::review_values, defaults: risk::review_defaults },
    KindSpec { id: "safety-plan", title: "Record a safety plan", link: "Safety plan", intro: "Agree the plan with the person, in their words, and give them a printed copy in their language.", administrative: false, fields: risk::plan_fields, parse: risk::plan_parse, values: risk::plan_values, defaults: history::dated_today },
    KindSpec { id: "asylum", title: "Record the asylum situation", link: "Asylum situation", intro: "", administrative: false, fields: history::asylum_fields, parse: history::asylum_parse, values: history::asylum_values, defaults: history::asylum_defaults },
    KindSpec { id: "disclosure", title: "Record a disclosure of abuse", link: "Disclosure of abuse", intro: "Sensitive: only clinical staff see this entry, and it leaves Haven only in an export that asks for sensitive data.", administrative: false, fields: history::disclosure_fields, parse: history::disclosure_parse, values: history::disclosure_values, defaults: history::dated_today },
    KindSpec { id: "problem", title: "Record a problem", link: "Problem", intro: "", administrative: false, fields: history::problem_fields, parse: history::problem_parse, values: history::problem_values, defaults: history::dated_today },
    KindSpec { id: "screening", title: "Record blood-borne virus screening", link: "Screening", intro: "", administrative: false, fields: care::screening_fields, parse: care::screening_parse, values: care::screening_values, defaults: history::dated_today },
    KindSpec { id: "referral", title: "Record a referral", link: "Referral", intro: "", administrative: false, fields: care::referral_fields, parse: care::referral_parse, values: care::referral_values, defaults: history::dated_today },
    KindSpec { id: "medication", title: "Record psychotropic medication", link: "Medication", intro: "", administrative: false, fields: care::medication_fields, parse: care::medication_parse, values: care::medication_values, defaults: history::dated_today },
    KindSpec { id: "advice", title: "Record advice or a psychological enquiry", link: "Advice or enquiry", intro: "", administrative: false, fields: care::advice_fields, parse: care::advice_parse, values: care::advice_values, defaults: history::dated_today },
    KindSpec { id: "flag", title: "Add a flag", link: "Flag", intro: "", administrative: false, fields: care::flag_fields, parse: care::flag_parse, values: care::flag_values, defaults: history::dated_today },
];

pub fn spec(kind: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.id == kind)
}

/// Whether this user may record or amend entries of `kind` (an entry kind id).
pub fn may_record(user: &CurrentUser, kind: &str) -> bool {
    if user.is_clinical() {
        return true;
    }
    user.may_see(haven_core::record::Visibility::Administrative) && spec(kind).is_some_and(|k| k.administrative)
}

/// The form that records a new entry of `kind` for a patient (questionnaires: the chooser).
pub fn new_href(patient: &str, kind: &str) -> String {
    if kind == "questionnaire" { format!("{}/assessments", patient_href(patient)) } else { format!("{}/entries/new/{kind}", patient_href(patient)) }
}

/// Links to every form this user may use, for the patient page: `(href, label)`.
pub fn record_links(user: &CurrentUser, patient: &str) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = KINDS.iter().filter(|k| may_record(user, k.id)).map(|k| (new_href(patient, k.id), k.link)).collect();
    if user.is_clinical() {
        out.insert(1, (new_href(patient, "questionnaire"), "Questionnaire"));
    }
    out
}

/// The amend form for this entry (every kind has one).
pub fn amend_href(entry: &Entry) -> Option<String> {
    Some(format!("{}/entries/{}/amend", patient_href(entry.patient.as_str()), encode_segment(entry.id.as_str())))
}

fn entry_href(patient: &str, entry: &str) -> String {
    format!("{}/entries/{}", patient_href(patient), encode_segment(entry))
}

#[derive(Template)]
#[template(path = "forms/entry.html")]
struct EntryFormPage {
    layout: Layout,
    banner: Banner,
    title: String,
    intro: &'static str,
    /// Facts shown above the form (recent life events for a risk review).
    context_heading: &'static str,
    context: Vec<String>,
    fields: Vec<FieldView>,
    errors: FormErrors,
    action: String,
    cancel_href: String,
    /// `Some(version)` when amending: the reason field is shown and the version sent back.
    amending: Option<u32>,
    reason: String,
}

struct Shown<'a> {
    spec: &'static KindSpec,
    data: &'a FormData,
    errors: FormErrors,
    amending: Option<(u32, &'a str)>,
}

fn render(user: &CurrentUser, ctx: PatientContext, status: StatusCode, shown: Shown<'_>) -> Result<Response, AppError> {
    let spec = shown.spec;
    let id = ctx.banner.id.clone();
    let (title, action, cancel_href) = match shown.amending {
        None => (spec.title.to_owned(), format!("{}/entries/new/{}", patient_href(&id), spec.id), patient_href(&id)),
        Some((_, entry_id)) => {
            let action = format!("{}/amend", entry_href(&id, entry_id));
            (format!("Amend: {}", spec.link.to_lowercase()), action, entry_href(&id, entry_id))
        }
    };
    let (context_heading, context) =
        if spec.id == "risk-review" { ("Negative life events in the last 90 days", risk::recent_stressors(&ctx.record, today())) } else { ("", Vec::new()) };
    let page = EntryFormPage {
        layout: Layout::new(user, format!("{title} – {}", ctx.banner.name), "/patients"),
        title,
        intro: spec.intro,
        context_heading,
        context,
        fields: views(&(spec.fields)(), shown.data),
        errors: shown.errors,
        action,
        cancel_href,
        amending: shown.amending.map(|(v, _)| v),
        reason: shown.data.get("reason").to_owned(),
        banner: ctx.banner,
    };
    page_status(status, &page)
}

fn allowed_spec(user: &CurrentUser, kind: &str) -> Result<&'static KindSpec, AppError> {
    user.require(PATIENT_ROLES)?;
    let spec = spec(kind).ok_or(AppError::NotFound)?;
    if !may_record(user, kind) {
        return Err(AppError::Forbidden);
    }
    Ok(spec)
}

async fn new_form(State(state): State<AppState>, user: CurrentUser, Path((id, kind)): Path<(String, String)>) -> Result<Response, AppError> {
    if kind == "questionnaire" {
        user.require(crate::auth::CLINICAL_ROLES)?;
        return Ok(see_other(&new_href(&id, &kind)));
    }
    let spec = allowed_spec(&user, &kind)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = (spec.defaults)(&ctx.record, today());
    render(&user, ctx, StatusCode::OK, Shown { spec, data: &data, errors: FormErrors::default(), amending: None })
}

/// Parses and validates a submitted form; `None` (with errors) when it cannot be saved.
fn parse_checked(spec: &KindSpec, record: &PatientRecord, data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let body = (spec.parse)(data, errors);
    if let (Some(b), true) = (&body, errors.is_empty())
        && let Err(e) = validate_entry(&record.patient, b, today())
    {
        add_validation(errors, &(spec.fields)(), e.field, &e.message);
    }
    if errors.is_empty() { body } else { None }
}

async fn create(State(state): State<AppState>, user: CurrentUser, Path((id, kind)): Path<(String, String)>, body: Bytes) -> Result<Response, AppError> {
    let spec = allowed_spec(&user, &kind)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = FormData::parse(&body);
    let mut errors = FormErrors::default();
    let Some(entry_body) = parse_checked(spec, &ctx.record, &data, &mut errors) else {
        return render(&user, ctx, StatusCode::UNPROCESSABLE_ENTITY, Shown { spec, data: &data, errors, amending: None });
    };
    let entry = Entry::new(new_entry_id(), ctx.record.patient.id.clone(), entry_body, user.user_id(), now());
    state.store.add_entry(&user.actor(), &entry).await?;
    tracing::info!(patient = %id, kind = spec.id, "entry recorded");
    Ok(see_other(&patient_href(&id)))
}

/// The current version of an entry, after checking that it belongs to this patient (404
/// otherwise, so ids cannot be probed across patients) and that this user may change it.
async fn changeable_entry(state: &AppState, user: &CurrentUser, id: &str, entry_id: &str) -> Result<Entry, AppError> {
    user.require(PATIENT_ROLES)?;
    let entry = state.store.entry(entry_id).await?;
    if entry.patient.as_str() != id {
        return Err(AppError::NotFound);
    }
    let kind = entry.body.kind_id();
    let allowed = user.may_see(entry.visibility()) && if kind == "questionnaire" { user.is_clinical() } else { may_record(user, kind) };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    Ok(entry)
}

async fn amend_form(State(state): State<AppState>, user: CurrentUser, Path((id, entry_id)): Path<(String, String)>) -> Result<Response, AppError> {
    let entry = changeable_entry(&state, &user, &id, &entry_id).await?;
    if entry.status == EntryStatus::EnteredInError {
        return Ok(see_other(&entry_href(&id, &entry_id)));
    }
    if let EntryBody::Questionnaire(_) = entry.body {
        return assessments::amend_page(&state, &user, &id, &entry).await;
    }
    let spec = spec(entry.body.kind_id()).ok_or(AppError::NotFound)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = (spec.values)(&entry.body);
    render(&user, ctx, StatusCode::OK, Shown { spec, data: &data, errors: FormErrors::default(), amending: Some((entry.version, &entry_id)) })
}

const CHANGED: &str = "This entry changed after you opened it. Check its history (linked below), then save again if your amendment still applies.";

async fn amend(State(state): State<AppState>, user: CurrentUser, Path((id, entry_id)): Path<(String, String)>, body: Bytes) -> Result<Response, AppError> {
    let entry = changeable_entry(&state, &user, &id, &entry_id).await?;
    if entry.status == EntryStatus::EnteredInError {
        return Ok(see_other(&entry_href(&id, &entry_id)));
    }
    let data = FormData::parse(&body);
    if let EntryBody::Questionnaire(_) = entry.body {
        return assessments::amend_save(&state, &user, &id, &entry, &data).await;
    }
    let spec = spec(entry.body.kind_id()).ok_or(AppError::NotFound)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let mut errors = FormErrors::default();
    let parsed = parse_checked(spec, &ctx.record, &data, &mut errors);
    let reason = errors.required(data.get("reason"), "reason", "Say why the entry is being amended, for example “wrong date recorded”");
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() && data.get("version").trim().parse::<u32>().ok() != Some(entry.version) {
        errors.add("reason", CHANGED);
        status = StatusCode::CONFLICT;
    }
    let next = match (parsed, errors.is_empty()) {
        (Some(b), true) => match entry.amend(b, user.user_id(), now(), &reason) {
            Ok(next) => Some(next),
            Err(e) => {
                errors.add("reason", fields::sentence(&e.to_string()));
                None
            }
        },
        _ => None,
    };
    if let Some(next) = next {
        match state.store.change_entry(&user.actor(), &next).await {
            Ok(()) => return Ok(see_other(&entry_href(&id, &entry_id))),
            Err(StoreError::VersionConflict { .. }) => {
                errors.add("reason", CHANGED);
                status = StatusCode::CONFLICT;
            }
            Err(e) => return Err(e.into()),
        }
    }
    // Shown again with the version now current, so a deliberate second save goes through.
    let current = state.store.entry(&entry_id).await?.version;
    render(&user, ctx, status, Shown { spec, data: &data, errors, amending: Some((current, &entry_id)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_but_questionnaires_has_a_generic_form() {
        use haven_core::record::*;
        let ids: Vec<&str> = KINDS.iter().map(|k| k.id).collect();
        let d = time::macros::date!(2026 - 11 - 28);
        // One body per kind: kind_id() is exhaustive over EntryBody, so this list is too.
        let all = [
            EntryBody::Asylum(AsylumSituation { status: AsylumStatus::Refused, since: d, coded: true, note: String::new() }),
            EntryBody::Disclosure(Disclosure { kind: None, disclosed: d, note: String::new() }),
            EntryBody::LifeEvent(LifeEvent { kind: LifeEventKind::LossOfHope, date: d, note: String::new() }),
            EntryBody::Problem(Problem { kind: ProblemKind::Ptsd, onset: d, resolved: None, note: String::new() }),
            EntryBody::Flag(Flag { kind: FlagKind::InterpreterNeeded, date: d }),
        ];
        for b in &all {
            assert!(ids.contains(&b.kind_id()), "{}", b.kind_id());
        }
        for id in ["encounter", "planned-contact", "risk-review", "safety-plan", "screening", "referral", "medication", "advice"] {
            assert!(ids.contains(&id), "{id}");
        }
        assert!(!ids.contains(&"questionnaire"));
        assert_eq!(KINDS.iter().filter(|k| k.administrative).map(|k| k.id).collect::<Vec<_>>(), ["planned-contact"]);
        for k in &KINDS {
            let fields = (k.fields)();
            assert!(fields.iter().any(|f| f.name == "date"), "{}: validation messages about the date need a date field", k.id);
            assert!(!fields.iter().any(|f| f.name == "reason" || f.name == "version" || f.name == "csrf"), "{}", k.id);
        }
    }
}
