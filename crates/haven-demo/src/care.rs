//! Disclosures of human rights abuses (§9), coded problems (§5, §6, §4) and psychotropic
//! medication (§5), derived from the story so that they agree with the rest of the record.

use haven_core::record::{
    AbuseKind, AsylumStatus, Disclosure, EntryBody, Medication, Problem, ProblemKind,
};
use time::{Date, Duration};

use crate::dice::Dice;
use crate::questionnaires::Findings;
use crate::sink::Sink;
use crate::story::Story;

/// When the person first disclosed abuse, and when rape or sexual violence (§8).
#[derive(Default)]
pub(crate) struct Disclosed {
    pub first: Option<Date>,
    pub sexual_violence: Option<Date>,
}

/// Chooses what the person has disclosed and when; a tenth are recorded as free text only.
pub(crate) fn disclosures(story: &mut Story, sink: &mut Sink, dice: &mut Dice) -> Disclosed {
    let o = story.origin;
    let female = story.is_female();
    let libya_route = matches!(o.country, "ER" | "SD" | "ET" | "SO");
    let detained = story
        .asylum
        .iter()
        .find(|(s, _)| *s == AsylumStatus::Detained)
        .map(|(_, d)| *d);
    let odds = [
        (
            AbuseKind::Torture,
            o.torture * if female { 0.7 } else { 1.0 },
        ),
        (
            AbuseKind::SexualViolence,
            match (female, libya_route) {
                (true, _) => 0.35,
                (false, true) => 0.15,
                (false, false) => 0.07,
            },
        ),
        (AbuseKind::Trafficking, o.trafficking),
        (AbuseKind::ModernSlavery, o.trafficking * 0.4),
        (
            AbuseKind::Detention,
            if detained.is_some() { 0.7 } else { 0.0 },
        ),
        (AbuseKind::Fgm, if female { o.fgm * 0.5 } else { 0.0 }),
        (AbuseKind::Persecution, 0.35),
        (AbuseKind::WitnessedViolence, 0.30),
        (AbuseKind::OtherAbuse, if libya_route { 0.15 } else { 0.02 }),
    ];
    let mut out = Disclosed::default();
    for (kind, p) in odds {
        if !dice.chance(p) {
            continue;
        }
        // Disclosure comes with trust, usually some months after registration.
        let after = match (kind, detained) {
            (AbuseKind::Detention, Some(d)) => d,
            _ => story.registered,
        };
        let date = dice.within(after, 7, 400, story.today);
        story.abuse.push(kind);
        out.first = Some(out.first.map_or(date, |f: Date| f.min(date)));
        if kind == AbuseKind::SexualViolence {
            out.sexual_violence = Some(date);
        }
        let coded = !dice.chance(0.1);
        sink.push(EntryBody::Disclosure(Disclosure {
            kind: coded.then_some(kind),
            disclosed: date,
            note: if coded {
                dice.text(CODED_NOTES).to_owned()
            } else {
                free_text(kind).to_owned()
            },
        }));
    }
    out
}

const CODED_NOTES: &[&str] = &[
    "Disclosed with a professional interpreter; consent to record given.",
    "Disclosed at review; does not want details discussed again unless needed.",
    "Disclosed to the practice nurse; GP informed with consent.",
];

/// What a clinician writes when the abuse is recorded in words only.
fn free_text(kind: AbuseKind) -> &'static str {
    match kind {
        AbuseKind::Torture => "Described beatings in custody by the security services.",
        AbuseKind::SexualViolence => "Disclosed sexual assault during the journey.",
        AbuseKind::Trafficking => {
            "Brought to the UK by traffickers and made to work to pay a debt."
        }
        AbuseKind::ModernSlavery => "Forced to work without pay and unable to leave.",
        AbuseKind::Detention => "Held in an immigration removal centre.",
        AbuseKind::Fgm => "Told the nurse she was cut as a child.",
        AbuseKind::Persecution => "Threatened for political activity; family home raided.",
        AbuseKind::WitnessedViolence => "Saw relatives killed when the village was attacked.",
        AbuseKind::OtherAbuse => "Held for months in a detention camp in Libya on the journey.",
    }
}

/// The highest distress the story reaches (at registration or just after an event).
pub(crate) fn peak_severity(story: &Story) -> f64 {
    story
        .events
        .iter()
        .map(|e| story.severity(e.date))
        .fold(story.severity(story.registered), f64::max)
}

/// The coded problems the referrals respond to.
#[derive(Default)]
pub(crate) struct Problems {
    /// Onset of the first PTSD, complex PTSD or depression.
    pub mental_health: Option<Date>,
    /// Latest onset of social isolation, loneliness or living alone.
    pub isolation: Option<Date>,
}

