//! The CDS Hooks service: `GET /cds-services` (discovery, public), `POST
//! /cds-services/haven-patient-view` and `/haven-appointment-book` (cards from the same care
//! rules as the worklist, over the prefetched FHIR data, fetching from `fhirServer` what was
//! not prefetched), and `POST /cds-services/{id}/feedback`. Calls carry the EHR's signed JWT,
//! checked against trusted issuers; a Haven API token (read scope) is accepted as well, for
//! integrations that cannot sign.
//!
//! Self-contained like [`crate::fhir_api`]: [`router`] is given its settings ([`CdsConfig`]):
//! the public URL (the service URLs the JWT `aud` must name, and the start of every link on
//! a card — never the request's Host) and the trusted issuers (read from
//! `{"issuers": [{"iss": …, "jwks": {…}}]}` by [`CdsConfig::issuers_from_json`]); with no
//! issuers only API tokens are accepted.
//!
//! Service calls are admitted up to [`Limits::cds_calls`] at once; one more is refused at once,
//! its body unread, with 503, `Retry-After` and an OperationOutcome saying no advice was given.

mod fetch;
mod jwt;
mod replay;

pub use jwt::{Caller, IssuerError, JwtError, TrustedIssuer, TrustedKey, verify};

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router, middleware};
use haven_fhir::cds::{self, CardsResponse, CdsRequest, Feedback};
use haven_store::Actor;
use haven_store::api_tokens::ApiScope;
use serde_json::Value;

use crate::AppState;
use crate::fhir_api::{FhirBody, FhirError, cors};
use crate::limits::{Gate, Limits};

/// Prefetched records can be large; a whole population is not.
pub const MAX_REQUEST_BYTES: usize = 16 << 20;

#[derive(Clone, Debug)]
pub struct CdsConfig {
    /// The base address EHRs reach Haven at (no trailing slash): the audience a JWT must name
    /// and the start of every link on a card.
    pub public_url: String,
    /// The EHRs whose signed JWTs are accepted.
    pub issuers: Vec<TrustedIssuer>,
}

impl CdsConfig {
    /// `{"issuers": [...]}`.
    pub fn issuers_from_json(bytes: &[u8]) -> Result<Vec<TrustedIssuer>, IssuerError> {
        let value: Value = serde_json::from_slice(bytes).map_err(IssuerError::NotJson)?;
        value
            .get("issuers")
            .and_then(Value::as_array)
            .ok_or(IssuerError::NoIssuers)?
            .iter()
            .map(TrustedIssuer::from_json)
            .collect()
    }
}

struct Shared {
    config: CdsConfig,
    http: reqwest::Client,
    /// Seals card uuids; read from the database on first use.
    card_key: tokio::sync::OnceCell<cds::CardKey>,
    /// Used JWT ids, recorded with group commit; started on first use.
    replays: tokio::sync::OnceCell<replay::ReplayCache>,
}

impl Shared {
    async fn card_key(&self, state: &AppState) -> Result<&cds::CardKey, FhirError> {
        self.card_key
            .get_or_try_init(|| async {
                let secret = state.store.deployment_secret("cds-card").await?;
                Ok::<_, FhirError>(cds::CardKey::new(secret))
            })
            .await
    }
}

pub fn router(config: CdsConfig, limits: &Limits) -> Router<AppState> {
    let shared = Arc::new(Shared {
        config,
        http: fetch::client(),
        card_key: tokio::sync::OnceCell::new(),
        replays: tokio::sync::OnceCell::new(),
    });
    let calls = middleware::from_fn_with_state(Gate::new(limits.cds_calls), admit_call);
    Router::new()
        .route("/cds-services", get(discovery))
        .route("/cds-services/{service}", post(service.layer(calls)))
        .route("/cds-services/{service}/feedback", post(feedback))
        .layer(Extension(shared))
        .layer(middleware::from_fn(cors::layer))
}

