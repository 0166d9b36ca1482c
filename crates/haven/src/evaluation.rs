//! Records held in memory (`haven evaluate`'s, read from FHIR) tallied on every core, as
//! [`haven_store::Store::tally`] tallies a stored population: each worker adds its share of
//! the records to its own tally, and the shares are merged.

use haven_core::population::Tally;
use haven_core::record::PatientRecord;

/// Adds every record to a tally made by `init`, one worker per core.
pub fn tally_records<T, I>(records: &[PatientRecord], init: I) -> T
where
    T: Tally + Send,
    I: Fn() -> T + Sync,
{
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let share = records.len().div_ceil(workers).max(1);
    let init = &init;
    std::thread::scope(|scope| {
        let handles: Vec<_> = records
            .chunks(share)
            .map(|chunk| {
                scope.spawn(move || {
                    let mut part = init();
                    for record in chunk {
                        part.add(record);
                    }
                    part
                })
            })
            .collect();
        let mut total = init();
        for handle in handles {
            let part = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            total.merge(part);
        }
        total
    })
}
