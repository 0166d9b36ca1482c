//! The practices page (`/admin/practices`, H-69): an administrator sees and renames their own
//! practice only, and sees nothing of another — not its name, code or counts — unless the
//! deployment granted them every practice (`haven org grant`); the codes are checked with the
//! command line's rule and messages; every change is audited and needs the form's token.

use haven_store::{Actor, AuditQuery, OdsCode, OrgId, Practice, Role, User};
use reqwest::StatusCode;

use crate::support::{TestApp, body, display_name, location, seed_patient, spawn_app};

/// Riverside (the migrated practice, no code yet) with `admin.rivers`; Hillside (Y05678) with
/// `admin.hills` and one patient.
async fn two_practices(app: &TestApp) -> Practice {
    let cli = Actor::cli("org");
    let hill = app
        .store
        .add_practice(
            &cli,
            &OdsCode::parse("Y05678").unwrap(),
            "Hillside Practice",
        )
        .await
        .expect("practice");
    for (org, username) in [(OrgId(1), "admin.rivers"), (hill.id, "admin.hills")] {
        let user = User {
            username: username.into(),
            display_name: display_name(username),
            role: Role::Admin,
            password_hash: "not-a-password-hash".into(),
            active: true,
        };
        app.store
            .within(org)
            .add_user(&cli, &user)
            .await
            .expect("user");
    }
    seed_patient(&app.store.within(hill.id), None).await;
    hill
}

/// The practice row of a page, by number: `None` when the page does not list it.
fn row(html: &str, id: OrgId) -> Option<&str> {
    let start = html.find(&format!("<tr data-practice=\"{id}\">"))?;
    let rest = &html[start..];
    Some(&rest[..rest.find("</tr>").unwrap_or(rest.len())])
}

fn cell(row: &str, field: &str) -> String {
    let marker = format!("data-field=\"{field}\">");
    let start = row.find(&marker).expect(field) + marker.len();
    row[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_owned()
}

haven_testdb::both! {
    async fn an_admin_of_one_practice_cannot_see_or_change_another() {
        let app = spawn_app().await;
        let hill = two_practices(&app).await;
        let rivers = app.signed_in("admin.rivers").await;

        let html = body(rivers.get("/admin/practices").await).await;
        assert!(html.contains("href=\"/admin/practices\""), "in the admin navigation");
        let own = row(&html, OrgId(1)).expect("own practice listed");
        assert_eq!(cell(own, "name"), "This practice");
        assert_eq!(cell(own, "users"), "1");
        assert_eq!(cell(own, "patients"), "0");
        // Nothing of Hillside: not its row, name, code or counts; and no form to add practices.
        assert!(row(&html, hill.id).is_none());
        assert!(!html.contains("Hillside") && !html.contains("Y05678"), "{html}");
        assert!(!html.contains("Add a practice"));

        // Renaming Hillside by its number is 404, as for a practice that does not exist; adding
        // a practice is refused; nothing changes.
        for id in [hill.id.to_string(), "99".to_owned()] {
            let res = rivers
                .post(&format!("/admin/practices/{id}"), &[("ods", "Z99999"), ("name", "Taken over")])
                .await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "practice {id}");
            assert!(!body(res).await.contains("Hillside"));
        }
        let res = rivers
            .post("/admin/practices", &[("ods", "Z99998"), ("name", "New")])
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let practices = app.store.practices().await.unwrap();
        assert_eq!(practices.len(), 2);
        assert_eq!(practices[1], hill, "Hillside unchanged");

        // Hillside's own administrator sees Hillside only, with its patient.
        let hills = app.signed_in("admin.hills").await;
        let html = body(hills.get("/admin/practices").await).await;
        let theirs = row(&html, hill.id).expect("own practice listed");
        assert_eq!(cell(theirs, "patients"), "1");
        assert_eq!(cell(theirs, "ods"), "Y05678");
        assert!(row(&html, OrgId(1)).is_none() && !html.contains("This practice"));
    }
}

