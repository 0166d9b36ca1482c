//! Suicide and self-harm risk reviews and safety plans (§6, NICE NG225): a review after most
//! negative events and whenever thoughts of self-harm come up, recording thoughts, plans,
//! self-harm, stressors, protective factors, a formulation and the next review — never a
//! low / medium / high label. Recent ones are sometimes still outstanding, as in real practice.

use haven_core::record::{EntryBody, RiskReview, SafetyPlan, SuicidalThoughts};
use time::{Date, Duration};

use crate::dice::Dice;
use crate::sink::Sink;
use crate::story::Story;

/// Decides which events were followed by a review, and when. Old events always were; a third
/// of those in the last four weeks are still waiting (rule `risk.reassess-after-event`).
pub(crate) fn plan_reviews(story: &mut Story, dice: &mut Dice) {
    let today = story.today;
    let relapse_event = story
        .traits
        .relapse_recent
        .then(|| {
            story
                .events
                .iter()
                .rposition(|e| (today - e.date).whole_days() <= 25)
        })
        .flatten();
    for (i, e) in story.events.iter_mut().enumerate() {
        if Some(i) == relapse_event {
            let r = dice.within(e.date, 0, 2, today);
            e.review = Some(r);
            story.relapse = Some(r);
            continue;
        }
        let review = dice.days_after(e.date, 0, 4);
        let recent = (today - e.date).whole_days() <= 28;
        e.review = (review <= today && !(recent && dice.chance(0.45))).then_some(review);
    }
}

/// Writes the reviews: one on each planned date, and one on the day of each concern (PHQ-9
/// item 9, suicidal thoughts or self-harm noted) unless the concern is recent and still
/// waiting. Returns the review dates and whether each needed a safety plan.
pub(crate) fn reviews(
    story: &Story,
    concerns: &[(Date, bool)],
    sink: &mut Sink,
    dice: &mut Dice,
) -> Vec<(Date, bool)> {
    let today = story.today;
    let mut dates: Vec<(Date, bool, bool)> = story
        .events
        .iter()
        .filter_map(|e| e.review.map(|r| (r, false, false)))
        .collect();
    for &(d, self_harm) in concerns {
        let recent = (today - d).whole_days() <= 30;
        let waiting = recent && (story.traits.unassessed_concern || dice.chance(0.35));
        if !waiting {
            dates.push((d, true, self_harm));
        }
    }
    dates.sort_by_key(|(d, concern, harm)| (*d, !concern, !harm));
    dates.dedup_by_key(|(d, _, _)| *d);
    let mut done = Vec::with_capacity(dates.len());
    for (date, concern, self_harm) in dates {
        let review = review(story, date, concern, self_harm, dice);
        let needs_plan = review.needs_safety_plan();
        sink.push(EntryBody::RiskReview(review));
        done.push((date, needs_plan));
    }
    done
}

fn review(
    story: &Story,
    date: Date,
    concern: bool,
    self_harm: bool,
    dice: &mut Dice,
) -> RiskReview {
    let sev = story.severity(date);
    let roll = dice.unit();
    let (active, passive) = match sev {
        s if s > 0.7 => (0.30, 0.75),
        s if s > 0.45 => (0.08, 0.43),
        _ => (0.01, 0.09),
    };
    let thoughts = if roll < active {
        SuicidalThoughts::Active
    } else if roll < passive || concern {
        SuicidalThoughts::Passive
    } else {
        SuicidalThoughts::None
    };
    let plans = thoughts == SuicidalThoughts::Active && dice.chance(0.35);
    let recent_self_harm = self_harm || (sev > 0.6 && dice.chance(0.03));
    let next = match (thoughts, plans || recent_self_harm) {
        (SuicidalThoughts::Active, _) | (_, true) => 7,
        (SuicidalThoughts::Passive, _) => 14,
        _ => *dice.pick(&[28, 28, 56]),
    };
    RiskReview {
        date,
        suicidal_thoughts: thoughts,
        plans_or_intent: plans,
        recent_self_harm,
        stressors: stressors(story, date),
        protective_factors: protective(dice),
        formulation: formulation(thoughts, plans, recent_self_harm, dice),
        next_review: (!dice.chance(0.1)).then(|| date + Duration::days(next)),
    }
}

fn protective(dice: &mut Dice) -> String {
    let (a, b) = (dice.text(PROTECTIVE), dice.text(PROTECTIVE));
    let mut out = String::with_capacity(a.len() + b.len() + 2);
    out.push_str(a);
    if a != b {
        out.push_str("; ");
        out.push_str(b);
    }
    out
}

