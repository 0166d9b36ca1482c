//! Questionnaire trajectories: PHQ-9, GAD-7, PCL-5, ITQ, PHQ-15 and RHS-15 at registration,
//! at reviews and after negative events, with item-level answers drawn from the patient's
//! latent distress on the day, so totals rise after a refusal and settle after a grant.

use haven_core::instruments::{Instrument, ScoringOptions, answers_screen_positive, flag};
use haven_core::record::{AbuseKind, EntryBody, QuestionnaireResult};
use time::{Date, Duration};

use crate::dice::Dice;
use crate::sink::Sink;
use crate::story::Story;

/// What the scores showed, for the entries that respond to them.
#[derive(Default)]
pub(crate) struct Findings {
    /// Dates on which PHQ-9 item 9 was answered 1 or more.
    pub item9: Vec<Date>,
    /// First positive screen (PHQ-9 ≥ 10, GAD-7 ≥ 10, PCL-5 ≥ 33, ITQ, RHS-13 ≥ 11), as the
    /// scoring decides it.
    pub first_positive: Option<Date>,
    /// ITQ met PTSD or complex PTSD at least once.
    pub itq_ptsd: bool,
}

pub(crate) fn administer(
    story: &Story,
    visits: &[Date],
    reviews: &[Date],
    sink: &mut Sink,
    dice: &mut Dice,
) -> Findings {
    let plan = schedule(story, visits, reviews, dice);
    let mut found = Findings::default();
    let mut last_phq9: Option<u8> = None;
    for (date, instrument) in plan {
        let sev = story.severity(date);
        let mut answers = answers(instrument, sev, story, dice);
        if instrument == Instrument::Phq9 {
            if story.relapse == Some(date) {
                force_rise(&mut answers, last_phq9.unwrap_or(0) + 5);
            }
            last_phq9 = Some(answers[..9].iter().sum());
            if answers[8] >= 1 {
                found.item9.push(date);
            }
        }
        if answers_screen_positive(instrument, &answers, &ScoringOptions::default()) {
            found.first_positive.get_or_insert(date);
            found.itq_ptsd |= instrument == Instrument::Itq;
        }
        sink.push(EntryBody::Questionnaire(QuestionnaireResult::answered(
            instrument, date, &answers,
        )));
    }
    found
}

/// Which instrument on which day, in date order.
fn schedule(
    story: &Story,
    visits: &[Date],
    reviews: &[Date],
    dice: &mut Dice,
) -> Vec<(Date, Instrument)> {
    use Instrument::*;
    let mut plan = Vec::with_capacity(16);
    let first = visits.first().copied().unwrap_or(story.registered);
    let somatic_odds = if story.traits.somatic { 0.5 } else { 0.1 };
    let trauma_measure = if dice.chance(0.45) {
        Some(Pcl5)
    } else if dice.chance(0.55) {
        Some(Itq)
    } else {
        None
    };
    for (instrument, odds) in [
        (
            Phq9,
            if story.traits.relapse_recent {
                1.0
            } else {
                0.85
            },
        ),
        (Gad7, 0.7),
        (Rhs15, 0.3),
        (Phq15, somatic_odds),
    ] {
        if dice.chance(odds) {
            plan.push((first, instrument));
        }
    }
    plan.extend(trauma_measure.map(|t| (first, t)));
    let mut last = first;
    for &d in visits.iter().skip(1) {
        let sev = story.severity(d);
        if (d - last).whole_days() >= 75 && dice.chance(0.25 + 0.6 * sev) {
            last = d;
            plan.push((d, Phq9));
            if dice.chance(0.4) {
                plan.push((d, Gad7));
            }
            if let Some(t) = trauma_measure.filter(|_| dice.chance(0.5)) {
                plan.push((d, t));
            }
            if story.traits.somatic && dice.chance(0.3) {
                plan.push((d, Phq15));
            }
        }
    }
    for &r in reviews {
        let forced = story.relapse == Some(r);
        if forced || dice.chance(0.6) {
            plan.push((r, Phq9));
        }
        if trauma_measure == Some(Pcl5) && dice.chance(0.4) {
            plan.push((r, Pcl5));
        }
    }
    if story.traits.somatic_unexplored {
        // Nobody has yet asked about mood: no PHQ-9 or PHQ-15 in the recent window.
        let window = story.today - Duration::days(200);
        plan.retain(|(d, i)| *d < window || !matches!(i, Phq9 | Phq15));
    }
    plan.sort_by_key(|(d, i)| (*d, *i));
    plan.dedup();
    plan
}

