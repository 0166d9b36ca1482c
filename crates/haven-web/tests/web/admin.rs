//! User administration: add, reset password, deactivate and reactivate; admin only.

use haven_store::Role;
use reqwest::StatusCode;

use crate::support::{body, hidden_csrf, location, spawn_app};

#[tokio::test]
async fn an_admin_adds_a_user_who_can_then_sign_in() {
    let app = spawn_app().await;
    app.add_user("admin", Role::Admin, None).await;
    let admin = app.signed_in("admin").await;

    let short = admin
        .post(
            "/admin/users",
            &[
                ("username", "dr.new"),
                ("display_name", "Dr New"),
                ("role", "clinician"),
                ("password", "too short"),
            ],
        )
        .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(short).await;
    assert!(page.contains("href=\"#password\"") && page.contains("value=\"dr.new\""));
    assert!(app.store.user("dr.new").await.expect("lookup").is_none());

    let bad_name = admin
        .post(
            "/admin/users",
            &[
                ("username", "Dr New"),
                ("display_name", "Dr New"),
                ("role", "clinician"),
                ("password", "a good long password"),
            ],
        )
        .await;
    assert_eq!(bad_name.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let added = admin
        .post(
            "/admin/users",
            &[
                ("username", "dr.new"),
                ("display_name", "Dr New"),
                ("role", "clinician"),
                ("password", "a good long password"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&added), "/admin/users?done=added");
    let list = body(admin.get("/admin/users?done=added").await).await;
    assert!(list.contains("The account was added.") && list.contains("Dr New"));

    let duplicate = admin
        .post(
            "/admin/users",
            &[
                ("username", "dr.new"),
                ("display_name", "Again"),
                ("role", "clinician"),
                ("password", "a good long password"),
            ],
        )
        .await;
    assert_eq!(duplicate.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(duplicate).await.contains("already an account"));

    let browser = app.anonymous();
    let token = hidden_csrf(&body(browser.get("/login").await).await);
    let res = browser
        .post_with(
            "/login",
            &[("username", "dr.new"), ("password", "a good long password")],
            Some(&token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_admin_resets_passwords_and_deactivates_accounts_but_not_their_own() {
    let app = spawn_app().await;
    app.add_user("admin", Role::Admin, None).await;
    app.add_user("dr.amal", Role::Clinician, None).await;
    let admin = app.signed_in("admin").await;
    let clinician = app.signed_in("dr.amal").await;

    let short = admin
        .post("/admin/users/dr.amal/password", &[("password", "short")])
        .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(short).await.contains("id=\"password-dr.amal-error\""));
    let before = app
        .store
        .user("dr.amal")
        .await
        .expect("u")
        .map(|u| u.password_hash);
    let reset = admin
        .post(
            "/admin/users/dr.amal/password",
            &[("password", "another long password")],
        )
        .await;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    let after = app
        .store
        .user("dr.amal")
        .await
        .expect("u")
        .map(|u| u.password_hash);
    assert_ne!(before, after);
    assert!(after.is_some_and(|h| h.starts_with("$argon2id$")));

    let off = admin
        .post("/admin/users/dr.amal/active", &[("active", "no")])
        .await;
    assert_eq!(off.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        clinician.get("/patients").await.status(),
        StatusCode::SEE_OTHER,
        "their session ended"
    );
    assert!(
        !app.store
            .user("dr.amal")
            .await
            .expect("u")
            .is_some_and(|u| u.active)
    );
    let on = admin
        .post("/admin/users/dr.amal/active", &[("active", "yes")])
        .await;
    assert_eq!(on.status(), StatusCode::SEE_OTHER);
    assert!(
        app.store
            .user("dr.amal")
            .await
            .expect("u")
            .is_some_and(|u| u.active)
    );

    let own = admin
        .post("/admin/users/admin/active", &[("active", "no")])
        .await;
    assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.store
            .user("admin")
            .await
            .expect("u")
            .is_some_and(|u| u.active)
    );

    let missing = admin
        .post(
            "/admin/users/nobody/password",
            &[("password", "another long password")],
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
