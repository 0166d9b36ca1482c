//! The audit log as people read it: per patient, "who has seen this record"
//! (`/patients/{id}/audit`, clinical roles and administrators), and the administrators' search
//! of the whole log by user, patient, action and date (`/admin/audit`). Looking is itself
//! audited, so nobody can read who looked without being listed too.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use haven_store::{AuditEntry, AuditQuery};
use serde::Deserialize;

use super::form::{FormErrors, optional};
use super::layout::Layout;
use super::{encode_segment, page_status, patient_href};
use crate::AppState;
use crate::auth::{ADMIN_ROLES, CLINICAL_ROLES, CurrentUser};
use crate::error::AppError;

/// Rows per page: enough for a morning's activity on one record, small enough to read.
const PAGE_ROWS: i64 = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/audit", get(patient_log))
        .route("/admin/audit", get(search))
}

/// One audit row as shown: who (by name where Haven knows it), what, when.
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub who: String,
    pub username: String,
    pub action: String,
    pub what: &'static str,
    pub patient: Option<String>,
    pub patient_href: Option<String>,
    pub detail: String,
}

/// The filters of the search form, as typed (so the form shows them again).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub patient: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub before: String,
}

#[derive(Template)]
#[template(path = "audit/patient.html")]
struct PatientLogPage {
    layout: Layout,
    patient_id: String,
    back_href: String,
    rows: Vec<AuditRow>,
    older_href: Option<String>,
}

#[derive(Template)]
#[template(path = "audit/search.html")]
struct SearchPage {
    layout: Layout,
    form: SearchForm,
    errors: FormErrors,
    searched: bool,
    rows: Vec<AuditRow>,
    older_href: Option<String>,
}

/// What an action means, in words, for the families people look for; the id is shown beside.
fn action_words(action: &str) -> &'static str {
    match action {
        "patient.view" => "Opened the record",
        "patient.create" => "Registered the patient",
        "patient.update" => "Changed the patient's details",
        "patient.trends" => "Looked at the questionnaire trends",
        "patient.list" => "Listed or searched patients",
        "patient.duplicate-override" => "Registered despite a possible duplicate",
        "patient.not-duplicate" => "Said two records are different people",
        "entry.add" => "Added an entry",
        "entry.amend" => "Amended an entry",
        "entry.entered-in-error" => "Marked an entry entered in error",
        "entry.view" => "Opened an entry's history",
        "entry.print" => "Printed an entry",
        "handout.view" => "Printed a handout",
        "referral.list" => "Listed the referrals",
        "referral.view" => "Opened a referral",
        "referral.letter" => "Printed a referral letter",
        "audit.view" => "Looked at who has seen the record",
        "audit.search" => "Searched the audit log",
        "fhir.read" | "fhir.search" => "Read through the FHIR API",
        "fhir.import" => "Written through the FHIR API or an import",
        "fhir.export" | "export" => "Exported",
        "day-list.view" => "Looked at the day list",
        "recalls.view" => "Looked at the recall list",
        "patient-list.view" => "Listed patients by a coded fact",
        "patient-list.print" => "Printed a coded patient list",
        "patient-list.export" => "Exported a coded patient list",
        _ => match action.split('.').next() {
            Some("user") => "An account change",
            Some("policy") => "A policy change",
            Some("directory") => "A change to the directory of organisations",
            Some("cds") => "Through CDS Hooks",
            Some("report") => "Looked at or exported a report (no patient)",
            _ => "",
        },
    }
}

async fn rows(state: &AppState, entries: Vec<AuditEntry>) -> Result<Vec<AuditRow>, AppError> {
    let names = state.store.display_names().await?;
    Ok(entries
        .into_iter()
        .map(|e| AuditRow {
            seq: e.seq,
            // Stamps are RFC 3339; one that is not is shown as stored rather than hidden.
            at: time::OffsetDateTime::parse(&e.at, &time::format_description::well_known::Rfc3339)
                .map_or_else(|_| e.at.clone(), crate::dates::moment),
            who: names
                .get(&e.actor)
                .cloned()
                .unwrap_or_else(|| e.actor.clone()),
            what: action_words(&e.action),
            patient_href: e.patient.as_deref().map(patient_href),
            patient: e.patient,
            username: e.actor,
            action: e.action,
            detail: e.detail,
        })
        .collect())
}