/// The recent events in the person's life, with their dates, and the asylum situation.
fn stressors(story: &Story, date: Date) -> String {
    let mut out = String::with_capacity(160);
    for e in story.events_before(date, 120).take(3) {
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(e.kind.label());
        out.push_str(" (");
        push_date(&mut out, e.date);
        out.push(')');
    }
    if let Some(status) = story.status_on(date) {
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str("asylum situation: ");
        out.push_str(&status.label().to_lowercase());
    }
    out
}

fn formulation(thoughts: SuicidalThoughts, plans: bool, harm: bool, dice: &mut Dice) -> String {
    let opening = match (thoughts, plans) {
        (SuicidalThoughts::Active, true) => {
            "Active thoughts of ending life with a plan, linked to the recent news; agreed same-week follow-up and crisis contacts."
        }
        (SuicidalThoughts::Active, false) => {
            "Active suicidal thoughts without a plan; hopelessness about the future since the recent events."
        }
        (SuicidalThoughts::Passive, _) => {
            "Passive wish not to wake up at times; no plan or intent; strong reasons for living discussed."
        }
        (SuicidalThoughts::None, _) => {
            "No thoughts of suicide or self-harm; distress understandable in the circumstances."
        }
    };
    let mut text = String::with_capacity(opening.len() + 120);
    text.push_str(opening);
    if harm {
        text.push_str(" Recent self-harm (superficial cuts); wounds checked.");
    }
    text.push(' ');
    text.push_str(dice.text(PLANS));
    text
}

/// Appends `YYYY-MM-DD` (years 1000–9999) without going through `Display`.
fn push_date(out: &mut String, date: Date) {
    let (y, m, d) = (date.year(), u8::from(date.month()), date.day());
    let digits = [
        (y / 1000 % 10) as u8,
        (y / 100 % 10) as u8,
        (y / 10 % 10) as u8,
        (y % 10) as u8,
        m / 10,
        m % 10,
        d / 10,
        d % 10,
    ];
    for (i, digit) in digits.into_iter().enumerate() {
        if i == 4 || i == 6 {
            out.push('-');
        }
        out.push(char::from(b'0' + digit));
    }
}

/// Safety plans on or soon after reviews that need one; a few are still to be written.
pub(crate) fn safety_plans(
    story: &Story,
    reviews: &[(Date, bool)],
    sink: &mut Sink,
    dice: &mut Dice,
) {
    for &(date, needs) in reviews {
        if !needs || dice.chance(0.15) {
            continue;
        }
        sink.push(EntryBody::SafetyPlan(SafetyPlan {
            date: dice.within(date, 0, 2, story.today),
            warning_signs: dice.text(WARNING_SIGNS).to_owned(),
            coping_strategies: dice.text(COPING).to_owned(),
            people_and_places: dice.text(PEOPLE).to_owned(),
            professionals_and_crisis:
                "Practice duty doctor in hours; NHS 111 (option 2, mental health) at any time; Samaritans 116 123; 999 in an emergency."
                    .to_owned(),
            safer_surroundings: dice.text(SAFER).to_owned(),
            reasons_for_living: dice.text(REASONS).to_owned(),
        }));
    }
}

const PROTECTIVE: &[&str] = &[
    "religious faith",
    "hopes of being reunited with family",
    "close friend from the same town",
    "weekly English class",
    "volunteering at the refugee drop-in",
    "plays football with a local team",
    "supportive key worker",
    "responsibility for a younger sibling",
    "contact with mother by phone",
];
const PLANS: &[&str] = &[
    "Next review agreed; knows how to reach the practice.",
    "Interpreter-supported follow-up booked.",
    "Key worker informed with consent.",
    "Referral options discussed.",
];
const WARNING_SIGNS: &[&str] = &[
    "Not sleeping for several nights; staying in the room all day.",
    "Flashbacks after letters from the Home Office.",
    "Stops eating and stops answering the phone.",
];
const COPING: &[&str] = &[
    "Walk in the park; prayer; breathing exercise from the leaflet.",
    "Listen to music; call a friend; go to the drop-in centre.",
    "Cold water on the face; grounding exercise; write feelings down.",
];
const PEOPLE: &[&str] = &[
    "Friend from the English class; the mosque.",
    "Cousin in another city (by phone); the church group.",
    "Drop-in centre staff; housemate.",
];
const SAFER: &[&str] = &[
    "Medicines kept by the key worker; collects a week at a time.",
    "Agreed to give spare tablets to the pharmacy.",
    "No access to means identified.",
];
const REASONS: &[&str] = &[
    "Children at home; wants to see them again.",
    "Faith; hopes for the future in the UK.",
    "A younger brother who depends on them.",
    "Wants to study and work.",
];

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_are_written_as_iso() {
        for d in [
            date!(2026 - 11 - 28),
            date!(2024 - 01 - 05),
            date!(1999 - 12 - 31),
        ] {
            let mut out = String::new();
            push_date(&mut out, d);
            assert_eq!(out, d.to_string());
        }
    }
}
