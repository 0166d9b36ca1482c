//! Signing in and out, session cookies, idle timeout, throttling and CSRF.

use haven_store::{Actor, Role};
use haven_web::WebConfig;
use reqwest::StatusCode;
use time::{Duration, OffsetDateTime};

use crate::support::{Browser, body, hidden_csrf, location, spawn_app, spawn_app_with};

const PASSWORD: &str = "a long enough passphrase";

/// Fetches the login page and signs in through the form, as a person would.
async fn sign_in(
    browser: &Browser,
    username: &str,
    password: &str,
    next: &str,
) -> reqwest::Response {
    let page = body(browser.get("/login").await).await;
    let token = hidden_csrf(&page);
    browser
        .post_with(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("next", next),
            ],
            Some(&token),
            None,
        )
        .await
}

haven_testdb::both! {
    async fn signing_in_sets_a_strict_http_only_cookie_and_returns_to_the_page() {
        let app = spawn_app_with(WebConfig {
            secure_cookies: true,
            ..crate::support::config()
        })
        .await;
        app.add_user("dr.amal", Role::Clinician, Some(PASSWORD))
            .await;
        let browser = app.anonymous();

        let res = browser.get("/patients?q=x").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/login?next=%2Fpatients%3Fq%3Dx");

        let res = sign_in(&browser, "dr.amal", PASSWORD, "/patients?q=x").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/patients?q=x");
        let cookies: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let session = cookies
            .iter()
            .find(|c| c.starts_with("haven_session="))
            .expect("session cookie");
        for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
            assert!(session.contains(attribute), "{session} lacks {attribute}");
        }
        let token = session
            .trim_start_matches("haven_session=")
            .split(';')
            .next()
            .unwrap_or_default();
        assert_eq!(token.len(), 64, "32 random bytes, hex");
        // Only the token's hash is stored.
        assert!(app.store.session(token).await.expect("lookup").is_none());
        assert!(
            app.store
                .session(&haven_web::auth::token_hash(token))
                .await
                .expect("lookup")
                .is_some()
        );
    }
}

haven_testdb::both! {
    async fn wrong_passwords_and_deactivated_accounts_are_refused_alike() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, Some(PASSWORD))
            .await;
        app.add_user("left.practice", Role::Clinician, Some(PASSWORD))
            .await;
        app.store
            .set_user_active(&Actor::cli("test"), "left.practice", false)
            .await
            .expect("deactivate");

        let browser = app.anonymous();
        let wrong = sign_in(&browser, "dr.amal", "not the password!", "/").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let wrong_page = body(wrong).await;
        assert!(wrong_page.contains("The username or password is not right"));
        assert!(
            wrong_page.contains("value=\"dr.amal\""),
            "the username is kept"
        );

        let inactive = sign_in(&browser, "left.practice", PASSWORD, "/").await;
        assert_eq!(inactive.status(), StatusCode::UNAUTHORIZED);
        assert!(
            body(inactive)
                .await
                .contains("The username or password is not right")
        );

        let ok = sign_in(&browser, "dr.amal", PASSWORD, "/").await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        assert_eq!(browser.get("/patients").await.status(), StatusCode::OK);
    }
}

haven_testdb::both! {
    async fn five_failures_hold_back_that_address_with_a_growing_wait() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, Some(PASSWORD))
            .await;
        let browser = app.anonymous();
        for attempt in 1..=5 {
            let res = sign_in(&browser, "dr.amal", "wrong password here", "/").await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
        }
        let locked = sign_in(&browser, "dr.amal", PASSWORD, "/").await;
        assert_eq!(
            locked.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "even the right password waits, from the address that guessed"
        );
        assert!(body(locked).await.contains("Try again in 1 minute"));
    }
}

haven_testdb::both! {
    async fn a_stranger_guessing_elsewhere_cannot_lock_the_clinician_out() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, Some(PASSWORD))
            .await;
        let stranger = app.anonymous_from("127.0.0.2");
        for _ in 0..8 {
            sign_in(&stranger, "dr.amal", "wrong password here", "/").await;
        }
        let refused = sign_in(&stranger, "dr.amal", PASSWORD, "/").await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);

        let clinician = app.anonymous();
        let ok = sign_in(&clinician, "dr.amal", PASSWORD, "/").await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER, "from her own address");
        assert_eq!(clinician.get("/patients").await.status(), StatusCode::OK);
    }
}

haven_testdb::both! {
    async fn one_address_trying_many_accounts_is_refused_for_all() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, Some(PASSWORD))
            .await;
        let guesser = app.anonymous_from("127.0.0.3");
        for i in 0..20 {
            sign_in(&guesser, &format!("someone{i}"), "wrong password here", "/").await;
        }
        let refused = sign_in(&guesser, "dr.amal", PASSWORD, "/").await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(body(refused).await.contains("Try again in 15 minutes"));
        let ok = sign_in(&app.anonymous(), "dr.amal", PASSWORD, "/").await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    }
}