/// Relative endorsement of each item at a given distress, roughly as symptom profiles in
/// refugee samples look (sleep, intrusions and hypervigilance high; fainting low). An
/// instrument without a profile has every required item alike.
const PROFILES: [(Instrument, &[f64]); 6] = [
    (
        Instrument::Phq9,
        &[1.0, 1.05, 1.15, 1.15, 0.9, 0.9, 1.0, 0.7, 0.35],
    ),
    (Instrument::Gad7, &[1.05, 0.95, 1.1, 1.0, 0.85, 1.0, 0.95]),
    (
        Instrument::Phq15,
        &[
            0.7, 1.1, 1.0, 0.6, 1.2, 0.6, 0.8, 0.3, 0.7, 0.6, 0.4, 0.6, 0.6, 1.2, 1.2,
        ],
    ),
    (
        Instrument::Pcl5,
        &[
            1.0, 1.15, 0.9, 1.1, 0.95, 1.05, 1.0, 0.7, 0.9, 0.9, 1.0, 0.9, 1.0, 0.85, 0.9, 0.5,
            1.1, 1.0, 1.1, 1.15,
        ],
    ),
    (
        Instrument::Itq,
        &[
            1.0, 1.05, 1.0, 1.0, 1.1, 1.05, 0.95, 0.95, 0.9, 0.9, 0.85, 0.95, 1.0, 0.85, 0.9, 0.9,
            0.85, 0.85,
        ],
    ),
    (
        Instrument::Rhs15,
        &[
            0.9, 1.0, 0.9, 1.0, 1.05, 0.95, 1.0, 0.9, 1.1, 1.0, 0.85, 1.0, 0.9, 0.9, 1.0,
        ],
    ),
];

/// The required answers, each up to its item's highest answer (from the instrument's
/// description).
fn answers(instrument: Instrument, sev: f64, story: &Story, dice: &mut Dice) -> Vec<u8> {
    let items = instrument.description().items;
    let uniform = vec![1.0; instrument.item_count()];
    let weights = PROFILES
        .iter()
        .find(|(i, _)| *i == instrument)
        .map_or(&uniform[..], |(_, w)| w);
    // Disturbances in self-organisation follow prolonged, inescapable trauma.
    let dso = if story.had_abuse(AbuseKind::Torture)
        || story.had_abuse(AbuseKind::Trafficking)
        || story.had_abuse(AbuseKind::ModernSlavery)
    {
        1.15
    } else {
        0.8
    };
    let somatic = if story.traits.somatic { 1.3 } else { 1.0 };
    weights
        .iter()
        .zip(items)
        .enumerate()
        .map(|(i, (w, item))| {
            let top = f64::from(item.scale.max);
            let (w, shift) = match (instrument, i) {
                // Thoughts of self-harm are the rarest answer.
                _ if item.flag == Some(flag::ITEM9_POSITIVE) => (*w, -0.3),
                (Instrument::Phq15, 3) if !story.is_female() => (0.0, -1.0),
                (Instrument::Phq15, _) => (w * somatic, 0.0),
                (Instrument::Itq, 9..) => (w * dso, 0.0),
                _ => (*w, 0.0),
            };
            let value = sev * top * w + shift + dice.noise(if top > 4.0 { 1.5 } else { 0.6 });
            // Rounds half up, like `f64::round` for non-negative values, without a libm call.
            (value.clamp(0.0, top) + 0.5) as u8
        })
        .collect()
}

/// Raises PHQ-9 items 1–8 one step at a time until the total reaches `target` (or every item
/// is at 3): the relapse a refusal or bad news so often brings.
fn force_rise(answers: &mut [u8], target: u8) {
    let mut i = 0;
    while answers[..9].iter().sum::<u8>() < target && answers[..8].iter().any(|a| *a < 3) {
        if answers[i % 8] < 3 {
            answers[i % 8] += 1;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forced_rise_reaches_the_target() {
        let mut answers = vec![1, 0, 1, 0, 1, 0, 0, 0, 0];
        force_rise(&mut answers, 8);
        assert_eq!(answers.iter().sum::<u8>(), 8);
        let mut full = vec![3, 3, 3, 3, 3, 3, 3, 3, 0];
        force_rise(&mut full, 30);
        assert_eq!(
            full.iter().sum::<u8>(),
            24,
            "stops when items 1-8 are all at 3"
        );
    }
}
