//! The asylum journey and the negative life events around it: claim, decision, refusal,
//! appeal, grant, removal and detention, each dated, with the events that follow from them
//! (a refusal on the day of refusal, eviction after a grant's move-on period…) and the
//! unrelated blows of exile (bad news from home, relocation, loss of hope).

use haven_core::record::{
    Accommodation, AsylumSituation, AsylumStatus, EntryBody, LifeEvent, LifeEventKind, Patient,
};
use time::{Date, Duration};

use crate::dice::Dice;
use crate::sink::Sink;
use crate::story::{Event, Story};

/// Writes the asylum history and the life events into the story.
pub(crate) fn journey(story: &mut Story, dice: &mut Dice) {
    history(story, dice);
    background_events(story, dice);
    if story.traits.relapse_recent {
        let date = story.today - Duration::days(dice.int(8, 25));
        let kind = *dice.pick(&[
            LifeEventKind::BadNewsFromHome,
            LifeEventKind::LossOfHope,
            LifeEventKind::SeparatedFromSupport,
        ]);
        story.events.push(Event {
            kind,
            date: date.max(story.registered),
            review: None,
        });
    }
    story.events.sort_by_key(|e| e.date);
    story.events.dedup_by_key(|e| (e.date, e.kind));
}

fn history(story: &mut Story, dice: &mut Dice) {
    let today = story.today;
    let claim = (story.registered - Duration::days(dice.int(0, 240))).max(story.born);
    let mut s = Steps { story, today };
    s.push(AsylumStatus::ClaimLodged, claim);
    if dice.chance(0.6)
        && !s.push(
            AsylumStatus::AwaitingDecision,
            dice.days_after(claim, 20, 90),
        )
    {
        return;
    }
    let decision = dice.days_after(claim, 150, 800);
    let grant_rate = s.story.origin.grant_rate;
    if dice.chance(grant_rate) {
        grant(&mut s, decision, dice);
        return;
    }
    if !s.push(AsylumStatus::Refused, decision) {
        return;
    }
    s.event(LifeEventKind::AsylumRefused, decision);
    if dice.chance(0.75) {
        let appeal = dice.days_after(decision, 10, 40);
        if !s.push(AsylumStatus::Appeal, appeal) {
            return;
        }
        let outcome = dice.days_after(appeal, 150, 450);
        if outcome > today {
            return;
        }
        if dice.chance(0.4) {
            grant(&mut s, outcome, dice);
            return;
        }
        s.event(LifeEventKind::AppealDismissed, outcome);
        s.push(AsylumStatus::Refused, outcome);
        after_refusal(&mut s, outcome, 0.5, dice);
    } else {
        after_refusal(&mut s, decision, 0.4, dice);
    }
}

/// Appeal rights exhausted: removal (sometimes detention), or destitution.
fn after_refusal(s: &mut Steps, refused: Date, removal_share: f64, dice: &mut Dice) {
    if dice.chance(removal_share) {
        let notice = dice.days_after(refused, 30, 200);
        if !s.push(AsylumStatus::FacingRemoval, notice) {
            return;
        }
        s.event(LifeEventKind::FacingReturn, notice);
        if dice.chance(0.3) {
            let detained = dice.days_after(notice, 7, 90);
            if !s.push(AsylumStatus::Detained, detained) {
                return;
            }
            s.event(LifeEventKind::FacingReturn, detained);
            // Most people detained are released; many then lodge further submissions.
            if dice.chance(0.7) {
                s.push(
                    AsylumStatus::AwaitingDecision,
                    dice.days_after(detained, 14, 60),
                );
            }
        }
    } else if dice.chance(0.5) {
        // Asylum support ends after a refusal.
        s.event(
            LifeEventKind::EvictionOrDestitution,
            dice.days_after(refused, 21, 60),
        );
    }
}

fn grant(s: &mut Steps, date: Date, dice: &mut Dice) {
    let status = *dice.weighted(&[
        (80, AsylumStatus::GrantedRefugee),
        (15, AsylumStatus::GrantedHumanitarian),
        (5, AsylumStatus::GrantedOther),
    ]);
    if s.push(status, date) {
        s.story.granted = Some(date);
        // The 28-day move-on period often ends in homelessness.
        if dice.chance(0.3) {
            s.event(
                LifeEventKind::EvictionOrDestitution,
                dice.days_after(date, 28, 56),
            );
        }
    }
}

/// Appends history up to today; `push` says whether the step happened (is not in the future).
struct Steps<'a> {
    story: &'a mut Story,
    today: Date,
}

impl Steps<'_> {
    fn push(&mut self, status: AsylumStatus, date: Date) -> bool {
        if date > self.today {
            return false;
        }
        self.story.asylum.push((status, date));
        true
    }

    /// The practice logs events it hears about while the person is registered with it.
    fn event(&mut self, kind: LifeEventKind, date: Date) {
        if date <= self.today && date >= self.story.registered {
            self.story.events.push(Event {
                kind,
                date,
                review: None,
            });
        }
    }
}

/// Events unrelated to the claim, as a Poisson process over the time registered.
fn background_events(story: &mut Story, dice: &mut Dice) {
    let refused = story
        .asylum
        .iter()
        .any(|(s, _)| *s == AsylumStatus::Refused);
    let rates = [
        (LifeEventKind::BadNewsFromHome, 0.35),
        (LifeEventKind::SeparatedFromSupport, 0.22),
        (LifeEventKind::LossOfHope, if refused { 0.35 } else { 0.12 }),
        (LifeEventKind::EvictionOrDestitution, 0.07),
        (LifeEventKind::OtherNegative, 0.06),
    ];
    for (kind, per_year) in rates {
        let mut date = story.registered + Duration::days(dice.gap_days(per_year));
        while date <= story.today {
            story.events.push(Event {
                kind,
                date,
                review: None,
            });
            date += Duration::days(dice.gap_days(per_year).max(30));
        }
    }
}

