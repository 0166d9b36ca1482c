//! Every route × every role, in one table. When you add a route, add a row here: the
//! expected status for [anonymous, admin, clinician, receptionist, analyst].
//!
//! Path placeholders: `{patient}`, `{clinical}` (a life event), `{admin_entry}` (a planned
//! contact), `{sensitive}` (a disclosure), `{other_user}` (an account to administer).
//! POST rows send the session's CSRF token and this site's Origin, with the fields given —
//! usually an incomplete form, so an allowed role gets 422 (shown again) and nothing changes.

use haven_store::Role;

use crate::support::{Fixture, TestApp, seed_patient, spawn_app};

struct Case {
    method: &'static str,
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    /// [anonymous, admin, clinician, receptionist, analyst]
    expect: [u16; 5],
}

const fn get(path: &'static str, expect: [u16; 5]) -> Case {
    Case {
        method: "GET",
        path,
        form: &[],
        expect,
    }
}

const fn post(
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    expect: [u16; 5],
) -> Case {
    Case {
        method: "POST",
        path,
        form,
        expect,
    }
}

const ROUTES: &[Case] = &[
    get("/healthz", [200, 200, 200, 200, 200]),
    get("/static/haven.css", [200, 200, 200, 200, 200]),
    get("/no/such/page", [404, 404, 404, 404, 404]),
    get("/login", [200, 303, 303, 303, 303]),
    get("/", [303, 200, 200, 200, 200]),
    get("/patients", [303, 200, 200, 200, 403]),
    get("/patients?q=amina&page=2", [303, 200, 200, 200, 403]),
    get("/patients/new", [303, 200, 200, 200, 403]),
    get("/patients/{patient}", [303, 200, 200, 200, 403]),
    get("/patients/pat-999999", [303, 404, 404, 404, 403]),
    get("/patients/{patient}/edit", [303, 200, 200, 200, 403]),
    get(
        "/patients/{patient}/entries/{admin_entry}",
        [303, 200, 200, 200, 403],
    ),
    get(
        "/patients/{patient}/entries/{clinical}",
        [303, 200, 200, 403, 403],
    ),
    get(
        "/patients/{patient}/entries/{sensitive}",
        [303, 200, 200, 403, 403],
    ),
    get(
        "/patients/{patient}/entries/no-such-entry",
        [303, 404, 404, 404, 403],
    ),
    get("/admin/users", [303, 200, 403, 403, 403]),
    get("/admin/api-tokens", [303, 200, 403, 403, 403]),
    get("/admin/record-health", [303, 200, 403, 403, 403]),
    get("/admin/audit", [303, 200, 403, 403, 403]),
    get("/admin/break-glass", [303, 200, 403, 403, 403]),
    post(
        "/admin/break-glass/999/reviewed",
        &[],
        [303, 303, 403, 403, 403],
    ),
    get("/patients/{patient}/break-glass", [303, 403, 403, 200, 403]),
    post(
        "/patients/{patient}/break-glass",
        &[],
        [303, 403, 403, 422, 403],
    ),
    get("/admin/audit?from=not-a-date", [303, 422, 403, 403, 403]),
    get("/patients/{patient}/audit", [303, 200, 200, 403, 403]),
    get("/patients/pat-999999/audit", [303, 404, 404, 403, 403]),
    get("/admin/duplicates", [303, 200, 403, 403, 403]),
    // Reports: aggregates for analysts and administrators only.
    get("/reports", [303, 200, 403, 403, 200]),
    get("/reports/interpreters", [303, 200, 403, 403, 200]),
    get(
        "/reports/interpreters?from=2026-01-01&to=2026-11-30",
        [303, 200, 403, 403, 200],
    ),
    get(
        "/reports/interpreters?from=2026-06-30&to=2026-01-01",
        [303, 422, 403, 403, 422],
    ),
    get(
        "/reports/interpreters/print?from=2026-01-01&to=2026-11-30",
        [303, 200, 403, 403, 200],
    ),
    get(
        "/reports/interpreters/print?from=not-a-date",
        [303, 400, 403, 403, 400],
    ),
    get("/reports/population", [303, 200, 403, 403, 200]),
    post("/patients/new", &[], [303, 422, 422, 422, 403]),
    post("/patients/{patient}/edit", &[], [303, 422, 422, 422, 403]),
    post(
        "/patients/{patient}/entries/{admin_entry}/error",
        &[],
        [303, 422, 422, 422, 403],
    ),
    post(
        "/patients/{patient}/entries/{clinical}/error",
        &[],
        [303, 422, 422, 403, 403],
    ),
    post(
        "/patients/{patient}/entries/{sensitive}/error",
        &[],
        [303, 422, 422, 403, 403],
    ),
    post("/admin/users", &[], [303, 422, 403, 403, 403]),
    post("/admin/api-tokens", &[], [303, 422, 403, 403, 403]),
    post(
        "/admin/api-tokens/tok-unknown/revoke",
        &[],
        [303, 404, 403, 403, 403],
    ),
    post(
        "/admin/duplicates/different",
        &[],
        [303, 400, 403, 403, 403],
    ),
    post(
        "/admin/users/{other_user}/password",
        &[("password", "short")],
        [303, 422, 403, 403, 403],
    ),
    post(
        "/admin/users/{other_user}/active",
        &[("active", "perhaps")],
        [303, 400, 403, 403, 403],
    ),
    // Entry forms, questionnaires, risk, trends, worklists, guidance and policy (clinical forms).
    get(
        "/patients/{patient}/entries/new/life-event",
        [303, 200, 200, 403, 403],
    ),
    get(
        "/patients/{patient}/entries/new/risk-review",
        [303, 200, 200, 403, 403],
    ),
    get(
        "/patients/{patient}/entries/new/safety-plan",
        [303, 200, 200, 403, 403],
    ),
    get(
        "/patients/{patient}/entries/new/disclosure",
        [303, 200, 200, 403, 403],
    ),
    get(
        "/patients/{patient}/entries/new/planned-contact",
        [303, 200, 200, 200, 403],
    ),
    get(
        "/patients/{patient}/entries/new/questionnaire",
        [303, 303, 303, 403, 403],
    ),
    get(
        "/patients/{patient}/entries/new/no-such-kind",
        [303, 404, 404, 404, 403],
    ),
    get(
        "/patients/pat-999999/entries/new/life-event",
        [303, 404, 404, 403, 403],
    ),
    get(
        "/patients/{patient}/entries/{clinical}/amend",
        [303, 200, 200, 403, 403],
    ),
    get(
        "/patients/{patient}/entries/{admin_entry}/amend",
        [303, 200, 200, 200, 403],
    ),
    get(
        "/patients/{patient}/entries/{sensitive}/amend",
        [303, 200, 200, 403, 403],
    ),
    get(
        "/patients/{patient}/entries/no-such-entry/amend",
        [303, 404, 404, 404, 403],
    ),
    get(
        "/patients/{patient}/entries/{admin_entry}/print",
        [303, 404, 404, 403, 403],
    ),
    // Handouts: printed for the patient by every patient role; the safety plan and recording
    // advice are clinical; the overview holds no patient data.
    get("/handouts", [303, 200, 200, 200, 200]),
    get("/handouts/wellbeing?lang=ti", [303, 200, 200, 200, 200]),
    get(
        "/handouts/wellbeing?lang=not%20a%20tag",
        [303, 400, 400, 400, 400],
    ),
    get("/patients/{patient}/handouts", [303, 200, 200, 200, 403]),
    get(
        "/patients/{patient}/handouts/wellbeing",
        [303, 200, 200, 200, 403],
    ),
    get(
        "/patients/{patient}/handouts/interpreter-card?lang=fa",
        [303, 200, 200, 200, 403],
    ),
    // The fixture's only contact is in the past: no letter to print.
    get(
        "/patients/{patient}/handouts/appointment",
        [303, 404, 404, 404, 403],
    ),
    post(
        "/patients/{patient}/handouts/wellbeing/given",
        &[("lang", "not a tag")],
        [303, 400, 400, 403, 403],
    ),
    // The directory: every role reads it, administrators change it (§4, §5, §10).
    get("/directory", [303, 200, 200, 200, 200]),
    get(
        "/directory?need=sexual-health&language=ar&q=clinic",
        [303, 200, 200, 200, 200],
    ),
    get("/directory/org-1", [303, 200, 200, 200, 200]),
    get("/directory/org-999", [303, 404, 404, 404, 404]),
    get("/directory/new", [303, 200, 403, 403, 403]),
    get("/directory/org-1/edit", [303, 200, 403, 403, 403]),
    post("/directory/new", &[], [303, 422, 403, 403, 403]),
    post("/directory/org-1/edit", &[], [303, 422, 403, 403, 403]),
    post(
        "/admin/policy/letterhead",
        &[("letterhead", "Riverside Surgery")],
        [303, 303, 403, 403, 403],
    ),
    // Referrals: clinical roles; the fixture's clinical entry is not a referral.
    get("/patients/{patient}/referrals", [303, 200, 200, 403, 403]),
    get(
        "/patients/{patient}/referrals/choose?for=social.support-org",
        [303, 200, 200, 403, 403],
    ),
    get(
        "/patients/{patient}/referrals/new?org=org-1",
        [303, 200, 200, 403, 403],
    ),
    get(
        "/patients/{patient}/referrals/new?org=org-999",
        [303, 404, 404, 403, 403],
    ),
    get(
        "/patients/{patient}/referrals/{clinical}",
        [303, 404, 404, 403, 403],
    ),
    get(
        "/patients/{patient}/referrals/{clinical}/letter",
        [303, 404, 404, 403, 403],
    ),
    post(
        "/patients/{patient}/referrals/{clinical}/status",
        &[],
        [303, 404, 404, 403, 403],
    ),
    post(
        "/patients/{patient}/referrals/{clinical}/consent",
        &[],
        [303, 404, 404, 403, 403],
    ),
    get("/patients/{patient}/assessments", [303, 200, 200, 403, 403]),
    get(
        "/patients/{patient}/assessments/new/phq9",
        [303, 200, 200, 403, 403],
    ),
    get(
        "/patients/{patient}/assessments/new/no-such-instrument",
        [303, 404, 404, 403, 403],
    ),
    get(
        "/patients/{patient}/assessments/{clinical}",
        [303, 404, 404, 403, 403],
    ),
    get("/patients/{patient}/trends", [303, 200, 200, 403, 403]),
    get("/static/assessment.js", [200, 200, 200, 200, 200]),
    get("/worklist", [303, 200, 200, 303, 303]),
    get("/worklist/practice", [303, 200, 200, 200, 200]),
    get(
        "/worklist/practice?urgency=urgent&rule=risk.reassess-after-event&language=ar",
        [303, 200, 200, 200, 200],
    ),
    get("/day-list", [303, 200, 200, 200, 403]),
    get(
        "/day-list?day=2026-12-05&interpreter=needed",
        [303, 200, 200, 200, 403],
    ),
    get("/recalls", [303, 200, 200, 200, 403]),
    get("/recalls?what=missed&page=2", [303, 200, 200, 200, 403]),
    get("/lists", [303, 200, 200, 403, 403]),
    get("/lists?c0=disclosure%3Atorture", [303, 200, 200, 403, 403]),
    get("/lists?c0=no%3Asuch", [303, 422, 422, 403, 403]),
    get("/lists/print?c=asylum%3Arefused", [303, 200, 200, 403, 403]),
    get(
        "/lists/export.csv?c=asylum%3Arefused",
        [303, 200, 200, 403, 403],
    ),
    get("/patients/{patient}/interpreter", [303, 200, 200, 200, 403]),
    get(
        "/patients/{patient}/entries/{admin_entry}/interpreter",
        [303, 200, 200, 200, 403],
    ),
    get(
        "/patients/{patient}/entries/{clinical}/interpreter",
        [303, 404, 404, 404, 403],
    ),
    get("/patients/{patient}/outreach", [303, 200, 200, 200, 403]),
    get("/guidance", [303, 200, 200, 200, 200]),
    get("/guidance/6", [303, 200, 200, 200, 200]),
    get("/guidance/prognosis-and-risk", [303, 200, 200, 200, 200]),
    get("/guidance/11", [303, 404, 404, 404, 404]),
    get("/admin/policy", [303, 200, 403, 403, 403]),
    post(
        "/patients/{patient}/entries/new/life-event",
        &[],
        [303, 422, 422, 403, 403],
    ),
    post(
        "/patients/{patient}/entries/new/planned-contact",
        &[],
        [303, 422, 422, 422, 403],
    ),
    post(
        "/patients/{patient}/entries/{clinical}/amend",
        &[],
        [303, 422, 422, 403, 403],
    ),
    post(
        "/patients/{patient}/entries/{sensitive}/amend",
        &[],
        [303, 422, 422, 403, 403],
    ),
    post(
        "/patients/{patient}/entries/{admin_entry}/amend",
        &[],
        [303, 422, 422, 422, 403],
    ),
    post(
        "/patients/{patient}/entries/{admin_entry}/interpreter",
        &[],
        [303, 422, 422, 422, 403],
    ),
    post(
        "/patients/{patient}/entries/{admin_entry}/attendance",
        &[],
        [303, 400, 400, 400, 403],
    ),
    post(
        "/patients/{patient}/outreach",
        &[],
        [303, 422, 422, 422, 403],
    ),
    post(
        "/patients/{patient}/assessments/new/phq9",
        &[],
        [303, 422, 422, 403, 403],
    ),
    post(
        "/patients/{patient}/assessments/new/phq9",
        &[("action", "calculate")],
        [303, 422, 422, 403, 403],
    ),
    post(
        "/admin/policy",
        &[("key", "pcl5.cutoff"), ("value", "40")],
        [303, 422, 403, 403, 403],
    ),
    post(
        "/admin/policy/rules",
        &[("rule", "no.such-rule"), ("enabled", "no")],
        [303, 400, 403, 403, 403],
    ),
    post(
        "/admin/policy/safety-text",
        &[("language", "xx"), ("text", "t")],
        [303, 422, 403, 403, 403],
    ),
    post("/logout", &[], [303, 303, 303, 303, 303]),
];

