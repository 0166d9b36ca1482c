//! The reports reproduce: on one seeded population, `haven report … --json`, `--csv` and the
//! `/reports` pages (served over the same database) publish exactly the same figures,
//! and none of them prints a count from 1 to 4.

use std::collections::BTreeSet;

use haven_core::policy::Policy;
use haven_store::{Actor, AuditFiles, Clock, Role, Store, User};
use haven_web::{AppState, WebConfig};
use serde_json::Value;
use time::macros::datetime;

use super::Haven;
use crate::database::TestDb;

/// One published figure: (table, row, column, value as printed).
type Figure = (String, String, String, String);

fn from_json(json: &str) -> BTreeSet<Figure> {
    let json: Value = serde_json::from_str(json).expect("json");
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = BTreeSet::new();
    for t in json["tables"].as_array().expect("tables") {
        let table = text(&t["id"]);
        let columns: Vec<String> = t["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .map(|c| text(&c["id"]))
            .collect();
        let mut rows: Vec<(String, &Value)> = t["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| (text(&r["id"]), r))
            .collect();
        if !t["totals"].is_null() {
            rows.push(("total".into(), &t["totals"]));
        }
        for (row, r) in rows {
            for (column, v) in columns.iter().zip(r["cells"].as_array().expect("cells")) {
                out.insert((table.clone(), row.clone(), column.clone(), text(v)));
            }
            if !r["total"].is_null() {
                out.insert((
                    table.clone(),
                    row.clone(),
                    "total".into(),
                    text(&r["total"]),
                ));
            }
        }
    }
    out
}

fn from_csv(csv: &str) -> BTreeSet<Figure> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().expect("header"),
        vec![
            "table",
            "row",
            "row_label",
            "column",
            "column_label",
            "value"
        ]
    );
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            (r[0].into(), r[1].into(), r[3].into(), r[5].into())
        })
        .collect()
}

/// `&#60;` and the other entities askama writes.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').expect("entity end") + at;
        let code: u32 = rest[at + 2..end].parse().expect("numeric entity");
        out.push(char::from_u32(code).expect("char"));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    unescape_named(&out)
}

fn unescape_named(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn attribute<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!("{name}=\"");
    let start = text.find(&marker)? + marker.len();
    text[start..].split('"').next()
}

/// Every `data-value` of every `data-table` on a page.
fn from_page(html: &str) -> BTreeSet<Figure> {
    let mut out = BTreeSet::new();
    for table_part in html.split("<table ").skip(1) {
        let Some(table) = attribute(table_part, "data-table") else {
            continue;
        };
        let table_part = table_part.split("</table>").next().unwrap_or_default();
        for row_part in table_part.split("<tr data-row=").skip(1) {
            let row = row_part.split('"').nth(1).expect("row id");
            for cell in row_part.split("<td ").skip(1) {
                let column = attribute(cell, "data-column").expect("column");
                let value = attribute(cell, "data-value").expect("value");
                out.insert((
                    unescape(table),
                    unescape(row),
                    unescape(column),
                    unescape(value),
                ));
            }
        }
    }
    out
}

/// The pages of a server opened on the CLI's database, as an analyst sees them.
async fn pages(db: &TestDb, paths: &[&str]) -> Vec<String> {
    let audit = AuditFiles {
        key: db.audit_key.clone(),
        checkpoints: db.audit_checkpoints.clone(),
    };
    let clock = Clock::fixed(datetime!(2026-11-28 12:00 UTC));
    let store = Store::open_with(&db.url, &audit, clock, &|_, _| {})
        .await
        .expect("open the CLI's database");
    store
        .add_user(
            &Actor::cli("test"),
            &User {
                username: "analyst".into(),
                display_name: "Analyst".into(),
                role: Role::Analyst,
                password_hash: "not-a-password-hash".into(),
                active: true,
            },
        )
        .await
        .expect("analyst");
    let session =
        haven_web::auth::create_session(&store, "analyst", time::OffsetDateTime::now_utc())
            .await
            .expect("session");
    let policy = store.policy().await.unwrap_or_else(|_| Policy::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let state = AppState::new(store, policy, WebConfig::new(std::env::temp_dir(), &base));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(haven_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for path in paths {
        let res = client
            .get(format!("{base}{path}"))
            .header("cookie", format!("haven_session={}", session.token))
            .send()
            .await
            .expect("GET");
        assert_eq!(res.status(), 200, "{path}");
        out.push(res.text().await.expect("body"));
    }
    let _ = stop.send(());
    server.await.expect("server task").expect("server");
    out
}

fn assert_published(figures: &BTreeSet<Figure>) {
    assert!(figures.iter().any(|f| f.3 == "<5"), "some figure is small");
    assert!(
        figures
            .iter()
            .any(|f| f.3.parse::<u64>().is_ok_and(|n| n >= 5)),
        "some figure shows"
    );
    for f in figures {
        assert!(
            !matches!(f.3.as_str(), "1" | "2" | "3" | "4"),
            "a count under 5 is printed: {f:?}"
        );
    }
}

haven_testdb::both! {
    tokio(flavor = "multi_thread")
    async fn the_pages_the_json_and_the_csv_publish_the_same_figures() {
        let h = Haven::new().await;
        h.ok(&["demo", "--patients", "120", "--as-of", "2026-11-28"]);
        let period = ["--from", "2026-01-01", "--to", "2026-11-28"];
        let cli = |args: &[&str]| h.ok(args);
        let interpreters_json = cli(&[&["report", "interpreters"][..], &period, &["--json"]].concat());
        let interpreters_csv = cli(&[&["report", "interpreters"][..], &period, &["--csv"]].concat());
        let population_json = cli(&["report", "population", "--as-of", "2026-11-28", "--json"]);
        let population_csv = cli(&["report", "population", "--as-of", "2026-11-28", "--csv"]);
        let pages = pages(
            &h.database,
            &[
                "/reports/interpreters?from=2026-01-01&to=2026-11-28",
                "/reports/population",
            ],
        )
        .await;

        let page = from_page(&pages[0]);
        assert_eq!(page.iter().map(|f| &f.0).collect::<BTreeSet<_>>().len(), 4);
        assert_eq!(from_json(&interpreters_json), page);
        assert_eq!(from_csv(&interpreters_csv), page);
        assert_published(&page);

        let page = from_page(&pages[1]);
        assert_eq!(page.iter().map(|f| &f.0).collect::<BTreeSet<_>>().len(), 5);
        assert_eq!(from_json(&population_json), page);
        assert_eq!(from_csv(&population_csv), page);
        assert_published(&page);
    }
}
