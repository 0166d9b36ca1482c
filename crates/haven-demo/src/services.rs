//! Screening for blood-borne viruses (§8), referrals of every kind in every state (§4, §5,
//! §8), wellbeing advice and psychological enquiry (§3, §7), and the record's flags (§2, §9).

use haven_core::record::{
    Advice, AdviceKind, AdviceTopic, ConsentGiver, EntryBody, Flag, FlagKind, InterpreterNeed,
    LifeEventKind, Patient, Referral, ReferralStatus, ReferralType, Screening, ScreeningStatus,
    ScreeningTest, ShareConsent, ShareItem,
};
use time::{Date, Duration};

use crate::care::{Disclosed, Problems};
use crate::dice::Dice;
use crate::questionnaires::Findings;
use crate::sink::Sink;
use crate::story::Story;

#[derive(Clone, Copy)]
enum Offer {
    Nothing,
    Offered,
    Accepted,
    DeclinedRecently,
    DeclinedLongAgo,
    Result,
}

const OFFERS: &[(u32, Offer)] = &[
    (8, Offer::Nothing),
    (7, Offer::Offered),
    (6, Offer::Accepted),
    (9, Offer::DeclinedRecently),
    (6, Offer::DeclinedLongAgo),
    (64, Offer::Result),
];

/// Hepatitis B, hepatitis C and HIV: usually offered together as one blood test.
pub(crate) fn screening(story: &Story, sink: &mut Sink, dice: &mut Dice) {
    let today = story.today;
    let together = dice.chance(0.7).then(|| *dice.weighted(OFFERS));
    let offered = dice.within(story.registered, 0, 90, today);
    for test in ScreeningTest::ALL.iter().copied() {
        let offer = together.unwrap_or_else(|| *dice.weighted(OFFERS));
        let mut push = |status, date| {
            sink.push(EntryBody::Screening(Screening { test, status, date }));
        };
        let known = (today - story.registered).whole_days();
        match offer {
            Offer::Nothing => {}
            Offer::Offered => push(ScreeningStatus::Offered, offered),
            Offer::Accepted => {
                push(ScreeningStatus::Offered, offered);
                push(
                    ScreeningStatus::Accepted,
                    dice.within(offered, 0, 14, today),
                );
            }
            Offer::DeclinedLongAgo if known > 400 => {
                let date = dice.days_after(story.registered, 0, known - 366);
                push(ScreeningStatus::Declined, date);
            }
            Offer::DeclinedRecently | Offer::DeclinedLongAgo => {
                let date = today - Duration::days(dice.int(0, known.min(364)));
                push(ScreeningStatus::Declined, date);
            }
            Offer::Result => {
                let high = story.origin.high_hiv;
                let positive = match test {
                    ScreeningTest::HepatitisB => {
                        if high {
                            0.06
                        } else {
                            0.035
                        }
                    }
                    ScreeningTest::HepatitisC => 0.012,
                    ScreeningTest::Hiv => {
                        if high {
                            0.04
                        } else {
                            0.004
                        }
                    }
                };
                push(ScreeningStatus::Offered, offered);
                let status = if dice.chance(positive) {
                    ScreeningStatus::ResultPositive
                } else {
                    ScreeningStatus::ResultNegative
                };
                push(status, dice.within(offered, 7, 28, today));
            }
        }
    }
}