const ROLES: [Option<Role>; 5] = [
    None,
    Some(Role::Admin),
    Some(Role::Clinician),
    Some(Role::Receptionist),
    Some(Role::Analyst),
];

fn fill(path: &str, f: &Fixture) -> String {
    path.replace("{patient}", &f.patient)
        .replace("{clinical}", &f.clinical_entry)
        .replace("{admin_entry}", &f.admin_entry)
        .replace("{sensitive}", &f.sensitive_entry)
        .replace("{other_user}", "other.user")
}

haven_testdb::both! {
    async fn every_route_answers_every_role_as_the_table_says() {
        let app: TestApp = spawn_app().await;
        for role in Role::ALL {
            app.add_user(role.id(), role, None).await;
        }
        app.add_user("other.user", Role::Clinician, None).await;
        let fixture = seed_patient(&app.store, Some("clinician")).await;

        let mut failures = Vec::new();
        for case in ROUTES {
            let path = fill(case.path, &fixture);
            for (role, expected) in ROLES.iter().zip(case.expect) {
                // A fresh session per request: the logout row must not end the next row's session.
                let browser = match role {
                    Some(r) => app.signed_in(r.id()).await,
                    None => app.anonymous(),
                };
                let res = match case.method {
                    "GET" => browser.get(&path).await,
                    _ => browser.post(&path, case.form).await,
                };
                let got = res.status().as_u16();
                if got != expected {
                    failures.push(format!(
                        "{} {path} as {}: expected {expected}, got {got}",
                        case.method,
                        role.map_or("anonymous", Role::id)
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} mismatches:\n{}",
            failures.len(),
            failures.join("\n")
        );

        // None of the refused or incomplete POSTs changed anything.
        assert_eq!(app.store.count_patients().await.expect("count"), 1);
        let history = app
            .store
            .entry_history(&fixture.clinical_entry)
            .await
            .expect("history");
        assert_eq!(history.len(), 1, "no entry was marked in error");
        assert!(
            app.store
                .user("other.user")
                .await
                .expect("user")
                .is_some_and(|u| u.active)
        );
        let record = app
            .store
            .record(&fixture.patient, haven_core::record::Visibility::Sensitive)
            .await
            .expect("record");
        assert_eq!(record.entries.len(), 4, "no entry was added");
        assert!(
            record.entries.iter().all(|e| e.version == 1),
            "no entry was amended"
        );
        assert_eq!(
            app.store.policy().await.expect("policy"),
            haven_core::policy::Policy::default(),
            "no policy setting changed"
        );
    }
}
