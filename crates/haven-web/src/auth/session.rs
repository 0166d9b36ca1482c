//! Login sessions: a random 32-byte token in the `haven_session` cookie, of which the store
//! keeps only the SHA-256. Sessions end after the policy's idle time (`session.idle-minutes`) and,
//! however active, at its absolute lifetime (`session.max-hours`), so a stolen cookie or an
//! unlocked screen does not stay signed in for days.

use axum::http::{HeaderMap, HeaderValue, header};
use haven_store::{Role, Store, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::csrf;
use crate::AppState;

pub const SESSION_COOKIE: &str = "haven_session";
/// Double-submit token for the login form, which has no session yet.
pub const LOGIN_CSRF_COOKIE: &str = "haven_login_csrf";
/// What the last save confirms, shown once on the next page (`ui::flash`).
pub const FLASH_COOKIE: &str = "haven_flash";

/// `last_seen` is written at most this often, so browsing does not write on every request;
/// the idle timeout is therefore accurate to about a minute.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// The signed-in user of a request, as resolved by the session middleware.
#[derive(Clone)]
pub struct CurrentUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The session's form token, to embed as the hidden `csrf` field of every POST form.
    pub csrf: String,
    pub(crate) token_hash: String,
    /// The code of the confirmation this request carries (see `ui::flash`), to show once.
    pub flash: Option<String>,
    /// The store confined to the user's practice: every patient read and write of a page goes
    /// through it, so no page can show or change another practice's patient (H-66).
    pub store: Store,
}

impl std::fmt::Debug for CurrentUser {
    // The token and its hash are secrets: never in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CurrentUser")
            .field("username", &self.username)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// What the session middleware found, stored in the request's extensions.
#[derive(Clone, Debug)]
pub enum SessionContext {
    None,
    /// There was a session, but it had been idle too long (the login page says so).
    Expired,
    /// Boxed: a user carries their practice's store.
    Active(Box<CurrentUser>),
}

/// A freshly created session: the token goes in the cookie, the CSRF token in forms.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session for `username` (the caller has checked the password).
pub async fn create_session(
    store: &Store,
    username: &str,
    now: OffsetDateTime,
) -> Result<NewSession, StoreError> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let csrf = csrf::new_token();
    store
        .create_session(&token_hash(&token), username, &csrf, now)
        .await?;
    Ok(NewSession { token, csrf })
}

/// The value of cookie `name` in the request, if sent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Secure when configured. `max_age` of
/// `Some(0)` deletes the cookie; `None` makes a browser-session cookie.
pub fn set_cookie(
    name: &str,
    value: &str,
    path: &str,
    secure: bool,
    max_age: Option<i64>,
) -> HeaderValue {
    let mut text = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict");
    if secure {
        text.push_str("; Secure");
    }
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    // Names and values are ASCII constants or hex tokens.
    HeaderValue::from_str(&text).expect("cookie text is ASCII without control characters")
}

/// Resolves the request's session cookie to a signed-in, active user, ending sessions that
/// were idle too long or whose user was deactivated.
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<SessionContext, StoreError> {
    let Some(token) = cookie(headers, SESSION_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return Ok(SessionContext::None);
    };
    let hash = token_hash(token);
    let Some(session) = state.store.session(&hash).await? else {
        return Ok(SessionContext::None);
    };
    let now = state.now();
    let idle = now - session.last_seen;
    let (idle_limit, lifetime) = {
        let policy = state.policy();
        (
            time::Duration::minutes(policy.session_idle_minutes().into()),
            time::Duration::hours(policy.session_max_hours().into()),
        )
    };
    if idle > idle_limit || now - session.created_at > lifetime {
        state.store.delete_session(&hash).await?;
        return Ok(SessionContext::Expired);
    }
    let (user, org) = match state.store.user_with_org(&session.username).await? {
        Some((u, org)) if u.active => (u, org),
        _ => {
            state.store.delete_session(&hash).await?;
            return Ok(SessionContext::None);
        }
    };
    if idle > time::Duration::seconds(TOUCH_EVERY_SECONDS) {
        state.store.touch_session(&hash, now).await?;
    }
    Ok(SessionContext::Active(Box::new(CurrentUser {
        store: state.store.within(org),
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        csrf: session.csrf_token,
        token_hash: hash,
        flash: cookie(headers, FLASH_COOKIE)
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; haven_session=abc"),
        );
        h.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(cookie(&h, "haven"), None);
    }

    #[test]
    fn cookie_attributes() {
        let c = set_cookie(SESSION_COOKIE, "t", "/", true, None);
        assert_eq!(
            c,
            "haven_session=t; Path=/; HttpOnly; SameSite=Strict; Secure"
        );
        let gone = set_cookie(SESSION_COOKIE, "", "/", false, Some(0));
        assert_eq!(
            gone,
            "haven_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        );
    }
}
