//! Reports across practices on the web (`/reports/practices`, H-69): only a user the
//! deployment granted every practice gets them, with exactly the figures — and the same cells
//! shown as `<5` — that `haven report --by-org` publishes (each practice's tables published on
//! their own, then `haven_core::reports::across_each` of them); an ordinary analyst or
//! administrator gets no figure of another practice.

use haven_core::policy::Policy;
use haven_core::reports::{InterpreterReport, PopulationReport, Table, across_each};
use haven_store::{
    Actor, AuditQuery, Clock, OdsCode, OrgId, Practice, RecordStream, Role, Store, User,
};
use reqwest::StatusCode;
use time::macros::{date, datetime};

use crate::reports::seed_tigrinya;
use crate::support::{TestApp, body, config, display_name, seed_patient, spawn_app_on};

/// Riverside (7 Tigrinya speakers) and Hillside (Y05678, one Arabic speaker: counts of 1,
/// shown as `<5`), with an analyst and an administrator in Riverside.
async fn two_practices(app: &TestApp) -> Practice {
    let cli = Actor::cli("org");
    app.store
        .rename_practice(
            &cli,
            OrgId(1),
            &OdsCode::parse("Y01234").unwrap(),
            "Riverside",
        )
        .await
        .unwrap();
    let hill = app
        .store
        .add_practice(&cli, &OdsCode::parse("Y05678").unwrap(), "Hillside")
        .await
        .unwrap();
    for (username, role) in [("analyst", Role::Analyst), ("admin", Role::Admin)] {
        let user = User {
            username: username.into(),
            display_name: display_name(username),
            role,
            password_hash: "not-a-password-hash".into(),
            active: true,
        };
        app.store
            .within(OrgId(1))
            .add_user(&cli, &user)
            .await
            .unwrap();
    }
    seed_tigrinya(&app.store.within(OrgId(1)), 7).await;
    seed_patient(&app.store.within(hill.id), None).await;
    hill
}

async fn app() -> TestApp {
    spawn_app_on(config(), Clock::fixed(datetime!(2026-11-28 09:00 UTC))).await
}

/// A practice's population report as `haven report population --org` tallies it (off the
/// async threads, as the store's scan wants).
async fn population(store: Store) -> Vec<Table> {
    tokio::task::spawn_blocking(move || {
        let policy = Policy::default();
        store
            .tally(
                &RecordStream::default(),
                || PopulationReport::new(&policy, date!(2026 - 11 - 28)),
                |_| {},
            )
            .unwrap()
            .tables()
    })
    .await
    .unwrap()
}

async fn interpreters(store: Store) -> Vec<Table> {
    tokio::task::spawn_blocking(move || {
        store
            .tally(
                &RecordStream::default(),
                || InterpreterReport::new(date!(2026 - 01 - 01), date!(2026 - 11 - 28)),
                |_| {},
            )
            .unwrap()
            .tables()
    })
    .await
    .unwrap()
}

/// Every figure of published tables in the order the page's tables show them: each row's
/// cells then its total, then the totals row.
fn figures(tables: &[Table]) -> Vec<String> {
    let mut out = Vec::new();
    for t in tables {
        for r in t.rows() {
            out.extend(r.cells.iter().map(|c| c.text()));
            out.extend(r.total.map(|t| t.value.to_string()));
        }
        if let Some(totals) = t.totals() {
            out.extend(totals.cells.iter().map(|t| t.value.to_string()));
            out.extend(totals.total.map(|t| t.value.to_string()));
        }
    }
    out
}

