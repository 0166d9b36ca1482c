//! Output of `haven score`: the JSON fields of each instrument's score (`instrument`, `total`,
//! `band`, `flags` and its details), and a short text summary for people.

use haven_core::instruments::{Detail, Score, flag};
use serde_json::{Map, Value, json};

/// `{"instrument", "total", "band", "flags", …}` plus the instrument's own fields. `total` is
/// left out for ITQ, which has none; for RHS-15 it is the RHS-13 total (also `rhs13_total`).
/// PHQ-9's `difficulty` appears only when the optional 10th answer was given.
pub fn to_json(score: &Score) -> Value {
    let mut out = Map::new();
    out.insert("instrument".into(), json!(score.instrument().id()));
    if let Some(total) = score.total() {
        out.insert("total".into(), json!(total));
    }
    out.insert("band".into(), json!(score.band()));
    out.insert("flags".into(), json!(score.flags()));
    let extra = match score.detail() {
        Some(Detail::Phq9(d)) => match d.difficulty {
            Some(difficulty) => json!({ "difficulty": difficulty }),
            None => json!({}),
        },
        Some(Detail::Gad7 | Detail::Phq15) | None => json!({}),
        Some(Detail::Pcl5(d)) => json!({
            "clusters": { "b": d.clusters.b, "c": d.clusters.c, "d": d.clusters.d, "e": d.clusters.e },
            "dsm5_pattern": d.dsm5_pattern,
            "cutoff": d.cutoff,
        }),
        Some(Detail::Itq(d)) => json!({
            "ptsd": d.ptsd(),
            "cptsd": d.cptsd(),
            "ptsd_score": d.ptsd_score,
            "dso_score": d.dso_score,
        }),
        Some(Detail::Rhs15(d)) => json!({
            "rhs13_total": d.rhs13_total,
            "positive": d.positive(),
            "coping": d.coping,
            "distress_thermometer": d.distress_thermometer,
        }),
    };
    if let Value::Object(extra) = extra {
        out.extend(extra);
    }
    Value::Object(out)
}

