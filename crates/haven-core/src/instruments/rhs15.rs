//! RHS-15 (Refugee Health Screener): items 1–13 and 14 scored 0–4, item 15 a 0–10 distress
//! thermometer. Only the verified RHS-13 rule (items 1–13 total ≥ 11) is computed; the
//! combined 15-item rule is not verified and deliberately absent: the total is the RHS-13
//! total. Its licence forbids showing item text, so the labels are bare numbers.

use super::description::{
    BandRange, Bands, Codes, Derived, Description, HavenCode, Item, Results, Scale, Screen,
    Summary, Total,
};
use super::{Score, score_total};

const SYMPTOM: Scale = Scale::numbers(4);
const THERMOMETER: Scale = Scale::numbers(10);

/// RHS-13 ≥ 11 is a positive screen.
const POSITIVE_FROM: u8 = 11;

/// Item 14, coping (1-based, as on the form).
const COPING: usize = 14;
/// Item 15, the distress thermometer.
const DISTRESS: usize = 15;

pub(super) static DESCRIPTION: Description = Description {
    id: "rhs15",
    name: "RHS-15",
    items: &[
        Item::new("Item 1", &SYMPTOM),
        Item::new("Item 2", &SYMPTOM),
        Item::new("Item 3", &SYMPTOM),
        Item::new("Item 4", &SYMPTOM),
        Item::new("Item 5", &SYMPTOM),
        Item::new("Item 6", &SYMPTOM),
        Item::new("Item 7", &SYMPTOM),
        Item::new("Item 8", &SYMPTOM),
        Item::new("Item 9", &SYMPTOM),
        Item::new("Item 10", &SYMPTOM),
        Item::new("Item 11", &SYMPTOM),
        Item::new("Item 12", &SYMPTOM),
        Item::new("Item 13", &SYMPTOM),
        Item::new("Item 14 — coping", &SYMPTOM).outside_total(),
        Item::new("Item 15 — distress thermometer (0–10)", &THERMOMETER).outside_total(),
    ],
    total: Some(Total {
        label: "RHS-13 total",
    }),
    bands: Bands::Fixed(&[
        BandRange::new(0, 10, "negative", "Negative screen"),
        BandRange::new(
            11,
            52,
            "positive",
            "Positive screen (RHS-13 total 11 or more)",
        ),
    ]),
    screen: Screen::From {
        total: POSITIVE_FROM,
        flagged: true,
    },
    codes: Codes {
        panel: None,
        total: None,
        result: HavenCode {
            code: "rhs15-result",
            display: "RHS-15 result",
        },
    },
    licence: "RHS-15 is licensed: administer the official bilingual form and enter the numbers only.",
    score: score_total,
    results,
};

/// `rhs13_total` and `positive` (the verified rule, also exported to FHIR), and items 14 and 15
/// by name.
fn results(score: &Score) -> Results {
    let (Some(total), Some(coping), Some(distress)) =
        (score.total(), score.item(COPING), score.item(DISTRESS))
    else {
        return Results::default();
    };
    let positive = score.is_positive_screen();
    let max = DESCRIPTION.total_max().unwrap_or(0);
    Results {
        values: vec![
            Derived::number("rhs13_total", total),
            Derived::yes_no("positive", positive).coded("rhs13-positive", "RHS-13 positive screen"),
            Derived::number("coping", coping),
            Derived::number("distress_thermometer", distress),
        ],
        sentences: vec![format!(
            "Coping (item {COPING}): {coping}; distress thermometer (item {DISTRESS}): {distress} of {}",
            THERMOMETER.max
        )],
        summary: Summary {
            result: Some(format!(
                "{} screen (RHS-13 total {total}/{max}; positive at {POSITIVE_FROM} or more)",
                if positive { "positive" } else { "negative" }
            )),
            lines: vec![format!(
                "Coping {coping}/{}, distress thermometer {distress}/{}",
                SYMPTOM.max, THERMOMETER.max
            )],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_total;
    use super::super::{Derived, Instrument, flag, score};

    /// The RHS-13 total, the screen, coping and the thermometer, as the score and its derived
    /// results report them.
    fn check(answers: &[u8], expect: (u8, bool, u8, u8)) {
        let s = score(Instrument::Rhs15, answers).expect("valid answers");
        let (total, positive, coping, distress) = expect;
        assert_eq!(
            s.results().values,
            [
                Derived::number("rhs13_total", total),
                Derived::yes_no("positive", positive)
                    .coded("rhs13-positive", "RHS-13 positive screen"),
                Derived::number("coping", coping),
                Derived::number("distress_thermometer", distress),
            ],
            "{answers:?}"
        );
        let band = if positive { "positive" } else { "negative" };
        assert_eq!(
            (
                s.total(),
                s.band().map(|b| b.id),
                s.has_flag(flag::POSITIVE_SCREEN),
                s.is_positive_screen()
            ),
            (Some(total), Some(band), positive, positive)
        );
    }

    #[test]
    fn rhs13_rule_at_its_edge() {
        check(&with_total(Instrument::Rhs15, 0), (0, false, 0, 0));
        check(&with_total(Instrument::Rhs15, 10), (10, false, 0, 0));
        check(&with_total(Instrument::Rhs15, 11), (11, true, 0, 0));
        check(&with_total(Instrument::Rhs15, 52), (52, true, 0, 0));
    }

    #[test]
    fn coping_and_thermometer_do_not_count() {
        // Items 14 and 15 at their maximum cannot make a screen positive.
        let mut answers = with_total(Instrument::Rhs15, 10);
        answers[13] = 4;
        answers[14] = 10;
        check(&answers, (10, false, 4, 10));
        let mut answers = [0u8; 15];
        answers[12] = 4;
        answers[0] = 4;
        answers[6] = 3;
        answers[14] = 7;
        check(&answers, (11, true, 0, 7));
    }
}
