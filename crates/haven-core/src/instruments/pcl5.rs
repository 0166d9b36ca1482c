//! PCL-5 (PTSD symptoms, DSM-5): twenty items 0–4, cluster sums, the provisional DSM-5
//! symptom pattern, and a configurable cut-point (31–33, default 33). It has no severity bands:
//! its two bands lie either side of the cut-point.

use std::ops::RangeInclusive;

use super::description::{
    BandRange, Bands, Codes, Derived, Description, HavenCode, Item, Outcome, Results, SHORT_LABELS,
    Screen, Summary, Total,
};
use super::{Detail, INTENSITY, Score, ScoringOptions, endorsed, score_total, sum};

/// The cut-points the published guidance allows; Haven uses 33 unless configured.
pub const PCL5_CUTOFF_RANGE: RangeInclusive<u8> = 31..=33;
pub const PCL5_DEFAULT_CUTOFF: u8 = 33;

const BELOW: &str = "below-cutoff";
const ABOVE: &str = "above-cutoff";
const BELOW_WORDS: &str = "Below the cut-point";
const ABOVE_WORDS: &str = "At or above the cut-point (provisional PTSD)";

// One static table per allowed cut-point, so `bands` can hand out `&'static` data.
const BANDS_31: &[BandRange] = &[
    BandRange::new(0, 30, BELOW, BELOW_WORDS),
    BandRange::new(31, 80, ABOVE, ABOVE_WORDS),
];
const BANDS_32: &[BandRange] = &[
    BandRange::new(0, 31, BELOW, BELOW_WORDS),
    BandRange::new(32, 80, ABOVE, ABOVE_WORDS),
];
const BANDS_33: &[BandRange] = &[
    BandRange::new(0, 32, BELOW, BELOW_WORDS),
    BandRange::new(33, 80, ABOVE, ABOVE_WORDS),
];

/// Item index ranges (0-based) of the DSM-5 clusters: B 1–5, C 6–7, D 8–14, E 15–20.
const B: RangeInclusive<usize> = 0..=4;
const C: RangeInclusive<usize> = 5..=6;
const D: RangeInclusive<usize> = 7..=13;
const E: RangeInclusive<usize> = 14..=19;

pub(super) static DESCRIPTION: Description = Description {
    id: "pcl5",
    name: "PCL-5",
    items: &[
        Item::new("Item 1 — intrusive memories", &INTENSITY),
        Item::new("Item 2 — nightmares", &INTENSITY),
        Item::new("Item 3 — flashbacks", &INTENSITY),
        Item::new("Item 4 — upset by reminders", &INTENSITY),
        Item::new("Item 5 — bodily reactions to reminders", &INTENSITY),
        Item::new(
            "Item 6 — avoiding memories, thoughts or feelings",
            &INTENSITY,
        ),
        Item::new("Item 7 — avoiding people, places or situations", &INTENSITY),
        Item::new("Item 8 — gaps in memory of the event", &INTENSITY),
        Item::new(
            "Item 9 — negative beliefs about self, others or the world",
            &INTENSITY,
        ),
        Item::new("Item 10 — blame for the event", &INTENSITY),
        Item::new("Item 11 — persistent negative emotions", &INTENSITY),
        Item::new("Item 12 — loss of interest", &INTENSITY),
        Item::new("Item 13 — feeling cut off from others", &INTENSITY),
        Item::new("Item 14 — unable to feel positive emotions", &INTENSITY),
        Item::new("Item 15 — irritability or anger", &INTENSITY),
        Item::new(
            "Item 16 — risk-taking or self-destructive behaviour",
            &INTENSITY,
        ),
        Item::new("Item 17 — on guard", &INTENSITY),
        Item::new("Item 18 — easily startled", &INTENSITY),
        Item::new("Item 19 — trouble concentrating", &INTENSITY),
        Item::new("Item 20 — sleep problems", &INTENSITY),
    ],
    total: Some(Total { label: "Total" }),
    bands: Bands::AtCutPoint(bands),
    screen: Screen::CutPoint,
    codes: Codes {
        panel: Some("pcl5.panel"),
        total: Some("pcl5.total"),
        result: HavenCode {
            code: "pcl5-total",
            display: "PCL-5 total score",
        },
    },
    licence: SHORT_LABELS,
    score,
    results,
};

/// Sums of the four DSM-5 symptom clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pcl5Clusters {
    /// Intrusion, items 1–5 (0–20).
    pub b: u8,
    /// Avoidance, items 6–7 (0–8).
    pub c: u8,
    /// Negative alterations in cognition and mood, items 8–14 (0–28).
    pub d: u8,
    /// Alterations in arousal and reactivity, items 15–20 (0–24).
    pub e: u8,
}

/// PCL-5 specifics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pcl5Detail {
    pub clusters: Pcl5Clusters,
    /// Provisional PTSD by DSM-5 pattern: items endorsed (≥ 2) in at least 1 B, 1 C, 2 D, 2 E.
    pub dsm5_pattern: bool,
    /// The cut-point this score was judged against.
    pub cutoff: u8,
}

fn bands(cutoff: u8) -> &'static [BandRange] {
    match cutoff {
        31 => BANDS_31,
        32 => BANDS_32,
        // `score_with` rejects other cut-points, so only the default remains.
        _ => BANDS_33,
    }
}

