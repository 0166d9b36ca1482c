//! The same seed, range and date always give the same records, and any slice of a population
//! agrees with the whole.

use haven_demo::{generate, patient};

use crate::{TODAY, options, options_on, population};

#[test]
fn same_seed_and_range_give_identical_records() {
    assert_eq!(population(42, 150), population(42, 150));
}

#[test]
fn slices_agree_with_the_whole() {
    let opts = options(7);
    let whole: Vec<_> = generate(&opts, 0..240).collect();
    let mut pieces: Vec<_> = generate(&opts, 0..90).collect();
    pieces.extend(generate(&opts, 90..91));
    pieces.extend(generate(&opts, 91..240));
    assert_eq!(whole, pieces);
    // Generated out of order, one at a time, each patient is still the same.
    for i in [239, 0, 133, 17] {
        assert_eq!(patient(&opts, i), whole[i as usize], "patient {i}");
    }
}

#[test]
fn seeds_and_indices_give_different_people() {
    let a = population(1, 50);
    let b = population(2, 50);
    let same = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x.patient == y.patient)
        .count();
    assert_eq!(same, 0, "different seeds give different patients");
    let names: std::collections::HashSet<_> = a
        .iter()
        .map(|r| (r.patient.display_name(), r.patient.birth_date))
        .collect();
    assert!(names.len() > 45, "patients within a seed differ");
}

#[test]
fn the_date_moves_the_whole_story() {
    let earlier = time::macros::date!(2025 - 03 - 15);
    let a = patient(&options_on(3, TODAY), 5);
    let b = patient(&options_on(3, earlier), 5);
    assert_eq!(
        a.patient.given_name, b.patient.given_name,
        "who they are stays"
    );
    assert_ne!(
        a.entries, b.entries,
        "when things happened moves with today"
    );
    assert_eq!(patient(&options_on(3, earlier), 5), b);
}

#[test]
fn chunks_made_on_other_threads_agree_with_the_whole() {
    let opts = options(8);
    let whole: Vec<_> = generate(&opts, 0..60).collect();
    let parts: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = [0..20, 20..40, 40..60]
            .into_iter()
            .map(|range| {
                let opts = &opts;
                s.spawn(move || generate(opts, range).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a generating thread panicked"))
            .collect()
    });
    assert_eq!(whole, parts);
}