/// The link to the page after `rows`, when there may be one.
fn older(rows: &[AuditRow], base: &str) -> Option<String> {
    let last = rows.last()?;
    (rows.len() as i64 == PAGE_ROWS).then(|| {
        let joiner = if base.contains('?') { '&' } else { '?' };
        format!("{base}{joiner}before={}", last.seq)
    })
}

#[derive(Deserialize)]
struct Page {
    before: Option<i64>,
}

async fn patient_log(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(at): Query<Page>,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    // The patient must exist: a log page for a made-up id would only ever be empty.
    user.store.patient(&id).await?;
    user.store
        .audit_read(
            &user.actor(),
            "audit.view",
            Some(&id),
            "who has seen this record",
        )
        .await?;
    let entries = user
        .store
        .audit_search(&AuditQuery {
            patient: Some(id.clone()),
            before: at.before,
            limit: PAGE_ROWS,
            ..AuditQuery::default()
        })
        .await?;
    let rows = rows(&state, entries).await?;
    let base = format!("{}/audit", patient_href(&id));
    page_status(
        StatusCode::OK,
        &PatientLogPage {
            layout: Layout::new(&user, "Who has seen this record", "/patients"),
            back_href: patient_href(&id),
            older_href: older(&rows, &base),
            patient_id: id,
            rows,
        },
    )
}

async fn search(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(form): Query<SearchForm>,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let mut errors = FormErrors::default();
    let from = errors.optional_date(&form.from, "from", "The first day");
    let to = errors.optional_date(&form.to, "to", "The last day");
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.add("to", "The last day must be on or after the first day");
    }
    let before = match form.before.trim() {
        "" => None,
        b => match b.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add("before", "The page asked for is not a number");
                None
            }
        },
    };
    let query = AuditQuery {
        actor: optional(&form.user),
        patient: optional(&form.patient),
        action: optional(&form.action),
        from,
        to,
        before,
        limit: PAGE_ROWS,
    };
    let searched = query
        != AuditQuery {
            limit: PAGE_ROWS,
            ..AuditQuery::default()
        };
    let layout = Layout::new(&user, "Audit log", "/admin/audit");
    if !errors.is_empty() {
        return page_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SearchPage {
                layout,
                form,
                errors,
                searched: false,
                rows: Vec::new(),
                older_href: None,
            },
        );
    }
    // Which filters were used is recorded; the patient searched for is the row's patient.
    let used: Vec<&str> = [
        ("user", query.actor.is_some()),
        ("action", query.action.is_some()),
        ("dates", query.from.is_some() || query.to.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect();
    user.store
        .audit_read(
            &user.actor(),
            "audit.search",
            query.patient.as_deref(),
            &format!(
                "filters: {}",
                if used.is_empty() {
                    "none".to_owned()
                } else {
                    used.join(", ")
                }
            ),
        )
        .await?;
    let rows = rows(&state, user.store.audit_search(&query).await?).await?;
    let base = format!(
        "/admin/audit?user={}&patient={}&action={}&from={}&to={}",
        encode_segment(form.user.trim()),
        encode_segment(form.patient.trim()),
        encode_segment(form.action.trim()),
        encode_segment(form.from.trim()),
        encode_segment(form.to.trim()),
    );
    page_status(
        StatusCode::OK,
        &SearchPage {
            layout,
            older_href: older(&rows, &base),
            form,
            errors,
            searched,
            rows,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_read_as_words_by_id_and_by_family() {
        assert_eq!(action_words("patient.view"), "Opened the record");
        assert_eq!(action_words("fhir.read"), "Read through the FHIR API");
        assert_eq!(
            action_words("report.population.view"),
            "Looked at or exported a report (no patient)"
        );
        assert_eq!(
            action_words("patient-list.export"),
            "Exported a coded patient list"
        );
        assert_eq!(action_words("referral.letter"), "Printed a referral letter");
        assert_eq!(
            action_words("directory.change"),
            "A change to the directory of organisations"
        );
        assert_eq!(action_words("something.new"), "");
    }
}
