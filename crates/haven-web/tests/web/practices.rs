//! Several practices in one deployment (H-66): a user of one practice gets 404 for another
//! practice's patient by direct id, and never finds, lists or writes to them.

use haven_store::{Actor, OdsCode, OrgId, Role, User};
use reqwest::StatusCode;

use crate::support::{TestApp, body, display_name, seed_patient, spawn_app};

/// Riverside (the migrated practice) with Dr Rivers; Hillside with the seeded patient.
async fn two_practices(app: &TestApp) -> String {
    let admin = Actor::cli("org");
    let hill = app
        .store
        .add_practice(&admin, &OdsCode::parse("Y05678").unwrap(), "Hillside")
        .await
        .expect("practice");
    for (org, username) in [(OrgId(1), "dr.rivers"), (hill.id, "dr.hills")] {
        let user = User {
            username: username.into(),
            display_name: display_name(username),
            role: Role::Clinician,
            password_hash: "not-a-password-hash".into(),
            active: true,
        };
        app.store
            .within(org)
            .add_user(&admin, &user)
            .await
            .expect("user");
    }
    seed_patient(&app.store.within(hill.id), Some("dr.hills"))
        .await
        .patient
}

#[tokio::test]
async fn another_practices_patient_is_not_found_listed_or_written() {
    let app = spawn_app().await;
    let theirs = two_practices(&app).await;
    let hills = app.signed_in("dr.hills").await;
    let rivers = app.signed_in("dr.rivers").await;

    // Their own clinician sees the patient; the other practice's gets 404, as for no patient.
    assert_eq!(
        hills.get(&format!("/patients/{theirs}")).await.status(),
        StatusCode::OK
    );
    for path in [
        format!("/patients/{theirs}"),
        format!("/patients/{theirs}/entries/e-event"),
        format!("/patients/{theirs}/edit"),
        format!("/patients/{theirs}/audit"),
        format!("/patients/{theirs}/trends"),
        format!("/patients/{theirs}/referrals"),
        "/patients/pat-404".to_owned(),
    ] {
        let res = rivers.get(&path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!body(res).await.contains("Haddad"), "{path}");
    }

    // Search and the list: nothing of theirs.
    for query in ["/patients?q=Amina", "/patients", "/patients?q=1990-05-01"] {
        let html = body(rivers.get(query).await).await;
        assert!(!html.contains("Haddad"), "{query}");
        let html = body(hills.get(query).await).await;
        assert!(html.contains("Haddad"), "{query}");
    }
    // The worklist: their actions are not on it.
    let html = body(rivers.get("/worklist").await).await;
    assert!(!html.contains("Haddad") && !html.contains(&theirs));
    let html = body(hills.get("/worklist").await).await;
    assert!(html.contains("Haddad"));

    // A write by direct id changes nothing.
    let before = app
        .store
        .record(&theirs, haven_core::record::Visibility::Sensitive)
        .await
        .unwrap();
    let res = rivers
        .post(
            &format!("/patients/{theirs}/entries/e-event/error"),
            &[("reason", "not ours")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let after = app
        .store
        .record(&theirs, haven_core::record::Visibility::Sensitive)
        .await
        .unwrap();
    assert_eq!(before, after);
}
