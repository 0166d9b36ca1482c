//! Layers around the whole application: security headers on every response, and request
//! tracing that records the route *pattern* (`/patients/{id}`), method, status and latency —
//! never the query string, which can hold a patient's name typed into the search box.

use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Response, header};
use axum::middleware::Next;
use tower_http::set_header::SetResponseHeaderLayer;

/// Content Security Policy: everything from this origin only; no inline script at all (the UI
/// needs none), no framing, forms post only here.
const CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let headers: [(HeaderName, &'static str); 5] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    let mut router = router;
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router.layer(axum::middleware::from_fn(log))
}

/// One line per request, when it is answered: method, route pattern, status and latency. A
/// single event and no span: a span per request cost the busiest endpoint (CDS Hooks) about
/// a tenth of its throughput, for context that no handler's own line needs.
async fn log(req: Request, next: Next) -> Response<Body> {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let res = next.run(req).await;
    tracing::info!(
        %method,
        route = route.as_ref().map_or("unmatched", MatchedPath::as_str),
        status = res.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "response"
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tower::ServiceExt;

    /// Everything the subscriber writes, kept for the test to read.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_request_is_logged_by_its_route_pattern_never_its_path_or_query() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        let app = apply(Router::new().route(
            "/patients/{id}",
            axum::routing::get(|| async { "a patient" }),
        ));
        let request = Request::get("/patients/pat-17?q=Amina")
            .body(Body::empty())
            .expect("request");
        let response = app.oneshot(request).await.expect("response");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers().get(header::X_FRAME_OPTIONS),
            Some(&HeaderValue::from_static("DENY"))
        );
        let log = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("text");
        assert!(
            log.contains(r#"method=GET route="/patients/{id}" status=200 latency_ms="#),
            "{log}"
        );
        assert!(!log.contains("pat-17") && !log.contains("Amina"), "{log}");
    }
}
