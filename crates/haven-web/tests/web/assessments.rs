//! Questionnaires: item-by-item entry, missing answers named, "Calculate" without saving, the
//! crisis text when PHQ-9 item 9 is positive (in the person's language), the risk rule that
//! follows at once and the risk review that resolves it, amendments, RHS-15 switched off, the
//! trends page, and results recorded elsewhere (a total, or a total with only some items).

use haven_core::record::EntryBody;
use haven_store::{Actor, Role};
use reqwest::StatusCode;

use crate::clinical::{between, borrow, entries, patient_with, phq9_fields, today};
use crate::support::{body, location, spawn_app};

const ARABIC_CRISIS_TEXT: &str = "اتصل بالرقم 116 123 في أي وقت";
/// As the pages show it: the number isolated left to right, so it reads 116 123 (`bidi.rs`).
const ARABIC_CRISIS_HTML: &str = "اتصل بالرقم <bdi dir=\"ltr\">116 123</bdi> في أي وقت";

haven_testdb::both! {
    async fn item_9_shows_the_crisis_text_and_a_risk_review_is_due_at_once_until_one_is_recorded() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        app.store
            .set_setting(&Actor::cli("test"), "safety-text.ar", ARABIC_CRISIS_TEXT)
            .await
            .expect("setting");
        let patient = patient_with(&app.store, "Samira", "ar", Some("dr.amal"), vec![]).await;
        let browser = app.signed_in("dr.amal").await;
        let page_path = format!("/patients/{patient}");
        assert!(
            !body(browser.get(&page_path).await)
                .await
                .contains("risk.assess-now")
        );

        let form = body(
            browser
                .get(&format!("/patients/{patient}/assessments/new/phq9"))
                .await,
        )
        .await;
        assert!(form.contains("Item 9 — thoughts of death or self-harm"));
        assert!(
            form.contains("id=\"safety-text\" class=\"safety-text\" role=\"alert\" hidden"),
            "hidden until item 9 is answered"
        );
        assert!(
            form.contains(ARABIC_CRISIS_HTML) && form.contains("lang=\"ar\" dir=\"rtl\""),
            "ready in the person's language"
        );
        assert!(
            form.contains("/static/assessment.js?v="),
            "live total as a script file (no inline script)"
        );

        let fields = phq9_fields([1, 1, 1, 1, 1, 1, 1, 1, 1]);
        let res = browser
            .post(
                &format!("/patients/{patient}/assessments/new/phq9"),
                &borrow(&fields),
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let result_path = location(&res);
        assert!(
            result_path.starts_with(&format!("/patients/{patient}/assessments/")),
            "{result_path}"
        );
        let result = body(browser.get(&result_path).await).await;
        assert!(result.contains("Total 9 of 27") && result.contains("Mild"));
        assert!(
            result.contains(ARABIC_CRISIS_HTML),
            "the practice's Arabic crisis text is shown"
        );
        assert!(result.contains(&format!(
            "href=\"/patients/{patient}/entries/new/risk-review\""
        )));

        // The patient page evaluates at view time: the urgent action is there at once, on the banner too.
        let page = body(browser.get(&page_path).await).await;
        let due = between(&page, "id=\"due-heading\"", "</section>");
        assert!(
            due.contains("risk.assess-now") && due.contains("tag--urgent"),
            "{due}"
        );
        assert!(
            due.contains("href=\"/guidance/6\""),
            "the section links to its guidance"
        );
        let banner = between(&page, "class=\"banner\"", "</section>");
        assert!(
            banner.contains("Urgent:") && banner.contains("entries/new/risk-review"),
            "{banner}"
        );

        // The risk review form lists no grading, and saving one resolves the action.
        let review_form = body(
            browser
                .get(&format!("/patients/{patient}/entries/new/risk-review"))
                .await,
        )
        .await;
        for banned in [
            "Low risk",
            "Medium risk",
            "High risk",
            "low risk",
            "high risk",
        ] {
            assert!(!review_form.contains(banned), "{banned}");
        }
        let d = today().to_string();
        let res = browser
            .post(
                &format!("/patients/{patient}/entries/new/risk-review"),
                &[
                    ("date", d.as_str()),
                    ("suicidal_thoughts", "passive"),
                    ("plans_or_intent", "no"),
                    ("recent_self_harm", "no"),
                    ("protective_factors", "her children"),
                    (
                        "formulation",
                        "Passive thoughts since the refusal; no plans.",
                    ),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = body(browser.get(&page_path).await).await;
        assert!(!page.contains("risk.assess-now"), "the review resolved it");
        assert!(
            page.contains("risk.safety-plan"),
            "passive thoughts call for a safety plan next"
        );
    }
}

haven_testdb::both! {
    async fn without_a_practice_text_haven_shows_its_english_crisis_contacts() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let patient = patient_with(&app.store, "Dawit", "ti", None, vec![]).await;
        let browser = app.signed_in("dr.amal").await;
        let fields = phq9_fields([0, 0, 0, 0, 0, 0, 0, 0, 2]);
        let mut calc = borrow(&fields);
        calc.push(("action", "calculate"));
        let res = browser
            .post(&format!("/patients/{patient}/assessments/new/phq9"), &calc)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body(res).await;
        assert!(
            page.contains("id=\"safety-text\" class=\"safety-text\" role=\"alert\">"),
            "shown without JavaScript after Calculate"
        );
        assert!(
            page.contains("Samaritans: call 116 123")
                && page.contains("choose option 2")
                && page.contains("999")
        );
        assert!(page.contains("Total 2 of 27") && page.contains("not saved yet"));
        assert!(
            entries(&app.store, &patient).await.is_empty(),
            "Calculate saves nothing"
        );
    }
}

haven_testdb::both! {
    async fn a_missing_answer_is_refused_naming_the_item_and_nothing_is_written() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let patient = patient_with(&app.store, "Karim", "fa", None, vec![]).await;
        let browser = app.signed_in("dr.amal").await;
        let mut fields = phq9_fields([2, 2, 2, 1, 1, 1, 2, 1, 0]);
        fields.retain(|(k, _)| k != "item-3");
        let res = browser
            .post(
                &format!("/patients/{patient}/assessments/new/phq9"),
                &borrow(&fields),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(page.contains("Choose an answer for Item 3 — sleep problems"));
        assert!(page.contains("id=\"item-3-error\""));
        assert!(
            page.contains("id=\"item-1\" name=\"item-1\" value=\"0\"")
                || page.contains("value=\"2\" checked"),
            "answers given stay chosen"
        );
        assert!(entries(&app.store, &patient).await.is_empty());
    }
}

haven_testdb::both! {
    async fn questionnaires_are_amended_with_a_reason_and_drawn_as_trends() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let refused = EntryBody::Asylum(haven_core::record::AsylumSituation {
            status: haven_core::record::AsylumStatus::Refused,
            since: today() - time::Duration::days(3),
            coded: true,
            note: String::new(),
        });
        let patient = patient_with(&app.store, "Hana", "ckb", None, vec![refused]).await;
        let browser = app.signed_in("dr.amal").await;
        let res = browser
            .post(
                &format!("/patients/{patient}/assessments/new/gad7"),
                &borrow(&gad7(&[1, 1, 1, 1, 1, 1, 1])),
            )
            .await;
        let result = location(&res);
        let entry_id = result.rsplit('/').next().expect("id").to_owned();

        let amend = format!("/patients/{patient}/entries/{entry_id}/amend");
        let form = body(browser.get(&amend).await).await;
        assert!(form.contains("Amend GAD-7") && form.contains("name=\"version\" value=\"1\""));
        let mut fields = gad7(&[3, 3, 3, 3, 2, 2, 2]);
        fields.push(("version".into(), "1".into()));
        let res = browser.post(&amend, &borrow(&fields)).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reason is required"
        );
        fields.push(("reason".into(), "answers entered in the wrong order".into()));
        let res = browser.post(&amend, &borrow(&fields)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), result);
        let versions = app.store.entry_history(&entry_id).await.expect("history");
        assert_eq!(versions.len(), 2);
        assert!(
            matches!(&versions[1].body, EntryBody::Questionnaire(q) if q.answers == [3, 3, 3, 3, 2, 2, 2].map(Some))
        );

        let trends = body(browser.get(&format!("/patients/{patient}/trends")).await).await;
        assert!(
            trends.contains("<svg")
                && trends.contains("role=\"img\"")
                && trends.contains("GAD-7 totals over time")
        );
        assert!(
            trends.contains("<td>18</td><td>Severe</td>"),
            "the table beside the chart has the amended total"
        );
        assert!(
            trends.contains("Claim refused"),
            "the asylum decision is marked"
        );
    }
}

