//! The directory of organisations (`/directory`, §4, §5, §10): every signed-in role searches it
//! by need, language and words and opens an entry; administrators add and change entries
//! (`/directory/new`, `/directory/{id}/edit`), each change a new version audited by the store.
//! Entries are never deleted: an organisation that no longer helps is marked inactive.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use haven_core::LanguageTag;
use haven_core::directory::{HelpKind, Organisation};
use haven_store::{DirectoryEntry, StoreError};

use super::directory_view::{OrgView, SearchForm, SearchQuery, found, organisation_href};
use super::form::{FormErrors, Shown};
use super::forms::data::FormData;
use super::forms::fields::{Field, FieldView, Input, add_validation, options, views};
use super::layout::Layout;
use super::{page, page_status, see_other};
use crate::AppState;
use crate::auth::{ADMIN_ROLES, ALL_ROLES, CurrentUser};
use crate::error::AppError;
use crate::reference::languages;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/directory", get(list))
        .route("/directory/new", get(new_form).post(create))
        .route("/directory/{id}", get(show))
        .route("/directory/{id}/edit", get(edit_form).post(save))
}

#[derive(Template)]
#[template(path = "directory/list.html")]
struct ListPage {
    layout: Layout,
    search: SearchForm,
    action: &'static str,
    results: Vec<OrgView>,
    searched: bool,
    may_edit: bool,
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    user.require(ALL_ROLES)?;
    let directory = state.store.directory().await?;
    let page_data = ListPage {
        layout: Layout::new(&user, "Directory of organisations", "/directory"),
        results: found(&directory, &query.search(user.is_admin())),
        search: SearchForm::of(&query, user.is_admin()),
        action: "/directory",
        searched: !query.is_empty(),
        may_edit: user.is_admin(),
    };
    page(&page_data)
}

/// One version of an entry, for administrators' history list.
pub struct VersionRow {
    pub version: u32,
    pub at: String,
    pub by: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "directory/entry.html")]
struct EntryPage {
    layout: Layout,
    org: OrgView,
    version: u32,
    may_edit: bool,
    /// Every version, newest first (administrators only).
    history: Vec<VersionRow>,
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(ALL_ROLES)?;
    let versions = state.store.organisation_history(&id).await?;
    let current = versions.last().ok_or(AppError::NotFound)?;
    let history = if user.is_admin() {
        versions
            .iter()
            .rev()
            .map(|v| VersionRow {
                version: v.version,
                at: v.changed_at.clone(),
                by: v.changed_by.clone(),
                active: v.organisation.active,
            })
            .collect()
    } else {
        Vec::new()
    };
    let page_data = EntryPage {
        layout: Layout::new(&user, current.organisation.name.clone(), "/directory"),
        org: OrgView::of_entry(current),
        version: current.version,
        may_edit: user.is_admin(),
        history,
    };
    page(&page_data)
}

#[derive(Template)]
#[template(path = "directory/form.html")]
struct FormPage {
    layout: Layout,
    title: String,
    action: String,
    cancel_href: String,
    /// `Some(version)` when changing an entry: sent back to detect a change made meanwhile.
    version: Option<u32>,
    fields: Vec<FieldView>,
    errors: FormErrors,
}

/// The form's fields; `active` only when changing an entry (a new one is active).
fn fields(changing: bool) -> Vec<Field> {
    let mut out = vec![
        Field::new("name", "Name", "", Input::Text),
        Field::new(
            "help",
            "Kinds of help it gives",
            "Searches by need and the patient page's suggestions use these",
            Input::Checkboxes(options::<HelpKind>()),
        ),
        Field::new(
            "area",
            "Area",
            "Where it works, for example “National” or a city",
            Input::Text,
        ),
        Field::new(
            "languages",
            "Languages",
            "Languages its staff work in, by name or code, separated by commas: “Arabic, Tigrinya, ckb”",
            Input::Text,
        ),
        Field::new(
            "accepts",
            "Who it accepts",
            "In its own terms; leave empty when not known",
            Input::Textarea,
        ),
        Field::new(
            "how_to_refer",
            "How to refer",
            "For example a form, an email address or self-referral",
            Input::Textarea,
        ),
        Field::new(
            "website",
            "Public web address",
            "Starting https://",
            Input::Text,
        ),
    ];
    if changing {
        out.push(Field::new(
            "active",
            "It takes referrals",
            "Untick when it no longer helps: it stays listed for the referrals already made, but is no longer suggested",
            Input::Checkbox,
        ));
    }
    out
}

/// The form's values from an entry.
fn values(o: &Organisation) -> FormData {
    let mut d = FormData::default();
    d.set("name", &o.name);
    for h in &o.help {
        d.push("help", h.id());
    }
    d.set("area", &o.area);
    // By name where the name reads back as the same language, else by its code.
    let names: Vec<String> = o
        .languages
        .iter()
        .map(|l| {
            let name = l.name();
            if languages::parse(&name).as_ref() == Some(l) {
                name
            } else {
                l.as_str().to_owned()
            }
        })
        .collect();
    d.set("languages", names.join(", "));
    d.set("accepts", &o.accepts);
    d.set("how_to_refer", &o.how_to_refer);
    d.set("website", &o.website);
    if o.active {
        d.push("active", "yes");
    }
    d
}

