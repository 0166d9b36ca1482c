//! Signing in and out. Failed attempts are counted per username and client address together,
//! and per address ([`crate::auth::throttle`], kept in the database); the message never says which of username or password was
//! wrong, or whether the account exists or is deactivated.

use std::net::SocketAddr;
use std::time::SystemTime;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::form::{FormErrors, Shown};
use super::layout::Layout;
use super::{page_status, see_other};
use crate::AppState;
use crate::auth::{
    self, Attempt, CurrentUser, LOGIN_CSRF_COOKIE, LOGIN_PATH, SESSION_COOKIE, SessionContext,
    cookie, minutes_text, safe_next, set_cookie,
};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LOGIN_PATH, get(login_page).post(login))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    errors: FormErrors,
    username: String,
    next: String,
    /// Double-submit token: the same value is in the cookie.
    csrf: String,
    notice: &'static str,
}

#[derive(Deserialize, Default)]
struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
}

/// What the sign-in form holds: the username typed and the page to go back to.
struct SignIn {
    username: String,
    next: String,
}

/// Shows the form with a fresh double-submit token, set as a cookie scoped to `/login`.
fn render_login(
    state: &AppState,
    shown: Shown<SignIn>,
    notice: &'static str,
) -> Result<Response, AppError> {
    let csrf = auth::new_token();
    let page = LoginPage {
        layout: Layout::anonymous("Sign in"),
        errors: shown.errors,
        username: shown.form.username,
        next: shown.form.next,
        csrf: csrf.clone(),
        notice,
    };
    let mut response = page_status(shown.status, &page)?;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LOGIN_CSRF_COOKIE,
            &csrf,
            LOGIN_PATH,
            state.config.secure_cookies,
            Some(3600),
        ),
    );
    Ok(response)
}

async fn login_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<SessionContext>,
    Query(q): Query<LoginQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(q.next.as_deref());
    if matches!(ctx, SessionContext::Active(_)) {
        return Ok(see_other(&next));
    }
    let notice = if q.expired.is_some() || matches!(ctx, SessionContext::Expired) {
        "You were signed out because the session was idle or had reached its time limit. Sign in again to continue."
    } else {
        ""
    };
    let form = SignIn {
        username: String::new(),
        next,
    };
    render_login(&state, Shown::new(form), notice)
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let username = form.username.trim().to_owned();
    let next = safe_next(Some(&form.next));
    let mut errors = FormErrors::default();
    if username.is_empty() {
        errors.add("username", "Enter your username");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        let form = SignIn { username, next };
        return render_login(&state, Shown::invalid(form, errors), "");
    }

    let attempt = Attempt::new(
        &username,
        connect.map(|Extension(ConnectInfo(addr))| addr.ip().to_string()),
    );
    if let Some(wait) = auth::throttle::wait(&state.store, &attempt, SystemTime::now()).await? {
        tracing::warn!("login refused: too many failed attempts");
        errors.add(
            "username",
            format!(
                "Too many unsuccessful attempts. Try again in {}, or ask an administrator to reset your password.",
                minutes_text(wait)
            ),
        );
        let form = SignIn { username, next };
        let shown = Shown::with_status(StatusCode::TOO_MANY_REQUESTS, form, errors);
        return render_login(&state, shown, "");
    }

    let user = state.store.user(&username).await?;
    let password = form.password;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || match stored {
        Some(hash) => auth::verify_password(&password, &hash),
        None => {
            auth::burn_verification(&password);
            Ok(false)
        }
    })
    .await??;
    let user = match user {
        Some(u) if matches && u.active => u,
        _ => {
            auth::throttle::record_failure(&state.store, &attempt, SystemTime::now()).await?;
            tracing::info!("login refused: wrong credentials or inactive account");
            errors.add(
                "username",
                "The username or password is not right, or the account is not active.",
            );
            let form = SignIn { username, next };
            let shown = Shown::with_status(StatusCode::UNAUTHORIZED, form, errors);
            return render_login(&state, shown, "");
        }
    };
    auth::throttle::record_success(&state.store, &attempt, SystemTime::now()).await?;

    // A new session on every sign-in (never reuse a token the browser already had).
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(&auth::token_hash(old)).await?;
    }
    let session = auth::create_session(&state.store, &user.username, state.now()).await?;
    state
        .store
        .audit_read(
            &haven_store::Actor::new(user.username.clone()),
            "user.login",
            None,
            "",
        )
        .await?;
    let mut response = see_other(&next);
    let secure = state.config.secure_cookies;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &session.token, "/", secure, None),
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LOGIN_CSRF_COOKIE, "", LOGIN_PATH, secure, Some(0)),
    );
    Ok(response)
}

async fn logout(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    state.store.delete_session(&user.token_hash).await?;
    state
        .store
        .audit_read(&user.actor(), "user.logout", None, "")
        .await?;
    let mut response = see_other(LOGIN_PATH);
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            "",
            "/",
            state.config.secure_cookies,
            Some(0),
        ),
    );
    Ok(response.into_response())
}
