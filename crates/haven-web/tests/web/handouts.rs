//! Handouts in the patient's language (§2, §3, §6): the page's language and direction, the
//! draft mark, English with the interpreter line for a language without a translation, no
//! clinical history on any handout, and recording wellbeing advice clearing its actions.

use haven_core::policy::Policy;
use haven_core::record::Patient;
use haven_core::record::{
    AdviceKind, ContactStatus, EntryBody, InterpreterGender, PlannedContact, Problem, ProblemKind,
    SafetyPlan, Visibility,
};
use haven_core::rules::{RuleId, evaluate};
use haven_core::{LanguageTag, PatientId};
use haven_store::{Actor, Role};
use reqwest::StatusCode;

use crate::clinical::{days_from_today, patient_with, today};
use crate::support::{
    FIXTURE_CONTACT_PURPOSE, FIXTURE_DISCLOSURE_NOTE, FIXTURE_EVENT_NOTE, TestApp, body,
    seed_patient, spawn_app,
};

/// Every shipped translation's code and direction (the list itself is pinned by the l10n
/// unit tests).
fn shipped() -> Vec<(&'static str, &'static str)> {
    haven_web::l10n::catalogue()
        .expect("the translations load")
        .iter()
        .map(|l| (l.code(), l.dir()))
        .collect()
}

async fn app_with_users() -> TestApp {
    let app = spawn_app().await;
    app.add_user("dr.amal", Role::Clinician, None).await;
    app.add_user("front.desk", Role::Receptionist, None).await;
    app
}

/// A patient with a booked contact next week, a safety plan and the given main language.
async fn patient_with_materials(app: &TestApp, language: &str) -> (String, String) {
    let plan = EntryBody::SafetyPlan(SafetyPlan {
        date: today(),
        warning_signs: "I stop sleeping".into(),
        coping_strategies: String::new(),
        people_and_places: "My sister".into(),
        professionals_and_crisis: "GP 0161 000 0000".into(),
        safer_surroundings: String::new(),
        reasons_for_living: "My children".into(),
    });
    let contact = EntryBody::PlannedContact(PlannedContact {
        date: days_from_today(7),
        status: ContactStatus::Booked,
        interpreter_booked: true,
        interpreter: None,
        purpose: "Review of the torture disclosure".into(),
    });
    let patient = patient_with(
        &app.store,
        "Selam",
        language,
        Some("dr.amal"),
        vec![plan, contact],
    )
    .await;
    // `patient_with` numbers entries by name and position: the plan is the first.
    (patient, "Selam-0".to_owned())
}

fn html_opening(page: &str) -> &str {
    let start = page.find("<html").expect("an html element");
    let end = page[start..].find('>').expect("closed") + start;
    &page[start..=end]
}

haven_testdb::both! {
    async fn every_handout_prints_in_every_shipped_language_with_its_direction_and_draft_mark() {
        let app = app_with_users().await;
        let (patient, plan) = patient_with_materials(&app, "ar").await;
        let browser = app.signed_in("dr.amal").await;
        let handouts = [
            format!("/patients/{patient}/handouts/wellbeing"),
            format!("/patients/{patient}/handouts/interpreter-card"),
            format!("/patients/{patient}/handouts/appointment"),
            format!("/patients/{patient}/entries/{plan}/print"),
        ];
        for (code, dir) in shipped() {
            for handout in &handouts {
                let res = browser.get(&format!("{handout}?lang={code}")).await;
                assert_eq!(res.status(), StatusCode::OK, "{handout} in {code}");
                let page = body(res).await;
                assert_eq!(
                    html_opening(&page),
                    format!("<html lang=\"{code}\" dir=\"{dir}\">"),
                    "{handout} in {code}"
                );
                assert!(
                    page.contains(&format!(
                        "class=\"print-sheet\" lang=\"{code}\" dir=\"{dir}\""
                    )),
                    "{handout} in {code}"
                );
                assert_eq!(
                    page.contains("Draft translation — check with an interpreter"),
                    code != "en",
                    "the draft mark on {handout} in {code}"
                );
                assert!(!page.contains("There is no translation in"), "{code}");
            }
        }
    }
}

