//! Password hashing: argon2id with the library's default (OWASP-recommended) parameters.
//!
//! Hashing is deliberately slow (tens of milliseconds in a release build), so request handlers
//! call these functions inside `tokio::task::spawn_blocking`; the CLI calls them directly.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

/// The shortest password Haven accepts for an account (NCSC advice favours length over rules).
pub const MIN_PASSWORD_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password could not be hashed: {0}")]
    Hash(String),
    #[error("the stored password hash is not in PHC format; reset this user's password")]
    MalformedHash,
    #[error("a password needs at least {MIN_PASSWORD_LEN} characters")]
    TooShort,
}

/// Hashes `password` with argon2id and a fresh 16-byte random salt, in PHC string format.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches the stored PHC `hash`. A wrong password is `Ok(false)`; only a
/// hash that cannot be read is an error.
pub fn verify_password(password: &str, hash: &str) -> Result<bool, PasswordError> {
    let parsed = PasswordHash::new(hash).map_err(|_| PasswordError::MalformedHash)?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// Usernames: 2–64 of lower-case letters, digits, dot, hyphen, underscore (they appear in
/// the audit log and in URLs). The admin page and `haven user add` share this rule.
pub fn valid_username(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        })
}

/// Checks the length rule for new passwords (the admin page and `haven user add`).
pub fn check_new_password(password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(PasswordError::TooShort);
    }
    Ok(())
}

/// Verifies against a hash of a random password when the username does not exist, so that a
/// failed login takes the same time whether or not the account exists.
pub(crate) fn burn_verification(password: &str) {
    static DUMMY: LazyLock<Option<String>> = LazyLock::new(|| {
        let mut random = [0u8; 24];
        rand::rng().fill_bytes(&mut random);
        hash_password(&hex::encode(random)).ok()
    });
    if let Some(hash) = DUMMY.as_deref() {
        let _ = verify_password(password, hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash_password("correct horse battery").expect("hash");
        let b = hash_password("correct horse battery").expect("hash");
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_password("correct horse battery", &a).expect("verify"));
        assert!(!verify_password("correct horse batterY", &a).expect("verify"));
        assert!(matches!(
            verify_password("x", "not a hash"),
            Err(PasswordError::MalformedHash)
        ));
    }

    #[test]
    fn new_passwords_need_twelve_characters() {
        assert!(check_new_password("elevenchars").is_err());
        assert!(check_new_password("twelve chars").is_ok());
        // Counted in characters, not bytes: twelve Arabic letters are enough.
        assert!(check_new_password("كلمةمرورطويل").is_ok());
    }
}
