//! Possible duplicates (`/admin/duplicates`, administrators only): pairs of patients who may be
//! the same person (the same NHS number, the same phone number, or the same date of birth and
//! a similar name in either script), and marking a pair "not the same person", which is stored
//! and audited and keeps the pair off the list and out of registration's warnings. Merging two
//! records is not part of Haven yet.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use haven_core::record::Patient;
use serde::Deserialize;

use super::layout::Layout;
use super::patients::NativeName;
use super::registration::reasons_text;
use super::{page, patient_href, see_other};
use crate::AppState;
use crate::auth::{ADMIN_ROLES, CurrentUser};
use crate::error::AppError;

/// The most pairs one page lists; marking pairs brings the next ones up.
const SHOWN: usize = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/duplicates", get(list))
        .route("/admin/duplicates/different", post(mark_different))
}

/// One side of a pair, with the demographics needed to tell two people apart.
pub struct Person {
    pub id: String,
    pub href: String,
    pub name: String,
    pub native: Option<NativeName>,
    pub birth_date: String,
    pub nhs_number: String,
    pub phone: String,
}

impl Person {
    fn of(p: &Patient) -> Self {
        Self {
            id: p.id.to_string(),
            href: patient_href(p.id.as_str()),
            name: p.display_name(),
            native: NativeName::of(p),
            birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            nhs_number: p
                .nhs_number
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            phone: p.phone.clone().unwrap_or_default(),
        }
    }
}

pub struct Pair {
    /// The two records, the one with the smaller id first.
    pub people: [Person; 2],
    pub reasons: String,
}

#[derive(Template)]
#[template(path = "admin/duplicates.html")]
struct DuplicatesPage {
    layout: Layout,
    pairs: Vec<Pair>,
    total: usize,
    notice: &'static str,
    shared_phone: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn list(user: CurrentUser, Query(done): Query<Done>) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let (pairs, total) = user.store.possible_duplicate_pairs(SHOWN).await?;
    let pairs = pairs
        .iter()
        .map(|p| Pair {
            people: [Person::of(&p.a), Person::of(&p.b)],
            reasons: reasons_text(&p.reasons),
        })
        .collect();
    page(&DuplicatesPage {
        layout: Layout::new(&user, "Possible duplicates", "/admin/duplicates"),
        pairs,
        total,
        shared_phone: haven_core::duplicates::SHARED_PHONE_RECORDS,
        notice: match done.done.as_str() {
            "different" => {
                "The pair was marked as two different people. Haven will not offer it again."
            }
            _ => "",
        },
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PairForm {
    a: String,
    b: String,
}

async fn mark_different(
    user: CurrentUser,
    Form(form): Form<PairForm>,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let (a, b) = (form.a.trim(), form.b.trim());
    if a.is_empty() || b.is_empty() || a == b {
        return Err(AppError::BadRequest("choose two different patients"));
    }
    user.store
        .mark_different_people(&user.actor(), a, b)
        .await?;
    tracing::info!(a, b, "patients marked as different people");
    Ok(see_other("/admin/duplicates?done=different"))
}