/// Coded problems.
pub(crate) fn problems(
    story: &Story,
    found: &Findings,
    concerns: &[(Date, bool)],
    sink: &mut Sink,
    dice: &mut Dice,
) -> Problems {
    let today = story.today;
    let mut out = Problems::default();
    let add = |sink: &mut Sink, kind, onset: Date, resolved: Option<Date>| {
        sink.push(EntryBody::Problem(Problem {
            kind,
            onset,
            resolved: resolved.filter(|r| *r >= onset && *r <= today),
            note: String::new(),
        }));
    };
    let onset = |dice: &mut Dice, lo, hi| dice.within(story.registered, lo, hi, today);
    let prolonged = story.had_abuse(AbuseKind::Torture)
        || story.had_abuse(AbuseKind::Trafficking)
        || story.had_abuse(AbuseKind::ModernSlavery)
        || story.had_abuse(AbuseKind::SexualViolence);
    let traumatised = (story.baseline >= 0.35 && !story.abuse.is_empty() && dice.chance(0.55))
        || (found.itq_ptsd && dice.chance(0.5));
    if traumatised {
        let kind = if prolonged && dice.chance(0.45) {
            ProblemKind::ComplexPtsd
        } else if dice.chance(0.1) {
            ProblemKind::ChronicPtsd
        } else {
            ProblemKind::Ptsd
        };
        let d = onset(dice, 30, 300);
        out.mental_health = Some(d);
        add(sink, kind, d, None);
    }
    if peak_severity(story) >= 0.45 && dice.chance(0.45) {
        let kind = if dice.chance(0.3) {
            ProblemKind::MajorDepression
        } else {
            ProblemKind::Depression
        };
        let d = onset(dice, 14, 400);
        out.mental_health = Some(out.mental_health.map_or(d, |m| m.min(d)));
        let resolved = story
            .granted
            .filter(|_| dice.chance(0.4))
            .map(|g| g.max(d) + Duration::days(dice.int(90, 300)));
        add(sink, kind, d, resolved);
    }
    for (kind, p) in [
        (ProblemKind::SocialIsolation, 0.3),
        (ProblemKind::FeelingLonely, 0.1),
        (ProblemKind::LivesAlone, 0.08),
    ] {
        if dice.chance(p) {
            let d = onset(dice, 0, 300);
            out.isolation = out.isolation.max(Some(d));
            add(sink, kind, d, None);
        }
    }
    for &(date, self_harm) in concerns {
        if self_harm && dice.chance(0.6) {
            add(sink, ProblemKind::SelfHarm, date, None);
        } else if !self_harm && dice.chance(0.3) {
            add(
                sink,
                ProblemKind::SuicidalThoughts,
                date,
                Some(date + Duration::days(90)),
            );
        }
    }
    out
}

const MEDICINES: &[(u32, &str)] = &[
    (40, "Sertraline 50 mg once daily"),
    (30, "Mirtazapine 15 mg at night"),
    (10, "Fluoxetine 20 mg once daily"),
    (10, "Citalopram 20 mg once daily"),
    (10, "Amitriptyline 10 mg at night"),
];

/// For trait `med_no_followup`: a medicine started recently (by another service) with no
/// encounter in the fortnight after; reserves that fortnight before visits are planned.
pub(crate) fn reserve_medication(story: &mut Story, dice: &mut Dice) -> Option<Date> {
    if !story.traits.med_no_followup {
        return None;
    }
    let start = story.today - Duration::days(dice.int(15, 45));
    if start <= story.registered {
        return None;
    }
    story.no_encounter.push((start, start + Duration::days(14)));
    Some(start)
}

/// Psychotropic medication for about two in five people with marked distress, started at a
/// consultation and followed up within two weeks. Adds the follow-up visit to `visits`.
pub(crate) fn medication(
    story: &mut Story,
    visits: &mut Vec<Date>,
    reserved: Option<Date>,
    sink: &mut Sink,
    dice: &mut Dice,
) {
    let start = match reserved {
        Some(d) => d,
        None => {
            if peak_severity(story) < 0.5 || !dice.chance(0.4) {
                return;
            }
            let candidates: Vec<Date> = visits
                .iter()
                .copied()
                .filter(|d| story.severity(*d) >= 0.45)
                .collect();
            if candidates.is_empty() {
                return;
            }
            let start = *dice.pick(&candidates);
            let follow_up = dice.days_after(start, 7, 14);
            if story.encounter_allowed(follow_up)
                && let Err(at) = visits.binary_search(&follow_up)
            {
                visits.insert(at, follow_up);
            }
            start
        }
    };
    let stopped = (start < story.today - Duration::days(120) && dice.chance(0.3))
        .then(|| dice.days_after(start, 60, 300))
        .filter(|d| *d <= story.today);
    story.treated = Some(start + Duration::days(14));
    sink.push(EntryBody::Medication(Medication {
        name: (*dice.weighted(MEDICINES)).to_owned(),
        started: start,
        stopped,
    }));
}
