//! ITQ (ICD-11 PTSD and complex PTSD): eighteen items 0–4 and the published diagnostic
//! algorithm. There is no total; the result is PTSD, CPTSD or neither, never both.

use super::description::{
    Band, Bands, Codes, Derived, Description, HavenCode, Item, Outcome, Results, SHORT_LABELS,
    Screen, Summary,
};
use super::{Detail, INTENSITY, Score, ScoringOptions, endorsed, flag, sum};

// Item indices (0-based) in published order: P1–P6, P7–P9, C1–C6, C7–C9.
/// Re-experiencing (P1, P2), avoidance (P3, P4), sense of threat (P5, P6).
const PTSD_SYMPTOMS: [[usize; 2]; 3] = [[0, 1], [2, 3], [4, 5]];
/// PTSD functional impairment, P7–P9.
const PTSD_IMPAIRMENT: [usize; 3] = [6, 7, 8];
/// Affective dysregulation (C1, C2), negative self-concept (C3, C4), disturbed
/// relationships (C5, C6).
const DSO_SYMPTOMS: [[usize; 2]; 3] = [[9, 10], [11, 12], [13, 14]];
/// DSO functional impairment, C7–C9.
const DSO_IMPAIRMENT: [usize; 3] = [15, 16, 17];

pub(super) static DESCRIPTION: Description = Description {
    id: "itq",
    name: "ITQ",
    items: &[
        Item::new("Item 1 (P1) — nightmares about the event", &INTENSITY),
        Item::new("Item 2 (P2) — reliving it as if happening now", &INTENSITY),
        Item::new(
            "Item 3 (P3) — avoiding thoughts or feelings about it",
            &INTENSITY,
        ),
        Item::new(
            "Item 4 (P4) — avoiding people, places or activities",
            &INTENSITY,
        ),
        Item::new("Item 5 (P5) — on guard", &INTENSITY),
        Item::new("Item 6 (P6) — easily startled", &INTENSITY),
        Item::new(
            "Item 7 (P7) — PTSD symptoms affect relationships",
            &INTENSITY,
        ),
        Item::new("Item 8 (P8) — PTSD symptoms affect work", &INTENSITY),
        Item::new(
            "Item 9 (P9) — PTSD symptoms affect other important parts of life",
            &INTENSITY,
        ),
        Item::new("Item 10 (C1) — slow to calm down", &INTENSITY),
        Item::new("Item 11 (C2) — emotional numbness", &INTENSITY),
        Item::new("Item 12 (C3) — sense of failure", &INTENSITY),
        Item::new("Item 13 (C4) — sense of worthlessness", &INTENSITY),
        Item::new("Item 14 (C5) — feeling distant from people", &INTENSITY),
        Item::new("Item 15 (C6) — hard to stay close to people", &INTENSITY),
        Item::new(
            "Item 16 (C7) — these problems affect relationships",
            &INTENSITY,
        ),
        Item::new("Item 17 (C8) — these problems affect work", &INTENSITY),
        Item::new(
            "Item 18 (C9) — these problems affect other important parts of life",
            &INTENSITY,
        ),
    ],
    total: None,
    bands: Bands::Fixed(&[]),
    screen: Screen::Algorithm,
    codes: Codes {
        panel: None,
        total: None,
        result: HavenCode {
            code: "itq-result",
            display: "ITQ result",
        },
    },
    licence: SHORT_LABELS,
    score,
    results,
};

/// The provisional ICD-11 diagnosis. One value, so PTSD and CPTSD cannot both be true.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItqDiagnosis {
    Neither,
    Ptsd,
    Cptsd,
}

const NEITHER: Band = Band {
    id: "neither",
    label: "Neither PTSD nor complex PTSD",
};
const PTSD: Band = Band {
    id: "ptsd",
    label: "PTSD (provisional)",
};
const CPTSD: Band = Band {
    id: "cptsd",
    label: "Complex PTSD (provisional)",
};