haven_testdb::both! {
    async fn next_after_sign_in_never_leaves_the_site() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, Some(PASSWORD))
            .await;
        for (next, expected) in [
            ("/\t/evil.example", "/"),
            ("/\r\nLocation: https://evil.example/", "/"),
            ("https://evil.example/", "/"),
            ("//evil.example", "/"),
            ("/\\evil.example", "/"),
            ("/patients?q=أحمد", "/patients?q=%D8%A3%D8%AD%D9%85%D8%AF"),
        ] {
            let res = sign_in(&app.anonymous(), "dr.amal", PASSWORD, next).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
            assert_eq!(location(&res), expected, "{next:?}");
        }
        // The raw query a link would carry: `%09` is a tab once decoded, so the form offers `/`.
        let page = body(app.anonymous().get("/login?next=/%09/evil.example").await).await;
        assert!(page.contains(r#"name="next" value="/""#), "{page}");
        let crlf = app
            .anonymous()
            .get("/login?next=/%0d%0aSet-Cookie:x=1")
            .await;
        assert_eq!(crlf.status(), StatusCode::OK);
    }
}

haven_testdb::both! {
    async fn signing_out_ends_the_session() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let browser = app.signed_in("dr.amal").await;
        assert_eq!(browser.get("/patients").await.status(), StatusCode::OK);
        let res = browser.post("/logout", &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/login");
        let after = browser.get("/patients").await;
        assert_eq!(after.status(), StatusCode::SEE_OTHER);
        assert!(location(&after).starts_with("/login"));
    }
}

haven_testdb::both! {
    async fn idle_sessions_expire_and_say_so() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let browser = app
            .signed_in_at("dr.amal", OffsetDateTime::now_utc() - Duration::minutes(31))
            .await;
        let res = browser.get("/patients").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/login?next=%2Fpatients&expired=1");
        let login = body(browser.get("/login?expired=1").await).await;
        assert!(
            login.contains("signed out because the session was idle or had reached its time limit")
        );

        let recent = app
            .signed_in_at("dr.amal", OffsetDateTime::now_utc() - Duration::minutes(29))
            .await;
        assert_eq!(recent.get("/patients").await.status(), StatusCode::OK);
    }
}

haven_testdb::both! {
    async fn sessions_end_at_their_lifetime_however_active() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let now = OffsetDateTime::now_utc();
        let browser = app.signed_in_at("dr.amal", now - Duration::hours(13)).await;
        // Busy all along: seen a moment ago.
        let hash = haven_web::auth::token_hash(&browser.session_token);
        app.store.touch_session(&hash, now).await.expect("touch");
        let res = browser.get("/patients").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/login?next=%2Fpatients&expired=1");

        let shorter = app.signed_in_at("dr.amal", now - Duration::hours(11)).await;
        let hash = haven_web::auth::token_hash(&shorter.session_token);
        app.store.touch_session(&hash, now).await.expect("touch");
        assert_eq!(shorter.get("/patients").await.status(), StatusCode::OK);
    }
}

haven_testdb::both! {
    async fn deactivating_a_user_ends_their_sessions() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let browser = app.signed_in("dr.amal").await;
        app.store
            .set_user_active(&Actor::cli("test"), "dr.amal", false)
            .await
            .expect("deactivate");
        assert_eq!(
            browser.get("/patients").await.status(),
            StatusCode::SEE_OTHER
        );
    }
}

haven_testdb::both! {
    async fn state_changes_need_the_session_token_and_this_origin() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let browser = app.signed_in("desk").await;
        let form = [("given_name", "Yonas"), ("family_name", "Tesfaye")];
        let base = app.base.clone();

        let missing = browser
            .post_with("/patients/new", &form, None, Some(&base))
            .await;
        assert_eq!(missing.status(), StatusCode::FORBIDDEN);
        assert!(
            body(missing)
                .await
                .contains("This form could not be accepted")
        );
        let wrong = browser
            .post_with("/patients/new", &form, Some(&"0".repeat(64)), Some(&base))
            .await;
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
        let token = browser.csrf.clone();
        let cross_site = browser
            .post_with(
                "/patients/new",
                &form,
                Some(&token),
                Some("https://evil.example"),
            )
            .await;
        assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            app.store.count_patients().await.expect("count"),
            0,
            "nothing was saved"
        );

        // Another user's token does not work either.
        app.add_user("desk2", Role::Receptionist, None).await;
        let other = app.signed_in("desk2").await;
        let borrowed = browser
            .post_with("/patients/new", &form, Some(&other.csrf), Some(&base))
            .await;
        assert_eq!(borrowed.status(), StatusCode::FORBIDDEN);

        let ok = browser.post("/patients/new", &form).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.store.count_patients().await.expect("count"), 1);
    }
}

haven_testdb::both! {
    async fn the_login_form_needs_its_own_token() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        // No login page visited, so no double-submit cookie: refused before any password check.
        let browser = app.anonymous();
        let res = browser
            .post_with(
                "/login",
                &[("username", "dr.amal"), ("password", "x")],
                Some("forged"),
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
}