haven_testdb::both! {
    async fn handouts_print_in_the_persons_language_unless_another_is_chosen() {
        let app = app_with_users().await;
        let (patient, _) = patient_with_materials(&app, "ti").await;
        let browser = app.signed_in("front.desk").await;
        let page = body(
            browser
                .get(&format!("/patients/{patient}/handouts/wellbeing"))
                .await,
        )
        .await;
        assert_eq!(html_opening(&page), "<html lang=\"ti\" dir=\"ltr\">");
        assert!(page.contains("ጥዕናኹምን ደሓንነትኩምን ምሕላው"), "the Tigrinya title");
        assert!(
            page.contains("ናይ መጀመርታ ትርጉም — ምስ ተርጓሚ ኣረጋግጹ"),
            "the mark in Tigrinya"
        );
        assert!(
            !page.contains("Record that this was given"),
            "receptionists print the advice but do not record clinical entries"
        );
        let page = body(
            browser
                .get(&format!("/patients/{patient}/handouts/wellbeing?lang=so"))
                .await,
        )
        .await;
        assert_eq!(html_opening(&page), "<html lang=\"so\" dir=\"ltr\">");
        assert!(page.contains("Ilaalinta caafimaadkaaga iyo ladnaantaada"));
        // The index lists what a receptionist may print, carrying the chosen language.
        let index = body(browser.get(&format!("/patients/{patient}/handouts")).await).await;
        assert!(index.contains(&format!("/patients/{patient}/handouts/appointment\"")));
        assert!(index.contains(&format!("/patients/{patient}/handouts/interpreter-card\"")));
        assert!(
            !index.contains("Safety plan (§6)"),
            "the safety plan is clinical"
        );
    }
}

haven_testdb::both! {
    async fn a_language_without_a_translation_prints_in_english_with_the_interpreter_line() {
        let app = app_with_users().await;
        let browser = app.signed_in("dr.amal").await;
        for (tag, named) in [
            ("ta", "Tamil (தமிழ்)"),
            ("ku-Arab", "Kurdish (ku-Arab) (Kurdî)"),
            ("fa-Latn", "Farsi (Persian) (fa-Latn) (فارسی)"),
            ("xx", "xx"),
        ] {
            let patient = patient_with(&app.store, "Ravi", tag, None, Vec::new()).await;
            for handout in ["wellbeing", "interpreter-card"] {
                let page = body(
                    browser
                        .get(&format!("/patients/{patient}/handouts/{handout}"))
                        .await,
                )
                .await;
                assert_eq!(
                    html_opening(&page),
                    "<html lang=\"en\" dir=\"ltr\">",
                    "{tag}"
                );
                assert!(
                    page.contains(&format!(
                        "There is no translation in {named} yet. Ask an interpreter to read this with the patient."
                    )),
                    "{tag} {handout}: {page}"
                );
                assert!(
                    !page.contains("Draft translation"),
                    "{tag}: English is reviewed"
                );
            }
        }
        // English, or no language recorded: English, and no line.
        let english = patient_with(&app.store, "Jo", "en", None, Vec::new()).await;
        let page = body(
            browser
                .get(&format!("/patients/{english}/handouts/wellbeing"))
                .await,
        )
        .await;
        assert!(page.contains("Looking after your wellbeing"));
        assert!(!page.contains("There is no translation") && !page.contains("Draft translation"));
        for query in ["", "?lang=ar"] {
            let res = browser
                .get(&format!(
                    "/patients/{english}/handouts/interpreter-card{query}"
                ))
                .await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "no language to name");
        }
    }
}

