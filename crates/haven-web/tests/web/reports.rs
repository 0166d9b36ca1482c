//! The reports (`/reports/…`): who sees them, that they name nobody, that small numbers show
//! as `<5`, that every view is audited without a patient, and the period form.

use haven_core::record::{
    ContactStatus, Encounter, Entry, EntryBody, InterpreterUse, Patient, PlannedContact,
};
use haven_core::{EntryId, LanguageTag, PatientId, UserId};
use haven_store::{Actor, AuditQuery, Clock, Role, Store};
use time::macros::{date, datetime};

use crate::support::{body, config, seed_patient, spawn_app_on};

/// `people` Tigrinya speakers who need an interpreter, each with a consultation in March 2026
/// with a family member interpreting, one by telephone interpreter in April, and a planned
/// contact in May with no interpreter booked.
pub async fn seed_tigrinya(store: &Store, people: usize) {
    for i in 0..people {
        let mut p = Patient::new(PatientId::new(""), "Selam", format!("Tesfaye{i}"));
        p.main_language = Some(LanguageTag::parse("ti").expect("tag"));
        p.interpreter_required = Some(true);
        let at = datetime!(2026-05-01 10:00 UTC);
        let mk = |id: &str, body| {
            Entry::new(
                EntryId::new(format!("{id}-{i}")),
                PatientId::new(""),
                body,
                UserId::new("seed"),
                at,
            )
        };
        let encounter = |date, interpreter| {
            EntryBody::Encounter(Encounter {
                date,
                interpreter,
                somatic_complaints: vec![],
                physical_cause_found: false,
                suicidal_thoughts_noted: false,
                self_harm_noted: false,
                note: String::new(),
            })
        };
        let entries = vec![
            mk(
                "e-march",
                encounter(date!(2026 - 03 - 10), InterpreterUse::FamilyOrFriend),
            ),
            mk(
                "e-april",
                encounter(date!(2026 - 04 - 10), InterpreterUse::ProfessionalTelephone),
            ),
            mk(
                "e-may",
                EntryBody::PlannedContact(PlannedContact {
                    date: date!(2026 - 05 - 20),
                    status: ContactStatus::Booked,
                    interpreter_booked: false,
                    interpreter: None,
                    purpose: String::new(),
                }),
            ),
        ];
        store
            .create_patient(&Actor::cli("test"), p, entries)
            .await
            .expect("patient");
    }
}

async fn app() -> crate::support::TestApp {
    let app = spawn_app_on(config(), Clock::fixed(datetime!(2026-11-28 09:00 UTC))).await;
    for role in Role::ALL {
        app.add_user(role.id(), role, None).await;
    }
    app
}

const PERIOD: &str = "from=2026-01-01&to=2026-11-28";

