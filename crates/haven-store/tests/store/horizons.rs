//! The incremental refresh of the stored actions (hazard H-65: a stale action missed): after
//! any run of writes and date moves, re-evaluating only the patients whose horizon has come
//! leaves exactly the list that re-evaluating everyone would.

use haven_core::policy::Policy;
use haven_core::rules;
use haven_demo::DemoOptions;
use haven_store::{ActionQuery, Clock};

use super::*;

const PATIENTS: u64 = 40;

/// A small deterministic generator: the story is the same on both backends and every run.
struct Dice(u64);

impl Dice {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

/// Demo patient `index` as the practice would have it on `day`, under a fixed id.
fn demo_patient(index: u64, day: haven_core::Date) -> PatientRecord {
    let options = DemoOptions {
        seed: 18,
        today: day,
        clinicians: vec!["dr.a".into()],
    };
    let mut record = haven_demo::patient(&options, index);
    // Entered in error, an entry can no longer change: a later day's version would be refused.
    record.entries.retain(|e| e.status == EntryStatus::Active);
    let id = PatientId::new(format!("horizon-{index}"));
    record.patient.id = id.clone();
    for entry in &mut record.entries {
        entry.patient = id.clone();
    }
    record
}

/// The store's whole list, in one comparable order.
async fn stored(store: &Store) -> Vec<(String, String, Option<haven_core::Date>, String)> {
    let (page, _) = store
        .actions(&ActionQuery {
            limit: 1_000,
            ..ActionQuery::default()
        })
        .await
        .expect("actions");
    assert!(page.len() < 1_000, "the whole list fits one page");
    let mut out: Vec<_> = page
        .into_iter()
        .map(|a| {
            let rule = a.action.rule.id().to_owned();
            (a.patient, rule, a.action.due, a.action.reason)
        })
        .collect();
    out.sort();
    out
}

/// What the rules give every stored patient on `day`, in the same order.
async fn expected(
    store: &Store,
    day: haven_core::Date,
) -> Vec<(String, String, Option<haven_core::Date>, String)> {
    let policy = Policy::default();
    let mut out = Vec::new();
    for index in 0..PATIENTS {
        let id = format!("horizon-{index}");
        let Ok(record) = store.record(&id, Visibility::Sensitive).await else {
            continue;
        };
        for a in rules::evaluate(&record, &policy, day) {
            out.push((id.clone(), a.rule.id().to_owned(), a.due, a.reason));
        }
    }
    out.sort();
    out
}

both! {
    async fn an_incremental_refresh_leaves_what_a_full_one_would(db) {
        let policy = Policy::default();
        let mut day = date!(2026 - 01 - 10);
        let at = |day: haven_core::Date| Clock::fixed(day.midnight().assume_utc());
        let store = db.reopen_on(at(day)).await;
        let first: Vec<PatientRecord> = (0..PATIENTS / 2).map(|i| demo_patient(i, day)).collect();
        store
            .upsert_records(&actor(), &first, "load")
            .await
            .expect("load");
        assert!(store.refresh_actions_if_stale(&policy, day).await.expect("refresh"));
        let mut dice = Dice(18);
        let mut moves = 0;
        let mut changes = 0;
        for step in 0..14 {
            // Mostly forward, by a day to a few months; once in a while back a few days.
            let days: i64 = match dice.next(10) {
                0 => -3,
                1 => 0,
                2..=4 => 1,
                5 | 6 => 7,
                7 => 30,
                8 => 61,
                _ => 120,
            };
            day += time::Duration::days(days);
            moves += usize::from(days != 0);
            let store = db.reopen_on(at(day)).await;
            // A few records change (new entries, changed ones, new patients) on the day.
            // (A later day's demo may number an entry differently, which the store refuses
            // whole as a change of kind; such a write changes nothing and is left out.)
            for _ in 0..dice.next(4) {
                let index = dice.next(PATIENTS);
                let written = store
                    .upsert_records(&actor(), &[demo_patient(index, day)], "change")
                    .await;
                changes += usize::from(written.is_ok());
            }
            store.refresh_actions_if_stale(&policy, day).await.expect("refresh");
            let incremental = stored(&store).await;
            assert_eq!(incremental, expected(&store, day).await, "step {step}, {day}");
            assert!(!incremental.is_empty());
        }
        assert!(moves > 8, "the date moved");
        assert!(changes > 5, "records changed: {changes}");
        // And the full refresh, run over the same state, writes the same list.
        let store = db.reopen_on(at(day)).await;
        let before = stored(&store).await;
        store.refresh_all_actions(&policy, day).await.expect("full");
        assert_eq!(stored(&store).await, before);
    }

    async fn a_refresh_on_a_new_day_evaluates_only_the_patients_it_can_change(db) {
        let policy = Policy::default();
        let day = date!(2026 - 03 - 02);
        let at = |day: haven_core::Date| Clock::fixed(day.midnight().assume_utc());
        let store = db.reopen_on(at(day)).await;
        let records: Vec<PatientRecord> = (0..PATIENTS).map(|i| demo_patient(i, day)).collect();
        store
            .upsert_records(&actor(), &records, "load")
            .await
            .expect("load");
        // The horizons the rules gave: a patient due tomorrow is re-evaluated tomorrow, one
        // whose answer stands for a year is not.
        let tomorrow = day.next_day().expect("day");
        let due: usize = records
            .iter()
            .filter(|r| {
                rules::evaluate_until(r, &policy, day)
                    .1
                    .is_some_and(|until| until <= tomorrow)
            })
            .count();
        assert!(due < records.len(), "some answers stand past tomorrow");
        // The first refresh knows of no earlier one: everyone.
        assert_eq!(store.actions_as_of().await.expect("as of"), None);
        assert!(!store.actions_current(&policy, day).await.expect("current"));
        assert!(store.refresh_actions_if_stale(&policy, day).await.expect("first"));
        // What a list shown before the next day's refresh says it is as of.
        assert_eq!(store.actions_as_of().await.expect("as of"), Some(day));
        assert!(store.actions_current(&policy, day).await.expect("current"));
        assert!(!store.actions_current(&policy, tomorrow).await.expect("current"));
        let store = db.reopen_on(at(tomorrow)).await;
        let refreshed = store
            .refresh_actions_incrementally(&policy, tomorrow)
            .await
            .expect("next day");
        assert_eq!(refreshed, due);
        assert_eq!(stored(&store).await, expected(&store, tomorrow).await);
        // The same day again: nobody.
        let again = store
            .refresh_actions_incrementally(&policy, tomorrow)
            .await
            .expect("again");
        assert_eq!(again, 0);
        assert_eq!(
            store.refresh_all_actions(&policy, tomorrow).await.expect("full"),
            records.len()
        );
    }
}