haven_testdb::both! {
    async fn results_recorded_elsewhere_show_total_band_the_items_there_and_say_so() {
        use haven_core::instruments::Instrument;
        use haven_core::record::QuestionnaireResult;
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        let when = today() - time::Duration::days(2);
        let mut item9 = vec![None; 9];
        item9[8] = Some(2);
        let bodies = vec![
            EntryBody::Questionnaire(QuestionnaireResult::recorded(
                Instrument::Phq9,
                when,
                item9,
                Some(14),
            )),
            EntryBody::Questionnaire(QuestionnaireResult::recorded(
                Instrument::Gad7,
                when,
                vec![],
                Some(12),
            )),
        ];
        let patient = patient_with(&app.store, "Farid", "fa", Some("dr.amal"), bodies).await;
        let browser = app.signed_in("dr.amal").await;

        let phq9 = body(
            browser
                .get(&format!("/patients/{patient}/assessments/Farid-0"))
                .await,
        )
        .await;
        let score = between(&phq9, "id=\"score-heading\"", "</section>");
        assert!(
            score.contains("Total 14 of 27") && score.contains("Moderate"),
            "{score}"
        );
        assert!(score.contains("Recorded elsewhere; item answers not available except those listed."));
        assert!(score.contains("Items recorded: Item 9 — thoughts of death or self-harm: 2"));
        assert!(!score.contains("Answers, item by item"));
        assert!(
            phq9.contains("id=\"safety-text\""),
            "item 9 above 0 shows the crisis text, whatever else is missing"
        );

        let gad7 = body(
            browser
                .get(&format!("/patients/{patient}/assessments/Farid-1"))
                .await,
        )
        .await;
        let score = between(&gad7, "id=\"score-heading\"", "</section>");
        assert!(score.contains("Total 12 of 21") && score.contains("Moderate"));
        assert!(score.contains("Recorded elsewhere; item answers not available."));
        assert!(!gad7.contains("id=\"safety-text\""));

        let amend = body(
            browser
                .get(&format!("/patients/{patient}/entries/Farid-1/amend"))
                .await,
        )
        .await;
        assert!(amend.contains(
            "Recorded elsewhere; item answers not available. To amend it, answer every item"
        ));

        let trends = body(browser.get(&format!("/patients/{patient}/trends")).await).await;
        assert!(
            trends.contains("<td>14</td><td>Moderate"),
            "drawn from the recorded total"
        );
        assert!(trends.contains("Recorded elsewhere; item answers not available."));

        let page = body(browser.get(&format!("/patients/{patient}")).await).await;
        let due = between(&page, "id=\"due-heading\"", "</section>");
        assert!(
            due.contains("risk.assess-now") && due.contains("psych.consider-referral"),
            "{due}"
        );
        assert!(
            page.contains(
                "PHQ-9: total 14 (moderate) — recorded elsewhere; item answers not available"
            )
        );
    }
}

