//! Practice policy and guidance: changes from the admin page are checked, audited, shown in
//! the change history and change what the rules do at once; the guidance pages list the rules.

use haven_core::record::{EntryBody, LifeEvent, LifeEventKind};
use haven_store::Role;
use reqwest::StatusCode;

use crate::clinical::{between, days_from_today, patient_with};
use crate::support::{body, location, spawn_app};

haven_testdb::both! {
    async fn switching_a_rule_off_is_audited_and_takes_effect_at_once() {
        let app = spawn_app().await;
        app.add_user("boss", Role::Admin, None).await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let event = EntryBody::LifeEvent(LifeEvent {
            kind: LifeEventKind::BadNewsFromHome,
            date: days_from_today(-1),
            note: String::new(),
        });
        let patient = patient_with(&app.store, "Yasmin", "ar", Some("dr.amal"), vec![event]).await;
        let clinician = app.signed_in("dr.amal").await;
        let due = |html: &str| between(html, "id=\"due-heading\"", "</section>").to_owned();
        assert!(
            due(&body(clinician.get(&format!("/patients/{patient}")).await).await)
                .contains("risk.reassess-after-event")
        );

        let admin = app.signed_in("boss").await;
        let page = body(admin.get("/admin/policy").await).await;
        for key in [
            "followup.interval-acute-days",
            "pcl5.cutoff",
            "rhs15.enabled",
            "rules.disabled",
        ] {
            assert!(
                page.contains(&format!("<code>{key}</code>")),
                "{key} listed"
            );
        }
        let res = admin
            .post(
                "/admin/policy/rules",
                &[("rule", "risk.reassess-after-event"), ("enabled", "no")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/admin/policy?done=rule");

        assert!(
            !due(&body(clinician.get(&format!("/patients/{patient}")).await).await)
                .contains("risk.reassess-after-event"),
            "the rule is off"
        );
        let audit = app.store.audit_recent(None, 20).await.expect("audit");
        let change = audit
            .iter()
            .find(|a| a.action == "setting.change")
            .expect("audited");
        assert_eq!(change.actor, "boss");
        assert!(
            change.detail.contains("rules.disabled")
                && change.detail.contains("risk.reassess-after-event"),
            "{}",
            change.detail
        );

        let page = body(admin.get("/admin/policy").await).await;
        let history = between(&page, "id=\"history-heading\"", "</section>");
        assert!(
            history.contains("<code>policy.rules.disabled</code>")
                && history.contains("risk.reassess-after-event")
                && history.contains("boss"),
            "{history}"
        );
        let guidance = body(clinician.get("/guidance/6").await).await;
        assert!(
            between(&guidance, "id=\"risk.reassess-after-event\"", "</section>")
                .contains("Switched off in this practice")
        );

        let res = admin
            .post(
                "/admin/policy/rules",
                &[("rule", "risk.reassess-after-event"), ("enabled", "yes")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(
            due(&body(clinician.get(&format!("/patients/{patient}")).await).await)
                .contains("risk.reassess-after-event"),
            "and back on"
        );
    }
}

haven_testdb::both! {
    async fn a_refused_value_is_shown_beside_its_field_and_nothing_changes() {
        let app = spawn_app().await;
        app.add_user("boss", Role::Admin, None).await;
        let admin = app.signed_in("boss").await;
        let res = admin
            .post("/admin/policy", &[("key", "pcl5.cutoff"), ("value", "40")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        let message = between(&page, "id=\"policy-pcl5.cutoff-error\">", "</p>");
        assert!(
            message.contains("pcl5.cutoff: 40 is outside the allowed range 31–33"),
            "{message}"
        );
        assert!(
            page.contains("value=\"40\""),
            "the typed value is shown again"
        );
        assert_eq!(app.store.policy().await.expect("policy").pcl5_cutoff(), 33);
        assert!(
            app.store
                .audit_recent(None, 20)
                .await
                .expect("audit")
                .iter()
                .all(|a| a.action != "setting.change")
        );

        let res = admin
            .post("/admin/policy", &[("key", "pcl5.cutoff"), ("value", "31")])
            .await;
        assert_eq!(location(&res), "/admin/policy?done=changed");
        // The running policy is reloaded: a PCL-5 total of 31 now scores at the cut-point.
        let patient = patient_with(&app.store, "Omid", "fa", None, vec![]).await;
        let mut fields: Vec<(String, String)> = (1..=20)
            .map(|n| {
                (
                    format!("item-{n}"),
                    if n <= 11 { "2" } else { "1" }.to_owned(),
                )
            })
            .collect();
        fields.push(("action".into(), "calculate".into()));
        let page = body(
            admin
                .post(
                    &format!("/patients/{patient}/assessments/new/pcl5"),
                    &crate::clinical::borrow(&fields),
                )
                .await,
        )
        .await;
        assert!(
            page.contains("Total 31 of 80") && page.contains("At or above the cut-point"),
            "{}",
            between(&page, "id=\"score-heading\"", "</section>")
        );
        let res = admin
            .post("/admin/policy", &[("key", "pcl5.cutoff"), ("value", "31")])
            .await;
        assert_eq!(location(&res), "/admin/policy?done=unchanged");
    }
}

haven_testdb::both! {
    async fn the_crisis_text_is_set_per_language_on_the_policy_page() {
        let app = spawn_app().await;
        app.add_user("boss", Role::Admin, None).await;
        let admin = app.signed_in("boss").await;
        let res = admin
            .post(
                "/admin/policy/safety-text",
                &[("language", "fa"), ("text", "با شماره ۱۱۶ ۱۲۳ تماس بگیرید")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.store
                .setting("safety-text.fa")
                .await
                .expect("setting")
                .as_deref(),
            Some("با شماره ۱۱۶ ۱۲۳ تماس بگیرید")
        );
        let page = body(admin.get("/admin/policy").await).await;
        assert!(page.contains("lang=\"fa\" dir=\"rtl\">با شماره"));
        let res = admin
            .post(
                "/admin/policy/safety-text",
                &[("language", ""), ("text", "x")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("id=\"safety-language-error\""));
    }
}

haven_testdb::both! {
    async fn guidance_pages_list_each_sections_rules_with_their_rationale() {
        let app = spawn_app().await;
        app.add_user("analyst", Role::Analyst, None).await;
        let browser = app.signed_in("analyst").await;
        let index = body(browser.get("/guidance").await).await;
        for n in 1..=10 {
            assert!(index.contains(&format!("href=\"/guidance/{n}\"")), "§{n}");
        }
        let six = body(browser.get("/guidance/6").await).await;
        for rule in [
            "risk.reassess-after-event",
            "risk.assess-now",
            "risk.safety-plan",
            "risk.possible-relapse",
        ] {
            assert!(six.contains(&format!("<code>{rule}</code>")), "{rule}");
        }
        assert!(six.contains("Why:") && six.contains("Resolved by:"));
        let ten = body(browser.get("/guidance/10").await).await;
        assert!(ten.contains("https://tortureid.org"));
    }
}
