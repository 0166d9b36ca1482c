//! Property tests over every instrument: totals stay in range, raising an answer never lowers
//! a result, ITQ never reports both diagnoses, and answer text round-trips. For results
//! recorded elsewhere: a real result with any items left out is accepted with the same total,
//! band and screen, and a recorded total is refused exactly when no answers to the missing
//! items could add up to it.

use proptest::prelude::*;

use super::{
    Detail, Instrument, PCL5_CUTOFF_RANGE, ScoreError, ScoringOptions, answers_screen_positive,
    flag, format_answers, parse_answers, score, score_recorded, score_with,
};

/// Valid answers for one instrument, sometimes including PHQ-9's optional 10th answer.
fn answers_for(instrument: Instrument) -> impl Strategy<Value = Vec<u8>> {
    (instrument.item_count()..=instrument.max_answers()).prop_flat_map(move |count| {
        (0..count)
            .map(|index| instrument.item_range(index).unwrap_or(0..=0))
            .collect::<Vec<_>>()
    })
}

/// Valid answers for a random instrument.
fn instrument_and_answers() -> impl Strategy<Value = (Instrument, Vec<u8>)> {
    proptest::sample::select(Instrument::all())
        .prop_flat_map(|instrument| (Just(instrument), answers_for(instrument)))
}

/// What raising an answer must never lower: the total, ITQ's two sums, and the screen result.
fn monotone_parts(instrument: Instrument, answers: &[u8]) -> (Option<u8>, u8, u8, bool) {
    let s = score(instrument, answers).expect("valid answers score");
    let (a, b) = match s.detail() {
        Some(Detail::Itq(d)) => (d.ptsd_score, d.dso_score),
        _ => (0, 0),
    };
    (s.total(), a, b, s.is_positive_screen())
}

/// Valid answers for a random instrument with a total (not ITQ), and which items to leave out.
fn answers_and_gaps() -> impl Strategy<Value = (Instrument, Vec<u8>, Vec<bool>)> {
    instrument_and_answers()
        .prop_filter("ITQ has no total", |(i, _)| *i != Instrument::Itq)
        .prop_flat_map(|(instrument, answers)| {
            let n = answers.len();
            (
                Just(instrument),
                Just(answers),
                proptest::collection::vec(any::<bool>(), n),
            )
        })
}

/// `answers` with the items where `gaps` is true left out.
fn leave_out(answers: &[u8], gaps: &[bool]) -> Vec<Option<u8>> {
    answers
        .iter()
        .zip(gaps)
        .map(|(&a, &gap)| (!gap).then_some(a))
        .collect()
}

