//! Care coordination (issue 14 parts 3, 4 and 6): booking an interpreter in one step from the
//! action and from the appointment, the day list with one-click attendance, the outreach after
//! a missed contact and the recall list — for reception with administrative facts only — the
//! coded patient lists for clinicians, and the worklist grouped by patient.

use haven_core::record::{ContactStatus, EntryKind, InterpreterMode, Visibility};
use haven_store::{Clock, Role};
use reqwest::StatusCode;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::support::{
    FIXTURE_DISCLOSURE_NOTE, FIXTURE_EVENT_NOTE, TestApp, body, config, location, seed_patient,
    spawn_app_on,
};

/// 2026-11-28: the fixture's appointment of 5 December 2026 is a week away, without an
/// interpreter, so `interpreter.book` is due.
const BEFORE: OffsetDateTime = datetime!(2026-11-28 10:00 UTC);
/// The appointment's own day.
const ON_THE_DAY: OffsetDateTime = datetime!(2026-12-05 09:00 UTC);

async fn app_at(at: OffsetDateTime) -> TestApp {
    let app = spawn_app_on(config(), Clock::fixed(at)).await;
    app.add_user("dr.amal", Role::Clinician, None).await;
    app.add_user("desk", Role::Receptionist, None).await;
    app.add_user("numbers", Role::Analyst, None).await;
    app
}

fn planned_contacts(record: &haven_core::record::PatientRecord) -> usize {
    record
        .active()
        .filter(|e| e.body.kind() == EntryKind::PlannedContact)
        .count()
}

haven_testdb::both! {
    async fn the_interpreter_action_books_the_named_appointment_in_one_step() {
        let app = app_at(BEFORE).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let desk = app.signed_in_at("desk", BEFORE).await;
        let patient = format!("/patients/{}", f.patient);

        // The action's link opens the booking of the appointment it is about, filled from the
        // record (Arabic), not a blank planned-contact form.
        let page = body(desk.get(&patient).await).await;
        assert!(
            page.contains(&format!("href=\"{patient}/interpreter\"")),
            "{page}"
        );
        let form = body(desk.get(&format!("{patient}/interpreter")).await).await;
        assert!(
            form.contains("Book an interpreter for 5 December 2026"),
            "{form}"
        );
        assert!(form.contains("value=\"ar\" selected"), "{form}");
        assert!(form.contains("name=\"version\" value=\"1\""), "{form}");
        let action = format!("{patient}/entries/{}/interpreter", f.admin_entry);
        assert!(form.contains(&format!("action=\"{action}\"")), "{form}");

        // Missing who it was booked with: one message beside the field, nothing saved.
        let refused = desk
            .post(
                &action,
                &[("version", "1"), ("mode", "telephone"), ("language", "ar")],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let shown = body(refused).await;
        assert!(shown.contains("id=\"booked_with-error\""), "{shown}");
        assert_eq!(
            app.store
                .entry(&f.admin_entry)
                .await
                .expect("entry")
                .version,
            1
        );

        let saved = desk
            .post(
                &action,
                &[
                    ("version", "1"),
                    ("mode", "in-person"),
                    ("language", "ar"),
                    ("dialect", "Levantine"),
                    ("gender", "female"),
                    ("booked_with", "Borough interpreting service"),
                    ("reference", "BIS-4471"),
                ],
            )
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&saved), patient);
        let after = body(desk.get(&patient).await).await;
        assert!(
            after.contains("Interpreter booked for the appointment on 5 December 2026."),
            "the save is confirmed: {after}"
        );
        assert!(
            !after.contains("Book an interpreter</strong>"),
            "the action cleared: {after}"
        );

        // The same appointment, amended (its first version kept), never a second one.
        let entry = app.store.entry(&f.admin_entry).await.expect("entry");
        assert_eq!(entry.version, 2);
        let contact = entry.body.as_planned_contact().expect("contact");
        assert!(contact.interpreter_booked);
        assert_eq!(contact.status, ContactStatus::Booked);
        let booking = contact.interpreter.as_ref().expect("booking");
        assert_eq!(booking.mode, InterpreterMode::InPerson);
        assert_eq!(booking.booked_with, "Borough interpreting service");
        assert_eq!(booking.reference, "BIS-4471");
        let record = app
            .store
            .record(&f.patient, Visibility::Sensitive)
            .await
            .expect("record");
        assert_eq!(planned_contacts(&record), 1);

        // Nothing left to book: the action's page says so rather than offering a form.
        let none = body(desk.get(&format!("{patient}/interpreter")).await).await;
        assert!(none.contains("is waiting for an interpreter"), "{none}");
        assert!(!none.contains("Save the booking"));

        // A save from a page opened before the booking is refused as stale.
        let stale = desk
            .post(
                &action,
                &[
                    ("version", "1"),
                    ("mode", "telephone"),
                    ("language", "ar"),
                    ("booked_with", "Someone else"),
                ],
            )
            .await;
        assert_eq!(stale.status(), StatusCode::CONFLICT);

        // The appointment letter names the booked interpreter's language.
        let letter = body(
            desk.get(&format!("{patient}/handouts/appointment?lang=en"))
                .await,
        )
        .await;
        assert!(letter.contains("Arabic"), "{letter}");

        // Analysts never reach it.
        let analyst = app.signed_in_at("numbers", BEFORE).await;
        assert_eq!(
            analyst
                .get(&format!("{patient}/interpreter"))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
    }
}

