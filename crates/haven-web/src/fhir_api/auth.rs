//! Bearer API tokens for the FHIR API: the [`ApiClient`] extractor finds the token's record,
//! and handlers ask it for the scope they need. Tokens are looked up by hash; a token never
//! appears in logs.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use haven_store::Actor;
use haven_store::api_tokens::{ApiScope, ApiToken};

use super::response::FhirError;
use crate::AppState;

/// The caller, authenticated by an API token.
#[derive(Clone, Debug)]
pub struct ApiClient {
    pub token: ApiToken,
    /// The store confined to the token's practice: every FHIR read, search, write and export
    /// goes through it (H-66).
    pub store: haven_store::Store,
}

/// A practice as FHIR names it: a Patient's `managingOrganization`, the practice an import
/// files under.
pub fn fhir_practice(p: &haven_store::Practice) -> haven_fhir::Practice {
    haven_fhir::Practice {
        ods_code: p.ods_code.as_ref().map(|c| c.to_string()),
        name: p.name.clone(),
    }
}

/// The practice an import through `store` files its patients under (its own, or the
/// deployment's only one; with several and no scope, `PracticeAmbiguous`), as
/// `haven_fhir::Assembler::files_under` wants it (`haven import`, H-70).
pub async fn filing_practice(
    store: &haven_store::Store,
) -> Result<haven_fhir::Practice, haven_store::StoreError> {
    Ok(fhir_practice(&store.acting_practice().await?))
}

/// The practice a store is confined to (a token's), as FHIR names it; `None` for the whole
/// deployment's store.
pub async fn practice_of(
    store: &haven_store::Store,
) -> Result<Option<haven_fhir::Practice>, haven_store::StoreError> {
    match store.scope() {
        Some(_) => filing_practice(store).await.map(Some),
        None => Ok(None),
    }
}

impl ApiClient {
    pub fn require(&self, scope: ApiScope) -> Result<(), FhirError> {
        if self.token.scope.allows(scope) {
            Ok(())
        } else {
            Err(FhirError::Forbidden(match scope {
                ApiScope::Read => "reading",
                ApiScope::Write => "writing (ask an admin for a write token)",
            }))
        }
    }

    /// The token's practice, as every Patient it reads names it (`managingOrganization`) and
    /// every Patient it writes must (H-70). Read by the requests that need it, not by every
    /// request (status polls, downloads).
    pub async fn practice(&self) -> Result<haven_fhir::Practice, FhirError> {
        Ok(filing_practice(&self.store).await?)
    }

    /// Who to name in the audit log and as the author of imported changes.
    pub fn actor(&self) -> Actor {
        Actor::new(format!("api:{}", self.token.id))
    }
}

/// The bearer credential of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = FhirError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = bearer(parts).ok_or(FhirError::Unauthenticated)?;
        match state.store.api_token_for(secret).await? {
            Some(token) => Ok(ApiClient {
                store: state.store.within(token.org),
                token,
            }),
            None => Err(FhirError::BadToken),
        }
    }
}