impl ItqDiagnosis {
    /// The diagnosis as the score's band: `neither`, `ptsd` or `cptsd`.
    pub fn band(&self) -> &'static Band {
        match self {
            ItqDiagnosis::Neither => &NEITHER,
            ItqDiagnosis::Ptsd => &PTSD,
            ItqDiagnosis::Cptsd => &CPTSD,
        }
    }

    /// The band id: `neither`, `ptsd` or `cptsd`.
    pub fn id(&self) -> &'static str {
        self.band().id
    }
}

/// ITQ specifics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItqDetail {
    pub diagnosis: ItqDiagnosis,
    /// P1–P6 sum, 0–24.
    pub ptsd_score: u8,
    /// C1–C6 sum, 0–24.
    pub dso_score: u8,
}

impl ItqDetail {
    /// PTSD criteria met and CPTSD not: the JSON `ptsd` field.
    pub fn ptsd(&self) -> bool {
        self.diagnosis == ItqDiagnosis::Ptsd
    }

    /// The JSON `cptsd` field.
    pub fn cptsd(&self) -> bool {
        self.diagnosis == ItqDiagnosis::Cptsd
    }
}

/// Answers already checked by `answers::check`: the diagnosis is the band, and either
/// diagnosis is a positive screen.
fn score(_: &'static Description, answers: &[u8], _: &ScoringOptions) -> Outcome {
    let e = |index: usize| answers.get(index).copied().is_some_and(endorsed);
    // Each symptom pair needs one endorsed item, and one impairment item must be endorsed.
    let met = |symptoms: [[usize; 2]; 3], impairment: [usize; 3]| {
        symptoms.iter().all(|pair| pair.iter().any(|&i| e(i))) && impairment.iter().any(|&i| e(i))
    };
    let ptsd_met = met(PTSD_SYMPTOMS, PTSD_IMPAIRMENT);
    let dso_met = met(DSO_SYMPTOMS, DSO_IMPAIRMENT);
    let diagnosis = match (ptsd_met, dso_met) {
        (true, true) => ItqDiagnosis::Cptsd,
        (true, false) => ItqDiagnosis::Ptsd,
        // DSO problems alone are not a diagnosis: CPTSD requires the PTSD criteria.
        (false, _) => ItqDiagnosis::Neither,
    };
    let mut flags = Vec::new();
    if diagnosis != ItqDiagnosis::Neither {
        flags.push(flag::POSITIVE_SCREEN);
    }
    Outcome {
        total: None,
        band: Some(diagnosis.band()),
        flags,
        detail: Detail::Itq(ItqDetail {
            diagnosis,
            ptsd_score: sum(answers.get(0..6).unwrap_or(&[])),
            dso_score: sum(answers.get(9..15).unwrap_or(&[])),
        }),
    }
}

