//! FHIR infrastructure resources: Bundle, OperationOutcome and CapabilityStatement.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::datatypes::Meta;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleLink {
    pub relation: String,
    pub url: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleRequest {
    pub method: String,
    #[serde(default)]
    pub url: String,
    /// A conditional create's search (`identifier=system|value`): create only if nothing matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_none_exist: Option<String>,
    /// An update's precondition: the version (ETag, `W/"3"`) the change was made to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_match: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleResponse {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// When the version the entry names was stored (a FHIR instant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleSearch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// One entry. The resource stays raw JSON here so that each entry is parsed on its own and an
/// error can name the entry it came from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<BundleSearch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<BundleRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<BundleResponse>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(rename = "type")]
    pub bundle_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link: Vec<BundleLink>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry: Vec<BundleEntry>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationOutcomeIssue {
    pub severity: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expression: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationOutcome {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub issue: Vec<OperationOutcomeIssue>,
}

impl OperationOutcome {
    /// One issue: `severity` (`error`, `warning`, `information`), an issue-type `code`
    /// (`invalid`, `not-found`, `security`, …), a sentence and optionally the FHIRPath at fault.
    pub fn single(
        severity: &str,
        code: &str,
        diagnostics: impl Into<String>,
        expression: Option<String>,
    ) -> Self {
        Self {
            id: None,
            issue: vec![OperationOutcomeIssue {
                severity: severity.into(),
                code: code.into(),
                diagnostics: Some(diagnostics.into()),
                expression: expression.into_iter().collect(),
            }],
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilitySoftware {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityInteraction {
    pub code: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilitySearchParam {
    pub name: String,
    #[serde(rename = "type")]
    pub param_type: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityOperation {
    pub name: String,
    pub definition: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityResource {
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The profile every resource of the type conforms to (and declares in `meta.profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interaction: Vec<CapabilityInteraction>,
    /// `versioned` (every resource carries its version), or `versioned-update` where an
    /// update may name the version it changes (`If-Match`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versioning: Option<String>,
    /// Whether vread serves versions other than the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_history: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditional_create: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_create: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_param: Vec<CapabilitySearchParam>,
    /// Operations on the type (Bulk Data `Patient/$export`, `Group/[id]/$export`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operation: Vec<CapabilityOperation>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilitySecurity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityRest {
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<CapabilitySecurity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource: Vec<CapabilityResource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interaction: Vec<CapabilityInteraction>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operation: Vec<CapabilityOperation>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityStatement {
    pub status: String,
    pub date: String,
    pub kind: String,
    pub fhir_version: String,
    pub format: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<CapabilitySoftware>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rest: Vec<CapabilityRest>,
}
