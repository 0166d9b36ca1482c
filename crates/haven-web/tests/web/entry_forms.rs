//! Entry forms: recording each kind, inline errors with nothing written, amendments with a
//! reason and a version, entered-in-error, ownership of entry ids, receptionists' limits,
//! and the safety plan's print view.

use haven_core::record::{EntryBody, EntryStatus, LifeEventKind};
use haven_store::Role;
use reqwest::StatusCode;

use crate::clinical::{between, days_from_today, entries, patient_with, today};
use crate::support::{body, location, seed_patient, spawn_app};

const KINDS: [&str; 13] = [
    "encounter",
    "planned-contact",
    "life-event",
    "risk-review",
    "safety-plan",
    "asylum",
    "disclosure",
    "problem",
    "screening",
    "referral",
    "medication",
    "advice",
    "flag",
];

haven_testdb::both! {
    async fn every_kind_has_a_form_and_a_valid_post_is_saved() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let browser = app.signed_in("dr.amal").await;
        for kind in KINDS {
            let res = browser
                .get(&format!("/patients/{}/entries/new/{kind}", f.patient))
                .await;
            assert_eq!(res.status(), StatusCode::OK, "{kind}");
            let page = body(res).await;
            assert!(
                page.contains("class=\"banner\"") && page.contains("name=\"csrf\""),
                "{kind}"
            );
            assert!(
                page.contains(&format!("value=\"{}\"", today())),
                "{kind}: the date starts at today"
            );
        }
        let before = entries(&app.store, &f.patient).await.len();
        let d = today().to_string();
        let d = d.as_str();
        let posts: [(&str, Vec<(&str, &str)>); 4] = [
            (
                "encounter",
                vec![
                    ("date", d),
                    ("interpreter", "professional-telephone"),
                    ("complaints", "headache"),
                    ("complaints", "back-pain"),
                ],
            ),
            (
                "screening",
                vec![("test", "hiv"), ("status", "offered"), ("date", d)],
            ),
            (
                "advice",
                vec![
                    ("kind", "wellbeing-advice"),
                    ("date", d),
                    ("topics", "sleep"),
                    ("topics", "eating-well"),
                ],
            ),
            ("disclosure", vec![("kind", "sexual-violence"), ("date", d)]),
        ];
        for (kind, fields) in posts {
            let res = browser
                .post(
                    &format!("/patients/{}/entries/new/{kind}", f.patient),
                    &fields,
                )
                .await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{kind}");
            assert_eq!(location(&res), format!("/patients/{}", f.patient));
        }
        let after = entries(&app.store, &f.patient).await;
        assert_eq!(after.len(), before + 4);
        let enc = after
            .iter()
            .find_map(|e| e.body.as_encounter())
            .expect("encounter saved");
        assert_eq!(
            enc.somatic_complaints.len(),
            2,
            "both ticked complaints are kept"
        );
        let audit = app
            .store
            .audit_recent(Some(&f.patient), 1)
            .await
            .expect("audit");
        assert_eq!(
            (audit[0].action.as_str(), audit[0].actor.as_str()),
            ("entry.add", "dr.amal")
        );
    }
}

