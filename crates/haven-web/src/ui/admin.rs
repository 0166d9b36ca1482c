//! User administration (`/admin/users`, administrators only): list accounts, add one, reset a
//! password, deactivate or reactivate. Every change is audited by the store.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use haven_store::{Role, StoreError, User};
use serde::Deserialize;

use super::form::{Choice, FormErrors, Shown, choices_with_blank};
use super::layout::{Layout, role_label};
use super::{encode_segment, page_status, see_other};
use crate::AppState;
use crate::auth::{self, ADMIN_ROLES, CurrentUser, MIN_PASSWORD_LEN};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(add))
        .route("/admin/users/{username}/password", post(reset_password))
        .route("/admin/users/{username}/active", post(set_active))
}

pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub active: bool,
    pub is_self: bool,
    pub password_action: String,
    pub active_action: String,
    /// The id of this row's password input (also the key of its error message).
    pub password_field: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    form: AddUserForm,
    roles: Vec<Choice>,
    errors: FormErrors,
    notice: &'static str,
    min_password: usize,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AddUserForm {
    username: String,
    display_name: String,
    role: String,
    password: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

fn notice(done: &str) -> &'static str {
    match done {
        "added" => "The account was added.",
        "password" => {
            "The password was reset. Give it to the user in person or by phone, never by email."
        }
        "deactivated" => "The account was deactivated and its sessions ended.",
        "activated" => "The account was reactivated.",
        _ => "",
    }
}

/// The users page, with the new-user form holding `shown` (a password is never shown again).
async fn render(
    user: &CurrentUser,
    shown: Shown<AddUserForm>,
    notice: &'static str,
) -> Result<Response, AppError> {
    let Shown {
        status,
        form,
        errors,
    } = shown;
    let users = user.store.users().await?;
    let rows = users.into_iter().map(|u: User| {
        let base = format!("/admin/users/{}", encode_segment(&u.username));
        UserRow {
            password_field: format!("password-{}", u.username),
            is_self: u.username == user.username,
            role: role_label(u.role),
            password_action: format!("{base}/password"),
            active_action: format!("{base}/active"),
            username: u.username,
            display_name: u.display_name,
            active: u.active,
        }
    });
    let roles = choices_with_blank(
        "Choose a role",
        Role::ALL.iter().map(|r| (r.id(), role_label(*r))),
        &form.role,
    );
    let form = AddUserForm {
        password: String::new(),
        ..form
    };
    let page = UsersPage {
        layout: Layout::new(user, "Users", "/admin/users"),
        users: rows.collect(),
        form,
        roles,
        errors,
        notice,
        min_password: MIN_PASSWORD_LEN,
    };
    page_status(status, &page)
}

async fn list(user: CurrentUser, Query(done): Query<Done>) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    render(
        &user,
        Shown::new(AddUserForm::default()),
        notice(&done.done),
    )
    .await
}

async fn hash(password: String) -> Result<String, AppError> {
    Ok(tokio::task::spawn_blocking(move || auth::hash_password(&password)).await??)
}

async fn add(user: CurrentUser, Form(form): Form<AddUserForm>) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let mut errors = FormErrors::default();
    let username = form.username.trim().to_owned();
    if !auth::valid_username(&username) {
        errors.add(
            "username",
            "Enter a username of 2 to 64 lower-case letters, digits, dots, hyphens or underscores",
        );
    }
    let display_name = errors.required(
        &form.display_name,
        "display_name",
        "Enter the name shown to colleagues",
    );
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", "Choose a role");
    }
    if auth::check_new_password(&form.password).is_err() {
        errors.add(
            "password",
            format!("Enter a password of at least {MIN_PASSWORD_LEN} characters"),
        );
    }
    let (Some(role), true) = (role, errors.is_empty()) else {
        return render(&user, Shown::invalid(form, errors), "").await;
    };
    let password_hash = hash(form.password.clone()).await?;
    let new = User {
        username,
        display_name,
        role,
        password_hash,
        active: true,
    };
    match user.store.add_user(&user.actor(), &new).await {
        Ok(()) => Ok(see_other("/admin/users?done=added")),
        Err(StoreError::DuplicateUser(_)) => {
            errors.add("username", "There is already an account with this username");
            render(&user, Shown::invalid(form, errors), "").await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    password: String,
}

async fn reset_password(
    user: CurrentUser,
    Path(username): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    if user.store.user(&username).await?.is_none() {
        return Err(AppError::NotFound);
    }
    if auth::check_new_password(&form.password).is_err() {
        let mut errors = FormErrors::default();
        errors.add(
            format!("password-{username}"),
            format!("Enter a new password of at least {MIN_PASSWORD_LEN} characters"),
        );
        return render(&user, Shown::invalid(AddUserForm::default(), errors), "").await;
    }
    let password_hash = hash(form.password).await?;
    user.store
        .set_password_hash(&user.actor(), &username, &password_hash)
        .await?;
    Ok(see_other("/admin/users?done=password"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActiveForm {
    active: String,
}

async fn set_active(
    user: CurrentUser,
    Path(username): Path<String>,
    Form(form): Form<ActiveForm>,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let active = match form.active.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest("active must be yes or no")),
    };
    if !active && username == user.username {
        // An administrator locking themselves out could leave the practice with no admin.
        let mut errors = FormErrors::default();
        errors.add(
            format!("password-{username}"),
            "You cannot deactivate your own account; ask another administrator",
        );
        return render(&user, Shown::invalid(AddUserForm::default(), errors), "").await;
    }
    user.store
        .set_user_active(&user.actor(), &username, active)
        .await?;
    Ok(see_other(if active {
        "/admin/users?done=activated"
    } else {
        "/admin/users?done=deactivated"
    }))
}