/// Writes the asylum history and the life events as entries. Records migrated from another
/// system sometimes lack the asylum seeker / refugee code (trait `asylum_uncoded`).
pub(crate) fn record(story: &Story, sink: &mut Sink, dice: &mut Dice) {
    let coded = !story.traits.asylum_uncoded;
    for &(status, since) in &story.asylum {
        let note = match status {
            AsylumStatus::ClaimLodged => "Claim made on arrival; screening interview done.",
            AsylumStatus::Refused => "Refusal letter brought to the appointment.",
            AsylumStatus::Appeal => "Appeal lodged with the help of a solicitor.",
            AsylumStatus::Detained => "Detained at a reporting event.",
            _ => "",
        };
        sink.push(EntryBody::Asylum(AsylumSituation {
            status,
            since,
            coded,
            note: note.to_owned(),
        }));
    }
    for e in &story.events {
        sink.push(EntryBody::LifeEvent(LifeEvent {
            kind: e.kind,
            date: e.date,
            note: dice.text(event_notes(e.kind)).to_owned(),
        }));
    }
}

fn event_notes(kind: LifeEventKind) -> &'static [&'static str] {
    match kind {
        LifeEventKind::AsylumRefused => &[
            "Home Office refused the claim.",
            "Refusal letter received; very distressed.",
        ],
        LifeEventKind::AppealDismissed => &[
            "Tribunal dismissed the appeal.",
            "Appeal dismissed; no further appeal rights.",
        ],
        LifeEventKind::BadNewsFromHome => &[
            "Brother detained by the authorities at home.",
            "Father died; unable to attend the funeral.",
            "Family home destroyed in fighting.",
            "No news from family for weeks.",
        ],
        LifeEventKind::SeparatedFromSupport => &[
            "Moved from the hotel to another city at short notice.",
            "Close friend dispersed to another region.",
            "Housemate and friend detained at reporting.",
        ],
        LifeEventKind::FacingReturn => &[
            "Removal directions served.",
            "Reporting changed to weekly; fears detention.",
        ],
        LifeEventKind::LossOfHope => &[
            "Says there is no point any more.",
            "Feels the waiting will never end.",
        ],
        LifeEventKind::EvictionOrDestitution => &[
            "Asylum support stopped; sleeping at friends' homes.",
            "Evicted at the end of the move-on period.",
        ],
        LifeEventKind::OtherNegative => {
            &["Assaulted in the street.", "Phone and documents stolen."]
        }
    }
}

/// Accommodation and address as they are now, following the asylum situation.
pub(crate) fn housing(p: &mut Patient, story: &Story, dice: &mut Dice) {
    use Accommodation::*;
    let adult = (story.today - story.born).whole_days() >= 18 * 365;
    let status = story.current_status();
    let recent = (story.today - story.registered).whole_days() < 120;
    let place = match status {
        _ if !adult => *dice.weighted(&[(85, Other), (15, WithFriendsOrFamily)]),
        Some(AsylumStatus::Detained) => DetentionCentre,
        Some(s) if s.is_granted() => *dice.weighted(&[
            (35, PrivateRented),
            (25, SocialHousing),
            (15, WithFriendsOrFamily),
            (12, Hotel),
            (8, NightShelter),
            (5, Homeless),
        ]),
        Some(AsylumStatus::Refused) | Some(AsylumStatus::FacingRemoval) => *dice.weighted(&[
            (30, DispersalAccommodation),
            (35, WithFriendsOrFamily),
            (20, NightShelter),
            (15, Homeless),
        ]),
        _ if recent => *dice.weighted(&[(45, InitialAccommodation), (45, Hotel), (10, Other)]),
        _ => *dice.weighted(&[
            (55, DispersalAccommodation),
            (30, Hotel),
            (10, WithFriendsOrFamily),
            (5, Other),
        ]),
    };
    if dice.chance(0.05) {
        return;
    }
    p.accommodation = Some(place);
    if matches!(place, NightShelter | Homeless | DetentionCentre) || dice.chance(0.3) {
        return;
    }
    let town = dice.text(TOWNS);
    p.address = Some(match place {
        Hotel | InitialAccommodation => {
            format!("Room {}, {}, {town}", dice.int(101, 420), dice.text(HOTELS))
        }
        _ => format!("{} {}, {town}", dice.int(1, 180), dice.text(STREETS)),
    });
}

const TOWNS: &[&str] = &[
    "Birmingham",
    "Liverpool",
    "Manchester",
    "Leeds",
    "Sheffield",
    "Bradford",
    "Middlesbrough",
    "Stoke-on-Trent",
    "Coventry",
    "Leicester",
    "Nottingham",
    "Newcastle upon Tyne",
    "Bristol",
    "Plymouth",
    "Peterborough",
    "Wolverhampton",
];
const STREETS: &[&str] = &[
    "Station Road",
    "Church Street",
    "Victoria Road",
    "Park Avenue",
    "Mill Lane",
    "High Street",
    "Albert Road",
    "Queen Street",
    "North Road",
    "Springfield Road",
    "Grove Terrace",
];
const HOTELS: &[&str] = &[
    "Parkside Hotel",
    "Riverside Lodge",
    "Station Hotel",
    "The Grange Hotel",
    "Airport Inn",
];