haven_testdb::both! {
    async fn an_invalid_form_is_shown_again_with_the_message_beside_the_field_and_nothing_is_written() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let browser = app.signed_in("dr.amal").await;
        let before = entries(&app.store, &f.patient).await.len();
        let path = format!("/patients/{}/entries/new/life-event", f.patient);

        let res = browser
            .post(
                &path,
                &[
                    ("kind", ""),
                    ("date", "2026-02-30"),
                    ("note", "typed words stay"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(page.contains("There is a problem"));
        assert!(
            page.contains("<a href=\"#kind\">Choose what happened</a>"),
            "error summary links to the field"
        );
        assert!(
            page.contains("id=\"kind-error\"") && page.contains("id=\"date-error\""),
            "messages beside the fields"
        );
        assert!(
            page.contains("typed words stay") && page.contains("value=\"2026-02-30\""),
            "the form keeps what was typed"
        );

        // The core's validation (no future events) lands beside the date field too.
        let tomorrow = (today() + time::Duration::days(1)).to_string();
        let res = browser
            .post(&path, &[("kind", "loss-of-hope"), ("date", &tomorrow)])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        let date_error = between(&page, "id=\"date-error\">", "</p>");
        assert!(date_error.contains("is in the future"), "{date_error}");
        assert!(page.contains("<option value=\"loss-of-hope\" selected>"));

        assert_eq!(
            entries(&app.store, &f.patient).await.len(),
            before,
            "nothing was written"
        );
    }
}

haven_testdb::both! {
    async fn amending_keeps_history_needs_a_reason_and_detects_a_stale_version() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let browser = app.signed_in("dr.amal").await;
        let path = format!("/patients/{}/entries/{}/amend", f.patient, f.clinical_entry);

        let page = body(browser.get(&path).await).await;
        assert!(
            page.contains("<option value=\"asylum-refused\" selected>")
                && page.contains("value=\"2026-10-20\""),
            "pre-filled"
        );
        assert!(page.contains("name=\"version\" value=\"1\""));
        let history = body(
            browser
                .get(&format!(
                    "/patients/{}/entries/{}",
                    f.patient, f.clinical_entry
                ))
                .await,
        )
        .await;
        assert!(
            history.contains(&format!("href=\"{path}\"")),
            "the history page links to the amend form"
        );

        let fields = [
            ("kind", "appeal-dismissed"),
            ("date", "2026-10-21"),
            ("note", "corrected"),
            ("version", "1"),
        ];
        let res = browser.post(&path, &fields).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reason is required"
        );
        assert!(
            body(res)
                .await
                .contains("Say why the entry is being amended")
        );
        assert_eq!(
            app.store
                .entry_history(&f.clinical_entry)
                .await
                .expect("history")
                .len(),
            1
        );

        let mut with_reason = fields.to_vec();
        with_reason.push(("reason", "wrong event type"));
        let res = browser.post(&path, &with_reason).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            location(&res),
            format!("/patients/{}/entries/{}", f.patient, f.clinical_entry)
        );
        let versions = app
            .store
            .entry_history(&f.clinical_entry)
            .await
            .expect("history");
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[1].change.reason, "wrong event type");
        assert!(
            matches!(&versions[1].body, EntryBody::LifeEvent(e) if e.kind == LifeEventKind::AppealDismissed)
        );
        assert!(
            matches!(&versions[0].body, EntryBody::LifeEvent(e) if e.kind == LifeEventKind::AsylumRefused),
            "the first version is kept"
        );

        // The same form sent again is now stale: refused, nothing written.
        let res = browser.post(&path, &with_reason).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert!(body(res).await.contains("changed after you opened it"));
        assert_eq!(
            app.store
                .entry_history(&f.clinical_entry)
                .await
                .expect("history")
                .len(),
            2
        );

        // Entered in error through the history page; the amend form then sends you to the history.
        let res = browser
            .post(
                &format!("/patients/{}/entries/{}/error", f.patient, f.clinical_entry),
                &[
                    ("reason", "recorded for the wrong patient"),
                    ("version", "2"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.store
                .entry(&f.clinical_entry)
                .await
                .expect("entry")
                .status,
            EntryStatus::EnteredInError
        );
        let res = browser.get(&path).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = browser.post(&path, &with_reason).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.store
                .entry_history(&f.clinical_entry)
                .await
                .expect("history")
                .len(),
            3,
            "an entry in error is not amended"
        );
        let actions: Vec<String> = app
            .store
            .audit_recent(Some(&f.patient), 10)
            .await
            .expect("audit")
            .into_iter()
            .map(|a| a.action)
            .collect();
        assert!(
            actions.contains(&"entry.amend".to_owned())
                && actions.contains(&"entry.entered-in-error".to_owned()),
            "{actions:?}"
        );
    }
}

