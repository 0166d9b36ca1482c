//! Contacts with the practice: when the person was seen (attended encounters, with the
//! interpreting they had and the complaints they brought), and the planned contacts around
//! them — attended, missed (with the outreach after them), cancelled, and booked ahead with or
//! without an interpreter.

use haven_core::record::{
    ContactStatus, Encounter, EntryBody, InterpreterBooking, InterpreterMode, InterpreterUse,
    Outreach, OutreachMethod, OutreachOutcome, Patient, PlannedContact, SomaticComplaint,
};
use time::{Date, Duration};

use crate::dice::Dice;
use crate::sink::Sink;
use crate::story::Story;

/// Sets the windows in which no encounter may happen, for patients whose traits need one:
/// a missed appointment with nothing since, or a recent relapse nobody has seen yet.
pub(crate) fn reserve_gaps(story: &mut Story, dice: &mut Dice) -> Option<Date> {
    let today = story.today;
    if let Some(r) = story.relapse {
        story.no_encounter.push((r, today));
    }
    if story.traits.dna_outreach {
        let missed = (today - Duration::days(dice.int(4, 40))).max(story.registered);
        if missed > story.registered {
            story.no_encounter.push((missed, today));
            return Some(missed);
        }
    }
    None
}

/// Dates of attended encounters: registration, then a renewal process whose pace follows
/// distress, plus most risk reviews (which happen in a consultation).
pub(crate) fn visit_dates(story: &Story, dice: &mut Dice) -> Vec<Date> {
    let mut dates = Vec::with_capacity(24);
    let mean_gap = 30.0 + 60.0 * (1.0 - story.baseline);
    let mut d = story.registered;
    while d <= story.today {
        if story.encounter_allowed(d) {
            dates.push(d);
        }
        d += Duration::days(dice.gap_days(365.0 / mean_gap).max(5));
    }
    for e in &story.events {
        if let Some(r) = e.review
            && Some(r) != story.relapse
            && dice.chance(0.7)
            && story.encounter_allowed(r)
        {
            dates.push(r);
        }
    }
    if story.traits.somatic_unexplored {
        // Two or more recent consultations for pain, so rule somatic.explore-psychological
        // can see the pattern.
        let recent = dates
            .iter()
            .filter(|d| (story.today - **d).whole_days() < 170)
            .count();
        for _ in recent..2 {
            let d = story.today - Duration::days(dice.int(5, 165));
            if story.encounter_allowed(d) {
                dates.push(d);
            }
        }
    }
    if story.traits.unassessed_concern {
        // A consultation in the last weeks at which suicidal thoughts came up.
        let d = story.today - Duration::days(dice.int(1, 25));
        if story.encounter_allowed(d) {
            dates.push(d);
        }
    }
    dates.sort_unstable();
    dates.dedup();
    dates
}

/// Materialises the encounters; returns the dates on which suicidal thoughts or self-harm
/// were noted (each calls for a risk review).
pub(crate) fn encounters(
    story: &Story,
    dates: &[Date],
    sink: &mut Sink,
    dice: &mut Dice,
) -> Vec<(Date, bool)> {
    let mut concerns = Vec::new();
    let somatic_rate = if story.traits.somatic { 0.55 } else { 0.12 };
    for (n, &date) in dates.iter().enumerate() {
        let recent = (story.today - date).whole_days() < 175;
        let force_somatic = story.traits.somatic_unexplored && recent;
        let mut complaints = Vec::new();
        if force_somatic || dice.chance(somatic_rate) {
            complaints.push(*dice.pick(SomaticComplaint::ALL));
            if dice.chance(0.3) {
                let second = *dice.pick(SomaticComplaint::ALL);
                if !complaints.contains(&second) {
                    complaints.push(second);
                }
            }
        }
        let physical = !complaints.is_empty() && !force_somatic && dice.chance(0.15);
        let sev = story.severity(date);
        let latest_and_recent = n + 1 == dates.len() && (story.today - date).whole_days() <= 30;
        let suicidal = (story.traits.unassessed_concern && latest_and_recent)
            || dice.chance((sev - 0.5).max(0.0) * 0.5);
        let self_harm = dice.chance((sev - 0.65).max(0.0) * 0.3);
        if suicidal || self_harm {
            concerns.push((date, self_harm));
        }
        let note = if n == 0 {
            "New patient registration and health check."
        } else if let Some(first) = complaints.first() {
            dice.text(somatic_notes(*first))
        } else {
            dice.text(VISIT_NOTES)
        };
        sink.push(EntryBody::Encounter(Encounter {
            date,
            interpreter: interpreter_use(story, dice),
            somatic_complaints: complaints,
            physical_cause_found: physical,
            suicidal_thoughts_noted: suicidal,
            self_harm_noted: self_harm,
            note: note.to_owned(),
        }));
    }
    concerns
}

