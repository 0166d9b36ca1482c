//! Deterministic synthetic demo population: people seeking asylum in England, with
//! records that exercise every capability of Haven — languages and interpreters, asylum
//! histories, life events, disclosures, questionnaires, risk reviews, screening, referrals,
//! contacts, advice and flags — and that make every care rule fire for some of them.
//!
//! Architecture invariant: patient `i` of seed `s` is a pure function of `(s, i, today,
//! clinicians)`. Each patient draws from its own random stream, so any slice of a population
//! can be generated alone, in any order or in parallel, and agrees with the whole. No clock is
//! read; every date is relative to [`DemoOptions::today`]. Everything here is synthetic.

mod asylum;
mod care;
mod contacts;
mod dice;
mod names;
mod origins;
mod people;
mod questionnaires;
mod risk;
mod services;
mod sink;
mod story;

use std::ops::Range;

use haven_core::UserId;
use haven_core::record::PatientRecord;
use time::Date;

use crate::dice::Dice;
use crate::sink::Sink;

/// What to generate: the population's seed, the date the records are "as of", and the
/// clinicians who may be named as lead clinician (none named when empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoOptions {
    pub seed: u64,
    pub today: Date,
    pub clinicians: Vec<UserId>,
}

/// Patients `range` of the population: patient ids are left empty for the store to assign;
/// entry ids are `demo-{seed}-{index}-{n}`, authored by `demo`.
pub fn generate(
    options: &DemoOptions,
    range: Range<u64>,
) -> impl Iterator<Item = PatientRecord> + '_ {
    range.map(move |index| patient(options, index))
}

/// Patient `index` of the population.
pub fn patient(options: &DemoOptions, index: u64) -> PatientRecord {
    let mut dice = Dice::for_patient(options.seed, index);
    let dice = &mut dice;
    let (mut patient, mut story) = people::register(options, index, dice);
    let mut entries = Sink::new();
    let sink = &mut entries;

    // The life story first (asylum journey, events, disclosures, which events were reviewed),
    // then the windows in which nobody saw the person, then contacts, and last the entries
    // that respond to what the contacts found. Each stage reads only what came before.
    asylum::journey(&mut story, dice);
    asylum::housing(&mut patient, &story, dice);
    asylum::record(&story, sink, dice);
    let disclosed = care::disclosures(&mut story, sink, dice);
    risk::plan_reviews(&mut story, dice);

    let missed = contacts::reserve_gaps(&mut story, dice);
    let reserved = care::reserve_medication(&mut story, dice);
    let mut visits = contacts::visit_dates(&story, dice);
    care::medication(&mut story, &mut visits, reserved, sink, dice);
    let concerns = contacts::encounters(&story, &visits, sink, dice);
    contacts::planned(&story, &patient, &visits, missed, sink, dice);

    let review_dates: Vec<Date> = story.events.iter().filter_map(|e| e.review).collect();
    let found = questionnaires::administer(&story, &visits, &review_dates, sink, dice);
    let mut all_concerns = concerns.clone();
    all_concerns.extend(found.item9.iter().map(|d| (*d, false)));
    let reviews = risk::reviews(&story, &all_concerns, sink, dice);
    risk::safety_plans(&story, &reviews, sink, dice);

    let problems = care::problems(&story, &found, &concerns, sink, dice);
    services::screening(&story, sink, dice);
    services::referrals(
        &story,
        &mut patient,
        &found,
        &problems,
        &disclosed,
        sink,
        dice,
    );
    services::advice(&story, &visits, sink, dice);
    services::flags(&story, &disclosed, sink, dice);

    let entries = entries.finish(options.seed, index, options.today, dice);
    PatientRecord { patient, entries }
}