haven_testdb::both! {
    async fn the_interpreter_card_names_language_dialect_and_interpreter_in_both_languages() {
        let app = app_with_users().await;
        let mut p = Patient::new(PatientId::new(""), "Amina", "Haddad");
        p.main_language = Some(LanguageTag::parse("ar").expect("tag"));
        p.interpreter_required = Some(true);
        p.dialect = Some("Levantine".into());
        p.interpreter_gender = Some(InterpreterGender::Female);
        let patient = app
            .store
            .create_patient(&Actor::cli("test"), p, Vec::new())
            .await
            .expect("patient")
            .id;
        let browser = app.signed_in("front.desk").await;
        let page = body(
            browser
                .get(&format!("/patients/{patient}/handouts/interpreter-card"))
                .await,
        )
        .await;
        for text in [
            "أحتاج إلى مترجم فوري",
            "I need an interpreter",
            "لغتي: العربية",
            "My language: Arabic",
            "My dialect: Levantine",
            "أفضّل مترجمة امرأة إن أمكن.",
            "I would like a female interpreter, if possible.",
        ] {
            assert!(page.contains(text), "{text}");
        }
        // Printed in another language, the card still asks for the person's own.
        let page = body(
            browser
                .get(&format!(
                    "/patients/{patient}/handouts/interpreter-card?lang=en"
                ))
                .await,
        )
        .await;
        assert!(page.contains("My language: Arabic</bdi> (العربية)") && !page.contains("لغتي"));
    }
}

haven_testdb::both! {
    async fn the_appointment_letter_gives_the_next_booked_contact_and_nothing_clinical() {
        let app = app_with_users().await;
        let (patient, _) = patient_with_materials(&app, "ar").await;
        let browser = app.signed_in("front.desk").await;
        let page = body(
            browser
                .get(&format!("/patients/{patient}/handouts/appointment"))
                .await,
        )
        .await;
        let date = days_from_today(7);
        assert!(page.contains(&format!("The next booked contact is on {date}.")));
        assert!(page.contains(&format!(
            "You have an appointment at the practice on {} {} ",
            date.weekday(),
            date.day()
        )));
        assert!(page.contains("لقد حجزنا لك مترجمًا فوريًا باللغة العربية."));
        assert!(page.contains("We have booked an interpreter in Arabic for you."));
        assert!(
            !page.contains("torture"),
            "the contact's purpose is never printed"
        );
    }
}

haven_testdb::both! {
    async fn no_handout_shows_history_assessments_or_notes() {
        let app = app_with_users().await;
        let f = seed_patient(&app.store, Some("dr.amal")).await;
        let browser = app.signed_in("dr.amal").await;
        for handout in ["/wellbeing", "/interpreter-card"] {
            let res = browser
                .get(&format!("/patients/{}/handouts{handout}", f.patient))
                .await;
            assert_eq!(res.status(), StatusCode::OK, "{handout}");
            let page = body(res).await;
            for private in [
                FIXTURE_DISCLOSURE_NOTE,
                FIXTURE_EVENT_NOTE,
                FIXTURE_CONTACT_PURPOSE,
                "Torture",
                "Asylum",
            ] {
                assert!(!page.contains(private), "{private} on {handout}");
            }
        }
    }
}

haven_testdb::both! {
    async fn the_safety_plan_prints_headings_and_crisis_box_in_the_persons_language() {
        let app = app_with_users().await;
        let (patient, plan) = patient_with_materials(&app, "ps").await;
        let browser = app.signed_in("dr.amal").await;
        let page = body(
            browser
                .get(&format!("/patients/{patient}/entries/{plan}/print"))
                .await,
        )
        .await;
        for text in [
            "د خوندیتوب پلان",
            "د خبرتیا نښې چې کېدای شي یو بحران پیل شي",
            "Warning signs that a crisis may be starting",
            "که همدا اوس په بحران کې یاست",
            "If you are in crisis now",
            "I stop sleeping",
            "My children",
        ] {
            assert!(page.contains(text), "{text}");
        }
        assert!(
            !page.contains("Making my surroundings safer"),
            "empty parts are left out"
        );
        // The crisis box: Haven's Pashto text, with the English beside it; its numbers isolated.
        assert!(page.contains("<bdi dir=\"ltr\">Samaritans: 116 123</bdi> ته زنګ ووهئ"));
        assert!(page.contains("Samaritans: call 116 123"));
    }
}