haven_testdb::both! {
    async fn reports_count_need_and_name_nobody() {
        let app = app().await;
        let fixture = seed_patient(&app.store, Some("clinician")).await;
        seed_tigrinya(&app.store, 6).await;
        let analyst = app.signed_in("analyst").await;

        let index = body(analyst.get("/reports").await).await;
        assert!(index.contains(r#"href="/reports/interpreters""#));
        assert!(index.contains(r#"href="/reports/population""#));
        assert!(index.contains(r#"<a href="/reports" aria-current="page">Reports</a>"#));

        let page = body(
            analyst
                .get(&format!("/reports/interpreters?{PERIOD}"))
                .await,
        )
        .await;
        // Six people: every figure of theirs shows.
        assert!(
            page.contains(r#"<tr data-row="ti"><th scope="row">Tigrinya</th>"#),
            "{page}"
        );
        assert!(page.contains(r#"data-column="family-or-friend" data-value="6""#));
        assert!(page.contains(r#"data-column="professional-telephone" data-value="6""#));
        assert!(page.contains(r#"<tr data-row="2026-03"><th scope="row">March 2026</th>"#));
        assert!(page.contains(r#"data-column="not-booked" data-value="6""#));
        // The chart, accessible, and its table.
        assert!(page.contains(
            r#"role="img" aria-labelledby="interpreter-chart-title interpreter-chart-desc""#
        ));
        assert!(page.contains("<caption>The figures drawn in the chart</caption>"));
        // The fixture's one Arabic speaker had no consultation; nothing of theirs is counted, and
        // nobody is named or linked anywhere.
        for page in [
            &index,
            &page,
            &body(analyst.get("/reports/population").await).await,
            &body(
                analyst
                    .get(&format!("/reports/interpreters/print?{PERIOD}"))
                    .await,
            )
            .await,
        ] {
            for personal in [
                "Amina",
                "Haddad",
                "Selam",
                "Tesfaye",
                "/patients/",
                &fixture.patient,
            ] {
                assert!(!page.contains(personal), "{personal} on a report page");
            }
        }
    }
}

haven_testdb::both! {
    async fn small_numbers_show_as_under_five_and_totals_leave_them_out() {
        let app = app().await;
        seed_tigrinya(&app.store, 2).await;
        seed_patient(&app.store, None).await;
        let admin = app.signed_in("admin").await;
        let page = body(admin.get(&format!("/reports/interpreters?{PERIOD}")).await).await;
        assert!(
            page.contains(r#"data-column="family-or-friend" data-value="&#60;5">&#60;5</td>"#),
            "{page}"
        );
        // The row's total leaves the two small counts out, and says so.
        assert!(
            page.contains(r#"data-column="total" data-value="0">0<span class="report-table__mark""#)
        );
        assert!(
            !page.contains(r#"data-value="2""#),
            "no count of 1 to 4 is printed"
        );
        assert!(!page.contains(r#"data-value="4""#));

        let population = body(admin.get("/reports/population").await).await;
        // Three people in all: every language count is small.
        assert!(population.contains(r#"<tr data-row="ti"><th scope="row">Tigrinya</th><td class="num" data-column="people" data-value="&#60;5">"#), "{population}");
        assert!(population.contains(r#"<tr data-row="ar"><th scope="row">Arabic</th><td class="num" data-column="people" data-value="&#60;5">"#));
        for n in 1..5 {
            assert!(
                !population.contains(&format!(r#"data-value="{n}""#)),
                "{n} is printed"
            );
        }
    }
}

haven_testdb::both! {
    async fn every_report_view_is_audited_without_a_patient() {
        let app = app().await;
        seed_tigrinya(&app.store, 1).await;
        let analyst = app.signed_in("analyst").await;
        for path in [
            format!("/reports/interpreters?{PERIOD}"),
            format!("/reports/interpreters/print?{PERIOD}"),
            "/reports/population".to_owned(),
        ] {
            assert_eq!(analyst.get(&path).await.status(), 200, "{path}");
        }
        let rows = app
            .store
            .audit_search(&AuditQuery {
                action: Some("report".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .expect("audit");
        let mut seen: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|r| (r.action.as_str(), r.actor.as_str(), r.detail.as_str()))
            .collect();
        seen.sort_unstable();
        assert_eq!(
            seen,
            [
                (
                    "report.interpreters.print",
                    "analyst",
                    "2026-01-01..2026-11-28"
                ),
                (
                    "report.interpreters.view",
                    "analyst",
                    "2026-01-01..2026-11-28"
                ),
                ("report.population.view", "analyst", "as of 2026-11-28"),
            ]
        );
        assert!(rows.iter().all(|r| r.patient.is_none()));
    }
}

haven_testdb::both! {
    async fn the_period_is_checked_beside_its_field_and_defaults_to_a_year() {
        let app = app().await;
        let admin = app.signed_in("admin").await;
        let res = admin
            .get("/reports/interpreters?from=2026-06-30&to=2026-01-01")
            .await;
        assert_eq!(res.status(), 422);
        let page = body(res).await;
        assert!(page.contains(r#"id="to-error""#), "{page}");
        assert!(page.contains("The last day must be on or after the first day"));
        assert!(
            !page.contains("data-table="),
            "no figures for a wrong period"
        );

        let page = body(admin.get("/reports/interpreters").await).await;
        assert!(page.contains("<h2>2025-12-01 to 2026-11-28</h2>"), "{page}");
        assert!(
            page.contains(r#"href="/reports/interpreters/print?from=2025-12-01&#38;to=2026-11-28""#)
        );
    }
}

haven_testdb::both! {
    async fn the_print_summary_is_addressed_to_commissioners() {
        let app = app().await;
        seed_tigrinya(&app.store, 5).await;
        let analyst = app.signed_in("analyst").await;
        let page = body(
            analyst
                .get(&format!("/reports/interpreters/print?{PERIOD}"))
                .await,
        )
        .await;
        assert!(page.contains("To the commissioners of interpreting and primary care services"));
        assert!(page.contains("Consultations from 2026-01-01 to 2026-11-28"));
        assert!(page.contains(r#"class="print-sheet report-print""#));
        assert!(page.contains(r#"data-table="by-language""#));
        assert!(page.contains(r#"role="img""#));
        // Five consultations needed one, professional and unmet alike: 10 in all, 5 unmet.
        assert!(
            page.contains("<dt>Consultations where an interpreter was needed</dt><dd>10</dd>"),
            "{page}"
        );
        assert!(page.contains("<dd>5</dd>"));
    }
}

haven_testdb::both! {
    async fn only_analysts_and_administrators_have_reports_in_the_menu() {
        let app = app().await;
        for role in Role::ALL {
            let page = body(app.signed_in(role.id()).await.get("/guidance").await).await;
            assert_eq!(
                page.contains(r#"<a href="/reports""#),
                matches!(role, Role::Admin | Role::Analyst),
                "{role:?}"
            );
        }
    }
}
