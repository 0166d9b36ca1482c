//! Every link on every guidance page leads somewhere: each of Haven's own pages answers (the
//! links in the page's content with 200, none with 404), each `#anchor` exists on its page,
//! and every link to another site is an https address (those are not fetched: no network).

use haven_store::Role;
use reqwest::StatusCode;

use crate::support::{body, spawn_app};

/// Every `href` in `html`, unescaped.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

/// The part of a page inside `<main>`.
fn main_content(html: &str) -> &str {
    let start = html.find("<main").unwrap_or(0);
    let end = html.find("</main>").unwrap_or(html.len());
    &html[start..end]
}

haven_testdb::both! {
    async fn every_link_on_every_guidance_page_leads_somewhere() {
        let app = spawn_app().await;
        let pages: Vec<String> = std::iter::once("/guidance".to_owned())
            .chain((1..=10).map(|n| format!("/guidance/{n}")))
            .collect();
        for (username, role) in [("dr.amal", Role::Clinician), ("an.alyst", Role::Analyst)] {
            app.add_user(username, role, None).await;
            let browser = app.signed_in(username).await;
            let mut followed = 0;
            for page in &pages {
                let res = browser.get(page).await;
                assert_eq!(res.status(), StatusCode::OK, "{page}");
                let html = body(res).await;
                let content = hrefs(main_content(&html));
                for href in hrefs(&html) {
                    if href.starts_with("https://") {
                        assert!(
                            href.len() > "https://".len() && !href.contains(' '),
                            "{page} links to {href}"
                        );
                        continue;
                    }
                    assert!(
                        href.starts_with('/') || href.starts_with('#'),
                        "{page} has a link that is neither Haven's nor https: {href}"
                    );
                    let (path, anchor) = match href.split_once('#') {
                        Some(("", anchor)) => (page.clone(), Some(anchor)),
                        Some((path, anchor)) => (path.to_owned(), Some(anchor)),
                        None => (href.clone(), None),
                    };
                    let res = browser.get(&path).await;
                    let status = res.status();
                    assert!(
                        status != StatusCode::NOT_FOUND && !status.is_server_error(),
                        "{page} links to {href}, which answers {status} for {username}"
                    );
                    if content.contains(&href) {
                        assert_eq!(status, StatusCode::OK, "{page} → {href} for {username}");
                    }
                    if let Some(anchor) = anchor {
                        let target = body(res).await;
                        assert!(
                            target.contains(&format!("id=\"{anchor}\"")),
                            "{page} links to {href}, but {path} has no #{anchor}"
                        );
                    }
                    followed += 1;
                }
            }
            assert!(followed > 40, "the links were followed ({followed})");
        }
        // §3's promise of handouts leads to them, and §10's organisations to the list on its page.
        let browser = app.signed_in("dr.amal").await;
        let three = body(browser.get("/guidance/3").await).await;
        assert!(three.contains("href=\"/handouts\""));
        let handouts = body(browser.get("/handouts").await).await;
        assert!(handouts.contains("href=\"/handouts/wellbeing?lang=ar\""));
        let ten = body(browser.get("/guidance/10").await).await;
        assert!(ten.contains("href=\"#further-information\""));
        // §4, §5 and §10 lead to the directory, §4 and §5 to the help they ask for.
        assert!(ten.contains("href=\"/directory\""));
        let four = body(browser.get("/guidance/4").await).await;
        assert!(four.contains("href=\"/directory?need=refugee-support\""));
        let five = body(browser.get("/guidance/5").await).await;
        assert!(five.contains("href=\"/directory?need=specialist-trauma\""));
        let trauma = body(browser.get("/directory?need=specialist-trauma").await).await;
        assert!(trauma.contains("Freedom from Torture"), "{trauma}");
    }
}