/// The entry a submitted form describes, or `None` with a message beside each field at fault.
fn parse(data: &FormData, changing: bool, errors: &mut FormErrors) -> Option<Organisation> {
    data.refuse_control_characters(errors);
    let help = data.coded_list(
        "help",
        HelpKind::parse,
        errors,
        "Choose kinds of help from the list",
    );
    let mut tags: Vec<LanguageTag> = Vec::new();
    for typed in data.get("languages").split(',').map(str::trim) {
        match (typed.is_empty(), languages::parse(typed)) {
            (true, _) => {}
            (false, Some(tag)) if !tags.contains(&tag) => tags.push(tag),
            (false, Some(_)) => {}
            (false, None) => errors.add(
                "languages",
                format!(
                    "“{typed}” is not a language Haven knows: use a name from its list or a code such as “ti” or “ar-SD”"
                ),
            ),
        }
    }
    let org = Organisation {
        name: data.text("name"),
        help,
        area: data.text("area"),
        languages: tags,
        accepts: data.text("accepts"),
        how_to_refer: data.text("how_to_refer"),
        website: data.text("website"),
        active: !changing || data.ticked("active"),
    };
    if errors.is_empty()
        && let Err(e) = org.validate()
    {
        add_validation(errors, &fields(changing), e.field, &e.message);
    }
    errors.is_empty().then_some(org)
}

/// Which entry the form is for: `None` for a new one, else its id and the version it shows.
type Target<'a> = Option<(&'a str, u32)>;

fn render(
    user: &CurrentUser,
    target: Target<'_>,
    name: &str,
    shown: Shown<&FormData>,
) -> Result<Response, AppError> {
    let (title, action, cancel_href) = match target {
        None => (
            "Add an organisation".to_owned(),
            "/directory/new".to_owned(),
            "/directory".to_owned(),
        ),
        Some((id, _)) => (
            format!("Change: {name}"),
            format!("{}/edit", organisation_href(id)),
            organisation_href(id),
        ),
    };
    let page_data = FormPage {
        layout: Layout::new(user, title.clone(), "/directory"),
        title,
        action,
        cancel_href,
        version: target.map(|(_, v)| v),
        fields: views(&fields(target.is_some()), shown.form),
        errors: shown.errors,
    };
    page_status(shown.status, &page_data)
}

async fn new_form(user: CurrentUser) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    render(&user, None, "", Shown::new(&FormData::default()))
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let data = FormData::parse(&body);
    let mut errors = FormErrors::default();
    let Some(org) = parse(&data, false, &mut errors) else {
        return render(&user, None, "", Shown::invalid(&data, errors));
    };
    let id = state.store.add_organisation(&user.actor(), &org).await?;
    tracing::info!(organisation = %id, "directory entry added");
    Ok(see_other(&organisation_href(id.as_str())))
}

async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let entry = state.store.organisation(&id).await?;
    let data = values(&entry.organisation);
    let target = Some((id.as_str(), entry.version));
    render(&user, target, &entry.organisation.name, Shown::new(&data))
}

const CHANGED: &str = "Someone changed this entry after you opened it. Check the entry, then save again if your change still applies.";

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let current: DirectoryEntry = state.store.organisation(&id).await?;
    let data = FormData::parse(&body);
    let mut errors = FormErrors::default();
    let name = current.organisation.name.clone();
    let Some(org) = parse(&data, true, &mut errors) else {
        let target = Some((id.as_str(), current.version));
        return render(&user, target, &name, Shown::invalid(&data, errors));
    };
    let version = data.get("version").trim().parse::<u32>().unwrap_or(0);
    match state
        .store
        .change_organisation(&user.actor(), &id, version, &org)
        .await
    {
        Ok(()) => {
            tracing::info!(organisation = %id, "directory entry changed");
            Ok(see_other(&organisation_href(&id)))
        }
        Err(StoreError::VersionConflict { current }) => {
            errors.add("name", CHANGED);
            let target = Some((id.as_str(), current));
            render(
                &user,
                target,
                &name,
                Shown::with_status(StatusCode::CONFLICT, &data, errors),
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_round_trips_through_its_form() {
        let org = Organisation {
            name: "Riverside Drop-in".into(),
            help: vec![HelpKind::RefugeeSupport, HelpKind::Interpreting],
            area: "Riverside".into(),
            languages: vec![
                LanguageTag::parse("ti").expect("tag"),
                LanguageTag::parse("ar-SD").expect("tag"),
            ],
            accepts: "Adults".into(),
            how_to_refer: "Email\nor call".into(),
            website: "https://drop-in.example.org".into(),
            active: false,
        };
        let mut errors = FormErrors::default();
        assert_eq!(parse(&values(&org), true, &mut errors), Some(org));
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn mistakes_are_named_beside_their_field() {
        let mut errors = FormErrors::default();
        let data =
            FormData::parse(b"name=X&help=legal-advice&languages=Tigrinya%2C+Elvish&website=x");
        assert_eq!(parse(&data, false, &mut errors), None);
        assert!(
            errors
                .get("languages")
                .is_some_and(|m| m.contains("Elvish"))
        );
        let mut errors = FormErrors::default();
        let data = FormData::parse(b"name=X&help=legal-advice&website=www.example.org");
        assert_eq!(parse(&data, false, &mut errors), None);
        assert!(
            errors
                .get("website")
                .is_some_and(|m| m.starts_with("Enter a web address"))
        );
        let mut errors = FormErrors::default();
        assert_eq!(parse(&FormData::parse(b"name=X"), false, &mut errors), None);
        assert!(errors.has("help"));
    }
}