fn json(status: StatusCode, body: &impl serde::Serialize) -> Response {
    let mut response = (status, serde_json::to_string(body).unwrap_or_default()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Admits a service call if fewer than the limit are running; otherwise refuses it at once.
async fn admit_call(State(gate): State<Gate>, req: Request, next: Next) -> Response {
    gate.run_or_refuse(
        "CDS Hooks calls",
        "no advice was given and this patient's record was not checked",
        req,
        next,
    )
    .await
}

async fn discovery() -> Response {
    json(StatusCode::OK, &cds::discovery())
}

/// A caller Haven has checked: who, for the audit log, and the FHIR servers Haven may fetch
/// from for them (their issuer's; none for an API token).
struct Authenticated {
    actor: Actor,
    fhir_servers: Vec<String>,
    /// The store its audit rows go through: a token's practice's; the deployment's for a
    /// trusted issuer (CDS Hooks evaluates the record the caller sends and reads no stored
    /// patient, so no practice's records are at stake).
    store: haven_store::Store,
}

/// The caller, by JWT (three dot-separated parts) or by Haven API token.
async fn authenticate(
    state: &AppState,
    shared: &Shared,
    headers: &HeaderMap,
    path: &str,
) -> Result<Authenticated, FhirError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(FhirError::Unauthenticated)?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or(FhirError::Unauthenticated)?;
    if token.matches('.').count() == 2 {
        let audience = format!("{}{path}", shared.config.public_url);
        let caller = verify(token, &audience, &shared.config.issuers)?;
        let remember_until = caller.exp + jwt::LEEWAY_SECS;
        let replays = shared
            .replays
            .get_or_init(|| async { replay::ReplayCache::start(state.store.clone()) })
            .await;
        if !replays
            .first_use(
                caller.replay_key(),
                remember_until,
                jsonwebtoken::get_current_timestamp(),
            )
            .await?
        {
            return Err(JwtError::Replayed.into());
        }
        return Ok(Authenticated {
            actor: Actor::new(format!("cds:{}", caller.iss)),
            fhir_servers: caller.fhir_servers,
            store: state.store.clone(),
        });
    }
    let api = state
        .store
        .api_token_for(token)
        .await?
        .ok_or(FhirError::BadToken)?;
    if !api.scope.allows(ApiScope::Read) {
        return Err(FhirError::Forbidden("CDS Hooks calls"));
    }
    Ok(Authenticated {
        actor: Actor::new(format!("api:{}", api.id)),
        fhir_servers: Vec::new(),
        store: state.store.within(api.org),
    })
}

async fn service(
    State(state): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    FhirBody(body): FhirBody,
) -> Result<Response, FhirError> {
    let hook = match id.as_str() {
        cds::PATIENT_VIEW => "patient-view",
        cds::APPOINTMENT_BOOK => "appointment-book",
        _ => {
            return Err(FhirError::NotFound(format!(
                "there is no CDS service {id:?} (see /cds-services)"
            )));
        }
    };
    let caller = authenticate(&state, &shared, &headers, &format!("/cds-services/{id}")).await?;
    // Most calls are read in one pass; any other is read the general way, which names what is
    // wrong exactly and fetches what the EHR did not prefetch (once the call is known good).
    let (mut request, read) = match cds::read_in_one_pass(&body) {
        Some(read) => {
            let (request, resources) = read?;
            (request, Some(resources))
        }
        None => {
            let request: CdsRequest = serde_json::from_slice(&body)
                .map_err(|e| FhirError::BadRequest(format!("not a CDS Hooks request: {e}")))?;
            (request, None)
        }
    };
    if request.hook != hook {
        return Err(FhirError::BadRequest(format!(
            "service {id} answers the {hook} hook, not {}",
            request.hook
        )));
    }
    let patient = request
        .patient_id()
        .ok_or_else(|| FhirError::BadRequest("context.patientId is missing".into()))?
        .to_owned();
    let mut resources = match read {
        Some(resources) => resources,
        None => {
            let missing = cds::missing_prefetch(&request);
            let mut prefetch = request.prefetch.take().unwrap_or_default();
            if !missing.is_empty() {
                prefetch.extend(
                    fetch::missing(&shared.http, &request, &missing, &caller.fhir_servers).await?,
                );
            }
            cds::prefetch_resources(prefetch)?
        }
    };
    let drafts = if hook == "appointment-book" {
        cds::draft_appointments(&request)?
    } else {
        Vec::new()
    };
    let draft_ids: Vec<String> = drafts.iter().filter_map(|d| d.id.clone()).collect();
    resources.extend(drafts);
    let today = state.today();
    let record = cds::record_for(&patient, resources, today)?;
    let policy = state.policy();
    let actions = if hook == "appointment-book" {
        cds::appointment_book(&record, &draft_ids, &policy, today)
    } else {
        cds::patient_view(&record, &policy, today)
    };
    let key = shared.card_key(&state).await?;
    Ok(json(
        StatusCode::OK,
        &CardsResponse {
            cards: cds::cards(&actions, &shared.config.public_url, key),
        },
    ))
}

async fn feedback(
    State(state): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    FhirBody(body): FhirBody,
) -> Result<Response, FhirError> {
    if id != cds::PATIENT_VIEW && id != cds::APPOINTMENT_BOOK {
        return Err(FhirError::NotFound(format!(
            "there is no CDS service {id:?}"
        )));
    }
    let caller = authenticate(
        &state,
        &shared,
        &headers,
        &format!("/cds-services/{id}/feedback"),
    )
    .await?;
    let actor = caller.actor;
    let feedback: Feedback = serde_json::from_slice(&body)
        .map_err(|e| FhirError::BadRequest(format!("not CDS Hooks feedback: {e}")))?;
    // Feedback on a card Haven never issued is refused whole, before any is recorded.
    let key = shared.card_key(&state).await?;
    if let Some(unknown) = feedback.feedback.iter().find(|f| !key.issued(&f.card)) {
        return Err(FhirError::NotFound(format!(
            "Haven issued no card {:?}; feedback names the uuid of a card Haven returned",
            unknown.card
        )));
    }
    for item in &feedback.feedback {
        // Card and outcome only: a clinician's override comment may hold personal data.
        let detail = format!("{id}: card {} {}", item.card, item.outcome);
        caller
            .store
            .audit_read(&actor, "cds.feedback", None, &detail)
            .await?;
    }
    Ok(json(StatusCode::OK, &serde_json::json!({})))
}