/// The figures (`data-value`) of one section of the page, by its heading.
fn shown(html: &str, heading: &str) -> Vec<String> {
    let marker = format!("data-practice=\"{heading}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("section {heading}"));
    let rest = &html[start..];
    let end = rest[1..]
        .find("class=\"report-practice\"")
        .map_or(rest.len(), |e| e + 1);
    rest[..end]
        .split("data-value=\"")
        .skip(1)
        .map(|s| {
            s.split('"')
                .next()
                .unwrap_or_default()
                .replace("&lt;", "<")
                .replace("&#60;", "<")
        })
        .collect()
}

haven_testdb::both! {
    async fn across_practices_the_web_publishes_exactly_the_command_lines_figures() {
        let app = app().await;
        let hill = two_practices(&app).await;
        app.store
            .set_spans_practices(&Actor::cli("org grant"), "analyst", true)
            .await
            .unwrap();
        let analyst = app.signed_in("analyst").await;
        assert!(body(analyst.get("/reports").await).await.contains("/reports/practices?report=population"));
        let res = analyst.get("/reports/practices?report=population").await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = body(res).await;

        // What `haven report population --by-org` publishes: each practice's tables, then
        // across_each of them (crates/haven/src/cmd/report.rs, `sections`).
        let rivers = population(app.store.within(OrgId(1))).await;
        let hills = population(app.store.within(hill.id)).await;
        let all = across_each(&[rivers.clone(), hills.clone()]);
        assert_eq!(shown(&html, "Riverside (Y01234)"), figures(&rivers));
        assert_eq!(shown(&html, "Hillside (Y05678)"), figures(&hills));
        assert_eq!(shown(&html, "All practices"), figures(&all));

        // Hillside's one Arabic speaker is `<5` in Hillside's table, and adds nothing across
        // practices: the Arabic row there is 0, marked as leaving out small counts.
        let languages = |tables: &[Table]| tables.iter().find(|t| t.rows().iter().any(|r| r.heading.id == "ar")).cloned();
        let hill_languages = languages(&hills).expect("a table by language");
        let row = hill_languages.rows().iter().find(|r| r.heading.id == "ar").unwrap();
        assert!(row.cells.iter().any(|c| c.is_small()));
        let across = all.iter().find(|t| t.id() == hill_languages.id()).unwrap();
        let row = across.rows().iter().find(|r| r.heading.id == "ar").unwrap();
        assert!(row.cells.iter().all(|c| !c.is_small() && c.count() == Some(0)));
        assert!(shown(&html, "Hillside (Y05678)").iter().any(|v| v == "<5"));
        assert!(!shown(&html, "All practices").iter().any(|v| v == "<5"));
        assert!(!html.contains("Haddad") && !html.contains("Tesfaye"), "no patient named");

        // The interpreters report too, over a period.
        let res = analyst
            .get("/reports/practices?report=interpreters&from=2026-01-01&to=2026-11-28")
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = body(res).await;
        let r = interpreters(app.store.within(OrgId(1))).await;
        let h = interpreters(app.store.within(hill.id)).await;
        assert_eq!(shown(&html, "All practices"), figures(&across_each(&[r, h])));
        let res = analyst.get("/reports/practices?report=interpreters&from=2026-12-01&to=2026-01-01").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Audited, naming no patient.
        let audit = app
            .store
            .audit_search(&AuditQuery {
                action: Some("report.population.practices".into()),
                limit: 50,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].patient, None);
        assert_eq!(audit[0].actor, "analyst");
    }
}

haven_testdb::both! {
    async fn an_ordinary_analyst_gets_no_figure_of_another_practice() {
        let app = app().await;
        let hill = two_practices(&app).await;
        for username in ["analyst", "admin"] {
            let user = app.signed_in(username).await;
            for path in [
                "/reports/practices?report=population",
                "/reports/practices?report=interpreters",
            ] {
                let res = user.get(path).await;
                assert_eq!(res.status(), StatusCode::FORBIDDEN, "{username} {path}");
                assert!(!body(res).await.contains("data-value"));
            }
            let index = body(user.get("/reports").await).await;
            assert!(!index.contains("/reports/practices"));
            // Their own reports: Riverside's figures only, none of Hillside's.
            let html = body(user.get("/reports/population").await).await;
            let own = population(app.store.within(OrgId(1))).await;
            let values: Vec<String> = html
                .split("data-value=\"")
                .skip(1)
                .map(|s| s.split('"').next().unwrap_or_default().replace("&lt;", "<").replace("&#60;", "<"))
                .collect();
            assert_eq!(values, figures(&own), "{username}");
            assert!(!html.contains("data-row=\"ar\""), "Hillside's Arabic speaker is not counted");
        }
        // The grant is the deployment's to give: a practice's own figures never change by it.
        let hills = population(app.store.within(hill.id)).await;
        assert!(!hills.is_empty());
    }
}
