//! One population refresh of the stored actions at a time per process
//! ([`ActionsRefresher`]), shared by the pages that list stored actions and by the server's
//! periodic refresh (`haven serve`).
//!
//! After the date, the policy or a rule's version changes, `Store::refresh_actions_if_stale`
//! re-evaluates the population: 20 s to minutes for 100,000 patients (BENCHMARKS.md). Whoever
//! asks while a refresh for the same day and policy runs joins it instead of starting another
//! beside it. The refresh runs in a task of its own, so a page that stops waiting (or a
//! request the browser drops) never cancels it half way. Pages wait at most [`PAGE_WAIT`] and
//! then answer from the stored actions, saying so ([`Freshness::Behind`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use haven_core::Date;
use haven_core::policy::Policy;
use haven_store::{Store, StoreError};
use tokio::sync::{OwnedRwLockWriteGuard, RwLock};

/// How long a worklist or recall page waits for a running refresh before answering from the
/// stored actions with a notice: long enough for an ordinary day's incremental refresh of a
/// small practice, short enough that nobody stares at a blank page while a large one runs.
pub const PAGE_WAIT: Duration = Duration::from_millis(1500);

/// Why a refresh did not bring the stored actions up to date.
#[derive(Clone, Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("refreshing the stored actions failed: {0}")]
    Store(Arc<StoreError>),
    #[error("the refresh of the stored actions stopped unexpectedly: {0}")]
    Stopped(String),
}

/// What a refresh ended with: `Ok(true)` when it re-evaluated patients, `Ok(false)` when the
/// stored actions were current already.
pub type Outcome = Result<bool, RefreshError>;

/// What a page may say of the stored actions it is about to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Up to date for today and the policy; `refreshed` when this view waited for a refresh
    /// that re-evaluated patients (rather than finding nothing to do).
    Current { refreshed: bool },
    /// Not yet brought up to date: the stored actions are as evaluated for `as_of` (`None`
    /// when no refresh is recorded, after a bulk load). `failed` when the refresh failed
    /// rather than still running.
    Behind { as_of: Option<Date>, failed: bool },
}

/// The single-flight refresher. Cheap to clone; clones share the running refresh.
#[derive(Clone)]
pub struct ActionsRefresher {
    inner: Arc<Inner>,
}

struct Inner {
    /// The whole deployment's store: the refresh covers every practice.
    store: Store,
    running: Mutex<Option<Job>>,
    /// How many refreshes this process has started.
    started: AtomicU64,
    /// Every refresh reads this before it starts; [`ActionsRefresher::hold`] writes it.
    gate: Arc<RwLock<()>>,
}

/// The refresh running now, and what it brings the stored actions to.
struct Job {
    id: u64,
    today: Date,
    policy: Policy,
    done: Shared<BoxFuture<'static, Outcome>>,
}

/// Keeps refreshes from starting until dropped (see [`ActionsRefresher::hold`]).
pub struct RefreshHold {
    _gate: OwnedRwLockWriteGuard<()>,
}

impl ActionsRefresher {
    pub fn new(store: Store) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                running: Mutex::new(None),
                started: AtomicU64::new(0),
                gate: Arc::new(RwLock::new(())),
            }),
        }
    }

    /// Brings the stored actions to `today` and `policy` and waits for that to end: joins the
    /// refresh running for the same day and policy, or starts one. A refresh running for
    /// another day or policy is waited for first, then one for these starts (it re-evaluates
    /// only what that one left to do).
    pub async fn refresh(&self, policy: &Policy, today: Date) -> Outcome {
        loop {
            let (done, ours) = self.join_or_start(policy, today);
            let outcome = done.await;
            if ours {
                return outcome;
            }
        }
    }

    /// [`Self::refresh`], waiting at most `wait`: `None` when the refresh has not ended by
    /// then. It goes on in its own task either way.
    pub async fn refresh_within(
        &self,
        policy: &Policy,
        today: Date,
        wait: Duration,
    ) -> Option<Outcome> {
        tokio::time::timeout(wait, self.refresh(policy, today))
            .await
            .ok()
    }

    /// For a page about to read the stored actions: asks for a refresh and waits at most
    /// [`PAGE_WAIT`]. A failed refresh is logged where it ran and shown as [`Freshness::Behind`]:
    /// the stored list is still the best there is, and the notice says what it may lack.
    pub async fn for_page(&self, policy: &Policy, today: Date) -> Result<Freshness, StoreError> {
        let store = &self.inner.store;
        let failed = match self.refresh_within(policy, today, PAGE_WAIT).await {
            Some(Ok(refreshed)) => return Ok(Freshness::Current { refreshed }),
            Some(Err(_)) => true,
            // Still running, or only slow to say there was nothing to do: the stored
            // settings tell which (another server may have finished it too).
            None if store.actions_current(policy, today).await? => {
                return Ok(Freshness::Current { refreshed: false });
            }
            None => false,
        };
        Ok(Freshness::Behind {
            as_of: store.actions_as_of().await?,
            failed,
        })
    }

    /// How many refreshes this process has started (joined asks start none).
    pub fn started(&self) -> u64 {
        self.inner.started.load(Ordering::SeqCst)
    }

    /// Holds every refresh that starts from now at its start until the returned guard is
    /// dropped; waits for a running one to end first. For tests that need a refresh to be
    /// running while a page is asked for (nothing in the server holds it).
    pub async fn hold(&self) -> RefreshHold {
        RefreshHold {
            _gate: self.inner.gate.clone().write_owned().await,
        }
    }

    /// The running refresh's end, and whether it is one for `today` and `policy`; a new one
    /// for them when none runs.
    fn join_or_start(
        &self,
        policy: &Policy,
        today: Date,
    ) -> (Shared<BoxFuture<'static, Outcome>>, bool) {
        let mut running = lock(&self.inner.running);
        if let Some(job) = running.as_ref() {
            return (
                job.done.clone(),
                job.today == today && job.policy == *policy,
            );
        }
        let id = self.inner.started.fetch_add(1, Ordering::SeqCst) + 1;
        let inner = Arc::clone(&self.inner);
        let task_policy = policy.clone();
        let task = tokio::spawn(async move {
            let _clear = ClearOnEnd {
                inner: Arc::clone(&inner),
                id,
            };
            inner.run(&task_policy, today).await
        });
        let done = async move {
            task.await
                .unwrap_or_else(|e| Err(RefreshError::Stopped(e.to_string())))
        }
        .boxed()
        .shared();
        *running = Some(Job {
            id,
            today,
            policy: policy.clone(),
            done: done.clone(),
        });
        (done, true)
    }
}

