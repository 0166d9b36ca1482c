//! Demographics and registration: country, language and interpreter needs, name, age, sex,
//! identifiers and contact details, as a practice registers them under Safe Surgeries
//! practice (an NHS number for some, no proof of address or identity required).

use haven_core::record::{InterpreterGender, Patient, Sex};
use haven_core::{LanguageTag, NhsNumber, PatientId};
use time::{Date, Duration, Month};

use crate::DemoOptions;
use crate::dice::Dice;
use crate::origins::{ORIGINS, Origin, Speech};
use crate::story::{Story, Traits};

/// Builds the patient's demographics and the start of their story.
pub(crate) fn register(options: &DemoOptions, index: u64, dice: &mut Dice) -> (Patient, Story) {
    let today = options.today;
    let origin: &'static Origin = dice.weighted(ORIGINS);
    let speech: &'static Speech = dice.weighted(origin.speech);
    let sex = if dice.chance(0.005) {
        Sex::Unknown
    } else if dice.chance(origin.male_share) {
        Sex::Male
    } else {
        Sex::Female
    };
    let born = birth_date(origin, today, dice);
    let female = sex == Sex::Female;
    let name_pool = if female { speech.female } else { speech.male };
    let (given, given_native) = name_pool.get(dice.index(name_pool.len()));
    let (family, family_native) = speech.family.get(dice.index(speech.family.len()));

    let mut p = Patient::new(PatientId::new(String::new()), given, family);
    if let (Some(g), Some(f)) = (given_native, family_native)
        && dice.chance(0.7)
    {
        p.native_name = Some(format!("{g} {f}"));
    }
    // Some people do not know their date of birth; none is recorded for a few.
    p.birth_date = (!dice.chance(0.01)).then_some(born.into());
    p.sex = Some(sex);
    p.country_of_origin = Some(origin.country.to_owned());

    let language_known = !dice.chance(0.02);
    let english = speech.tag == "en";
    let interpreter = if !language_known || dice.chance(0.08) {
        None
    } else if english {
        Some(false)
    } else {
        let needs = match speech.tag {
            "sq" => 0.75,
            "fr" | "tr" => 0.85,
            "vi" | "fa" => 0.9,
            _ => 0.96,
        };
        Some(dice.chance(needs))
    };
    if language_known {
        p.main_language = LanguageTag::parse(speech.tag).ok();
        if !speech.others.is_empty() && dice.chance(0.35) {
            p.other_languages
                .extend(LanguageTag::parse(dice.text(speech.others)).ok());
        }
    }
    p.interpreter_required = interpreter;
    if interpreter == Some(true) {
        p.interpreter_gender = interpreter_gender(female, dice);
        if dice.chance(speech.dialect_share) {
            p.dialect = Some(dice.text(speech.dialects).to_owned());
        }
    }
    identifiers(&mut p, options, index, dice);
    if !options.clinicians.is_empty() && dice.chance(0.9) {
        p.named_clinician = Some(dice.pick(&options.clinicians).clone());
    }

    // Registered with the practice one month to three years ago, most within two years.
    let registered = today - Duration::days(dice.int(30, 1100).min(dice.int(30, 1100)));
    let story = Story {
        today,
        born,
        sex,
        origin,
        interpreter,
        registered: registered.max(born),
        traits: Traits::roll(dice),
        asylum: Vec::new(),
        events: Vec::new(),
        abuse: Vec::new(),
        baseline: baseline_distress(dice),
        granted: None,
        treated: None,
        relapse: None,
        no_encounter: Vec::new(),
    };
    (p, story)
}

/// Mostly 18–45, some older, a few 16–17. People whose birth date is unknown are often
/// registered as 1 January, as their Home Office papers show.
fn birth_date(origin: &Origin, today: Date, dice: &mut Dice) -> Date {
    let roll = dice.unit();
    let age = if roll < 0.04 {
        dice.int(16, 17)
    } else if roll < 0.84 {
        dice.int(18, 45)
    } else {
        dice.int(46, 72)
    };
    let born = today - Duration::days(age * 365 + age / 4 + dice.int(1, 360));
    let unknown_share = match origin.country {
        "AF" | "SO" | "ER" | "SD" => 0.25,
        _ => 0.03,
    };
    if dice.chance(unknown_share) {
        Date::from_calendar_date(born.year(), Month::January, 1).unwrap_or(born)
    } else {
        born
    }
}

fn interpreter_gender(female: bool, dice: &mut Dice) -> Option<InterpreterGender> {
    let roll = dice.unit();
    if female {
        Some(match roll {
            r if r < 0.70 => InterpreterGender::Female,
            r if r < 0.95 => InterpreterGender::Any,
            _ => InterpreterGender::Male,
        })
    } else {
        match roll {
            r if r < 0.25 => Some(InterpreterGender::Male),
            r if r < 0.85 => Some(InterpreterGender::Any),
            _ => None,
        }
    }
}

/// Demo NHS numbers have nine-digit prefixes in the 900 000 000–999 999 999 test range
/// (numbers starting 9 are never issued to people) and are unique within a seed: patient
/// `index` maps to its own prefix.
fn identifiers(p: &mut Patient, options: &DemoOptions, index: u64, dice: &mut Dice) {
    if dice.chance(0.66) {
        // Multiplying by a number coprime to 10^8 permutes 0..10^8, so distinct indices give
        // distinct prefixes. A tenth of prefixes have no valid check digit: no number then.
        let slot = (index.wrapping_mul(7_919) + options.seed.wrapping_mul(104_729)) % 100_000_000;
        p.nhs_number = NhsNumber::from_prefix(900_000_000 + slot as u32);
    }
    if dice.chance(0.88) {
        p.local_id = Some(format!("D{}-{:06}", options.seed % 1000, index + 1));
    }
    if dice.chance(0.8) {
        p.phone = Some(format!("07700 900{:03}", dice.int(0, 999)));
    }
    if dice.chance(0.08) {
        let ascii = |s: &str| -> String {
            s.chars()
                .filter(char::is_ascii_alphabetic)
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        let (g, f) = (ascii(&p.given_name), ascii(&p.family_name));
        if !g.is_empty() && !f.is_empty() {
            p.email = Some(format!("{g}.{f}@example.org"));
        }
    }
}

/// A third with little distress, most with moderate, a fifth with severe: distress alone is
/// not illness (Royal College of Psychiatrists), and about a third meet PTSD criteria.
fn baseline_distress(dice: &mut Dice) -> f64 {
    let roll = dice.unit();
    let (lo, hi) = if roll < 0.33 {
        (0.05, 0.28)
    } else if roll < 0.78 {
        (0.28, 0.52)
    } else {
        (0.52, 0.78)
    };
    lo + dice.unit() * (hi - lo)
}
