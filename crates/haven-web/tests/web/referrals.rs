//! The directory of organisations and referrals made from it (issue 14, §4, §5, §8, §10):
//! searching by need and language, administrators' changes audited, consent to share required
//! before a referral is marked sent, and the letter leaving sensitive history out unless it was
//! agreed, ticked and confirmed.

use haven_core::LanguageTag;
use haven_core::directory::{HelpKind, Organisation};
use haven_core::record::{
    ConsentGiver, Entry, EntryBody, Referral, ReferralStatus, ReferralType, ShareConsent, ShareItem,
};
use haven_core::{EntryId, PatientId, UserId};
use haven_store::{Actor, Role};
use reqwest::StatusCode;

use crate::support::{TestApp, body, location, seed_patient, spawn_app};

fn org(name: &str, help: &[HelpKind], languages: &[&str]) -> Organisation {
    Organisation {
        name: name.into(),
        help: help.to_vec(),
        area: "Riverside".into(),
        languages: languages
            .iter()
            .map(|l| LanguageTag::parse(l).expect("tag"))
            .collect(),
        accepts: "Adults seeking asylum".into(),
        how_to_refer: "Referral form on the website".into(),
        website: "https://riverside.example.org".into(),
        active: true,
    }
}

fn today(app: &TestApp) -> String {
    app.store.clock().today().to_string()
}

haven_testdb::both! {
    async fn every_role_searches_the_directory_by_need_and_language() {
        let app = spawn_app().await;
        let tigrinya = app
            .store
            .add_organisation(
                &Actor::cli("test"),
                &org(
                    "Riverside Eritrean Community",
                    &[HelpKind::RefugeeSupport],
                    &["ti"],
                ),
            )
            .await
            .expect("added");
        for (username, role) in [
            ("re.ception", Role::Receptionist),
            ("an.alyst", Role::Analyst),
        ] {
            app.add_user(username, role, None).await;
            let browser = app.signed_in(username).await;
            let trauma = body(browser.get("/directory?need=specialist-trauma").await).await;
            assert!(trauma.contains("Freedom from Torture"), "{username}");
            assert!(
                !trauma.contains("Riverside Eritrean Community"),
                "{username}"
            );
            assert!(
                !trauma.contains("Change this entry") && !trauma.contains("Add an organisation"),
                "only administrators change the directory"
            );
            let in_tigrinya = body(browser.get("/directory?language=ti").await).await;
            assert!(in_tigrinya.contains("Riverside Eritrean Community"));
            assert!(in_tigrinya.contains("1 organisation."), "{in_tigrinya}");
            let support_in_arabic = body(
                browser
                    .get("/directory?need=refugee-support&language=ar")
                    .await,
            )
            .await;
            assert!(!support_in_arabic.contains("Riverside Eritrean Community"));
            let entry = browser
                .get(&format!("/directory/{}", tigrinya.as_str()))
                .await;
            assert_eq!(entry.status(), StatusCode::OK);
            assert!(body(entry).await.contains("Tigrinya"));
        }
    }
}

haven_testdb::both! {
    async fn administrators_add_and_change_entries_each_change_audited_and_kept() {
        let app = spawn_app().await;
        app.add_user("ad.min", Role::Admin, None).await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let admin = app.signed_in("ad.min").await;
        let fields = [
            ("name", "Riverside Drop-in"),
            ("help", "refugee-support"),
            ("help", "interpreting"),
            ("area", "Riverside"),
            ("languages", "Arabic, Tigrinya"),
            ("website", "riverside.example.org"),
        ];
        let before = app.store.directory().await.expect("directory").len();
        let refused = admin.post("/directory/new", &fields).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body(refused)
                .await
                .contains("Enter a web address starting https://")
        );
        assert_eq!(
            app.store.directory().await.expect("directory").len(),
            before
        );

        let mut good = fields.to_vec();
        good[5] = ("website", "https://riverside.example.org");
        let added = admin.post("/directory/new", &good).await;
        assert_eq!(added.status(), StatusCode::SEE_OTHER);
        let href = location(&added);
        let id = href.trim_start_matches("/directory/").to_owned();
        let audit = app.store.audit_recent(None, 5).await.expect("audit");
        assert!(
            audit
                .iter()
                .any(|a| a.action == "directory.add" && a.actor == "ad.min" && a.detail.contains(&id)),
            "{audit:?}"
        );

        let clinician = app.signed_in("dr.amal").await;
        let change = [
            ("version", "1"),
            ("name", "Riverside Drop-in"),
            ("help", "refugee-support"),
            ("area", "Riverside and Northfield"),
            ("languages", "Arabic"),
            ("website", "https://riverside.example.org"),
        ];
        let forbidden = clinician.post(&format!("{href}/edit"), &change).await;
        assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
        let saved = admin.post(&format!("{href}/edit"), &change).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        let audit = app.store.audit_recent(None, 5).await.expect("audit");
        let row = audit
            .iter()
            .find(|a| a.action == "directory.change")
            .expect("the change is audited");
        assert!(row.detail.contains(&format!("{id} v2")), "{}", row.detail);
        assert!(row.detail.contains("area"), "{}", row.detail);
        let history = app.store.organisation_history(&id).await.expect("history");
        assert_eq!(history.len(), 2, "the first version is kept");
        assert_eq!(history[0].organisation.area, "Riverside");
        assert_eq!(history[1].organisation.area, "Riverside and Northfield");
        // A second save from the first version is refused, not lost over the newer one.
        let stale = admin.post(&format!("{href}/edit"), &change).await;
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        let page = body(admin.get(&href).await).await;
        assert!(page.contains("Riverside and Northfield") && page.contains("(current)"));
    }
}

