//! The `jti` replay cache, written with group commit. Every JWT-signed call must record its
//! `jti` durably before it is answered (a replay after a crash or on another server is refused
//! too), and one transaction per call made those writes take turns at one disk flush each: at
//! 50 callers the flushes, not the rules, set the pace. Claims that arrive while a transaction
//! is being written wait for the next one, which records them all with one flush; each caller
//! is answered once its own claim is durable, exactly as before.

use haven_store::Store;
use tokio::sync::{mpsc, oneshot};

use crate::fhir_api::FhirError;

/// The most claims one transaction records.
const MOST_PER_COMMIT: usize = 512;

struct Claim {
    key: String,
    expires_at: u64,
    now: u64,
    answer: oneshot::Sender<Result<bool, String>>,
}

/// Records used `jti`s; cheap to share.
pub(super) struct ReplayCache {
    claims: mpsc::UnboundedSender<Claim>,
}

impl ReplayCache {
    /// Starts the writer on the current tokio runtime.
    pub(super) fn start(store: Store) -> Self {
        let (claims, mut waiting) = mpsc::unbounded_channel::<Claim>();
        tokio::spawn(async move {
            while let Some(first) = waiting.recv().await {
                let mut batch = vec![first];
                while batch.len() < MOST_PER_COMMIT {
                    match waiting.try_recv() {
                        Ok(claim) => batch.push(claim),
                        Err(_) => break,
                    }
                }
                let now = batch.iter().map(|c| c.now).min().unwrap_or_default();
                let keys: Vec<(String, u64)> = batch
                    .iter()
                    .map(|c| (c.key.clone(), c.expires_at))
                    .collect();
                match store.first_uses_of_jtis(&keys, now).await {
                    Ok(first) => {
                        for (claim, first) in batch.into_iter().zip(first) {
                            let _ = claim.answer.send(Ok(first));
                        }
                    }
                    Err(e) => {
                        let message = e.to_string();
                        for claim in batch {
                            let _ = claim.answer.send(Err(message.clone()));
                        }
                    }
                }
            }
        });
        Self { claims }
    }

    /// Whether this is the first use of `key` (remembered until `expires_at`, Unix seconds),
    /// once it is recorded.
    pub(super) async fn first_use(
        &self,
        key: String,
        expires_at: u64,
        now: u64,
    ) -> Result<bool, FhirError> {
        let (answer, answered) = oneshot::channel();
        let unavailable =
            || FhirError::Internal("the CDS Hooks replay cache is not running".into());
        self.claims
            .send(Claim {
                key,
                expires_at,
                now,
                answer,
            })
            .map_err(|_| unavailable())?;
        answered
            .await
            .map_err(|_| unavailable())?
            .map_err(|e| FhirError::Internal(format!("the CDS Hooks replay cache: {e}")))
    }
}
