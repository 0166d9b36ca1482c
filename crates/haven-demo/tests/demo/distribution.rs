//! The population looks like people seeking asylum in England: who they are, what languages
//! they speak, and a spread of every clinical situation Haven handles.

use std::collections::{BTreeSet, HashSet};

use haven_core::instruments::Instrument;
use haven_core::record::{
    AsylumStatus, ContactStatus, EntryBody, EntryStatus, InterpreterUse, LifeEventKind,
    PatientRecord, ReferralStatus, ReferralType, ScreeningStatus, ScreeningTest, Sex,
    SuicidalThoughts,
};

use crate::{TODAY, population, share};

fn people() -> Vec<PatientRecord> {
    population(11, 3_000)
}

fn within(name: &str, value: f64, lo: f64, hi: f64) {
    assert!(
        (lo..=hi).contains(&value),
        "{name}: {value:.3} is outside {lo}..={hi}"
    );
}

#[test]
fn demographics_are_plausible() {
    let all = people();
    let p = |f: &dyn Fn(&PatientRecord) -> bool| share(&all, f);
    within(
        "interpreter required",
        p(&|r| r.patient.interpreter_required == Some(true)),
        0.5,
        0.95,
    );
    within(
        "interpreter need unknown",
        p(&|r| r.patient.interpreter_required.is_none()),
        0.05,
        0.13,
    );
    within("male", p(&|r| r.patient.sex == Some(Sex::Male)), 0.6, 0.85);
    within(
        "NHS number",
        p(&|r| r.patient.nhs_number.is_some()),
        0.5,
        0.7,
    );
    within("local id", p(&|r| r.patient.local_id.is_some()), 0.8, 0.95);
    within(
        "named clinician",
        p(&|r| r.patient.named_clinician.is_some()),
        0.85,
        0.95,
    );
    let age = |r: &PatientRecord| r.patient.age_on(TODAY).unwrap_or(30);
    within("aged 18-45", p(&|r| (18..=45).contains(&age(r))), 0.7, 0.9);
    within(
        "aged 16-17",
        p(&|r| (16..=17).contains(&age(r))),
        0.01,
        0.08,
    );
    within("over 45", p(&|r| age(r) > 45), 0.05, 0.25);
    assert!(all.iter().all(|r| (16..=75).contains(&age(r))));

    let countries: BTreeSet<_> = all
        .iter()
        .filter_map(|r| r.patient.country_of_origin.clone())
        .collect();
    for c in [
        "AF", "IR", "ER", "SD", "SY", "IQ", "YE", "TR", "AL", "VN", "ET", "SO", "CD", "NG", "ZW",
    ] {
        assert!(countries.contains(c), "{c} missing");
    }
}

/// Every language the demo records is named from haven-core's table, so no page, export or
/// report shows one as an anonymous "other language".
#[test]
fn every_language_spoken_is_in_the_language_table() {
    let all = people();
    let mut spoken = BTreeSet::new();
    for r in &all {
        spoken.extend(r.patient.main_language.iter().cloned());
        spoken.extend(r.patient.other_languages.iter().cloned());
    }
    assert!(spoken.len() > 20, "{spoken:?}");
    for tag in spoken {
        assert!(tag.language().is_some(), "{tag} is not in the table");
    }
}

#[test]
fn languages_match_countries_and_scripts() {
    let all = people();
    let lang = |r: &PatientRecord| {
        r.patient
            .main_language
            .as_ref()
            .map(|l| l.as_str().to_owned())
    };
    for r in &all {
        let p = &r.patient;
        match (p.country_of_origin.as_deref(), lang(r).as_deref()) {
            (Some("AF"), Some(l)) => assert!(["prs", "ps"].contains(&l)),
            (Some("ER"), Some(l)) => assert_eq!(l, "ti"),
            (Some("NG" | "ZW"), Some(l)) => {
                assert_eq!(l, "en");
                assert_ne!(
                    p.interpreter_required,
                    Some(true),
                    "English speakers need no interpreter"
                );
            }
            _ => {}
        }
        if p.native_name.is_some() {
            // Only Arabic-script names are written twice; the language may be unrecorded.
            assert!(
                p.main_language
                    .as_ref()
                    .is_none_or(|l| l.is_right_to_left())
            );
        }
    }
    let arabic_script: Vec<_> = all
        .iter()
        .filter(|r| {
            r.patient
                .main_language
                .as_ref()
                .is_some_and(|l| l.is_right_to_left())
        })
        .cloned()
        .collect();
    within(
        "native name, Arabic script",
        share(&arabic_script, |r| r.patient.native_name.is_some()),
        0.55,
        0.85,
    );
    let dialects: HashSet<_> = all
        .iter()
        .filter_map(|r| r.patient.dialect.clone())
        .collect();
    assert!(
        dialects.contains("Hazaragi") && dialects.contains("Sorani"),
        "{dialects:?}"
    );
    let kurdish: HashSet<_> = all
        .iter()
        .filter_map(lang)
        .filter(|l| l == "ckb" || l == "kmr")
        .collect();
    assert_eq!(kurdish.len(), 2);
}