proptest! {
    #[test]
    fn a_real_result_with_items_left_out_keeps_its_total_band_and_screen(
        (instrument, answers, gaps) in answers_and_gaps(),
    ) {
        let full = score(instrument, &answers).expect("valid answers score");
        let items = leave_out(&answers, &gaps);
        let partial = score_recorded(instrument, &items, full.total(), &ScoringOptions::default())
            .expect("a real result is never refused");
        prop_assert_eq!(partial.total(), full.total());
        prop_assert_eq!(partial.band(), full.band());
        prop_assert_eq!(partial.is_positive_screen(), full.is_positive_screen());
        prop_assert!(partial.has_result());
        let item9 = instrument == Instrument::Phq9 && items[8].is_some_and(|a| a >= 1);
        prop_assert_eq!(partial.has_flag(flag::ITEM9_POSITIVE), item9);
        if partial.items_missing() {
            prop_assert_eq!(partial.detail(), None);
        } else if gaps.iter().all(|gap| !gap) {
            prop_assert_eq!(&partial, &full);
        }
        for (number, item) in items.iter().enumerate() {
            prop_assert_eq!(partial.item(number + 1), *item);
        }
    }

    #[test]
    fn a_recorded_total_is_refused_exactly_when_no_missing_answers_reach_it(
        (instrument, answers, gaps) in answers_and_gaps(),
        total in 0u8..=90,
    ) {
        let items = leave_out(&answers, &gaps);
        let got = score_recorded(instrument, &items, Some(total), &ScoringOptions::default());
        // The missing items answered lowest and highest: every total between is reachable,
        // since each item moves one step at a time.
        let fill = |high: bool| -> Vec<u8> {
            items
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let range = instrument.item_range(i).unwrap_or(0..=0);
                    a.unwrap_or(if high { *range.end() } else { *range.start() })
                })
                .collect()
        };
        let low = score(instrument, &fill(false)).expect("valid").total();
        let high = score(instrument, &fill(true)).expect("valid").total();
        let reachable = low <= Some(total) && Some(total) <= high;
        match got {
            Ok(s) => {
                prop_assert!(reachable, "accepted {total} outside {low:?}..={high:?}");
                prop_assert_eq!(s.total(), Some(total));
            }
            Err(e) => {
                prop_assert!(!reachable, "refused reachable {total}: {e}");
                prop_assert!(e.is_about_total(), "{e}");
            }
        }
    }

    #[test]
    fn score_recorded_never_panics(
        instrument in proptest::sample::select(Instrument::all()),
        items in proptest::collection::vec(proptest::option::of(any::<u8>()), 0..24),
        total in proptest::option::of(any::<u8>()),
    ) {
        match score_recorded(instrument, &items, total, &ScoringOptions::default()) {
            Ok(s) => {
                prop_assert!(s.has_result() || s.items().iter().any(Option::is_some));
                prop_assert_eq!(s.total().is_some(), total.is_some() || !s.items_missing() && instrument != Instrument::Itq);
            }
            Err(ScoreError::Pcl5Cutoff { .. }) => prop_assert!(false, "default options"),
            Err(_) => {}
        }
    }

    #[test]
    fn totals_are_within_range((instrument, answers) in instrument_and_answers()) {
        let s = score(instrument, &answers).expect("valid answers score");
        prop_assert_eq!(s.description(), instrument.description());
        let given: Vec<Option<u8>> = answers.iter().copied().map(Some).collect();
        prop_assert_eq!(s.items(), &given[..]);
        prop_assert!(!s.items_missing() && s.has_result());
        prop_assert_eq!(s.total().is_some(), instrument.total_max().is_some());
        if let (Some(total), Some(max)) = (s.total(), instrument.total_max()) {
            prop_assert!(total <= max);
            let band = super::bands(instrument)
                .iter()
                .find(|b| b.lowest <= total && total <= b.highest);
            prop_assert_eq!(band.map(|b| &b.band), s.band());
        }
    }

    #[test]
    fn itq_never_both(answers in answers_for(Instrument::Itq))
    {
        let s = score(Instrument::Itq, &answers).expect("valid answers score");
        let Some(Detail::Itq(d)) = s.detail() else {
            return Err(TestCaseError::fail("ITQ detail"));
        };
        prop_assert!(!(d.ptsd() && d.cptsd()));
        prop_assert!(d.ptsd_score <= 24 && d.dso_score <= 24);
    }

    #[test]
    fn raising_one_answer_never_lowers_a_result(
        (instrument, answers) in instrument_and_answers(),
        pick in any::<proptest::sample::Index>(),
    ) {
        let index = pick.index(answers.len());
        let max = instrument.item_range(index).map_or(0, |r| *r.end());
        prop_assume!(answers[index] < max);
        let mut raised = answers.clone();
        raised[index] += 1;
        let (before, after) = (monotone_parts(instrument, &answers), monotone_parts(instrument, &raised));
        prop_assert!(after.0 >= before.0);
        prop_assert!(after.1 >= before.1 && after.2 >= before.2);
        prop_assert!(after.3 >= before.3);
    }

    #[test]
    fn parse_answers_round_trips((instrument, answers) in instrument_and_answers()) {
        prop_assert_eq!(parse_answers(instrument, &format_answers(&answers)), Ok(answers));
    }

    #[test]
    fn parse_answers_never_panics(instrument in proptest::sample::select(Instrument::all()), text in ".{0,60}") {
        let _ = parse_answers(instrument, &text);
    }

    #[test]
    fn pcl5_screen_is_total_at_or_above_cutoff(
        answers in answers_for(Instrument::Pcl5),
        cutoff in PCL5_CUTOFF_RANGE,
    ) {
        let s = score_with(Instrument::Pcl5, &answers, &ScoringOptions { pcl5_cutoff: cutoff })
            .expect("valid answers score");
        prop_assert_eq!(s.is_positive_screen(), s.total() >= Some(cutoff));
    }

    #[test]
    fn the_quick_screen_agrees_with_the_score(
        (instrument, answers) in instrument_and_answers(),
        cutoff in PCL5_CUTOFF_RANGE,
    ) {
        let options = ScoringOptions { pcl5_cutoff: cutoff };
        let s = score_with(instrument, &answers, &options).expect("valid answers score");
        prop_assert_eq!(answers_screen_positive(instrument, &answers, &options), s.is_positive_screen());
    }
}