/// A referral started from a directory entry, saved through the referral form.
async fn refer(app: &TestApp, browser: &crate::support::Browser, patient: &str) -> String {
    let form = body(
        browser
            .get(&format!(
                "/patients/{patient}/referrals/new?org=org-1&for=psych.consider-referral"
            ))
            .await,
    )
    .await;
    assert!(form.contains("value=\"Freedom from Torture\""), "{form}");
    assert!(form.contains("value=\"org-1\""));
    let today = today(app);
    let res = browser
        .post(
            &format!("/patients/{patient}/entries/new/referral"),
            &[
                ("directory", "org-1"),
                ("organisation", "Freedom from Torture"),
                ("kind", "specialist-trauma"),
                (
                    "referral_reason",
                    "Nightmares and flashbacks since detention",
                ),
                ("status", "drafted"),
                ("date", &today),
                ("interpreter_language", "ar"),
                ("interpreter_dialect", "Sudanese"),
                ("interpreter_gender", "female"),
                ("consent_given_by", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body(res).await);
    let href = location(&res);
    assert!(href.contains("/referrals/"), "{href}");
    href.split('?').next().expect("path").to_owned()
}

haven_testdb::both! {
    async fn a_referral_is_marked_sent_only_after_consent_to_share_and_each_status_keeps_its_date() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let browser = app.signed_in("dr.amal").await;
        let today = today(&app);
        // The referral form itself refuses "sent" without consent, beside the consent question.
        let sent_at_once = browser
            .post(
                &format!("/patients/{}/entries/new/referral", f.patient),
                &[
                    ("organisation", "Freedom from Torture"),
                    ("kind", "specialist-trauma"),
                    ("status", "sent"),
                    ("date", &today),
                    ("interpreter_language", "none"),
                    ("consent_given_by", ""),
                ],
            )
            .await;
        assert_eq!(sent_at_once.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body(sent_at_once)
                .await
                .contains("id=\"consent_given_by-error\"")
        );
        let href = refer(&app, &browser, &f.patient).await;

        let refused = browser
            .post(
                &format!("{href}/status"),
                &[("version", "1"), ("status", "sent"), ("date", &today)],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(refused).await;
        assert!(
            page.contains("Record the person’s consent to share before the referral is marked “sent”"),
            "{page}"
        );
        let entry_id = href.rsplit('/').next().expect("id").to_owned();
        let stored = app.store.entry(&entry_id).await.expect("entry");
        assert_eq!(stored.version, 1, "nothing changed");

        let consent = browser
            .post(
                &format!("{href}/consent"),
                &[
                    ("version", "1"),
                    ("consent_given_by", "person"),
                    ("consent_date", &today),
                    ("consent_shares", "relevant-history"),
                    ("consent_limits", "Not the name of her village"),
                ],
            )
            .await;
        assert_eq!(consent.status(), StatusCode::SEE_OTHER);
        let sent = browser
            .post(
                &format!("{href}/status"),
                &[("version", "2"), ("status", "sent"), ("date", &today)],
            )
            .await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
        let page = body(browser.get(&location(&sent)).await).await;
        assert!(page.contains("The new status is saved with its date."));
        assert!(page.contains("Drafted, not sent") && page.contains("Sent (current)"));
        let stored = app.store.entry(&entry_id).await.expect("entry");
        let r = stored.body.as_referral().expect("referral");
        assert_eq!(r.status, ReferralStatus::Sent);
        assert_eq!(r.earlier.len(), 1, "the draft is kept in the trail");
        assert_eq!(stored.change.reason, format!("Sent on {today}"));
        let audit = app
            .store
            .audit_recent(Some(&f.patient), 10)
            .await
            .expect("audit");
        assert!(audit.iter().any(|a| a.action == "entry.amend"));
    }
}

/// Stores a referral to "Riverside Trauma Service", sent `days_ago`, with consent to share
/// `shares`.
async fn stored_referral(
    app: &TestApp,
    patient: &str,
    id: &str,
    shares: &[ShareItem],
    days_ago: i64,
) {
    let today = app.store.clock().today();
    let sent = today - time::Duration::days(days_ago);
    let referral = Referral {
        organisation: "Riverside Trauma Service".into(),
        reason: "Flashbacks".into(),
        consent: Some(ShareConsent {
            given_by: ConsentGiver::Person,
            name: String::new(),
            date: sent,
            shares: shares.to_vec(),
            limits: String::new(),
        }),
        ..Referral::new(
            ReferralType::SpecialistTrauma,
            ReferralStatus::Drafted,
            sent,
        )
        .moved_to(ReferralStatus::Sent, sent)
    };
    let entry = Entry::new(
        EntryId::new(id),
        PatientId::new(patient),
        EntryBody::Referral(referral),
        UserId::new("dr.amal"),
        app.store.clock().now(),
    );
    app.store
        .add_entry(&Actor::cli("test"), &entry)
        .await
        .expect("referral");
}

haven_testdb::both! {
    async fn the_letter_carries_sensitive_history_only_when_agreed_ticked_and_confirmed() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let all = [ShareItem::RelevantHistory, ShareItem::SensitiveHistory];
        stored_referral(&app, &f.patient, "ref-all", &all, 1).await;
        stored_referral(&app, &f.patient, "ref-some", &all[..1], 1).await;
        app.add_user("ad.min", Role::Admin, None).await;
        let admin = app.signed_in("ad.min").await;
        let saved = admin
            .post(
                "/admin/policy/letterhead",
                &[("letterhead", "Riverside Surgery\n1 High Street")],
            )
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        let browser = app.signed_in("dr.amal").await;
        let letter =
            |id: &str, query: &str| format!("/patients/{}/referrals/{id}/letter?{query}", f.patient);
        let event = "Asylum claim refused";
        let torture = "Torture";

        let chooser = body(browser.get(&letter("ref-all", "")).await).await;
        assert!(chooser.contains("Asylum claim refused") && chooser.contains("Torture"));
        assert!(chooser.contains("I confirm the sensitive history ticked above"));

        let history_only = browser
            .get(&letter("ref-all", "print=yes&history=e-event"))
            .await;
        assert_eq!(history_only.status(), StatusCode::OK);
        let html = body(history_only).await;
        assert!(html.contains(event), "{html}");
        assert!(!html.contains(torture), "sensitive history not ticked");
        assert!(html.contains("Arabic") || html.contains("Not needed"));
        assert!(
            html.contains("Given by the person on"),
            "the consent statement"
        );
        assert!(html.contains("Flashbacks"), "the reason");
        assert!(
            html.contains("Riverside Surgery\n1 High Street"),
            "the practice"
        );

        let unconfirmed = browser
            .get(&letter(
                "ref-all",
                "print=yes&history=e-event&history=e-disclosure",
            ))
            .await;
        assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body(unconfirmed).await;
        assert!(
            html.contains("Sensitive history was ticked: confirm"),
            "{html}"
        );

        let not_agreed = browser
            .get(&letter(
                "ref-some",
                "print=yes&history=e-disclosure&sensitive_confirmed=yes",
            ))
            .await;
        assert_eq!(not_agreed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body(not_agreed)
                .await
                .contains("The person did not agree to share sensitive history")
        );

        let confirmed = browser
            .get(&letter(
                "ref-all",
                "print=yes&history=e-event&history=e-disclosure&sensitive_confirmed=yes",
            ))
            .await;
        assert_eq!(confirmed.status(), StatusCode::OK);
        let html = body(confirmed).await;
        assert!(html.contains(torture) && html.contains(event));
        assert!(html.contains("Sensitive history, shared with the person’s explicit agreement"));
        let audit = app
            .store
            .audit_recent(Some(&f.patient), 3)
            .await
            .expect("audit");
        assert!(
            audit.iter().any(|a| a.action == "referral.letter"
                && a.detail == "ref-all: 1 history, 1 sensitive, contact details no"),
            "{audit:?}"
        );
    }
}

haven_testdb::both! {
    async fn waiting_referrals_come_back_to_the_worklist_and_open_actions_suggest_services() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        stored_referral(&app, &f.patient, "ref-old", &[], 29).await;
        let browser = app.signed_in("dr.amal").await;
        let worklist = body(browser.get("/worklist").await).await;
        assert!(
            worklist.contains("No response from Specialist trauma service in 28 days"),
            "{worklist}"
        );
        let page = body(browser.get(&format!("/patients/{}", f.patient)).await).await;
        assert!(page.contains("Services that fit what is due"), "{page}");
        assert!(page.contains(&format!("/patients/{}/referrals/new?org=org-", f.patient)));
        let list = body(
            browser
                .get(&format!("/patients/{}/referrals", f.patient))
                .await,
        )
        .await;
        assert!(list.contains("Riverside Trauma Service") && list.contains("Waiting 29 days"));
    }
}