haven_testdb::both! {
    async fn an_admin_renames_their_practice_with_the_command_lines_checks() {
        let app = spawn_app().await;
        two_practices(&app).await;
        let rivers = app.signed_in("admin.rivers").await;

        // A malformed code: the form comes back with the command line's message beside the
        // field and what was typed; nothing is saved.
        let res = rivers
            .post("/admin/practices/1", &[("ods", "A81-001"), ("name", "Riverside Surgery")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body(res).await;
        let expected = OdsCode::parse("A81-001").unwrap_err().to_string();
        assert!(expected.contains("capital letters"), "{expected}");
        assert!(html.contains("id=\"ods-1-error\""), "{html}");
        let message = html.split("id=\"ods-1-error\"").nth(1).unwrap();
        assert!(
            message.contains("An ODS code holds only capital letters A–Z and digits; &#34;A81-001&#34; has &#39;-&#39;")
                || message.contains("An ODS code holds only capital letters A–Z and digits; &quot;A81-001&quot; has &#x27;-&#x27;"),
            "{message}"
        );
        assert!(html.contains("value=\"A81-001\""));
        // No name, and a code another practice holds: each beside its field.
        let res = rivers.post("/admin/practices/1", &[("ods", "Y01234"), ("name", "  ")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("id=\"name-1-error\""));
        let res = rivers
            .post("/admin/practices/1", &[("ods", "y05678"), ("name", "Riverside")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body(res).await;
        assert!(html.contains("The ODS code Y05678 is already another practice"), "{html}");
        assert_eq!(app.store.practice("1").await.unwrap().ods_code, None, "nothing saved");

        // Without the form's token: refused, nothing saved.
        let res = rivers
            .post_with(
                "/admin/practices/1",
                &[("ods", "Y01234"), ("name", "Riverside")],
                None,
                Some(&app.base),
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.store.practice("1").await.unwrap().ods_code, None);

        // A good code, typed in small letters, is saved in capitals and audited.
        let res = rivers
            .post("/admin/practices/1", &[("ods", " y01234 "), ("name", "Riverside Surgery")])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/admin/practices?done=renamed");
        let practice = app.store.practice("1").await.unwrap();
        assert_eq!(practice.label(), "Riverside Surgery (Y01234)");
        let audit = app
            .store
            .audit_search(&AuditQuery {
                action: Some("organisation.rename".into()),
                limit: 50,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor, "admin.rivers");
        let html = body(rivers.get("/admin/practices?done=renamed").await).await;
        assert!(html.contains("Riverside Surgery") && html.contains("were saved"));
    }
}

haven_testdb::both! {
    async fn an_admin_the_deployment_granted_every_practice_manages_them_all() {
        let app = spawn_app().await;
        let hill = two_practices(&app).await;
        app.store
            .set_spans_practices(&Actor::cli("org grant"), "admin.rivers", true)
            .await
            .unwrap();
        let rivers = app.signed_in("admin.rivers").await;
        let html = body(rivers.get("/admin/practices").await).await;
        let theirs = row(&html, hill.id).expect("every practice listed");
        assert_eq!(cell(theirs, "patients"), "1");
        assert_eq!(cell(theirs, "users"), "1");
        assert!(html.contains("Add a practice"));

        // Adding: the command line's checks, the message beside the field.
        let res = rivers.post("/admin/practices", &[("ods", "AB"), ("name", "Tiny")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body(res).await;
        assert!(html.contains("id=\"ods-error\"") && html.contains("An ODS code is 3 to 10 characters"), "{html}");
        assert!(html.contains("value=\"Tiny\""), "what was typed is kept");
        let res = rivers.post("/admin/practices", &[("ods", "Y09999"), ("name", "Valley Surgery")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.store.practice("Y09999").await.unwrap().name, "Valley Surgery");
        // Renaming another practice.
        let res = rivers
            .post(&format!("/admin/practices/{}", hill.id), &[("ods", "Y05678"), ("name", "Hillside Medical Centre")])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.store.practice("Y05678").await.unwrap().name, "Hillside Medical Centre");
        let added = app
            .store
            .audit_search(&AuditQuery {
                action: Some("organisation.add".into()),
                limit: 50,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert!(added.iter().any(|e| e.actor == "admin.rivers"));

        // The grant widens practice management, not patient records.
        let hills_patient = body(rivers.get("/patients?q=Amina").await).await;
        assert!(!hills_patient.contains("Haddad"));
        // Withdrawn: back to their own practice only.
        app.store
            .set_spans_practices(&Actor::cli("org revoke"), "admin.rivers", false)
            .await
            .unwrap();
        let html = body(rivers.get("/admin/practices").await).await;
        assert!(row(&html, hill.id).is_none());
    }
}