fn interpreter_use(story: &Story, dice: &mut Dice) -> InterpreterUse {
    use InterpreterUse::*;
    match story.interpreter {
        Some(true) => *dice.weighted(&[
            (50, ProfessionalTelephone),
            (10, ProfessionalVideo),
            (25, ProfessionalInPerson),
            (8, FamilyOrFriend),
            (7, NoInterpreter),
        ]),
        Some(false) => NotNeeded,
        None => *dice.weighted(&[
            (40, NotNeeded),
            (30, ProfessionalTelephone),
            (15, FamilyOrFriend),
            (15, NoInterpreter),
        ]),
    }
}

/// Planned contacts: many attended visits were booked ahead; some bookings were missed or
/// cancelled; most people have something booked in the coming weeks.
pub(crate) fn planned(
    story: &Story,
    patient: &Patient,
    dates: &[Date],
    missed: Option<Date>,
    sink: &mut Sink,
    dice: &mut Dice,
) {
    let needs = story.interpreter_required();
    let contact = |sink: &mut Sink, date, status, booked: bool, purpose: &str| {
        let interpreter_booked = needs && booked;
        sink.push(EntryBody::PlannedContact(PlannedContact {
            date,
            status,
            interpreter_booked,
            purpose: purpose.to_owned(),
            interpreter: if interpreter_booked {
                booking(patient, date)
            } else {
                None
            },
        }));
        if status == ContactStatus::DidNotAttend {
            outreach(sink, story, date, missed == Some(date));
        }
    };
    for pair in dates.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        if dice.chance(0.45) {
            contact(
                sink,
                to,
                ContactStatus::Attended,
                dice.chance(0.9),
                dice.text(PURPOSES),
            );
        }
        let gap = (to - from).whole_days();
        if gap > 21 {
            let between = dice.days_after(from, 7, gap - 7);
            if dice.chance(0.10) {
                contact(
                    sink,
                    between,
                    ContactStatus::DidNotAttend,
                    dice.chance(0.8),
                    dice.text(PURPOSES),
                );
            } else if dice.chance(0.06) {
                contact(
                    sink,
                    between,
                    ContactStatus::Cancelled,
                    dice.chance(0.5),
                    dice.text(PURPOSES),
                );
            }
        }
    }
    if let Some(d) = missed {
        contact(
            sink,
            d,
            ContactStatus::DidNotAttend,
            dice.chance(0.8),
            "Review",
        );
        return;
    }
    let detained = story.current_status() == Some(haven_core::record::AsylumStatus::Detained);
    if detained {
        return;
    }
    let today = story.today;
    if needs && story.traits.booking_gap {
        let d = dice.days_after(today, 2, 12);
        contact(sink, d, ContactStatus::Booked, false, dice.text(PURPOSES));
    } else if dice.chance(0.6) {
        let d = dice.days_after(today, 1, 60);
        let soon = (d - today).whole_days() <= 14;
        let booked = dice.chance(if soon { 0.97 } else { 0.5 });
        contact(sink, d, ContactStatus::Booked, booked, dice.text(PURPOSES));
    }
    if dice.chance(0.25) {
        let d = dice.days_after(today, 20, 120);
        contact(
            sink,
            d,
            ContactStatus::Booked,
            dice.chance(0.4),
            dice.text(PURPOSES),
        );
    }
}