haven_testdb::both! {
    async fn a_consultation_starts_with_the_interpreter_booked_and_records_what_happened() {
        let app = app_at(ON_THE_DAY).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let desk = app.signed_in_at("desk", ON_THE_DAY).await;
        let action = format!(
            "/patients/{}/entries/{}/interpreter",
            f.patient, f.admin_entry
        );
        let saved = desk
            .post(
                &action,
                &[
                    ("version", "1"),
                    ("mode", "video"),
                    ("language", "ar"),
                    ("booked_with", "Video interpreting"),
                ],
            )
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        let dr = app.signed_in_at("dr.amal", ON_THE_DAY).await;
        let form = body(
            dr.get(&format!("/patients/{}/entries/new/encounter", f.patient))
                .await,
        )
        .await;
        assert!(
            form.contains("value=\"professional-video\" checked"),
            "the booking is the starting answer: {form}"
        );
        // Family or friend, or none, are choices the clinician records when that happened.
        assert!(form.contains("value=\"family-or-friend\""));
        assert!(form.contains("value=\"none\""));
    }
}

haven_testdb::both! {
    async fn reception_marks_a_missed_appointment_from_the_day_list_and_records_the_outreach() {
        let app = app_at(ON_THE_DAY).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let desk = app.signed_in_at("desk", ON_THE_DAY).await;
        let patient = format!("/patients/{}", f.patient);

        // Today's and tomorrow's contacts: who needs an interpreter and whether one is booked.
        let list = body(desk.get("/day-list").await).await;
        assert!(list.contains("Today, 5 December 2026"), "{list}");
        assert!(list.contains("Tomorrow, 6 December 2026"), "{list}");
        assert!(list.contains("Amina Haddad"), "{list}");
        assert!(list.contains("Needed — not booked"), "{list}");
        assert!(
            list.contains(&format!(
                "{patient}/entries/{}/interpreter?back=",
                f.admin_entry
            )),
            "{list}"
        );
        for clinical in [FIXTURE_DISCLOSURE_NOTE, FIXTURE_EVENT_NOTE, "Torture"] {
            assert!(!list.contains(clinical), "reception saw {clinical}");
        }

        // One click: did not attend. No typed reason; the reason is written for the user.
        let mark = format!("{patient}/entries/{}/attendance", f.admin_entry);
        let res = desk
            .post(
                &mark,
                &[
                    ("status", "noshow"),
                    ("version", "1"),
                    ("back", "/day-list"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/day-list");
        let list = body(desk.get("/day-list").await).await;
        assert!(
            list.contains("The appointment on 5 December 2026 is marked did not attend."),
            "{list}"
        );
        let entry = app.store.entry(&f.admin_entry).await.expect("entry");
        assert_eq!(
            entry.body.as_planned_contact().expect("contact").status,
            ContactStatus::DidNotAttend
        );
        assert_eq!(
            entry.change.reason,
            "Marked did not attend from the day list"
        );
        // Marking it again from a stale list is refused.
        let again = desk
            .post(&mark, &[("status", "fulfilled"), ("version", "1")])
            .await;
        assert_eq!(again.status(), StatusCode::BAD_REQUEST);

        // The recall list names the person, with administrative facts and the outreach link.
        let recalls = body(desk.get("/recalls").await).await;
        assert!(recalls.contains("Amina Haddad"), "{recalls}");
        assert!(
            recalls.contains("Reach out after a missed appointment"),
            "{recalls}"
        );
        let outreach = format!("{patient}/outreach");
        assert!(
            recalls.contains(&format!("{outreach}?back=%2Frecalls")),
            "{recalls}"
        );
        for clinical in [FIXTURE_DISCLOSURE_NOTE, FIXTURE_EVENT_NOTE] {
            assert!(!recalls.contains(clinical), "reception saw {clinical}");
        }

        // The action's link on the patient page opens the outreach workflow, for reception too.
        let page = body(desk.get(&patient).await).await;
        assert!(page.contains(&format!("href=\"{outreach}\"")), "{page}");
        let form = body(desk.get(&format!("{outreach}?back=/recalls")).await).await;
        assert!(form.contains("Missed appointment"), "{form}");
        assert!(
            form.contains("value=\"phone-interpreter\" checked"),
            "{form}"
        );
        assert!(form.contains("name=\"next_date\""), "{form}");

        // An attempt that did not get through keeps the recall open.
        let res = desk
            .post(
                &outreach,
                &[
                    ("date", "2026-12-05"),
                    ("method", "text-message"),
                    ("outcome", "message-left"),
                    ("back", "/recalls"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/recalls");
        let recalls = body(desk.get("/recalls").await).await;
        assert!(recalls.contains("Outreach recorded."), "{recalls}");
        assert!(recalls.contains("Amina Haddad"), "still due: {recalls}");

        // A new appointment in the past is refused beside its field; nothing is saved.
        let before = app
            .store
            .record(&f.patient, Visibility::Sensitive)
            .await
            .expect("record")
            .active()
            .count();
        let refused = desk
            .post(
                &outreach,
                &[
                    ("date", "2026-12-05"),
                    ("method", "phone-interpreter"),
                    ("outcome", "contact-made"),
                    ("next_date", "2026-12-01"),
                ],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(refused).await.contains("id=\"next_date-error\""));
        let record = app
            .store
            .record(&f.patient, Visibility::Sensitive)
            .await
            .expect("record");
        assert_eq!(record.active().count(), before);

        // Spoke with the person and booked again: saved together, straight on to booking the
        // interpreter the person needs for the new appointment.
        let res = desk
            .post(
                &outreach,
                &[
                    ("date", "2026-12-05"),
                    ("method", "phone-interpreter"),
                    ("outcome", "contact-made"),
                    ("note", "Spoke via telephone interpreter"),
                    ("next_date", "2026-12-12"),
                    ("next_purpose", "Review with Dr Amal"),
                    ("back", "/recalls"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let next = location(&res);
        assert!(
            next.starts_with(&format!("{patient}/entries/")) && next.contains("/interpreter?back="),
            "{next}"
        );
        let booking = body(desk.get(&next).await).await;
        assert!(
            booking.contains("Outreach recorded, and a new appointment booked for 12 December 2026."),
            "{booking}"
        );
        assert!(
            booking.contains("Book an interpreter for 12 December 2026"),
            "{booking}"
        );
        let record = app
            .store
            .record(&f.patient, Visibility::Sensitive)
            .await
            .expect("record");
        assert_eq!(planned_contacts(&record), 2);
        assert_eq!(
            record
                .active()
                .filter(|e| e.body.kind() == EntryKind::Outreach)
                .count(),
            2
        );
        let recalls = body(desk.get("/recalls?what=missed").await).await;
        assert!(!recalls.contains("Amina Haddad"), "resolved: {recalls}");
    }
}

haven_testdb::both! {
    async fn the_recall_list_gives_reception_when_contact_is_due_and_clinicians_why() {
        // 2027-03-01: months after the fixture's contact, follow-up is overdue.
        let at = datetime!(2027-03-01 09:00 UTC);
        let app = app_at(at).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let desk = app.signed_in_at("desk", at).await;
        let dr = app.signed_in_at("dr.amal", at).await;
        let clinical = body(dr.get("/recalls").await).await;
        let reception = body(desk.get("/recalls").await).await;
        assert!(clinical.contains("Amina Haddad"), "{clinical}");
        assert!(reception.contains("Amina Haddad"), "{reception}");
        assert!(clinical.contains("Overdue by"), "{clinical}");
        assert!(
            reception.contains("the reason is in the clinical record"),
            "{reception}"
        );
        for hidden in [
            FIXTURE_EVENT_NOTE,
            FIXTURE_DISCLOSURE_NOTE,
            "asylum refused",
            "Asylum refused",
        ] {
            assert!(!reception.contains(hidden), "reception saw {hidden}");
        }
        let analyst = app.signed_in_at("numbers", at).await;
        assert_eq!(
            analyst.get("/recalls").await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            analyst.get("/day-list").await.status(),
            StatusCode::FORBIDDEN
        );
        let audit = app.store.audit_recent(None, 10).await.expect("audit");
        assert!(
            audit
                .iter()
                .any(|a| a.action == "recalls.view" && a.actor == "desk")
        );
        let _ = f;
    }
}

haven_testdb::both! {
    async fn clinicians_list_patients_by_coded_fact_and_print_or_export_the_list_audited() {
        let app = app_at(BEFORE).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let dr = app.signed_in_at("dr.amal", BEFORE).await;

        let empty = body(dr.get("/lists").await).await;
        assert!(empty.contains("Asylum situation (current)"), "{empty}");
        assert!(empty.contains("value=\"disclosure:torture\""), "{empty}");

        let listed = body(
            dr.get("/lists?c0=asylum%3Aawaiting-decision&c1=disclosure%3Atorture&c2=")
                .await,
        )
        .await;
        assert!(
            listed.contains(&format!("/patients/{}", f.patient)),
            "{listed}"
        );
        assert!(listed.contains("1 patient."), "{listed}");
        assert!(
            listed.contains("1 March 2026"),
            "asylum situation since: {listed}"
        );
        let none = body(dr.get("/lists?c0=asylum%3Arefused").await).await;
        assert!(none.contains("Nobody is on this list."), "{none}");

        let print = body(dr.get("/lists/print?c=asylum%3Aawaiting-decision").await).await;
        assert!(print.contains("Amina Haddad"));
        assert!(print.contains("on 28 November 2026"), "{print}");
        let csv = dr
            .get("/lists/export.csv?c=asylum%3Aawaiting-decision")
            .await;
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(
            csv.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/csv")
        );
        let csv = body(csv).await;
        assert!(
            csv.starts_with("Name,NHS number,Date of birth,Main language,"),
            "{csv}"
        );
        assert!(
            csv.contains("Amina Haddad,,1990-05-01,Arabic,2026-03-01"),
            "{csv}"
        );

        let audit = app.store.audit_recent(None, 10).await.expect("audit");
        for action in [
            "patient-list.view",
            "patient-list.print",
            "patient-list.export",
        ] {
            let row = audit
                .iter()
                .find(|a| a.action == action)
                .unwrap_or_else(|| panic!("{action} audited: {audit:?}"));
            assert_eq!(row.actor, "dr.amal");
            assert!(
                !row.detail.contains("Amina"),
                "no names in the audit detail"
            );
        }

        // Coded lists are clinical: reception and analysts are refused, and a criterion nobody
        // offers is a clear message, not an empty list.
        let desk = app.signed_in_at("desk", BEFORE).await;
        assert_eq!(desk.get("/lists").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            desk.get("/lists/export.csv?c=asylum%3Aawaiting-decision")
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        let bad = dr.get("/lists?c0=asylum%3Anope").await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

haven_testdb::both! {
    async fn the_worklist_groups_by_patient_and_says_how_late_each_task_is() {
        let at = datetime!(2026-12-20 09:00 UTC);
        let app = app_at(at).await;
        seed_patient(&app.store, Some("dr.amal")).await;
        let dr = app.signed_in_at("dr.amal", at).await;
        let by_task = body(dr.get("/worklist/practice").await).await;
        assert!(by_task.contains("Overdue by"), "{by_task}");
        assert!(by_task.contains("Group by patient"), "{by_task}");
        let grouped = body(
            dr.get("/worklist/practice?urgency=&rule=&language=&group=patient")
                .await,
        )
        .await;
        assert_eq!(
            grouped.matches("class=\"card worklist-person").count(),
            1,
            "{grouped}"
        );
        assert!(grouped.contains("Showing 1–1 of 1 patient."), "{grouped}");
        assert!(grouped.contains("List by task"), "{grouped}");
    }
}
