//! PHQ-15 (somatic symptoms): fifteen items 0–2. Items 4 and 11 apply only to some people; the
//! form's "not applicable" is entered as 0, as published. Its bands describe somatic symptom
//! severity and say so, so that no screen reads as a graded "risk"; it is never a positive
//! screen.

use super::description::{
    BandRange, Bands, Codes, Description, HavenCode, Item, SHORT_LABELS, Scale, Screen, Total,
    no_results,
};
use super::score_total;

/// "How much have you been bothered by…" on three steps.
const BOTHERED: Scale = Scale {
    max: 2,
    words: &["not bothered", "bothered a little", "bothered a lot"],
    codes: &[],
};

pub(super) static DESCRIPTION: Description = Description {
    id: "phq15",
    name: "PHQ-15",
    items: &[
        Item::new("Item 1 — stomach pain", &BOTHERED),
        Item::new("Item 2 — back pain", &BOTHERED),
        Item::new("Item 3 — pain in arms, legs or joints", &BOTHERED),
        Item::new(
            "Item 4 — period pain or problems (0 if not applicable)",
            &BOTHERED,
        )
        .not_applicable(),
        Item::new("Item 5 — headaches", &BOTHERED),
        Item::new("Item 6 — chest pain", &BOTHERED),
        Item::new("Item 7 — dizziness", &BOTHERED),
        Item::new("Item 8 — fainting", &BOTHERED),
        Item::new("Item 9 — palpitations", &BOTHERED),
        Item::new("Item 10 — breathlessness", &BOTHERED),
        Item::new(
            "Item 11 — pain or problems during sex (0 if not applicable)",
            &BOTHERED,
        )
        .not_applicable(),
        Item::new("Item 12 — bowel problems", &BOTHERED),
        Item::new("Item 13 — nausea, wind or indigestion", &BOTHERED),
        Item::new("Item 14 — tiredness or low energy", &BOTHERED),
        Item::new("Item 15 — sleep problems", &BOTHERED),
    ],
    total: Some(Total { label: "Total" }),
    bands: Bands::Fixed(&[
        BandRange::new(0, 4, "minimal", "Minimal somatic symptom severity"),
        BandRange::new(5, 9, "low", "Low somatic symptom severity"),
        BandRange::new(10, 14, "medium", "Medium somatic symptom severity"),
        BandRange::new(15, 30, "high", "High somatic symptom severity"),
    ]),
    screen: Screen::Never,
    codes: Codes {
        panel: Some("phq15.panel"),
        total: Some("phq15.total"),
        result: HavenCode {
            code: "phq15-total",
            display: "PHQ-15 total score",
        },
    },
    licence: SHORT_LABELS,
    score: score_total,
    results: no_results,
};

#[cfg(test)]
mod tests {
    use super::super::test_support::with_total;
    use super::super::{Instrument, score};

    #[test]
    fn every_band_edge() {
        let cases = [
            (0, "minimal"),
            (4, "minimal"),
            (5, "low"),
            (9, "low"),
            (10, "medium"),
            (14, "medium"),
            (15, "high"),
            (30, "high"),
        ];
        for (total, band) in cases {
            let s = score(Instrument::Phq15, &with_total(Instrument::Phq15, total));
            let got = s
                .as_ref()
                .map(|s| (s.total(), s.band().map(|b| b.id), s.flags().len()));
            assert_eq!(got, Ok((Some(total), Some(band), 0)), "total {total}");
        }
    }
}
