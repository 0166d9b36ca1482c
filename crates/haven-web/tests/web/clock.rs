//! One clock: the patient page, the entry forms and the stored worklist all take "today" from
//! the clock the application was started on.

use haven_store::{Clock, Role};
use time::macros::datetime;

use crate::support::{body, config, seed_patient, spawn_app_on};

haven_testdb::both! {
    async fn pages_forms_and_the_stored_worklist_read_the_application_clock() {
        let at = datetime!(2026-11-28 10:00 UTC);
        let app = spawn_app_on(config(), Clock::fixed(at)).await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let browser = app.signed_in_at("dr.amal", at).await;

        // On 2026-11-28 the contact booked for 2026-12-05 without an interpreter is a week away,
        // so the interpreter is due two days before it; on any later date that is not so.
        let page = body(browser.get(&format!("/patients/{}", f.patient)).await).await;
        assert!(
            page.contains("Book an interpreter</strong> — due 3 December 2026"),
            "{page}"
        );
        let worklist = body(browser.get("/worklist?rule=interpreter.book").await).await;
        assert!(worklist.contains("3 December 2026"), "{worklist}");
        let form = body(
            browser
                .get(&format!("/patients/{}/entries/new/life-event", f.patient))
                .await,
        )
        .await;
        assert!(form.contains("value=\"2026-11-28\""), "{form}");
    }
}
