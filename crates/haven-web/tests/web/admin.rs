//! User administration: add, reset password, deactivate and reactivate; admin only.

use haven_store::Role;
use reqwest::StatusCode;

use crate::support::{body, hidden_csrf, location, spawn_app};

haven_testdb::both! {
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
}

haven_testdb::both! {
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
}

haven_testdb::both! {
    /// An admin issues API tokens on the page: the secret shown once, sensitive history only when
    /// ticked and confirmed, listed as such, and revocable.
    async fn an_admin_issues_tokens_and_sensitive_history_needs_an_explicit_confirmed_choice() {
        let app = spawn_app().await;
        app.add_user("admin", Role::Admin, None).await;
        let admin = app.signed_in("admin").await;
        let secret_on = |page: &str| -> String {
            let at = page.find("<code>hvn_").expect("the secret is shown") + "<code>".len();
            page[at..at + page[at..].find('<').expect("end")].to_owned()
        };

        let plain = admin
            .post(
                "/admin/api-tokens",
                &[("name", "EMIS integration"), ("scope", "read")],
            )
            .await;
        assert_eq!(plain.status(), StatusCode::OK);
        let secret = secret_on(&body(plain).await);
        let token = app
            .store
            .api_token_for(&secret)
            .await
            .expect("find")
            .expect("token");
        assert!(!token.sensitive && token.scope == haven_store::api_tokens::ApiScope::Read);

        // Ticked but not confirmed: nothing is issued.
        let unconfirmed = admin
            .post(
                "/admin/api-tokens",
                &[
                    ("name", "Therapy service"),
                    ("scope", "read"),
                    ("sensitive", "yes"),
                ],
            )
            .await;
        assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body(unconfirmed)
                .await
                .contains("href=\"#sensitive_confirmed\"")
        );
        assert_eq!(app.store.list_api_tokens().await.expect("list").len(), 1);

        let confirmed = admin
            .post(
                "/admin/api-tokens",
                &[
                    ("name", "Therapy service"),
                    ("scope", "read"),
                    ("sensitive", "yes"),
                    ("sensitive_confirmed", "yes"),
                ],
            )
            .await;
        assert_eq!(confirmed.status(), StatusCode::OK);
        let page = body(confirmed).await;
        let sensitive = app
            .store
            .api_token_for(&secret_on(&page))
            .await
            .expect("find")
            .expect("token");
        assert!(sensitive.sensitive);
        assert!(page.contains("This token sees sensitive history"));
        let list = body(admin.get("/admin/api-tokens").await).await;
        assert!(
            list.contains("Sees it") && !list.contains("hvn_"),
            "the secret is never shown again"
        );
        let audit = app.store.audit_recent(None, 20).await.expect("audit");
        assert!(audit.iter().any(|a| a.action == "api-token.create"
            && a.detail.contains(&sensitive.id)
            && a.detail.contains("token created with sensitive scope")));

        let revoked = admin
            .post(&format!("/admin/api-tokens/{}/revoke", sensitive.id), &[])
            .await;
        assert_eq!(location(&revoked), "/admin/api-tokens?done=revoked");
        assert!(
            app.store
                .api_token_for(&secret_on(&page))
                .await
                .expect("find")
                .is_none()
        );
    }
}
