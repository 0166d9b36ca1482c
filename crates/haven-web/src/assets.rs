//! Static assets compiled into the binary: the stylesheet, served under a content-hashed URL
//! so browsers may cache it for a year and still pick up a new version at once.

use std::sync::LazyLock;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::AppState;

const CSS: &str = include_str!("../static/haven.css");

static CSS_HREF: LazyLock<String> = LazyLock::new(|| {
    let hash = hex::encode(Sha256::digest(CSS.as_bytes()));
    format!("/static/haven.css?v={}", &hash[..12])
});

/// The stylesheet's URL, including its content hash.
pub fn css_href() -> &'static str {
    CSS_HREF.as_str()
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        CSS,
    )
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/static/haven.css", get(css))
}