haven_testdb::both! {
    async fn entry_ids_must_belong_to_the_patient_in_the_url() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let first = seed_patient(&app.store, Some("dr.amal")).await;
        let other = crate::clinical::patient_with(&app.store, "Other", "fa", None, vec![]).await;
        let browser = app.signed_in("dr.amal").await;
        let path = format!("/patients/{other}/entries/{}/amend", first.clinical_entry);
        assert_eq!(browser.get(&path).await.status(), StatusCode::NOT_FOUND);
        let res = browser
            .post(
                &path,
                &[
                    ("kind", "loss-of-hope"),
                    ("date", "2026-10-20"),
                    ("reason", "x"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            browser
                .get(&format!(
                    "/patients/{other}/entries/{}/print",
                    first.clinical_entry
                ))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.store
                .entry_history(&first.clinical_entry)
                .await
                .expect("history")
                .len(),
            1
        );
    }
}

haven_testdb::both! {
    async fn receptionists_book_interpreters_but_record_nothing_clinical() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        let f = seed_patient(&app.store, None).await;
        let browser = app.signed_in("desk").await;
        let patient_page = body(browser.get(&format!("/patients/{}", f.patient)).await).await;
        let links = between(&patient_page, "id=\"record-heading\"", "</nav>");
        assert!(
            links.contains("Planned contact")
                && !links.contains("Life event")
                && !links.contains("Risk review"),
            "{links}"
        );

        let date = (today() + time::Duration::days(5)).to_string();
        let res = browser
            .post(
                &format!("/patients/{}/entries/new/planned-contact", f.patient),
                &[
                    ("date", date.as_str()),
                    ("status", "booked"),
                    ("interpreter_booked", "yes"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = browser
            .post(
                &format!("/patients/{}/entries/{}/amend", f.patient, f.admin_entry),
                &[
                    ("date", "2026-12-05"),
                    ("status", "booked"),
                    ("interpreter_booked", "yes"),
                    ("reason", "interpreter booked by phone"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let contact = app.store.entry(&f.admin_entry).await.expect("entry");
        assert!(matches!(contact.body, EntryBody::PlannedContact(c) if c.interpreter_booked));

        let before = entries(&app.store, &f.patient).await.len();
        for kind in ["life-event", "flag", "risk-review"] {
            let res = browser
                .post(
                    &format!("/patients/{}/entries/new/{kind}", f.patient),
                    &[("kind", "loss-of-hope"), ("date", "2026-11-01")],
                )
                .await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{kind}");
        }
        assert_eq!(entries(&app.store, &f.patient).await.len(), before);
    }
}

haven_testdb::both! {
    async fn a_safety_plan_prints_in_the_persons_language_direction() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let browser = app.signed_in("dr.amal").await;
        let d = today().to_string();
        let d = d.as_str();
        let res = browser
            .post(
                &format!("/patients/{}/entries/new/safety-plan", f.patient),
                &[
                    ("date", d),
                    ("warning_signs", "لا أستطيع النوم"),
                    ("people_and_places", "My sister; the mosque"),
                    ("reasons_for_living", "My children"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let plan = entries(&app.store, &f.patient)
            .await
            .into_iter()
            .find(|e| e.body.as_safety_plan().is_some())
            .expect("plan saved");
        let history = body(
            browser
                .get(&format!("/patients/{}/entries/{}", f.patient, plan.id))
                .await,
        )
        .await;
        assert!(
            history.contains(&format!(
                "href=\"/patients/{}/entries/{}/print\"",
                f.patient, plan.id
            )),
            "the history page links to the print view"
        );
        let res = browser
            .get(&format!(
                "/patients/{}/entries/{}/print",
                f.patient, plan.id
            ))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body(res).await;
        assert!(
            page.contains("class=\"print-sheet\" lang=\"ar\" dir=\"rtl\""),
            "right-to-left for Arabic"
        );
        assert!(page.contains(&format!("Agreed on {d}")) && page.contains("version 1"));
        assert!(page.contains("لا أستطيع النوم") && page.contains("My children"));
        assert!(page.contains("116 123"), "crisis contacts are printed");
        assert!(
            !page.contains("Making my surroundings safer"),
            "empty parts are left out"
        );
        let audit = app
            .store
            .audit_recent(Some(&f.patient), 1)
            .await
            .expect("audit");
        assert_eq!(audit[0].action, "entry.print");
    }
}

haven_testdb::both! {
    async fn a_refused_asylum_situation_raises_a_risk_review_and_the_form_says_it_will() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let patient = patient_with(&app.store, "Samir", "ar", Some("dr.amal"), Vec::new()).await;
        let browser = app.signed_in("dr.amal").await;
        let form = format!("/patients/{patient}/entries/new/asylum");
        let page = body(browser.get(&form).await).await;
        let status = between(&page, "for=\"status\"", "</select>");
        assert!(
            status.contains("risk review") && status.contains("(§6)"),
            "the situation field says a review will be asked for: {status}"
        );
        let due = |html: &str| between(html, "id=\"due-heading\"", "</section>").to_owned();
        let before = body(browser.get(&format!("/patients/{patient}")).await).await;
        assert!(!due(&before).contains("risk.reassess-after-event"));

        let yesterday = days_from_today(-1).to_string();
        let res = browser
            .post(
                &form,
                &[
                    ("status", "refused"),
                    ("date", &yesterday),
                    ("coded", "yes"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("/patients/{patient}"));
        let after = due(&body(browser.get(&format!("/patients/{patient}")).await).await);
        assert!(
            after.contains("risk.reassess-after-event")
                && after.contains(&format!(
                    "Asylum claim refused on {yesterday} (recorded as the asylum situation)"
                )),
            "the refusal alone asks for a risk review: {after}"
        );
        assert_eq!(
            entries(&app.store, &patient)
                .await
                .iter()
                .filter(|e| e.body.as_life_event().is_some())
                .count(),
            0,
            "no life event was needed"
        );
    }
}

haven_testdb::both! {
    async fn control_characters_in_free_text_are_refused_but_line_breaks_are_kept() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let browser = app.signed_in("dr.amal").await;
        let before = entries(&app.store, &f.patient).await.len();
        let path = format!("/patients/{}/entries/new/life-event", f.patient);
        let date = today().to_string();
        let res = browser
            .post(
                &path,
                &[
                    ("kind", "loss-of-hope"),
                    ("date", &date),
                    ("note", "bad\u{1b}[2J"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(page.contains("id=\"note-error\""), "beside the field");
        assert_eq!(entries(&app.store, &f.patient).await.len(), before);

        let res = browser
            .post(
                &path,
                &[
                    ("kind", "loss-of-hope"),
                    ("date", &date),
                    ("note", "one\r\ntwo\tthree"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(entries(&app.store, &f.patient).await.len(), before + 1);
    }
}