/// Turns of the calendar that decide the details below without the dice, so that every other
/// part of a person's story draws the same numbers as before bookings and outreach were kept.
fn turn(date: Date, of: i32) -> usize {
    date.to_julian_day().rem_euclid(of) as usize
}

/// The booking reception recorded for a contact with an interpreter booked; one in five was
/// booked before Haven kept the details, and has only the flag.
fn booking(patient: &Patient, date: Date) -> Option<InterpreterBooking> {
    let language = patient.main_language.clone()?;
    if turn(date, 5) == 0 {
        return None;
    }
    const MODES: [InterpreterMode; 4] = [
        InterpreterMode::Telephone,
        InterpreterMode::Telephone,
        InterpreterMode::InPerson,
        InterpreterMode::Video,
    ];
    Some(InterpreterBooking {
        mode: MODES[turn(date, 4)],
        language,
        dialect: patient.dialect.clone().unwrap_or_default(),
        gender: patient.interpreter_gender,
        booked_with: INTERPRETING[turn(date, INTERPRETING.len() as i32)].to_owned(),
        reference: format!("BK-{:05}", turn(date, 100_000)),
    })
}

/// The outreach after a missed appointment. After the latest one (the person is still to be
/// reached: rule `followup.dna-outreach`) half had one attempt that did not get through;
/// after earlier ones, most were reached, some only by a message.
fn outreach(sink: &mut Sink, story: &Story, missed: Date, still_open: bool) {
    let day = missed + Duration::days(1);
    if day > story.today {
        return;
    }
    let method = if story.interpreter_required() {
        [
            OutreachMethod::PhoneWithInterpreter,
            OutreachMethod::TextMessage,
        ][turn(missed, 2)]
    } else {
        [OutreachMethod::Phone, OutreachMethod::Letter][turn(missed, 2)]
    };
    let outcome = match (still_open, turn(missed, 3)) {
        (true, 0) => return,
        (true, _) => OutreachOutcome::NoAnswer,
        (false, 0) => OutreachOutcome::MessageLeft,
        (false, _) => OutreachOutcome::ContactMade,
    };
    sink.push(EntryBody::Outreach(Outreach {
        date: day,
        method,
        outcome,
        note: String::new(),
    }));
}

/// Interpreting services named on bookings: invented names.
const INTERPRETING: &[&str] = &[
    "Northway Interpreting",
    "City Language Services",
    "Practice bank interpreter",
];

const PURPOSES: &[&str] = &[
    "Review",
    "Mental health review",
    "Blood test results",
    "Follow-up after risk review",
    "Long appointment",
    "Nurse appointment",
];

const VISIT_NOTES: &[&str] = &[
    "Review of mood and sleep; worries about the asylum claim discussed.",
    "Follow-up; coping day to day, sleep still poor.",
    "Seen with key worker; practical problems with accommodation discussed.",
    "Review; nightmares and poor concentration continue.",
    "Brief review; feels a little more settled.",
    "Review; asked for a letter about sleep problems for the solicitor.",
];

fn somatic_notes(complaint: SomaticComplaint) -> &'static [&'static str] {
    match complaint {
        SomaticComplaint::Headache | SomaticComplaint::ChronicHeadache => &[
            "Headaches most days; examination normal.",
            "Headaches and poor sleep; blood pressure normal.",
        ],
        SomaticComplaint::BackPain | SomaticComplaint::ChronicBackPain => &[
            "Low back pain for months; no red flags on examination.",
            "Back pain, worse at night; examination unremarkable.",
        ],
        SomaticComplaint::ChronicPain => &[
            "Pain moving between shoulders, back and legs; examination unremarkable.",
            "Widespread aches; tired all the time.",
        ],
    }
}
