//! State shared by every request: the store, the practice policy and the server settings.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use haven_core::Date;
use haven_core::policy::Policy;
use haven_store::Store;
use time::OffsetDateTime;

use crate::actions_refresh::ActionsRefresher;
use crate::cds::CdsConfig;
use crate::fhir_api::FhirConfig;
use crate::limits::Limits;

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
    /// How many heavy requests (FHIR writes, CDS Hooks calls, bulk exports) may run at once.
    pub limits: Limits,
}

impl WebConfig {
    /// The defaults, with bulk exports written under `export_dir` (kept a day once finished) and every link Haven writes
    /// made from `public_url` (never from a request's `Host`): no trusted CDS Hooks issuer,
    /// cookies without `Secure`, the [`Limits`] of a small server.
    pub fn new(export_dir: PathBuf, public_url: &str) -> Self {
        let public_url = public_url.trim_end_matches('/').to_owned();
        Self {
            secure_cookies: false,
            fhir: FhirConfig {
                public_url: public_url.clone(),
                export_dir,
                export_retention: crate::fhir_api::DEFAULT_EXPORT_RETENTION,
            },
            cds: CdsConfig {
                public_url,
                issuers: Vec::new(),
            },
            limits: Limits::default(),
        }
    }
}

/// The address to make links from when no public URL is configured: the one the server is
/// bound to (`http://127.0.0.1:8080`).
pub fn bound_url(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// The care-rule policy, reloaded when an admin changes a setting.
    pub policy: Arc<RwLock<Policy>>,
    pub config: Arc<WebConfig>,
    /// The population refresh of the stored actions, one at a time for the pages and the
    /// server's periodic refresh alike.
    pub refresher: ActionsRefresher,
}

impl AppState {
    pub fn new(store: Store, policy: Policy, config: WebConfig) -> Self {
        Self {
            refresher: ActionsRefresher::new(store.clone()),
            store,
            policy: Arc::new(RwLock::new(policy)),
            config: Arc::new(config),
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

    /// Replaces the running policy with the stored one: after an admin's change here, and
    /// every few seconds while serving, so that every server on one database follows a change
    /// made on any of them.
    pub async fn reload_policy(&self) -> Result<(), haven_store::StoreError> {
        let fresh = self.store.policy().await?;
        match self.policy.write() {
            Ok(mut p) => *p = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }

    /// A snapshot of the current policy (cheap to clone; rules run on the copy).
    pub fn policy(&self) -> Policy {
        match self.policy.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}
