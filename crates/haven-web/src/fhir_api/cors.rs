//! CORS for browser-based FHIR and CDS Hooks clients (the CDS Hooks specification asks
//! services to allow them). Credentials are bearer tokens, never cookies, so any origin may
//! call; preflight requests are answered here without reaching a handler.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const ALLOW_HEADERS: &str = "Authorization, Content-Type, Accept, Prefer, If-Match";
const ALLOW_METHODS: &str = "GET, POST, PUT, DELETE, OPTIONS";
const EXPOSE_HEADERS: &str =
    "Content-Location, Location, ETag, Last-Modified, X-Progress, Retry-After";

pub async fn layer(req: Request, next: Next) -> Response {
    let has_origin = req.headers().contains_key(header::ORIGIN);
    let mut response = if req.method() == Method::OPTIONS {
        let mut preflight = StatusCode::NO_CONTENT.into_response();
        let h = preflight.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOW_METHODS),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        preflight
    } else {
        next.run(req).await
    };
    if has_origin {
        let h = response.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
    response
}
