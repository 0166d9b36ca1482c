//! The start page after signing in: a patient search for those who may search, and the
//! areas the user's role can reach.

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use super::layout::Layout;
use super::page;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    can_search: bool,
}

async fn home(user: CurrentUser) -> Result<Response, AppError> {
    let layout = Layout::new(&user, "Home", "/");
    page(&HomePage {
        can_search: user.role != haven_store::Role::Analyst,
        layout,
    })
}