/// Answers already checked by `answers::check`, against a checked cut-point: the total, its
/// band and flag as every total is, then the clusters and the DSM-5 pattern.
fn score(description: &'static Description, answers: &[u8], options: &ScoringOptions) -> Outcome {
    let cluster = |r: RangeInclusive<usize>| answers.get(r).unwrap_or(&[]);
    let endorsed_in =
        |r: RangeInclusive<usize>| cluster(r).iter().filter(|&&a| endorsed(a)).count();
    let clusters = Pcl5Clusters {
        b: sum(cluster(B)),
        c: sum(cluster(C)),
        d: sum(cluster(D)),
        e: sum(cluster(E)),
    };
    let dsm5_pattern =
        endorsed_in(B) >= 1 && endorsed_in(C) >= 1 && endorsed_in(D) >= 2 && endorsed_in(E) >= 2;
    Outcome {
        detail: Detail::Pcl5(Pcl5Detail {
            clusters,
            dsm5_pattern,
            cutoff: options.pcl5_cutoff,
        }),
        ..score_total(description, answers, options)
    }
}

/// The clusters, the pattern and the cut-point it was judged against; the pattern is also
/// exported to FHIR.
fn results(score: &Score) -> Results {
    let Some(Detail::Pcl5(d)) = score.detail() else {
        return Results::default();
    };
    let c = d.clusters;
    let pattern = if d.dsm5_pattern { "met" } else { "not met" };
    Results {
        values: vec![
            Derived::number("clusters.b", c.b),
            Derived::number("clusters.c", c.c),
            Derived::number("clusters.d", c.d),
            Derived::number("clusters.e", c.e),
            Derived::yes_no("dsm5_pattern", d.dsm5_pattern)
                .coded("pcl5-dsm5-pattern", "PCL-5 DSM-5 symptom pattern"),
            Derived::number("cutoff", d.cutoff),
        ],
        sentences: vec![
            format!("Cluster sums: B {}, C {}, D {}, E {}", c.b, c.c, c.d, c.e),
            format!("DSM-5 symptom pattern {pattern} (cut-point {})", d.cutoff),
        ],
        summary: Summary {
            result: None,
            lines: vec![format!(
                "Clusters B {}, C {}, D {}, E {}; DSM-5 pattern {pattern}; cut-point {}",
                c.b, c.c, c.d, c.e, d.cutoff
            )],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_total;
    use super::super::{Detail, Instrument, ScoringOptions, flag, score, score_with};
    use super::*;

    fn detail(answers: &[u8]) -> Option<Pcl5Detail> {
        match score(Instrument::Pcl5, answers).map(|s| s.detail().copied()) {
            Ok(Some(Detail::Pcl5(d))) => Some(d),
            _ => None,
        }
    }

    #[test]
    fn band_and_flag_at_each_cutoff_edge() {
        let cases = [
            (33, 0, BELOW),
            (33, 32, BELOW),
            (33, 33, ABOVE),
            (33, 80, ABOVE),
            (32, 31, BELOW),
            (32, 32, ABOVE),
            (31, 30, BELOW),
            (31, 31, ABOVE),
        ];
        for (cutoff, total, band) in cases {
            let options = ScoringOptions {
                pcl5_cutoff: cutoff,
            };
            let s = score_with(
                Instrument::Pcl5,
                &with_total(Instrument::Pcl5, total),
                &options,
            );
            let positive = band == ABOVE;
            let got = s.as_ref().map(|s| {
                (
                    s.total(),
                    s.band().map(|b| b.id),
                    s.has_flag(flag::POSITIVE_SCREEN),
                )
            });
            assert_eq!(
                got,
                Ok((Some(total), Some(band), positive)),
                "{cutoff} {total}"
            );
        }
    }

    #[test]
    fn default_cutoff_is_33() {
        let s = score(Instrument::Pcl5, &with_total(Instrument::Pcl5, 32));
        assert_eq!(s.map(|s| s.band().map(|b| b.id)), Ok(Some(BELOW)));
        assert_eq!(detail(&[0; 20]).map(|d| d.cutoff), Some(33));
    }

    #[test]
    fn cluster_sums() {
        //              B: 1–5          C: 6–7  D: 8–14               E: 15–20
        let answers = [1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4];
        let clusters = Pcl5Clusters {
            b: 5,
            c: 4,
            d: 21,
            e: 24,
        };
        assert_eq!(detail(&answers).map(|d| d.clusters), Some(clusters));
        assert_eq!(
            score(Instrument::Pcl5, &answers).map(|s| s.total()),
            Ok(Some(54))
        );
    }

    #[test]
    fn dsm5_pattern() {
        // The minimum pattern: one B, one C, two D, two E at exactly 2.
        let minimum = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0];
        let cases: [(&str, [u8; 20], bool); 7] = [
            ("minimum", minimum, true),
            ("all zero", [0; 20], false),
            ("all 1: high total, nothing endorsed", [1; 20], false),
            ("no B", with(minimum, 0, 1), false),
            ("no C", with(minimum, 5, 1), false),
            ("one D", with(minimum, 8, 1), false),
            ("one E", with(minimum, 15, 1), false),
        ];
        for (name, answers, pattern) in cases {
            assert_eq!(
                detail(&answers).map(|d| d.dsm5_pattern),
                Some(pattern),
                "{name}"
            );
        }
        // The pattern is independent of the cut-point: a total of 12 can still meet it.
        let s = score(Instrument::Pcl5, &minimum);
        assert_eq!(
            s.map(|s| (s.total(), s.band().map(|b| b.id))),
            Ok((Some(12), Some(BELOW)))
        );
    }

    fn with(mut answers: [u8; 20], index: usize, value: u8) -> [u8; 20] {
        answers[index] = value;
        answers
    }
}
