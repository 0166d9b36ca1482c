//! PHQ-9 (depression): nine items 0–3, an optional difficulty question outside the total, and
//! item 9, which calls for a risk review whatever the total. PHQ-9 ≥ 10 is a positive screen
//! for `psych.consider-referral`; the score carries no flag for it (the facts list only
//! `item9-positive`).

use super::description::{
    BandRange, Bands, Codes, Derived, Description, HavenCode, Item, Results, SHORT_LABELS, Scale,
    Screen, Summary, Total,
};
use super::{FREQUENCY, Score, flag, score_total};

/// How much the problems make daily life difficult (the optional tenth answer).
const DIFFICULTY: Scale = Scale {
    max: 3,
    words: &[
        "not difficult",
        "somewhat difficult",
        "very difficult",
        "extremely difficult",
    ],
    codes: &[],
};

pub(super) static DESCRIPTION: Description = Description {
    id: "phq9",
    name: "PHQ-9",
    items: &[
        Item::new("Item 1 — loss of interest or enjoyment", &FREQUENCY).code("phq9.item1"),
        Item::new("Item 2 — low mood or hopelessness", &FREQUENCY).code("phq9.item2"),
        Item::new("Item 3 — sleep problems", &FREQUENCY).code("phq9.item3"),
        Item::new("Item 4 — tiredness or low energy", &FREQUENCY).code("phq9.item4"),
        Item::new("Item 5 — appetite change", &FREQUENCY).code("phq9.item5"),
        Item::new("Item 6 — feeling bad about oneself", &FREQUENCY).code("phq9.item6"),
        Item::new("Item 7 — trouble concentrating", &FREQUENCY).code("phq9.item7"),
        Item::new("Item 8 — slowed down or restless", &FREQUENCY).code("phq9.item8"),
        Item::new("Item 9 — thoughts of death or self-harm", &FREQUENCY)
            .code("phq9.item9")
            .flag(flag::ITEM9_POSITIVE),
        Item::new(
            "Difficulty — effect on daily life (optional, not scored)",
            &DIFFICULTY,
        )
        .outside_total()
        .optional()
        .code("phq9.difficulty"),
    ],
    total: Some(Total { label: "Total" }),
    bands: Bands::Fixed(&[
        BandRange::new(0, 4, "none-minimal", "None or minimal"),
        BandRange::new(5, 9, "mild", "Mild"),
        BandRange::new(10, 14, "moderate", "Moderate"),
        BandRange::new(15, 19, "moderately-severe", "Moderately severe"),
        BandRange::new(20, 27, "severe", "Severe"),
    ]),
    screen: Screen::From {
        total: 10,
        flagged: false,
    },
    codes: Codes {
        panel: Some("phq9.panel"),
        total: Some("phq9.total"),
        result: HavenCode {
            code: "phq9-total",
            display: "PHQ-9 total score",
        },
    },
    licence: SHORT_LABELS,
    score: score_total,
    results,
};

/// The difficulty answer, where it was given (it is reported as `difficulty`, never totalled).
fn results(score: &Score) -> Results {
    let Some(difficulty) = score.item(10) else {
        return Results::default();
    };
    Results {
        values: vec![Derived::number("difficulty", difficulty)],
        sentences: vec![format!(
            "Difficulty in daily life: {}",
            DIFFICULTY.words_for(difficulty)
        )],
        summary: Summary {
            result: None,
            lines: vec![format!(
                "Difficulty (not scored): {difficulty}/{}",
                DIFFICULTY.max
            )],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_total;
    use super::super::{Derived, Instrument, flag, score};

    #[test]
    fn every_band_edge() {
        let cases = [
            (0, "none-minimal"),
            (4, "none-minimal"),
            (5, "mild"),
            (9, "mild"),
            (10, "moderate"),
            (14, "moderate"),
            (15, "moderately-severe"),
            (19, "moderately-severe"),
            (20, "severe"),
            (27, "severe"),
        ];
        for (total, band) in cases {
            let s = score(Instrument::Phq9, &with_total(Instrument::Phq9, total));
            assert_eq!(
                s.map(|s| (s.total(), s.band().map(|b| b.id))),
                Ok((Some(total), Some(band)))
            );
        }
    }

    #[test]
    fn item9_flag_whatever_the_total() {
        let cases: [(&[u8], u8, &[&str]); 4] = [
            (&[0, 0, 0, 0, 0, 0, 0, 0, 0], 0, &[]),
            (&[0, 0, 0, 0, 0, 0, 0, 0, 1], 1, &[flag::ITEM9_POSITIVE]),
            (&[3, 3, 3, 3, 3, 3, 3, 3, 0], 24, &[]),
            (&[2, 2, 2, 2, 0, 0, 0, 0, 3], 11, &[flag::ITEM9_POSITIVE]),
        ];
        for (answers, total, flags) in cases {
            let s = score(Instrument::Phq9, answers);
            assert_eq!(s.as_ref().map(|s| s.total()), Ok(Some(total)));
            assert_eq!(s.as_ref().map(|s| s.flags()), Ok(flags), "{answers:?}");
        }
    }

    #[test]
    fn difficulty_is_reported_and_not_totalled() {
        let s = score(Instrument::Phq9, &[1, 1, 1, 1, 1, 1, 1, 1, 2, 3]).expect("valid");
        assert_eq!(
            (s.total(), s.item(9), s.item(10)),
            (Some(10), Some(2), Some(3))
        );
        let results = s.results();
        assert_eq!(results.values, [Derived::number("difficulty", 3)]);
        assert_eq!(
            results.sentences,
            ["Difficulty in daily life: extremely difficult"]
        );
        assert_eq!(results.summary.lines, ["Difficulty (not scored): 3/3"]);
        let s = score(Instrument::Phq9, &[0; 9]).expect("valid");
        assert_eq!((s.item(10), s.results()), (None, Default::default()));
    }
}