fn bodies(all: &[PatientRecord]) -> impl Iterator<Item = &EntryBody> {
    all.iter().flat_map(|r| r.active().map(|e| &e.body))
}

#[test]
fn every_clinical_situation_occurs() {
    let all = people();
    let mut statuses = HashSet::new();
    let mut events = HashSet::new();
    let mut uses = HashSet::new();
    let mut contacts = HashSet::new();
    let mut screening = HashSet::new();
    let mut referrals = HashSet::new();
    let mut thoughts = HashSet::new();
    let mut instruments = HashSet::new();
    let mut medicines = HashSet::new();
    for b in bodies(&all) {
        match b {
            EntryBody::Asylum(a) => {
                statuses.insert(a.status);
            }
            EntryBody::LifeEvent(e) => {
                events.insert(e.kind);
            }
            EntryBody::Encounter(e) => {
                uses.insert(e.interpreter);
            }
            EntryBody::PlannedContact(c) => {
                contacts.insert(c.status);
            }
            EntryBody::Screening(s) => {
                screening.insert((s.test, s.status));
            }
            EntryBody::Referral(r) => {
                referrals.insert((r.kind, r.status));
            }
            EntryBody::RiskReview(r) => {
                thoughts.insert(r.suicidal_thoughts);
            }
            EntryBody::Questionnaire(q) => {
                instruments.insert(q.instrument);
            }
            EntryBody::Medication(m) => {
                medicines.insert(m.name.split(' ').next().map(str::to_owned));
            }
            _ => {}
        }
    }
    assert_eq!(statuses.len(), AsylumStatus::ALL.len(), "{statuses:?}");
    assert_eq!(events.len(), LifeEventKind::ALL.len(), "{events:?}");
    assert_eq!(uses.len(), InterpreterUse::ALL.len(), "{uses:?}");
    assert_eq!(contacts.len(), ContactStatus::ALL.len(), "{contacts:?}");
    assert_eq!(
        screening.len(),
        ScreeningTest::ALL.len() * ScreeningStatus::ALL.len()
    );
    assert_eq!(
        referrals.len(),
        ReferralType::ALL.len() * ReferralStatus::ALL.len(),
        "{referrals:?}"
    );
    assert_eq!(thoughts.len(), SuicidalThoughts::ALL.len());
    assert_eq!(instruments.len(), Instrument::all().len());
    assert!(
        medicines.contains(&Some("Sertraline".to_owned()))
            && medicines.contains(&Some("Mirtazapine".to_owned()))
    );
}

#[test]
fn coding_gaps_are_a_small_minority() {
    let all = people();
    within(
        "asylum history uncoded",
        share(&all, |r| r.bodies(EntryBody::as_asylum).any(|a| !a.coded)),
        0.02,
        0.09,
    );
    let disclosures: Vec<_> = bodies(&all).filter_map(EntryBody::as_disclosure).collect();
    let uncoded = disclosures.iter().filter(|d| d.kind.is_none()).count() as f64;
    within(
        "disclosures uncoded",
        uncoded / disclosures.len() as f64,
        0.05,
        0.15,
    );
    let entries: Vec<_> = all.iter().flat_map(|r| &r.entries).collect();
    let in_error = entries
        .iter()
        .filter(|e| e.status == EntryStatus::EnteredInError)
        .count() as f64;
    within(
        "entered in error",
        in_error / entries.len() as f64,
        0.005,
        0.03,
    );
    for r in &all {
        if r.patient.sex != Some(Sex::Female) {
            assert!(
                r.bodies(EntryBody::as_disclosure)
                    .all(|d| d.kind != Some(haven_core::record::AbuseKind::Fgm))
            );
        }
    }
}