impl Inner {
    /// One refresh, logged here once however many wait for it.
    async fn run(&self, policy: &Policy, today: Date) -> Outcome {
        let _open = self.gate.read().await;
        let started = Instant::now();
        match self.store.refresh_actions_if_stale(policy, today).await {
            Ok(refreshed) => {
                if refreshed {
                    tracing::info!(
                        ms = started.elapsed().as_millis() as u64,
                        %today,
                        "actions refreshed for the population"
                    );
                }
                Ok(refreshed)
            }
            Err(e) => {
                tracing::warn!(error = %e, "actions refresh failed; lists show the stored actions until the next refresh");
                Err(RefreshError::Store(Arc::new(e)))
            }
        }
    }
}

/// Forgets the job when its task ends, even by a panic, so the next ask starts a new one.
struct ClearOnEnd {
    inner: Arc<Inner>,
    id: u64,
}

impl Drop for ClearOnEnd {
    fn drop(&mut self) {
        let mut running = lock(&self.inner.running);
        if running.as_ref().is_some_and(|j| j.id == self.id) {
            *running = None;
        }
    }
}

fn lock(m: &Mutex<Option<Job>>) -> MutexGuard<'_, Option<Job>> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    async fn refresher() -> ActionsRefresher {
        ActionsRefresher::new(Store::open_in_memory().await.expect("store"))
    }

    #[tokio::test]
    async fn asks_while_a_refresh_runs_join_it() {
        let r = refresher().await;
        let policy = Policy::default();
        let day = date!(2026 - 11 - 28);
        let hold = r.hold().await;
        // Neither ask can end while held; the first starts the refresh, the second joins it.
        assert!(
            r.refresh_within(&policy, day, Duration::ZERO)
                .await
                .is_none()
        );
        assert!(
            r.refresh_within(&policy, day, Duration::ZERO)
                .await
                .is_none()
        );
        assert_eq!(r.started(), 1);
        // A third asker, joined before the release (so it cannot miss the held refresh).
        let mut third = std::pin::pin!(r.refresh(&policy, day));
        assert!(futures_util::poll!(third.as_mut()).is_pending());
        drop(hold);
        assert!(third.await.expect("refresh"), "the held one ran");
        assert_eq!(r.started(), 1, "and was the only one");
        assert_eq!(
            r.inner.store.actions_as_of().await.expect("as of"),
            Some(day)
        );
        // Once it has ended, the next ask starts another, which finds nothing to do.
        assert!(!r.refresh(&policy, day).await.expect("refresh"));
        assert_eq!(r.started(), 2);
    }

    #[tokio::test]
    async fn an_ask_for_another_day_waits_for_the_running_refresh_then_starts_its_own() {
        let r = refresher().await;
        let policy = Policy::default();
        let (yesterday, today) = (date!(2026 - 11 - 27), date!(2026 - 11 - 28));
        let hold = r.hold().await;
        assert!(
            r.refresh_within(&policy, yesterday, Duration::ZERO)
                .await
                .is_none()
        );
        let later = tokio::spawn({
            let r = r.clone();
            let policy = policy.clone();
            async move { r.refresh(&policy, today).await }
        });
        drop(hold);
        assert!(later.await.expect("task").expect("refresh"));
        assert_eq!(r.started(), 2);
        assert_eq!(
            r.inner.store.actions_as_of().await.expect("as of"),
            Some(today)
        );
    }
}
