//! `/healthz`, security headers, the stylesheet, and pages' cache and accessibility basics.

use haven_store::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{body, spawn_app};

haven_testdb::both! {
    async fn healthz_reports_version_and_database() {
        let app = spawn_app().await;
        let res = reqwest::get(app.url("/healthz")).await.expect("get");
        assert_eq!(res.status(), StatusCode::OK);
        let json: Value = res.json().await.expect("json");
        assert_eq!(json["status"], "ok");
        assert_eq!(json["database"], "ok");
        let backend = match haven_testdb::backend() {
            haven_testdb::Backend::Sqlite => "sqlite",
            haven_testdb::Backend::Postgres => "postgres",
        };
        assert_eq!(json["backend"], backend);
        assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));

        app.store.close().await;
        let res = reqwest::get(app.url("/healthz")).await.expect("get");
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        let json: Value = res.json().await.expect("json");
        assert_eq!(json["database"], "error");
    }
}

haven_testdb::both! {
    async fn every_response_carries_the_security_headers() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let browser = app.signed_in("desk").await;
        for path in ["/login", "/patients", "/healthz", "/no-such-page"] {
            let res = if path == "/login" {
                app.anonymous().get(path).await
            } else {
                browser.get(path).await
            };
            let h = res.headers();
            assert!(
                h["content-security-policy"]
                    .to_str()
                    .is_ok_and(|v| v.starts_with("default-src 'self'")),
                "{path}"
            );
            assert_eq!(h["x-frame-options"], "DENY", "{path}");
            assert_eq!(h["referrer-policy"], "same-origin", "{path}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        }
        let page = browser.get("/patients").await;
        assert_eq!(
            page.headers()["cache-control"],
            "no-store",
            "patient data is never cached"
        );
    }
}

haven_testdb::both! {
    async fn the_stylesheet_is_content_addressed_and_cached_long() {
        let app = spawn_app().await;
        let login = body(app.anonymous().get("/login").await).await;
        let start = login.find("/static/haven.css?v=").expect("stylesheet link");
        let href: String = login[start..].chars().take_while(|c| *c != '"').collect();
        assert_eq!(href.len(), "/static/haven.css?v=".len() + 12);
        let res = app.anonymous().get(&href).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
        assert!(
            res.headers()["cache-control"]
                .to_str()
                .is_ok_and(|v| v.contains("immutable"))
        );
        let css = body(res).await;
        assert!(css.contains("@media print") && css.contains("#ffeb3b"));
    }
}

haven_testdb::both! {
    async fn pages_have_language_skip_link_and_labelled_inputs() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let browser = app.signed_in("desk").await;
        let page = body(browser.get("/patients/new").await).await;
        assert!(page.contains("<html lang=\"en\">"));
        assert!(page.contains("href=\"#main\"") && page.contains("id=\"main\""));
        // Every text-like input, select and textarea has a label pointing at it.
        let mut ids = Vec::new();
        for tag in ["<input ", "<select ", "<textarea "] {
            for part in page.split(tag).skip(1) {
                let attrs = &part[..part.find('>').unwrap_or(part.len())];
                if attrs.contains("type=\"hidden\"") {
                    continue;
                }
                let id = attrs
                    .split("id=\"")
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .expect("input has an id");
                ids.push(id.to_owned());
            }
        }
        assert!(ids.len() > 15, "{ids:?}");
        for id in ids {
            assert!(page.contains(&format!("for=\"{id}\"")), "no label for {id}");
        }
    }
}
