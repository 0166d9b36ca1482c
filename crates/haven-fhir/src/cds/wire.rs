//! CDS Hooks 1.0 / 2.0 wire types: the service request, discovery document, cards and
//! feedback, as the CDS Hooks specification names their fields.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::Coding;

/// The access token an EHR passes so that a service may query its FHIR server.
/// Its fields are OAuth 2.0's, in snake case, as the specification writes them.
#[derive(Clone, Deserialize, Serialize, PartialEq)]
pub struct FhirAuthorization {
    pub access_token: String,
    #[serde(default)]
    pub token_type: String,
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub patient: Option<String>,
}

impl std::fmt::Debug for FhirAuthorization {
    // The token is a credential: never in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FhirAuthorization")
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A hook call. `context` stays JSON because each hook defines its own; the fields Haven
/// reads have accessors. Prefetch values are `P`: JSON text by default, read as FHIR later so
/// that each resource is parsed once, straight into Haven's types (see `Resource::from_json`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(
    rename_all = "camelCase",
    bound(deserialize = "P: Deserialize<'de>", serialize = "P: Serialize")
)]
pub struct CdsRequest<P = Box<serde_json::value::RawValue>> {
    pub hook: String,
    pub hook_instance: String,
    #[serde(default)]
    pub fhir_server: Option<String>,
    #[serde(default)]
    pub fhir_authorization: Option<FhirAuthorization>,
    pub context: Value,
    /// Prefetch results by key; a key may be present with `null` when the EHR found nothing
    /// or chose not to prefetch it.
    #[serde(default)]
    pub prefetch: Option<BTreeMap<String, P>>,
}

impl<P> CdsRequest<P> {
    /// The call without its prefetch, and the prefetch.
    pub fn take_prefetch<Q>(self) -> (CdsRequest<Q>, Option<BTreeMap<String, P>>) {
        let request = CdsRequest {
            hook: self.hook,
            hook_instance: self.hook_instance,
            fhir_server: self.fhir_server,
            fhir_authorization: self.fhir_authorization,
            context: self.context,
            prefetch: None,
        };
        (request, self.prefetch)
    }

    pub fn patient_id(&self) -> Option<&str> {
        self.context.get("patientId").and_then(Value::as_str)
    }

    pub fn user_id(&self) -> Option<&str> {
        self.context.get("userId").and_then(Value::as_str)
    }

    /// `appointment-book`: the appointments being booked (a Bundle).
    pub fn appointments(&self) -> Option<&Value> {
        self.context.get("appointments")
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDescriptor {
    pub hook: String,
    pub title: String,
    pub description: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefetch: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_requirements: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct Discovery {
    pub services: Vec<ServiceDescriptor>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Coding>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub label: String,
    pub url: String,
    /// `absolute` or `smart`.
    #[serde(rename = "type")]
    pub link_type: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    /// Stable for the same advice, so that feedback can name it.
    pub uuid: String,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// `info`, `warning` or `critical`.
    pub indicator: String,
    pub source: Source,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct CardsResponse {
    pub cards: Vec<Card>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OverrideReason {
    #[serde(default)]
    pub reason: Option<Coding>,
    #[serde(default)]
    pub user_comment: Option<String>,
}

/// What the clinician did with a card.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackItem {
    pub card: String,
    /// `accepted` or `overridden`.
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<OverrideReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_timestamp: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct Feedback {
    pub feedback: Vec<FeedbackItem>,
}
