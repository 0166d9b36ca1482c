//! The session middleware in front of every UI route, and the [`CurrentUser`] extractor.
//!
//! The middleware resolves the session once per request and, for every state-changing request
//! (anything but GET / HEAD / OPTIONS), checks the origin and the form's CSRF token before any
//! handler runs — so a handler cannot forget the check.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::csrf::{self, CSRF_FIELD};
use super::session::{self, CurrentUser, LOGIN_CSRF_COOKIE, SessionContext};
use crate::AppState;
use crate::error::AppError;

/// The login form's path: the one POST that has no session and uses a double-submit cookie.
pub const LOGIN_PATH: &str = "/login";

/// UI forms are small; anything bigger is refused before it is read into memory.
const MAX_FORM_BYTES: usize = 256 * 1024;

pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ctx = match session::resolve(&state, req.headers()).await {
        Ok(ctx) => ctx,
        Err(e) => return AppError::from(e).into_response(),
    };
    let mut req = req;
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state {
        if !csrf::same_origin(req.headers(), req.uri()) {
            return AppError::Csrf.into_response();
        }
        let expected = if req.uri().path() == LOGIN_PATH {
            session::cookie(req.headers(), LOGIN_CSRF_COOKIE)
                .unwrap_or_default()
                .to_owned()
        } else {
            match &ctx {
                SessionContext::Active(user) => user.csrf.clone(),
                SessionContext::Expired => return Redirect::to("/login?expired=1").into_response(),
                SessionContext::None => return Redirect::to(LOGIN_PATH).into_response(),
            }
        };
        let (parts, body) = req.into_parts();
        let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
            return AppError::TooLarge.into_response();
        };
        let submitted = csrf::form_field(&bytes, CSRF_FIELD).unwrap_or_default();
        if !csrf::tokens_match(&expected, &submitted) {
            return AppError::Csrf.into_response();
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    let flash_shown = matches!(&ctx, SessionContext::Active(u) if u.flash.is_some());
    req.extensions_mut().insert(ctx);
    let mut response = next.run(req).await;
    // A page has shown the confirmation the request carried: it is not shown again. A redirect
    // passes it on (or replaces it with its own).
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if flash_shown && is_page && !response.status().is_redirection() {
        let gone = session::set_cookie(
            session::FLASH_COOKIE,
            "",
            "/",
            state.config.secure_cookies,
            Some(0),
        );
        response.headers_mut().append(header::SET_COOKIE, gone);
    }
    // Pages carry patient data: never keep them in a shared or browser cache.
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Where to send someone who is not signed in, remembering the page they asked for.
fn login_redirect(method: &Method, uri: &Uri, expired: bool) -> Response {
    let mut target = String::from(LOGIN_PATH);
    let mut sep = '?';
    if method == Method::GET
        && let Some(pq) = uri.path_and_query()
        && pq.as_str() != "/"
    {
        target.push_str("?next=");
        target.extend(form_urlencoded::byte_serialize(pq.as_str().as_bytes()));
        sep = '&';
    }
    if expired {
        target.push(sep);
        target.push_str("expired=1");
    }
    Redirect::to(&target).into_response()
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<SessionContext>() {
            Some(SessionContext::Active(user)) => Ok((**user).clone()),
            Some(SessionContext::Expired) => Err(login_redirect(&parts.method, &parts.uri, true)),
            _ => Err(login_redirect(&parts.method, &parts.uri, false)),
        }
    }
}

/// A `next` target is followed only when it is a path on this site (no open redirect).
///
/// Browsers drop tabs and newlines from a `Location` and read `\\` as `/`, so `/\t/evil.example`
/// (sent as `/%09/evil.example`) would leave the site: a control character or backslash anywhere
/// refuses the target, as do `//` and a scheme. Spaces and non-ASCII letters (a search for an
/// Arabic name) are kept, percent-encoded, so the result is always a valid header value.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.bytes().any(|b| b.is_ascii_control() || b == b'\\')
                && !n.starts_with(LOGIN_PATH) =>
        {
            let mut target = String::with_capacity(n.len());
            for b in n.bytes() {
                if b.is_ascii_graphic() {
                    target.push(char::from(b));
                } else {
                    target.push_str(&format!("%{b:02X}"));
                }
            }
            target
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_stay_on_site() {
        assert_eq!(safe_next(Some("/patients?q=a")), "/patients?q=a");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/login")), "/");
        assert_eq!(safe_next(None), "/");
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/a\r\nSet-Cookie: x=1",
            "/\u{7f}/evil.example",
            "/p\0",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(
            safe_next(Some("/%09/evil.example")),
            "/%09/evil.example",
            "stays a path"
        );
        assert_eq!(
            safe_next(Some("/patients?q=أحمد")),
            "/patients?q=%D8%A3%D8%AD%D9%85%D8%AF"
        );
        assert_eq!(safe_next(Some("/patients?q=a b")), "/patients?q=a%20b");
        assert_eq!(safe_next(Some("/\u{2028}/x")), "/%E2%80%A8/x");
    }

    #[test]
    fn login_redirect_keeps_the_page() {
        let uri: Uri = "/patients?q=ab".parse().expect("uri");
        let r = login_redirect(&Method::GET, &uri, true);
        assert_eq!(
            r.headers()[header::LOCATION],
            "/login?next=%2Fpatients%3Fq%3Dab&expired=1"
        );
        let r = login_redirect(&Method::GET, &"/".parse().expect("uri"), false);
        assert_eq!(r.headers()[header::LOCATION], "/login");
    }
}
