//! Output of `haven score`: the JSON fields of each instrument's score (`instrument`, `total`,
//! `band`, `flags` and its derived results), and a short text summary for people. What each
//! instrument adds (its derived results and how they read) comes from its description, so
//! nothing here names an instrument.

use haven_core::instruments::{Score, Value as Derived, flag};
use serde_json::{Map, Value, json};

/// `{"instrument", "total", "band", "flags", …}` plus the instrument's derived results. `total`
/// is left out for ITQ, which has none; for RHS-15 it is the RHS-13 total (also
/// `rhs13_total`). PHQ-9's `difficulty` appears only when the optional 10th answer was given.
pub fn to_json(score: &Score) -> Value {
    let mut out = Map::new();
    out.insert("instrument".into(), json!(score.description().id));
    if let Some(total) = score.total() {
        out.insert("total".into(), json!(total));
    }
    out.insert("band".into(), json!(score.band().map(|b| b.id)));
    out.insert("flags".into(), json!(score.flags()));
    for derived in score.results().values {
        let value = match derived.value {
            Derived::Number(n) => json!(n),
            Derived::YesNo(b) => json!(b),
        };
        // `clusters.b` is field `b` of the object `clusters`.
        match derived.key.split_once('.') {
            Some((group, key)) => {
                let group = out
                    .entry(group)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(fields) = group {
                    fields.insert(key.into(), value);
                }
            }
            None => {
                out.insert(derived.key.into(), value);
            }
        }
    }
    Value::Object(out)
}

/// A few lines: the result, then what the instrument's own results and the flags say.
pub fn to_text(score: &Score) -> String {
    let description = score.description();
    let summary = score.results().summary;
    let result = summary.result.unwrap_or_else(|| {
        format!(
            "{}/{}, {}",
            score.total().unwrap_or(0),
            description.total_max().unwrap_or(0),
            score.band().map(|b| b.id).unwrap_or_default()
        )
    });
    let mut lines = vec![format!("{}: {result}", description.name)];
    lines.extend(summary.lines);
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