fn gad7(answers: &[u8]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("item-{}", i + 1), a.to_string()))
        .collect();
    f.push(("date".into(), today().to_string()));
    f
}

haven_testdb::both! {
    async fn rhs15_disappears_when_the_practice_switches_it_off() {
        let app = spawn_app().await;
        app.add_user("dr.amal", Role::Clinician, None).await;
        app.add_user("boss", Role::Admin, None).await;
        let patient = patient_with(&app.store, "Leyla", "tr", None, vec![]).await;
        let browser = app.signed_in("dr.amal").await;
        assert!(
            body(
                browser
                    .get(&format!("/patients/{patient}/assessments"))
                    .await
            )
            .await
            .contains("RHS-15")
        );
        let rhs = body(
            browser
                .get(&format!("/patients/{patient}/assessments/new/rhs15"))
                .await,
        )
        .await;
        assert!(
            rhs.contains(">Item 1<") && rhs.contains("numbers only"),
            "no item text for the licensed instrument"
        );

        let admin = app.signed_in("boss").await;
        let res = admin
            .post(
                "/admin/policy",
                &[("key", "rhs15.enabled"), ("value", "false")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(
            !body(
                browser
                    .get(&format!("/patients/{patient}/assessments"))
                    .await
            )
            .await
            .contains("RHS-15")
        );
        assert_eq!(
            browser
                .get(&format!("/patients/{patient}/assessments/new/rhs15"))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
    }
}
