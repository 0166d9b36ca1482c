//! State shared by every request: the store, the practice policy and the server settings.

use std::sync::{Arc, RwLock};

use haven_core::policy::Policy;
use haven_store::Store;

/// Settings fixed at start-up. (Session times are practice policy: `session.*`.)
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Set the `Secure` attribute on cookies (when served over TLS or behind a TLS proxy).
    pub secure_cookies: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// The care-rule policy, reloaded when an admin changes a setting.
    pub policy: Arc<RwLock<Policy>>,
    pub config: Arc<WebConfig>,
    /// Failed sign-in attempts per username and address (in memory, per instance).
    pub login_throttle: Arc<crate::auth::LoginThrottle>,
}

impl AppState {
    pub fn new(store: Store, policy: Policy, config: WebConfig) -> Self {
        Self {
            store,
            policy: Arc::new(RwLock::new(policy)),
            config: Arc::new(config),
            login_throttle: Arc::new(crate::auth::LoginThrottle::new()),
        }
    }

    /// A snapshot of the current policy (cheap to clone; rules run on the copy).
    pub fn policy(&self) -> Policy {
        match self.policy.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}
