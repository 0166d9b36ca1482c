//! API tokens (`/admin/api-tokens`, administrators only): list them, issue one — its secret
//! shown once, on the page that made it — and revoke one. Whether a token sees sensitive
//! history is a separate, explicit choice with a warning that must be confirmed; the store
//! audits every issue ("token created with sensitive scope") and revocation.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use haven_store::api_tokens::{ApiScope, ApiToken};
use serde::Deserialize;

use super::form::{Choice, FormErrors, Shown, choices};
use super::layout::Layout;
use super::{encode_segment, page_status, see_other};
use crate::AppState;
use crate::auth::{ADMIN_ROLES, CurrentUser};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/api-tokens", get(list).post(add))
        .route("/admin/api-tokens/{id}/revoke", post(revoke))
}

pub struct TokenRow {
    pub token: ApiToken,
    pub revoke_action: String,
}

/// A token just issued: the only time its secret is shown.
pub struct Issued {
    pub id: String,
    pub secret: String,
    pub sensitive: bool,
}

#[derive(Template)]
#[template(path = "admin/api_tokens.html")]
struct TokensPage {
    layout: Layout,
    tokens: Vec<TokenRow>,
    form: AddTokenForm,
    scopes: Vec<Choice>,
    errors: FormErrors,
    notice: &'static str,
    issued: Option<Issued>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AddTokenForm {
    name: String,
    scope: String,
    /// `yes` when the token is to see sensitive history.
    sensitive: String,
    /// `yes` when the administrator confirmed the warning.
    sensitive_confirmed: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn render(
    user: &CurrentUser,
    shown: Shown<AddTokenForm>,
    notice: &'static str,
    issued: Option<Issued>,
) -> Result<Response, AppError> {
    let Shown {
        status,
        form,
        errors,
    } = shown;
    let tokens = user
        .store
        .list_api_tokens()
        .await?
        .into_iter()
        .map(|token| TokenRow {
            revoke_action: format!("/admin/api-tokens/{}/revoke", encode_segment(&token.id)),
            token,
        })
        .collect();
    let scope = if form.scope.is_empty() {
        "read"
    } else {
        form.scope.as_str()
    };
    let scopes = choices(
        [
            ("read", "Read: read, search and export"),
            ("write", "Write: also create and update records"),
        ],
        scope,
    );
    let page = TokensPage {
        layout: Layout::new(user, "API tokens", "/admin/api-tokens"),
        tokens,
        scopes,
        form,
        errors,
        notice,
        issued,
    };
    page_status(status, &page)
}

async fn list(user: CurrentUser, Query(done): Query<Done>) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let notice = match done.done.as_str() {
        "revoked" => "The token was revoked: it no longer opens anything.",
        _ => "",
    };
    let form = Shown::new(AddTokenForm::default());
    render(&user, form, notice, None).await
}

async fn add(user: CurrentUser, Form(form): Form<AddTokenForm>) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let mut errors = FormErrors::default();
    let name = errors.required(
        &form.name,
        "name",
        "Enter what the token is for, for example EMIS integration",
    );
    let scope = ApiScope::parse(&form.scope);
    if scope.is_none() {
        errors.add("scope", "Choose read or write");
    }
    let sensitive = form.sensitive == "yes";
    if sensitive && form.sensitive_confirmed != "yes" {
        errors.add(
            "sensitive_confirmed",
            "Confirm that this system may receive sensitive history, or untick it",
        );
    }
    let (Some(scope), true) = (scope, errors.is_empty()) else {
        return render(&user, Shown::invalid(form, errors), "", None).await;
    };
    let (token, secret) = user
        .store
        .create_api_token(&user.actor(), &name, scope, sensitive)
        .await?;
    let issued = Issued {
        id: token.id,
        secret,
        sensitive,
    };
    let form = Shown::new(AddTokenForm::default());
    render(&user, form, "", Some(issued)).await
}

async fn revoke(user: CurrentUser, Path(id): Path<String>) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    if !user.store.revoke_api_token(&user.actor(), &id).await? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/admin/api-tokens?done=revoked"))
}
