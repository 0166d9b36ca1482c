//! Results recorded elsewhere. Other systems often keep a questionnaire as its total only, or
//! as the total with some of the items (PHQ-9 item 9 above all). [`score_recorded`] keeps the
//! total exactly as recorded and whichever items came, checks what can be checked — each item
//! in range, the total within the instrument's maximum and consistent with the items that are
//! there — and refuses only what is impossible.

use super::score::items_missing;
use super::{Description, Score, ScoreError, ScoringOptions, answers, flag, score_with};

/// The most answers any instrument takes (PCL-5's twenty); a test checks.
const MAX_ANSWERS: usize = 20;

/// Scores a result that may be missing items. `items` are in published order, `None` where an
/// item was not recorded; `total` is the total as recorded, if it was.
///
/// With every required item present this is [`score_with`], and a recorded total must equal
/// the items' total. Otherwise the score keeps the recorded total, its band and flags follow
/// from that total (and PHQ-9's item 9 flag from item 9, where recorded), and it has no
/// [`Score::detail`]. The ITQ has no total, so it needs every item.
pub fn score_recorded(
    instrument: impl Into<&'static Description>,
    items: &[Option<u8>],
    total: Option<u8>,
    options: &ScoringOptions,
) -> Result<Score, ScoreError> {
    let instrument = instrument.into();
    options.check()?;
    if items.len() > instrument.max_answers() {
        return Err(ScoreError::WrongCount {
            instrument,
            got: items.len(),
        });
    }
    for (index, item) in items.iter().enumerate() {
        if let Some(answer) = *item {
            answers::check_range(instrument, index, i128::from(answer), &answer.to_string())?;
        }
    }
    if let Some(total) = total {
        let max = instrument
            .total_max()
            .ok_or(ScoreError::NoTotal { instrument })?;
        if total > max {
            return Err(ScoreError::TotalAboveMax {
                instrument,
                total,
                max,
            });
        }
    }
    if !items_missing(instrument, items) {
        // Required items first, then at most PHQ-9's optional difficulty answer. Copied to the
        // stack: this runs for every questionnaire the rules score.
        let mut answers = [0u8; MAX_ANSWERS];
        let mut count = 0;
        for (slot, answer) in answers.iter_mut().zip(items.iter().map_while(|a| *a)) {
            *slot = answer;
            count += 1;
        }
        let score = score_with(instrument, &answers[..count], options)?;
        return match (total, score.total()) {
            (Some(total), Some(sum)) if total != sum => Err(ScoreError::TotalMismatch {
                instrument,
                total,
                sum,
            }),
            _ => Ok(score),
        };
    }
    if instrument.total_max().is_none() {
        let missing = (0..instrument.item_count())
            .find(|&i| items.get(i).copied().flatten().is_none())
            .unwrap_or(0);
        return Err(ScoreError::ItemRequired {
            instrument,
            item: missing + 1,
        });
    }
    check_total_against_items(instrument, items, total)?;
    // Item flags wherever the item was recorded (PHQ-9 item 9), then the total's screen.
    let mut flags = instrument.item_flags(items.iter().copied());
    if total.is_some_and(|t| instrument.screen.flags(t, options)) {
        flags.push(flag::POSITIVE_SCREEN);
    }
    let kept = items.len() - items.iter().rev().take_while(|a| a.is_none()).count();
    Ok(Score {
        description: instrument,
        items: items[..kept].to_vec(),
        total,
        band: total.and_then(|t| instrument.band_for(options, t)),
        flags,
        detail: None,
    })
}

