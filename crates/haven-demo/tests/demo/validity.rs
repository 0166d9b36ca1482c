//! Every generated patient and entry passes the record model's own validation, and the
//! identifiers, authors and timestamps follow the generator's contract.

use std::collections::HashSet;

use haven_core::NhsNumber;
use haven_core::record::{EntryBody, EntryStatus, validate_entry, validate_patient};
use haven_demo::generate;
use time::Duration;

use crate::{TODAY, options, options_on};

#[test]
fn thousands_of_patients_are_valid() {
    for (seed, today) in [
        (1, TODAY),
        (2, TODAY),
        (3, time::macros::date!(2025 - 06 - 30)),
    ] {
        let opts = options_on(seed, today);
        let mut nhs = HashSet::new();
        let mut ids = HashSet::new();
        for (i, r) in generate(&opts, 0..2_000).enumerate() {
            let p = &r.patient;
            validate_patient(p, today).unwrap_or_else(|e| panic!("seed {seed} patient {i}: {e}"));
            assert!(p.id.as_str().is_empty(), "the store assigns patient ids");
            if let Some(n) = &p.nhs_number {
                assert_eq!(NhsNumber::parse(n.as_str()).as_ref(), Ok(n));
                assert!(n.as_str().starts_with('9'), "test-range NHS number");
                assert!(
                    nhs.insert(n.clone()),
                    "NHS numbers are unique within a seed"
                );
            }
            if let Some(phone) = &p.phone {
                assert!(
                    phone.starts_with("07700 900") && phone.len() == 12,
                    "{phone}"
                );
            }
            assert!(!p.given_name.is_empty() && !p.family_name.is_empty());
            assert!(
                r.entries.len() >= 5,
                "seed {seed} patient {i}: a thin record"
            );
            for e in &r.entries {
                validate_entry(p, &e.body, today)
                    .unwrap_or_else(|err| panic!("seed {seed} patient {i} {}: {err}", e.id));
                assert!(ids.insert(e.id.clone()), "duplicate entry id {}", e.id);
                assert!(
                    e.id.as_str().starts_with(&format!("demo-{seed}-{i}-")),
                    "{}",
                    e.id
                );
                assert!(e.patient.as_str().is_empty());
                assert_eq!(e.change.by.as_str(), "demo");
                assert!(e.change.at.date() <= today, "no timestamp after today");
                match e.status {
                    EntryStatus::Active => {
                        assert_eq!(e.version, 1);
                        assert!(e.change.reason.is_empty());
                    }
                    EntryStatus::EnteredInError => {
                        assert_eq!(e.version, 2);
                        assert!(!e.change.reason.is_empty());
                    }
                }
            }
        }
    }
}

#[test]
fn entries_are_in_date_order_and_only_planned_contacts_lie_ahead() {
    for r in generate(&options(4), 0..500) {
        let dates: Vec<_> = r.entries.iter().map(|e| e.body.date()).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]));
        for e in &r.entries {
            if e.body.date() > TODAY {
                assert!(matches!(e.body, EntryBody::PlannedContact(_)), "{}", e.id);
                assert!(e.body.date() <= TODAY + Duration::days(130));
            }
        }
    }
}

#[test]
fn entered_in_error_entries_duplicate_an_active_one() {
    let mut seen = 0;
    for r in generate(&options(5), 0..500) {
        for e in r
            .entries
            .iter()
            .filter(|e| e.status == EntryStatus::EnteredInError)
        {
            seen += 1;
            assert!(
                r.active().any(|a| a.body == e.body),
                "{} leaves the active record unchanged",
                e.id
            );
        }
    }
    assert!(
        seen > 20,
        "some entries are marked entered-in-error ({seen})"
    );
}
