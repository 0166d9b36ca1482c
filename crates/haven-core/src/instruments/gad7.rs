//! GAD-7 (anxiety): seven items 0–3; 10 or more warrants further evaluation
//! (`positive-screen`).

use super::description::{
    BandRange, Bands, Codes, Description, HavenCode, Item, SHORT_LABELS, Screen, Total, no_results,
};
use super::{FREQUENCY, score_total};

pub(super) static DESCRIPTION: Description = Description {
    id: "gad7",
    name: "GAD-7",
    items: &[
        Item::new("Item 1 — nervousness", &FREQUENCY).code("gad7.item1"),
        Item::new("Item 2 — worry that cannot be controlled", &FREQUENCY).code("gad7.item2"),
        Item::new("Item 3 — worry about many different things", &FREQUENCY).code("gad7.item3"),
        Item::new("Item 4 — difficulty relaxing", &FREQUENCY).code("gad7.item4"),
        Item::new("Item 5 — restlessness", &FREQUENCY).code("gad7.item5"),
        Item::new("Item 6 — irritability", &FREQUENCY).code("gad7.item6"),
        Item::new("Item 7 — sense of dread", &FREQUENCY).code("gad7.item7"),
    ],
    total: Some(Total { label: "Total" }),
    bands: Bands::Fixed(&[
        BandRange::new(0, 4, "minimal", "Minimal"),
        BandRange::new(5, 9, "mild", "Mild"),
        BandRange::new(10, 14, "moderate", "Moderate"),
        BandRange::new(15, 21, "severe", "Severe"),
    ]),
    screen: Screen::From {
        total: 10,
        flagged: true,
    },
    codes: Codes {
        panel: Some("gad7.panel"),
        total: Some("gad7.total"),
        result: HavenCode {
            code: "gad7-total",
            display: "GAD-7 total score",
        },
    },
    licence: SHORT_LABELS,
    score: score_total,
    results: no_results,
};

#[cfg(test)]
mod tests {
    use super::super::test_support::with_total;
    use super::super::{Instrument, flag, score};

    #[test]
    fn every_band_edge_and_the_screen_flag() {
        let none: &[&str] = &[];
        let positive: &[&str] = &[flag::POSITIVE_SCREEN];
        let cases = [
            (0, "minimal", none),
            (4, "minimal", none),
            (5, "mild", none),
            (9, "mild", none),
            (10, "moderate", positive),
            (14, "moderate", positive),
            (15, "severe", positive),
            (21, "severe", positive),
        ];
        for (total, band, flags) in cases {
            let s = score(Instrument::Gad7, &with_total(Instrument::Gad7, total));
            let got = s
                .as_ref()
                .map(|s| (s.total(), s.band().map(|b| b.id), s.flags()));
            assert_eq!(got, Ok((Some(total), Some(band), flags)), "total {total}");
        }
    }
}
