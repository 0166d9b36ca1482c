//! Worklists: a clinician's own patients, filters and counts, freshness after a save, what
//! receptionists and analysts may see, and the stored list shown (with a notice) while the
//! day's refresh runs.

use haven_core::policy::Policy;
use haven_core::record::{ContactStatus, EntryBody, LifeEvent, LifeEventKind, PlannedContact};
use haven_store::{Clock, Role};
use reqwest::StatusCode;
use time::macros::{date, datetime};

use crate::clinical::{between, days_from_today, patient_with, today};
use crate::support::{body, config, location, spawn_app, spawn_app_on};

fn refusal(days_ago: i64) -> EntryBody {
    EntryBody::LifeEvent(LifeEvent {
        kind: LifeEventKind::AsylumRefused,
        date: days_from_today(-days_ago),
        note: "private note".into(),
    })
}

fn contact_without_interpreter(in_days: i64) -> EntryBody {
    EntryBody::PlannedContact(PlannedContact {
        date: days_from_today(in_days),
        status: ContactStatus::Booked,
        interpreter_booked: false,
        interpreter: None,
        purpose: String::new(),
    })
}

haven_testdb::both! {
    async fn a_clinicians_worklist_lists_their_patients_with_filters_and_counts() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        app.add_user("dr.other", Role::Clinician, None).await;
        let mine = patient_with(
            &app.store,
            "Mariam",
            "ar",
            Some("dr.amal"),
            vec![refusal(1)],
        )
        .await;
        patient_with(
            &app.store,
            "Notmine",
            "fa",
            Some("dr.other"),
            vec![refusal(1)],
        )
        .await;
        let browser = app.signed_in("dr.amal").await;

        let page = body(browser.get("/worklist").await).await;
        assert!(page.contains("My worklist"));
        assert!(
            page.contains(&format!("href=\"/patients/{mine}\">Mariam Testperson</a>")),
            "each row links to the patient"
        );
        assert!(
            !page.contains("Notmine"),
            "only the clinician's own patients"
        );
        assert!(page.contains("risk.reassess-after-event"));
        assert!(
            page.contains("Showing 1–"),
            "{}",
            between(&page, "result-count", "</p>")
        );
        assert!(
            page.contains("<span class=\"tag tag--urgent\">Urgent</span> <strong>1</strong>"),
            "count per urgency"
        );
        assert!(!page.contains("private note"), "reasons never quote notes");

        let urgent = body(
            browser
                .get("/worklist?urgency=urgent&rule=&language=")
                .await,
        )
        .await;
        let rows = between(&urgent, "<tbody>", "</tbody>");
        assert!(
            rows.contains("risk.reassess-after-event") && !rows.contains("tag--routine"),
            "{rows}"
        );
        let farsi = body(browser.get("/worklist?language=fa").await).await;
        assert!(farsi.contains("0 tasks match the filters.") && farsi.contains("Nothing is due"));

        let practice = body(browser.get("/worklist/practice").await).await;
        assert!(
            practice.contains("Mariam") && practice.contains("Notmine"),
            "the practice list has everyone"
        );

        // Freshness: a risk review saved now clears the task on the next view.
        let d = today().to_string();
        let res = browser
            .post(
                &format!("/patients/{mine}/entries/new/risk-review"),
                &[
                    ("date", d.as_str()),
                    ("suicidal_thoughts", "none"),
                    ("plans_or_intent", "no"),
                    ("recent_self_harm", "no"),
                    ("formulation", "Coping; reviewed."),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = body(
            browser
                .get("/worklist?rule=risk.reassess-after-event")
                .await,
        )
        .await;
        assert!(
            page.contains("Nothing is due with these filters"),
            "{}",
            between(&page, "result-count", "</p>")
        );
        let audit = app.store.audit_recent(None, 5).await.expect("audit");
        assert!(
            audit
                .iter()
                .any(|a| a.action == "worklist.view" && a.actor == "dr.amal")
        );
    }
}

haven_testdb::both! {
    async fn receptionists_see_administrative_tasks_and_analysts_counts_only() {
        let app = spawn_app().await;
        app.add_user("desk", Role::Receptionist, None).await;
        app.add_user("analyst", Role::Analyst, None).await;
        let mut needs_interpreter =
            haven_core::record::Patient::new(haven_core::PatientId::new(""), "Tigist", "Alemu");
        needs_interpreter.main_language = Some(haven_core::LanguageTag::parse("am").expect("tag"));
        needs_interpreter.interpreter_required = Some(true);
        let entry = haven_core::record::Entry::new(
            haven_core::EntryId::new("c1"),
            haven_core::PatientId::new(""),
            contact_without_interpreter(3),
            haven_core::UserId::new("seed"),
            time::OffsetDateTime::now_utc(),
        );
        let refused = haven_core::record::Entry::new(
            haven_core::EntryId::new("c2"),
            haven_core::PatientId::new(""),
            refusal(2),
            haven_core::UserId::new("seed"),
            time::OffsetDateTime::now_utc(),
        );
        app.store
            .create_patient(
                &haven_store::Actor::cli("test"),
                needs_interpreter,
                vec![entry, refused],
            )
            .await
            .expect("patient");

        let desk = app.signed_in("desk").await;
        let res = desk.get("/worklist").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(location(&res).starts_with("/worklist/practice"));
        let page = body(desk.get("/worklist/practice").await).await;
        assert!(
            page.contains("Tigist Alemu") && page.contains("interpreter.book"),
            "administrative tasks are listed"
        );
        for clinical in [
            "risk.",
            "screening.",
            "followup.overdue",
            "Asylum claim refused",
        ] {
            assert!(
                !page.contains(clinical),
                "receptionist worklist shows {clinical:?}"
            );
        }

        let analyst = app.signed_in("analyst").await;
        let page = body(analyst.get("/worklist/practice").await).await;
        assert!(
            page.contains("risk.reassess-after-event") && page.contains("interpreter.book"),
            "counts of every rule"
        );
        assert!(
            !page.contains("Tigist") && !page.contains("/patients/"),
            "no patient is named or linked"
        );
    }
}

#[tokio::test]
async fn a_patient_the_rules_cannot_see_is_reported_on_the_worklist_and_to_admins() {
    let app = spawn_app().await;
    app.add_user("dr.amal", Role::Clinician, None).await;
    app.add_user("admin", Role::Admin, None).await;
    let unreadable = patient_with(
        &app.store,
        "Mariam",
        "ar",
        Some("dr.amal"),
        vec![refusal(1)],
    )
    .await;
    let clinician = app.signed_in("dr.amal").await;
    assert!(
        !body(clinician.get("/worklist").await)
            .await
            .contains("could not be evaluated")
    );

    // An entry a later version of Haven wrote, say: the record can be shown, not evaluated.
    let db = rusqlite::Connection::open(app.db_path()).expect("open");
    db.execute(
        "UPDATE entries SET data = '{\"kind\": \"from-the-future\"}' WHERE patient_id = ?1",
        [unreadable.as_str()],
    )
    .expect("damage an entry");
    db.execute(
        "UPDATE patients SET rules_view = NULL WHERE id = ?1",
        [unreadable.as_str()],
    )
    .expect("clear the view");
    let done = app
        .store
        .rebuild_stale_rule_views(&|_, _| {})
        .await
        .expect("rebuild");
    assert_eq!((done.rebuilt, done.failed), (0, 1));

    let page = body(clinician.get("/worklist").await).await;
    assert!(page.contains("1 patient could not be evaluated"), "{page}");
    let admin = app.signed_in("admin").await;
    let health = body(admin.get("/admin/record-health").await).await;
    assert!(
        health.contains(&format!("href=\"/patients/{unreadable}\">{unreadable}</a>")),
        "{health}"
    );
    assert_eq!(
        clinician.get("/admin/record-health").await.status(),
        StatusCode::FORBIDDEN
    );
}

/// A patient who needs an interpreter, with an appointment on `on` booked without one.
async fn needs_interpreter_on(store: &haven_store::Store, on: haven_core::Date) -> String {
    let mut p =
        haven_core::record::Patient::new(haven_core::PatientId::new(""), "Dawit", "Tesfaye");
    p.main_language = Some(haven_core::LanguageTag::parse("ti").expect("tag"));
    p.interpreter_required = Some(true);
    p.named_clinician = Some(haven_core::UserId::new("dr.amal"));
    let contact = haven_core::record::Entry::new(
        haven_core::EntryId::new("c1"),
        haven_core::PatientId::new(""),
        EntryBody::PlannedContact(PlannedContact {
            date: on,
            status: ContactStatus::Booked,
            interpreter_booked: false,
            interpreter: None,
            purpose: String::new(),
        }),
        haven_core::UserId::new("seed"),
        datetime!(2026-11-01 10:00 UTC),
    );
    store
        .create_patient(&haven_store::Actor::cli("test"), p, vec![contact])
        .await
        .expect("patient")
        .id
        .to_string()
}

haven_testdb::both! {
    async fn while_the_refresh_runs_lists_show_the_stored_actions_with_a_notice() {
        let at = datetime!(2026-11-28 10:00 UTC);
        let (yesterday, today) = (date!(2026 - 11 - 27), at.date());
        let policy = Policy::default();
        let app = spawn_app_on(config(), Clock::fixed(at)).await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        // An appointment a fortnight from today: today it enters the booking window, so
        // booking its interpreter falls due (on 10 December); yesterday it had not.
        let patient = needs_interpreter_on(&app.store, date!(2026 - 12 - 12)).await;
        app.store
            .refresh_all_actions(&policy, yesterday)
            .await
            .expect("yesterday's refresh");
        let browser = app.signed_in_at("dr.amal", at).await;
        let task_due = "10 December 2026";

        // Today's refresh is held: every list answers from yesterday's actions and says so.
        let hold = app.refresher.hold().await;
        let (mine, practice, recalls) = tokio::join!(
            browser.get("/worklist"),
            browser.get("/worklist/practice"),
            browser.get("/recalls"),
        );
        for page in [body(mine).await, body(practice).await] {
            let notice = between(&page, "id=\"catching-up\"", "</div>");
            assert!(
                notice.contains("being brought up to date for today")
                    && notice.contains("worked out for 27 November 2026")
                    && notice.contains("may be missing")
                    && notice.contains("Reload the page"),
                "{notice}"
            );
            assert!(!page.contains(task_due), "yesterday's list: {page}");
        }
        let recalls = body(recalls).await;
        assert!(recalls.contains("id=\"catching-up\""), "{recalls}");
        assert_eq!(
            app.refresher.started(),
            1,
            "three views while it runs start one refresh"
        );
        // The patient's own page is evaluated as it opens, whatever the stored list says.
        let own = body(browser.get(&format!("/patients/{patient}")).await).await;
        assert!(own.contains("Book an interpreter"), "{own}");

        // Released: the refresh the views started finishes, and the next view is today's.
        let mut joined = std::pin::pin!(app.refresher.refresh(&policy, today));
        assert!(futures_util::poll!(joined.as_mut()).is_pending());
        drop(hold);
        assert!(joined.await.expect("refresh"), "the held refresh ran");
        assert_eq!(app.refresher.started(), 1, "and was the only one");
        let page = body(browser.get("/worklist").await).await;
        assert!(!page.contains("catching-up"), "{page}");
        assert!(page.contains(task_due), "{page}");
        let recalls = body(browser.get("/recalls").await).await;
        assert!(!recalls.contains("catching-up"), "{recalls}");
    }
}
