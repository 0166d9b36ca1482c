//! Accounts and sessions: password hashing, session cookies, CSRF defences, login throttling
//! and the role guard.
//!
//! `hash_password` is public because `haven user add` hashes the password it reads from stdin
//! with exactly the same function the admin pages use.

mod csrf;
mod guard;
mod password;
mod roles;
mod session;
pub mod throttle;

pub use csrf::{CSRF_FIELD, tokens_match};
pub use guard::{LOGIN_PATH, safe_next, session_layer};
pub(crate) use password::burn_verification;
pub use password::{
    MIN_PASSWORD_LEN, PasswordError, check_new_password, hash_password, valid_username,
    verify_password,
};
pub use roles::{ADMIN_ROLES, ALL_ROLES, CLINICAL_ROLES, PATIENT_ROLES, REPORT_ROLES};
pub use session::{
    CurrentUser, FLASH_COOKIE, LOGIN_CSRF_COOKIE, NewSession, SESSION_COOKIE, SessionContext,
    cookie, create_session, set_cookie, token_hash,
};
pub use throttle::{Attempt, minutes_text};

/// A new random token (login form double-submit cookie).
pub fn new_token() -> String {
    csrf::new_token()
}