/// PHQ-9 totals of one patient, in date order.
fn phq9(r: &PatientRecord) -> Vec<(time::Date, u32)> {
    r.bodies(EntryBody::as_questionnaire)
        .filter(|q| q.instrument == Instrument::Phq9)
        .map(|q| {
            let items = q.answers[..9].iter().flatten();
            (q.date, items.map(|&a| u32::from(a)).sum())
        })
        .collect()
}

#[test]
fn symptoms_rise_after_refusal_and_settle_after_a_grant() {
    let all = people();
    // Relapse: a PHQ-9 within two months after a refusal, five or more above the one before.
    let relapses = all
        .iter()
        .filter(|r| {
            let scores = phq9(r);
            r.bodies(EntryBody::as_life_event)
                .filter(|e| e.kind == LifeEventKind::AsylumRefused)
                .any(|e| {
                    scores.windows(2).any(|w| {
                        w[0].0 < e.date
                            && w[1].0 >= e.date
                            && (w[1].0 - e.date).whole_days() <= 60
                            && w[1].1 >= w[0].1 + 5
                    })
                })
        })
        .count();
    assert!(relapses >= 20, "relapses after refusal: {relapses}");

    let (mut before, mut after) = (Vec::new(), Vec::new());
    for r in &all {
        let granted = r
            .bodies(EntryBody::as_asylum)
            .find(|a| a.status.is_granted())
            .map(|a| a.since);
        if let Some(g) = granted {
            for (d, total) in phq9(r) {
                if d < g {
                    before.push(f64::from(total));
                } else if (d - g).whole_days() > 180 {
                    after.push(f64::from(total));
                }
            }
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(before.len() > 100 && after.len() > 100);
    assert!(
        mean(&after) + 2.0 < mean(&before),
        "{} vs {}",
        mean(&after),
        mean(&before)
    );
}

#[test]
fn item_nine_and_unmet_interpreter_need_occur() {
    let all = people();
    let item9 = share(&all, phq9_item9);
    within("PHQ-9 item 9 positive at some point", item9, 0.05, 0.5);
    let unmet = share(&all, |r| {
        r.patient.interpreter_required == Some(true)
            && r.bodies(EntryBody::as_encounter)
                .any(|e| !e.interpreter.is_professional())
    });
    within("unmet interpreter need", unmet, 0.05, 0.8);
}

fn phq9_item9(r: &PatientRecord) -> bool {
    r.bodies(EntryBody::as_questionnaire)
        .any(|q| q.instrument == Instrument::Phq9 && q.answers[8] >= Some(1))
}

#[test]
fn interpreter_bookings_and_outreach_after_missed_contacts_occur() {
    use haven_core::record::{InterpreterMode, OutreachOutcome};
    let all = population(11, 600);
    let mut modes = HashSet::new();
    let mut outcomes = HashSet::new();
    let (mut flagged_only, mut detailed) = (0, 0);
    for b in bodies(&all) {
        match b {
            EntryBody::PlannedContact(c) if c.interpreter_booked => match &c.interpreter {
                Some(booking) => {
                    detailed += 1;
                    modes.insert(booking.mode);
                    assert!(!booking.booked_with.is_empty());
                }
                None => flagged_only += 1,
            },
            EntryBody::PlannedContact(c) => assert!(c.interpreter.is_none()),
            EntryBody::Outreach(o) => {
                outcomes.insert(o.outcome);
            }
            _ => {}
        }
    }
    assert_eq!(modes.len(), InterpreterMode::ALL.len(), "{modes:?}");
    assert!(
        detailed > 3 * flagged_only && flagged_only > 0,
        "most bookings have their details, a few only the flag: {detailed} / {flagged_only}"
    );
    for outcome in [
        OutreachOutcome::ContactMade,
        OutreachOutcome::MessageLeft,
        OutreachOutcome::NoAnswer,
    ] {
        assert!(outcomes.contains(&outcome), "{outcome:?}");
    }
}
