//! Limits that keep a burst of heavy requests from exhausting the server: how many FHIR writes,
//! CDS Hooks calls and bulk exports may run at once ([`Limits`], a setting given by the
//! binary), and the [`Gate`] that admits a request or refuses it at once — never queues it —
//! with 503 and `Retry-After`, before its body is read.
//!
//! Refusing rather than queueing is deliberate: a queued request still holds its connection
//! and, once admitted, its body; a refusal costs nothing and tells the client plainly that
//! nothing was done and when to try again.

use std::num::NonZeroUsize;
use std::sync::Arc;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::fhir_api::FhirError;

/// Seconds a refused client is asked to wait (`Retry-After`) before sending a write or a CDS
/// Hooks call again: long enough for a typical write to finish.
pub const RETRY_AFTER_SECONDS: u32 = 5;
/// Seconds to wait before asking for another bulk export: exports take minutes.
pub const EXPORT_RETRY_AFTER_SECONDS: u32 = 60;

/// Memory one FHIR write of the largest accepted Bundle (64 MiB) may take while it is read and
/// stored, rounded up from the figures in `BENCHMARKS.md` ("Issue 15 §3").
const FHIR_WRITE_BUDGET: u64 = 256 << 20;
/// Memory a CDS Hooks call with the largest accepted prefetch (16 MiB) may take: the body and
/// the records read from it in one pass.
const CDS_CALL_BUDGET: u64 = 32 << 20;

/// How many heavy requests of each kind may run at once; one more is refused with 503.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `POST /fhir` (batch and transaction) and `PUT /fhir/Patient/{id}`.
    pub fhir_writes: NonZeroUsize,
    /// CDS Hooks service calls (`POST /cds-services/{id}`).
    pub cds_calls: NonZeroUsize,
    /// Bulk exports running (a kick-off while this many run is refused).
    pub exports: NonZeroUsize,
}

impl Limits {
    /// Limits that fit a machine with `cores` cores and `memory` bytes of memory (`None` when
    /// unknown): one write per two cores — the database takes one writer at a time, so more
    /// would only hold more Bundles in memory while they wait — with no more than a quarter of
    /// memory spent on them; CDS Hooks calls, which are short, 32 per core within a quarter of
    /// memory; one export per two cores.
    pub fn for_machine(cores: usize, memory: Option<u64>) -> Self {
        let cores = cores.max(1);
        let by_memory = |share: u64, budget: u64| {
            memory.map_or(usize::MAX, |m| {
                usize::try_from(m / share / budget).unwrap_or(usize::MAX)
            })
        };
        let at_least_one = |n: usize| NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        Self {
            fhir_writes: at_least_one(cores.div_ceil(2).min(by_memory(4, FHIR_WRITE_BUDGET))),
            cds_calls: at_least_one((32 * cores).min(by_memory(4, CDS_CALL_BUDGET))),
            exports: at_least_one(cores.div_ceil(2)),
        }
    }
}

impl Default for Limits {
    /// The limits of a small two-core server with 2 GB of memory.
    fn default() -> Self {
        Self::for_machine(2, Some(2 << 30))
    }
}

/// Admits up to a limit of requests of one kind at once.
#[derive(Clone, Debug)]
pub struct Gate {
    permits: Arc<Semaphore>,
    limit: NonZeroUsize,
}

/// Too many requests of this kind are running: try again later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy {
    /// How many were running.
    pub limit: usize,
}

impl Gate {
    pub fn new(limit: NonZeroUsize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(limit.get())),
            limit,
        }
    }

    /// A place for one request, held until the permit is dropped; or [`Busy`] at once.
    pub fn admit(&self) -> Result<OwnedSemaphorePermit, Busy> {
        self.permits.clone().try_acquire_owned().map_err(|_| Busy {
            limit: self.limit.get(),
        })
    }

    /// Runs the request if there is a place, holding it until the request is answered;
    /// otherwise refuses it at once, its body unread, with an OperationOutcome naming `what`
    /// is running and the `outcome` the client must know (what was not done).
    pub async fn run_or_refuse(
        &self,
        what: &'static str,
        outcome: &'static str,
        req: Request,
        next: Next,
    ) -> Response {
        match self.admit() {
            Ok(permit) => {
                let response = next.run(req).await;
                drop(permit);
                response
            }
            Err(busy) => FhirError::Busy {
                running: busy.limit,
                what,
                outcome,
                retry_after: RETRY_AFTER_SECONDS,
            }
            .into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(cores: usize, memory_gib: Option<u64>, expect: (usize, usize, usize)) {
        let limits = Limits::for_machine(cores, memory_gib.map(|g| g << 30));
        assert_eq!(
            (
                limits.fhir_writes.get(),
                limits.cds_calls.get(),
                limits.exports.get()
            ),
            expect,
            "{cores} cores, {memory_gib:?} GiB"
        );
    }

    #[test]
    fn limits_follow_the_machine_and_are_never_zero() {
        check(2, Some(2), (1, 16, 1));
        check(2, Some(24), (1, 64, 1));
        check(8, Some(4), (4, 32, 4));
        check(8, Some(2), (2, 16, 4));
        check(16, None, (8, 512, 8));
        check(1, Some(0), (1, 1, 1));
        check(0, Some(1), (1, 8, 1));
    }

    #[test]
    fn a_gate_admits_up_to_its_limit_and_again_once_one_leaves() {
        let gate = Gate::new(NonZeroUsize::new(2).expect("two"));
        let first = gate.admit().expect("first");
        let _second = gate.admit().expect("second");
        assert_eq!(gate.admit().map(|_| ()), Err(Busy { limit: 2 }));
        drop(first);
        assert!(gate.admit().is_ok());
    }
}