/// A few lines: the result, then what the flags and instrument-specific fields say.
pub fn to_text(score: &Score) -> String {
    let instrument = score.instrument();
    let name = instrument.name();
    let mut lines = Vec::new();
    match score.detail() {
        Some(Detail::Itq(d)) => {
            let result = match (d.ptsd(), d.cptsd()) {
                (_, true) => "provisional CPTSD",
                (true, false) => "provisional PTSD",
                (false, false) => "neither PTSD nor CPTSD criteria met",
            };
            lines.push(format!("{name}: {result}"));
            lines.push(format!(
                "PTSD score {}/24, DSO score {}/24",
                d.ptsd_score, d.dso_score
            ));
        }
        Some(Detail::Rhs15(d)) => {
            let result = if d.positive() { "positive" } else { "negative" };
            lines.push(format!(
                "{name}: {result} screen (RHS-13 total {}/52; positive at 11 or more)",
                d.rhs13_total
            ));
            lines.push(format!(
                "Coping {}/4, distress thermometer {}/10",
                d.coping, d.distress_thermometer
            ));
        }
        detail => {
            let total = score.total().unwrap_or(0);
            let max = instrument.total_max().unwrap_or(0);
            lines.push(format!(
                "{name}: {total}/{max}, {}",
                score.band().unwrap_or_default()
            ));
            match detail {
                Some(Detail::Phq9(d)) => {
                    if let Some(difficulty) = d.difficulty {
                        lines.push(format!("Difficulty (not scored): {difficulty}/3"));
                    }
                }
                Some(Detail::Pcl5(d)) => {
                    let c = d.clusters;
                    lines.push(format!(
                        "Clusters B {}, C {}, D {}, E {}; DSM-5 pattern {}; cut-point {}",
                        c.b,
                        c.c,
                        c.d,
                        c.e,
                        if d.dsm5_pattern { "met" } else { "not met" },
                        d.cutoff
                    ));
                }
                _ => {}
            }
        }
    }
    if score.has_flag(flag::ITEM9_POSITIVE) {
        lines.push("Item 9 positive: an immediate risk review is due".to_owned());
    }
    if score.has_flag(flag::POSITIVE_SCREEN) {
        lines.push("Positive screen: consider further evaluation".to_owned());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use haven_core::instruments::{Instrument, Score, score};
    use serde_json::json;

    use super::{to_json, to_text};

    fn scored(instrument: Instrument, answers: &[u8]) -> Score {
        score(instrument, answers).expect("valid answers")
    }

    #[test]
    fn phq9_json_matches_the_interface_example() {
        let s = scored(Instrument::Phq9, &[2, 2, 2, 2, 2, 1, 1, 0, 1]);
        assert_eq!(
            to_json(&s),
            json!({"instrument": "phq9", "total": 13, "band": "moderate",
                   "flags": ["item9-positive"]})
        );
        let s = scored(Instrument::Phq9, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        assert_eq!(to_json(&s)["difficulty"], json!(2));
    }

    #[test]
    fn gad7_and_phq15_json() {
        let s = scored(Instrument::Gad7, &[2, 2, 2, 2, 1, 1, 0]);
        assert_eq!(
            to_json(&s),
            json!({"instrument": "gad7", "total": 10, "band": "moderate",
                   "flags": ["positive-screen"]})
        );
        let s = scored(Instrument::Phq15, &[0; 15]);
        assert_eq!(
            to_json(&s),
            json!({"instrument": "phq15", "total": 0, "band": "minimal", "flags": []})
        );
    }

    #[test]
    fn pcl5_json() {
        let answers = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0];
        assert_eq!(
            to_json(&scored(Instrument::Pcl5, &answers)),
            json!({"instrument": "pcl5", "total": 12, "band": "below-cutoff", "flags": [],
                   "clusters": {"b": 2, "c": 2, "d": 4, "e": 4},
                   "dsm5_pattern": true, "cutoff": 33})
        );
    }

    #[test]
    fn itq_json_has_no_total() {
        let answers = [2, 0, 0, 2, 2, 0, 0, 2, 0, 0, 2, 2, 0, 0, 2, 0, 0, 2];
        assert_eq!(
            to_json(&scored(Instrument::Itq, &answers)),
            json!({"instrument": "itq", "band": "cptsd", "flags": ["positive-screen"],
                   "ptsd": false, "cptsd": true, "ptsd_score": 6, "dso_score": 6})
        );
    }

    #[test]
    fn rhs15_json() {
        let answers = [4, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 7];
        assert_eq!(
            to_json(&scored(Instrument::Rhs15, &answers)),
            json!({"instrument": "rhs15", "total": 11, "band": "positive",
                   "flags": ["positive-screen"], "rhs13_total": 11, "positive": true,
                   "coping": 2, "distress_thermometer": 7})
        );
    }

    #[test]
    fn text_summaries() {
        let cases: [(Instrument, &[u8], &str); 5] = [
            (
                Instrument::Phq9,
                &[2, 2, 2, 2, 2, 1, 1, 0, 1, 2],
                "PHQ-9: 13/27, moderate\nDifficulty (not scored): 2/3\n\
                 Item 9 positive: an immediate risk review is due",
            ),
            (Instrument::Gad7, &[0; 7], "GAD-7: 0/21, minimal"),
            (
                Instrument::Pcl5,
                &[4; 20],
                "PCL-5: 80/80, above-cutoff\n\
                 Clusters B 20, C 8, D 28, E 24; DSM-5 pattern met; cut-point 33\n\
                 Positive screen: consider further evaluation",
            ),
            (
                Instrument::Itq,
                &[0; 18],
                "ITQ: neither PTSD nor CPTSD criteria met\nPTSD score 0/24, DSO score 0/24",
            ),
            (
                Instrument::Rhs15,
                &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 10],
                "RHS-15: negative screen (RHS-13 total 0/52; positive at 11 or more)\n\
                 Coping 4/4, distress thermometer 10/10",
            ),
        ];
        for (instrument, answers, expect) in cases {
            assert_eq!(to_text(&scored(instrument, answers)), expect);
        }
    }
}