/// The diagnosis both ways round (`ptsd`, `cptsd`) and the two symptom scores, all exported
/// to FHIR.
fn results(score: &Score) -> Results {
    let Some(Detail::Itq(d)) = score.detail() else {
        return Results::default();
    };
    let (criteria, summary) = match d.diagnosis {
        ItqDiagnosis::Cptsd => ("criteria for complex PTSD met", "provisional CPTSD"),
        ItqDiagnosis::Ptsd => ("criteria for PTSD met", "provisional PTSD"),
        ItqDiagnosis::Neither => (
            "criteria for PTSD and complex PTSD not met",
            "neither PTSD nor CPTSD criteria met",
        ),
    };
    Results {
        values: vec![
            Derived::yes_no("ptsd", d.ptsd()).coded("itq-ptsd", "ITQ PTSD"),
            Derived::yes_no("cptsd", d.cptsd()).coded("itq-cptsd", "ITQ complex PTSD"),
            Derived::number("ptsd_score", d.ptsd_score)
                .coded("itq-ptsd-score", "ITQ PTSD symptom score"),
            Derived::number("dso_score", d.dso_score)
                .coded("itq-dso-score", "ITQ DSO symptom score"),
        ],
        sentences: vec![format!(
            "ITQ: {criteria}; PTSD symptom score {} of 24, disturbance in self-organisation score {} of 24",
            d.ptsd_score, d.dso_score
        )],
        summary: Summary {
            result: Some(summary.to_owned()),
            lines: vec![format!(
                "PTSD score {}/24, DSO score {}/24",
                d.ptsd_score, d.dso_score
            )],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Detail, Instrument, flag, score};
    use super::*;

    fn check(answers: [u8; 18], expect: (ItqDiagnosis, u8, u8)) {
        let s = score(Instrument::Itq, &answers);
        let d = match s.as_ref().map(|s| s.detail().copied()) {
            Ok(Some(Detail::Itq(d))) => d,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            (d.diagnosis, d.ptsd_score, d.dso_score),
            expect,
            "{answers:?}"
        );
        assert!(!(d.ptsd() && d.cptsd()));
        let s = s
            .as_ref()
            .map(|s| (s.total(), s.band(), s.has_flag(flag::POSITIVE_SCREEN)));
        let positive = expect.0 != ItqDiagnosis::Neither;
        let s = s.map(|(total, band, flag)| (total, band.map(|b| b.id), flag));
        assert_eq!(s, Ok((None, Some(expect.0.id()), positive)));
    }

    //          Re    Av    Th    P7-9     AD    NSC   DR    C7-9
    const PTSD_ONLY: [u8; 18] = [2, 0, 0, 2, 2, 0, 0, 2, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0];
    const CPTSD: [u8; 18] = [2, 0, 0, 2, 2, 0, 0, 2, 0, 0, 2, 2, 0, 0, 2, 0, 0, 2];

    fn with(mut answers: [u8; 18], index: usize, value: u8) -> [u8; 18] {
        answers[index] = value;
        answers
    }

    #[test]
    fn ptsd_only() {
        check(PTSD_ONLY, (ItqDiagnosis::Ptsd, 6, 6));
        // DSO symptoms all met but no DSO impairment: still PTSD only.
        check(with(CPTSD, 17, 1), (ItqDiagnosis::Ptsd, 6, 6));
    }

    #[test]
    fn cptsd_met_means_ptsd_false() {
        check(CPTSD, (ItqDiagnosis::Cptsd, 6, 6));
        check([4; 18], (ItqDiagnosis::Cptsd, 24, 24));
    }

    #[test]
    fn neither() {
        check([0; 18], (ItqDiagnosis::Neither, 0, 0));
        // All 1s: nothing endorsed.
        check([1; 18], (ItqDiagnosis::Neither, 6, 6));
        // Each PTSD requirement missing in turn (from the CPTSD case, so DSO alone is not enough).
        check(with(CPTSD, 0, 1), (ItqDiagnosis::Neither, 5, 6));
        check(with(CPTSD, 3, 1), (ItqDiagnosis::Neither, 5, 6));
        check(with(CPTSD, 4, 0), (ItqDiagnosis::Neither, 4, 6));
        check(with(CPTSD, 7, 1), (ItqDiagnosis::Neither, 6, 6));
    }

    #[test]
    fn each_dso_requirement_missing_gives_ptsd() {
        check(with(CPTSD, 10, 1), (ItqDiagnosis::Ptsd, 6, 5));
        check(with(CPTSD, 11, 1), (ItqDiagnosis::Ptsd, 6, 5));
        check(with(CPTSD, 14, 1), (ItqDiagnosis::Ptsd, 6, 5));
    }

    #[test]
    fn scores_sum_p1_p6_and_c1_c6_only() {
        // Impairment items are not part of either score.
        let answers = [1, 2, 3, 4, 0, 2, 4, 4, 4, 4, 3, 2, 1, 0, 2, 4, 4, 4];
        check(answers, (ItqDiagnosis::Cptsd, 12, 12));
    }
}