haven_testdb::both! {
    async fn recording_the_wellbeing_handout_clears_not_given_and_restarts_reinforce() {
        let app = app_with_users().await;
        let unwell = EntryBody::Problem(Problem {
            kind: ProblemKind::Depression,
            onset: days_from_today(-200),
            resolved: None,
            note: String::new(),
        });
        let patient = patient_with(&app.store, "Dawit", "ti", Some("dr.amal"), vec![unwell]).await;
        let browser = app.signed_in("dr.amal").await;
        let fired = |record: &haven_core::record::PatientRecord| -> Vec<RuleId> {
            evaluate(record, &Policy::default(), today())
                .iter()
                .map(|a| a.rule)
                .collect()
        };
        let record = app
            .store
            .record(&patient, Visibility::Sensitive)
            .await
            .expect("record");
        assert!(fired(&record).contains(&RuleId::AdviceWellbeingNotGiven));
        let patient_page = body(browser.get(&format!("/patients/{patient}")).await).await;
        assert!(patient_page.contains("rule advice.wellbeing-not-given"));

        let handout = format!("/patients/{patient}/handouts/wellbeing");
        let page = body(browser.get(&handout).await).await;
        assert!(page.contains("No wellbeing advice has been recorded for this patient."));
        let res = browser
            .post(&format!("{handout}/given"), &[("lang", "")])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(crate::support::location(&res), handout);

        let record = app
            .store
            .record(&patient, Visibility::Sensitive)
            .await
            .expect("record");
        let advice: Vec<_> = record.active().filter_map(|e| e.body.as_advice()).collect();
        assert_eq!(advice.len(), 1);
        assert_eq!(advice[0].kind, AdviceKind::Wellbeing);
        assert_eq!(advice[0].date, today());
        assert_eq!(
            advice[0].topics.len(),
            4,
            "sleep, eating, outdoors, social contact"
        );
        assert_eq!(
            advice[0].note,
            "Printed wellbeing handout given, in Tigrinya."
        );
        let now_fired = fired(&record);
        assert!(!now_fired.contains(&RuleId::AdviceWellbeingNotGiven));
        assert!(!now_fired.contains(&RuleId::AdviceWellbeingReinforce));
        let patient_page = body(browser.get(&format!("/patients/{patient}")).await).await;
        assert!(!patient_page.contains("rule advice.wellbeing-not-given"));
        let page = body(browser.get(&handout).await).await;
        assert!(page.contains(&format!(
            "Wellbeing advice was last recorded as given on {}.",
            today()
        )));
        let audit = app
            .store
            .audit_recent(Some(&patient), 5)
            .await
            .expect("audit");
        assert!(audit.iter().any(|a| a.action == "handout.view"));
    }
}

haven_testdb::both! {
    async fn advice_given_long_ago_is_reinforced_after_the_handout_is_given_again() {
        let app = app_with_users().await;
        let unwell = EntryBody::Problem(Problem {
            kind: ProblemKind::Ptsd,
            onset: days_from_today(-400),
            resolved: None,
            note: String::new(),
        });
        let old_advice = EntryBody::Advice(haven_core::record::Advice {
            kind: AdviceKind::Wellbeing,
            date: days_from_today(-120),
            topics: Vec::new(),
            note: String::new(),
        });
        let patient = patient_with(
            &app.store,
            "Hamid",
            "prs",
            Some("dr.amal"),
            vec![unwell, old_advice],
        )
        .await;
        let reinforce_due = |record: &haven_core::record::PatientRecord| {
            evaluate(record, &Policy::default(), today())
                .iter()
                .any(|a| a.rule == RuleId::AdviceWellbeingReinforce)
        };
        let record = app
            .store
            .record(&patient, Visibility::Sensitive)
            .await
            .expect("record");
        assert!(reinforce_due(&record));
        let browser = app.signed_in("dr.amal").await;
        let res = browser
            .post(
                &format!("/patients/{patient}/handouts/wellbeing/given"),
                &[("lang", "fa")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            crate::support::location(&res),
            format!("/patients/{patient}/handouts/wellbeing?lang=fa")
        );
        let record = app
            .store
            .record(&patient, Visibility::Sensitive)
            .await
            .expect("record");
        assert!(!reinforce_due(&record));
    }
}