/// With items missing, a recorded total must lie between the sum of the scored items that are
/// there and that sum plus the most the missing ones could add. Without a total, at least one
/// item must be there.
fn check_total_against_items(
    instrument: &'static Description,
    items: &[Option<u8>],
    total: Option<u8>,
) -> Result<(), ScoreError> {
    let Some(total) = total else {
        return if items.iter().all(Option::is_none) {
            Err(ScoreError::NothingRecorded { instrument })
        } else {
            Ok(())
        };
    };
    let (mut sum, mut room) = (0u8, 0u8);
    for index in (0..instrument.max_answers()).filter(|&i| instrument.counts(i)) {
        match items.get(index).copied().flatten() {
            Some(answer) => sum = sum.saturating_add(answer),
            None => {
                let max = instrument.item_range(index).map_or(0, |r| *r.end());
                room = room.saturating_add(max);
            }
        }
    }
    if room == 0 && total != sum {
        // Every item of the total is there (RHS-15 items 1–13 without items 14 and 15).
        Err(ScoreError::TotalMismatch {
            instrument,
            total,
            sum,
        })
    } else if total < sum {
        Err(ScoreError::TotalBelowItems {
            instrument,
            total,
            sum,
        })
    } else if total > sum.saturating_add(room) {
        Err(ScoreError::TotalUnreachable {
            instrument,
            total,
            most: sum.saturating_add(room),
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_total;
    use super::super::{Detail, Instrument, score};
    use super::*;

    fn recorded(
        instrument: Instrument,
        items: &[Option<u8>],
        total: Option<u8>,
    ) -> Result<Score, String> {
        score_recorded(instrument, items, total, &ScoringOptions::default())
            .map_err(|e| e.to_string())
    }

    /// PHQ-9 items 1–8 missing and item 9 answered `item9`.
    fn item9_only(item9: u8) -> Vec<Option<u8>> {
        let mut items = vec![None; 9];
        items[8] = Some(item9);
        items
    }

    #[test]
    fn a_total_alone_keeps_the_total_and_takes_its_band() {
        let s = recorded(Instrument::Phq9, &[], Some(14)).expect("total only");
        assert_eq!(s.total(), Some(14));
        assert_eq!(s.band().map(|b| b.id), Some("moderate"));
        assert!(s.items_missing() && s.has_result());
        assert!(s.is_positive_screen());
        assert_eq!(s.flags(), &[] as &[&str]);
        assert_eq!(s.detail(), None);
        assert_eq!(s.items(), &[] as &[Option<u8>]);
        let gad = recorded(Instrument::Gad7, &[], Some(10)).expect("total only");
        assert_eq!(
            (gad.band().map(|b| b.id), gad.flags()),
            (Some("moderate"), &[flag::POSITIVE_SCREEN][..])
        );
        let rhs = recorded(Instrument::Rhs15, &[], Some(11)).expect("total only");
        assert!(rhs.is_positive_screen());
        let pcl = |cutoff| {
            let options = ScoringOptions::with_pcl5_cutoff(cutoff).expect("cut-point");
            score_recorded(Instrument::Pcl5, &[], Some(32), &options)
                .map(|s| (s.band().map(|b| b.id), s.is_positive_screen()))
        };
        assert_eq!(pcl(33), Ok((Some("below-cutoff"), false)));
        assert_eq!(pcl(32), Ok((Some("above-cutoff"), true)));
    }

    #[test]
    fn item9_recorded_with_the_total_flags_whatever_the_total() {
        let s = recorded(Instrument::Phq9, &item9_only(2), Some(3)).expect("total + item 9");
        assert_eq!(s.flags(), &[flag::ITEM9_POSITIVE]);
        assert_eq!(s.item(9), Some(2));
        assert_eq!(s.item(1), None);
        assert_eq!(
            (s.total(), s.band().map(|b| b.id)),
            (Some(3), Some("none-minimal"))
        );
        let s = recorded(Instrument::Phq9, &item9_only(0), Some(3)).expect("item 9 is 0");
        assert!(s.flags().is_empty());
        // Items alone, without a total: item 9 still counts, and there is no result to band.
        let s = recorded(Instrument::Phq9, &item9_only(1), None).expect("item 9 alone");
        assert_eq!(s.flags(), &[flag::ITEM9_POSITIVE]);
        assert!(!s.has_result());
        assert_eq!((s.total(), s.band()), (None, None));
        assert!(!s.is_positive_screen());
    }

    #[test]
    fn every_item_present_is_ordinary_scoring_and_must_add_up() {
        let answers = with_total(Instrument::Phq9, 12);
        let items: Vec<Option<u8>> = answers.iter().copied().map(Some).collect();
        let expect = score(Instrument::Phq9, &answers).map_err(|e| e.to_string());
        assert_eq!(recorded(Instrument::Phq9, &items, None), expect);
        assert_eq!(recorded(Instrument::Phq9, &items, Some(12)), expect);
        assert!(matches!(
            expect.as_ref().map(|s| s.detail().copied()),
            Ok(Some(Detail::Sum))
        ));
        assert_eq!(
            recorded(Instrument::Phq9, &items, Some(13)),
            Err("PHQ-9 total 13 does not match the item answers, which add up to 12".into())
        );
        // A trailing unanswered difficulty question is not a missing item.
        let mut with_difficulty = items.clone();
        with_difficulty.push(None);
        assert_eq!(
            recorded(Instrument::Phq9, &with_difficulty, Some(12)),
            expect
        );
    }

    #[test]
    fn impossible_results_are_refused_naming_what_is_wrong() {
        let mut rhs13 = vec![Some(1); 13];
        rhs13.push(None);
        /// Instrument, items, recorded total, and the message expected.
        type Case = (Instrument, Vec<Option<u8>>, Option<u8>, &'static str);
        let cases: Vec<Case> = vec![
            (
                Instrument::Phq9,
                vec![],
                Some(28),
                "PHQ-9 total 28 is above the maximum of 27",
            ),
            (
                Instrument::Phq9,
                item9_only(4),
                Some(10),
                "item 9: 4 is out of range 0–3",
            ),
            (
                Instrument::Phq9,
                item9_only(3),
                Some(2),
                "PHQ-9 total 2 is less than the item answers recorded, which add up to 3",
            ),
            (
                Instrument::Phq9,
                item9_only(0),
                Some(25),
                "PHQ-9 total 25 cannot be reached: with the item answers recorded it is at most 24",
            ),
            (
                Instrument::Rhs15,
                rhs13,
                Some(14),
                "RHS-15 total 14 does not match the item answers, which add up to 13",
            ),
            (
                Instrument::Itq,
                vec![Some(1); 3],
                None,
                "ITQ item 4 is not recorded; the ITQ has no total, so every item is needed",
            ),
            (
                Instrument::Itq,
                vec![],
                Some(3),
                "the ITQ has no total; it is recorded item by item",
            ),
            (
                Instrument::Gad7,
                vec![None; 7],
                None,
                "nothing recorded: a GAD-7 result needs its total or at least one item answer",
            ),
            (
                Instrument::Gad7,
                vec![None; 8],
                Some(3),
                "expected 7 answers for GAD-7, got 8",
            ),
        ];
        for (instrument, items, total, message) in cases {
            assert_eq!(
                recorded(instrument, &items, total),
                Err(message.to_owned()),
                "{instrument} {items:?} {total:?}"
            );
        }
    }

    #[test]
    fn max_answers_covers_every_instrument() {
        let most = Instrument::all().iter().map(Instrument::max_answers).max();
        assert_eq!(most, Some(MAX_ANSWERS));
    }

    #[test]
    fn trailing_unrecorded_items_are_not_kept() {
        let mut items = vec![Some(1), None, Some(2)];
        items.resize(9, None);
        let s = recorded(Instrument::Phq9, &items, Some(10)).expect("partial");
        assert_eq!(s.items(), &[Some(1), None, Some(2)]);
        assert!(s.items_missing());
    }
}