/// Referrals: to a refugee support organisation for most, psychological therapy for most
/// people who screen positive, social prescribing for isolation, sexual health after rape, and
/// now and then legal advice (another service).
pub(crate) fn referrals(
    story: &Story,
    patient: &mut Patient,
    found: &Findings,
    problems: &Problems,
    disclosed: &Disclosed,
    sink: &mut Sink,
    dice: &mut Dice,
) {
    let today = story.today;
    let need = interpreter_need(patient);
    let refer = |sink: &mut Sink, dice: &mut Dice, kind, after: Date, lo, hi| {
        let date = dice.within(after, lo, hi, today);
        let status = status_on(date, today, dice);
        let organisation = organisation(kind, story, dice);
        let mut referral = trail(Referral::new(kind, status, date), today, dice);
        referral.organisation = organisation.to_owned();
        referral.note = dice.text(REFERRAL_NOTES).to_owned();
        if referral.consent.is_some() {
            referral.interpreter = need.clone();
        }
        sink.push(EntryBody::Referral(referral));
        (status, organisation)
    };
    if !story.traits.no_support_org {
        let (status, org) = refer(
            sink,
            dice,
            ReferralType::RefugeeSupport,
            story.registered,
            0,
            90,
        );
        if matches!(
            status,
            ReferralStatus::Sent
                | ReferralStatus::Accepted
                | ReferralStatus::Seen
                | ReferralStatus::Completed
        ) {
            patient.support_contacts = Some(format!("{org}: caseworker, weekly drop-in"));
        }
    }
    let psych_trigger = match (found.first_positive, problems.mental_health) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(t) = psych_trigger.filter(|_| dice.chance(0.65)) {
        let kind = psych_kind(story, dice);
        refer(sink, dice, kind, t, 0, 60);
        if dice.chance(0.2) {
            let second = psych_kind(story, dice);
            refer(sink, dice, second, t, 60, 300);
        }
    } else if dice.chance(0.05) {
        refer(
            sink,
            dice,
            ReferralType::TalkingTherapies,
            story.registered,
            30,
            500,
        );
    }
    // Social prescribing answers isolation and a recent separation from support (§4).
    let separated = story
        .events_before(today, 90)
        .find(|e| e.kind == LifeEventKind::SeparatedFromSupport)
        .map(|e| e.date);
    match problems.isolation.max(separated) {
        Some(d) if dice.chance(0.6) => {
            refer(sink, dice, ReferralType::SocialPrescribing, d, 0, 30);
        }
        None if dice.chance(0.12) => {
            refer(
                sink,
                dice,
                ReferralType::SocialPrescribing,
                story.registered,
                0,
                400,
            );
        }
        _ => {}
    }
    match disclosed.sexual_violence {
        Some(d) if dice.chance(0.65) => {
            refer(sink, dice, ReferralType::SexualHealth, d, 0, 30);
        }
        None if dice.chance(0.02) => {
            refer(
                sink,
                dice,
                ReferralType::SexualHealth,
                story.registered,
                0,
                200,
            );
        }
        _ => {}
    }
    if dice.chance(0.08) {
        refer(sink, dice, ReferralType::Other, story.registered, 0, 400);
    }
}

/// The interpreter a referral asks for: the person's own need, when they have one.
fn interpreter_need(patient: &Patient) -> Option<InterpreterNeed> {
    let language = patient.main_language.clone()?;
    (patient.interpreter_required == Some(true)).then(|| InterpreterNeed {
        language,
        dialect: patient.dialect.clone().unwrap_or_default(),
        gender: patient.interpreter_gender,
    })
}

/// The steps a referral made in Haven takes to reach `r.status`: drafted, sent with the
/// person's consent, then the service's answer. Completed, declined and not-taken-up referrals
/// stay single steps, as referrals were recorded before Haven tracked the answer.
fn trail(r: Referral, today: Date, dice: &mut Dice) -> Referral {
    use ReferralStatus::*;
    if !matches!(r.status, Sent | Accepted | Seen | ServiceDeclined) {
        return r;
    }
    let drafted = Referral::new(r.kind, Drafted, r.date);
    let sent_on = dice.within(r.date, 0, 7, today);
    let mut sent = drafted.moved_to(Sent, sent_on);
    sent.consent = Some(ShareConsent {
        given_by: ConsentGiver::Person,
        name: String::new(),
        date: r.date,
        shares: vec![ShareItem::ContactDetails, ShareItem::RelevantHistory],
        limits: String::new(),
    });
    match r.status {
        Accepted => sent.moved_to(Accepted, dice.within(sent_on, 7, 30, today)),
        Seen => {
            let accepted = dice.within(sent_on, 7, 30, today);
            sent.moved_to(Accepted, accepted)
                .moved_to(Seen, dice.within(accepted, 7, 60, today))
        }
        ServiceDeclined => sent.moved_to(ServiceDeclined, dice.within(sent_on, 7, 30, today)),
        _ => sent,
    }
}

