//! State shared by every request: the store, the practice policy and the server settings.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use haven_core::Date;
use haven_core::policy::Policy;
use haven_store::Store;
use time::OffsetDateTime;

use crate::cds::CdsConfig;
use crate::fhir_api::FhirConfig;

/// Settings fixed at start-up, given by the binary (which reads them from its arguments and
/// the environment): nothing in this crate reads the environment.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Set the `Secure` attribute on cookies (when served over TLS or behind a TLS proxy).
    pub secure_cookies: bool,
    /// The FHIR API's settings.
    pub fhir: FhirConfig,
    /// The CDS Hooks service's settings.
    pub cds: CdsConfig,
}

impl WebConfig {
    /// The defaults, with bulk exports written under `export_dir`: no public URL (links follow
    /// the request's Host), no trusted CDS Hooks issuer, cookies without `Secure`.
    pub fn new(export_dir: PathBuf) -> Self {
        Self {
            secure_cookies: false,
            fhir: FhirConfig {
                public_url: None,
                export_dir,
            },
            cds: CdsConfig::default(),
        }
    }
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

    /// Today's date on the application's clock (the store's): for validation, form defaults
    /// and the rules. The core never reads a clock; it is given this date.
    pub fn today(&self) -> Date {
        self.store.clock().today()
    }

    /// Now on the application's clock: the time of new entries, amendments and sessions.
    pub fn now(&self) -> OffsetDateTime {
        self.store.clock().now()
    }

    /// A snapshot of the current policy (cheap to clone; rules run on the copy).
    pub fn policy(&self) -> Policy {
        match self.policy.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}
