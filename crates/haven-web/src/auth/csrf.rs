//! Cross-site request forgery defences for state-changing requests: the request must come from
//! this site (Origin / Referer / Sec-Fetch-Site) and carry the session's form token.
//!
//! SameSite=Strict cookies already stop most forged requests; the token and the origin check
//! are the belt and braces that the security review asks for.

use axum::http::{HeaderMap, Uri, header};
use rand::RngCore;

/// The hidden form field that carries the token in every POST form.
pub const CSRF_FIELD: &str = "csrf";

/// A fresh random token: 32 bytes, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Compares two tokens in time independent of where they first differ.
pub fn tokens_match(expected: &str, submitted: &str) -> bool {
    let (a, b) = (expected.as_bytes(), submitted.as_bytes());
    if a.is_empty() || a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the request declares (or at least does not contradict) that it comes from a page
/// of this site. A request with neither Origin nor Referer passes here and still needs the
/// token; one naming another site is refused.
pub fn same_origin(headers: &HeaderMap, uri: &Uri) -> bool {
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
    else {
        return false;
    };
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return false;
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        return origin
            .to_str()
            .ok()
            .and_then(authority_of)
            .is_some_and(|a| a.eq_ignore_ascii_case(host));
    }
    if let Some(referer) = headers.get(header::REFERER) {
        return referer
            .to_str()
            .ok()
            .and_then(authority_of)
            .is_some_and(|a| a.eq_ignore_ascii_case(host));
    }
    true
}

/// `host[:port]` of an absolute http(s) URL; `None` for anything else (including "null").
fn authority_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    (!authority.is_empty() && !authority.contains('@')).then_some(authority)
}

/// The value of one field in an `application/x-www-form-urlencoded` body.
pub fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn token_comparison() {
        let t = new_token();
        assert_eq!(t.len(), 64);
        assert!(tokens_match(&t, &t.clone()));
        assert!(!tokens_match(&t, &t[..63]));
        assert!(!tokens_match(&t, &new_token()));
        assert!(
            !tokens_match("", ""),
            "an empty expected token never matches"
        );
    }

    #[test]
    fn origin_checks() {
        let uri: Uri = "/patients/new".parse().expect("uri");
        let ok = |pairs: &[(&'static str, &'static str)]| same_origin(&headers(pairs), &uri);
        assert!(ok(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ]));
        assert!(ok(&[
            ("host", "haven.example"),
            ("origin", "https://HAVEN.example")
        ]));
        assert!(!ok(&[
            ("host", "haven.example"),
            ("origin", "https://evil.example")
        ]));
        assert!(!ok(&[("host", "haven.example"), ("origin", "null")]));
        assert!(ok(&[
            ("host", "haven.example"),
            ("referer", "https://haven.example/patients?q=x")
        ]));
        assert!(!ok(&[
            ("host", "haven.example"),
            ("referer", "https://haven.example.evil/x")
        ]));
        assert!(!ok(&[
            ("host", "haven.example"),
            ("referer", "https://user@evil/x")
        ]));
        assert!(!ok(&[
            ("host", "haven.example"),
            ("sec-fetch-site", "cross-site")
        ]));
        assert!(
            ok(&[("host", "haven.example")]),
            "no origin information: the token decides"
        );
    }

    #[test]
    fn reads_form_fields() {
        assert_eq!(
            form_field(b"a=1&csrf=abc%20d&b=2", "csrf").as_deref(),
            Some("abc d")
        );
        assert_eq!(form_field(b"a=1", "csrf"), None);
    }
}