/// A referral's state follows its age: answered, completed and not-taken-up ones are older,
/// and drafts are recent.
fn status_on(date: Date, today: Date, dice: &mut Dice) -> ReferralStatus {
    use ReferralStatus::*;
    let age = (today - date).whole_days();
    let status = *dice.weighted(&[
        (24, Sent),
        (10, Accepted),
        (8, Seen),
        (20, Completed),
        (12, Declined),
        (4, ServiceDeclined),
        (20, NotTakenUp),
        (5, Drafted),
    ]);
    match status {
        Completed | Seen if age < 90 => Sent,
        NotTakenUp | Accepted | ServiceDeclined if age < 30 => Sent,
        Drafted if age > 60 => Sent,
        s => s,
    }
}

fn psych_kind(story: &Story, dice: &mut Dice) -> ReferralType {
    *dice.weighted(&[
        (40, ReferralType::TalkingTherapies),
        (30, ReferralType::PsychologicalTherapy),
        (
            if story.abuse.is_empty() { 5 } else { 30 },
            ReferralType::SpecialistTrauma,
        ),
    ])
}

fn organisation(kind: ReferralType, story: &Story, dice: &mut Dice) -> &'static str {
    use haven_core::record::AbuseKind;
    match kind {
        ReferralType::SpecialistTrauma if story.had_abuse(AbuseKind::Torture) => {
            "Freedom from Torture"
        }
        ReferralType::SpecialistTrauma
            if story.had_abuse(AbuseKind::Trafficking)
                || story.had_abuse(AbuseKind::ModernSlavery) =>
        {
            "Helen Bamber Foundation"
        }
        ReferralType::SpecialistTrauma => "Specialist traumatic stress service",
        ReferralType::PsychologicalTherapy => "Primary care psychology service",
        ReferralType::TalkingTherapies => "NHS Talking Therapies",
        ReferralType::SocialPrescribing => "Practice social prescribing link worker",
        ReferralType::SexualHealth => "Sexual health clinic",
        ReferralType::Other => "Immigration legal advice service",
        ReferralType::RefugeeSupport => dice.text(&[
            "Refugee Council",
            "British Red Cross refugee support",
            "City of Sanctuary drop-in",
            "Local refugee and asylum seeker centre",
        ]),
    }
}

const REFERRAL_NOTES: &[&str] = &[
    "",
    "Referred with consent; interpreter requested for appointments.",
    "Letter sent; patient given the service's leaflet in their language.",
    "Discussed what the service offers; keen to go.",
];

/// Wellbeing advice at some consultations (none for people with trait `no_advice`) and
/// psychological enquiry when pain keeps bringing someone back (§7).
pub(crate) fn advice(story: &Story, visits: &[Date], sink: &mut Sink, dice: &mut Dice) {
    let recent_window = story.today - Duration::days(200);
    for (n, &date) in visits.iter().enumerate() {
        let odds = if n == 0 { 0.75 } else { 0.2 };
        if !story.traits.no_advice && dice.chance(odds) {
            let mut topics = Vec::with_capacity(3);
            for _ in 0..dice.int(1, 3) {
                let t = *dice.pick(AdviceTopic::ALL);
                if !topics.contains(&t) {
                    topics.push(t);
                }
            }
            sink.push(EntryBody::Advice(Advice {
                kind: AdviceKind::Wellbeing,
                date,
                topics,
                note: if dice.chance(0.3) {
                    "Leaflet in the patient's language given.".to_owned()
                } else {
                    String::new()
                },
            }));
        }
        let enquiry_odds = if story.traits.somatic { 0.2 } else { 0.05 };
        let silent = story.traits.somatic_unexplored && date >= recent_window;
        if !silent && n > 0 && dice.chance(enquiry_odds) {
            sink.push(EntryBody::Advice(Advice {
                kind: AdviceKind::PsychologicalEnquiry,
                date,
                topics: Vec::new(),
                note: "Asked about mood, sleep, worries and life circumstances.".to_owned(),
            }));
        }
    }
}

/// Communication and sensitivity flags; a few records needing an interpreter lack the flag.
pub(crate) fn flags(story: &Story, disclosed: &Disclosed, sink: &mut Sink, dice: &mut Dice) {
    if story.interpreter_required() && !story.traits.flag_missing {
        sink.push(EntryBody::Flag(Flag {
            kind: FlagKind::InterpreterNeeded,
            date: story.registered,
        }));
    }
    if let Some(d) = disclosed.first.filter(|_| dice.chance(0.85)) {
        sink.push(EntryBody::Flag(Flag {
            kind: FlagKind::SensitiveHistory,
            date: d,
        }));
    }
}
