//! `GET /fhir/metadata`: a CapabilityStatement that claims exactly what this API does —
//! read, vread, search and create on the served types (every resource versioned), update
//! (`If-Match` aware) and conditional create of Patients, batch/transaction, and Bulk Data
//! `$export` at the system, Patient and Group levels, with read and search of the Groups it
//! exports.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use haven_fhir::model::*;
use std::sync::Arc;

use super::{SERVED_TYPES, Shared, fhir_json};
use crate::AppState;

/// The search parameters Haven reads for `resource_type`, with their FHIR types: what the
/// statement declares and what [`is_search_parameter`] admits.
fn search_parameters(resource_type: &str) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![
        ("_id", "token"),
        ("_count", "number"),
        ("_lastUpdated", "date"),
    ];
    if resource_type == "Practitioner" {
        out.extend([
            ("identifier", "token"),
            ("name", "string"),
            ("active", "token"),
        ]);
    } else if resource_type == "Patient" {
        out.extend([
            ("identifier", "token"),
            ("family", "string"),
            ("given", "string"),
            ("name", "string"),
            ("birthdate", "date"),
        ]);
    } else {
        out.push(("patient", "reference"));
        if super::date_search::ELEMENTS
            .iter()
            .any(|(t, _)| *t == resource_type)
        {
            out.push(("date", "date"));
        }
        if super::token_search::TYPES.contains(&resource_type) {
            out.extend([("code", "token"), ("category", "token")]);
        }
    }
    out
}

fn declared(resource_type: &str) -> Vec<CapabilitySearchParam> {
    search_parameters(resource_type)
        .into_iter()
        .map(|(name, param_type)| CapabilitySearchParam {
            name: name.into(),
            param_type: param_type.into(),
        })
        .collect()
}

pub(super) fn statement(base: &str) -> CapabilityStatement {
    let mut resources: Vec<CapabilityResource> = SERVED_TYPES
        .iter()
        .map(|&t| {
            let search_param = declared(t);
            let patient = t == "Patient";
            let mut interaction = vec![
                CapabilityInteraction {
                    code: "read".into(),
                },
                CapabilityInteraction {
                    code: "vread".into(),
                },
                CapabilityInteraction {
                    code: "search-type".into(),
                },
                CapabilityInteraction {
                    code: "create".into(),
                },
            ];
            if patient {
                // PUT /fhir/Patient/{id}; a conditional create is by NHS number.
                interaction.push(CapabilityInteraction {
                    code: "update".into(),
                });
            }
            CapabilityResource {
                resource_type: t.into(),
                profile: patient.then(|| haven_fhir::uris::UKCORE_PATIENT.into()),
                interaction,
                versioning: Some(
                    if patient {
                        "versioned-update"
                    } else {
                        "versioned"
                    }
                    .into(),
                ),
                read_history: Some(true),
                conditional_create: patient.then_some(true),
                update_create: patient.then_some(true),
                search_param,
                operation: if patient {
                    vec![export_operation("patient-export")]
                } else {
                    Vec::new()
                },
            }
        })
        .chain([group_resource()])
        .collect();
    // Named clinicians: read and searched, never written over FHIR (they are Haven's users).
    resources.push(CapabilityResource {
        resource_type: "Practitioner".into(),
        profile: Some(haven_fhir::uris::UKCORE_PRACTITIONER.into()),
        interaction: ["read", "vread", "search-type"]
            .into_iter()
            .map(|code| CapabilityInteraction { code: code.into() })
            .collect(),
        versioning: Some("versioned".into()),
        read_history: Some(false),
        search_param: declared("Practitioner"),
        ..CapabilityResource::default()
    });
    CapabilityStatement {
        status: "active".into(),
        // The statement changes only with the software; it carries the release, not a clock.
        date: "2026-11-28".into(),
        kind: "instance".into(),
        fhir_version: "4.0.1".into(),
        format: vec!["application/fhir+json".into()],
        software: Some(CapabilitySoftware {
            name: "Haven".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        rest: vec![CapabilityRest {
            mode: "server".into(),
            security: Some(CapabilitySecurity {
                description: Some(format!(
                    "Bearer API tokens issued by a Haven administrator, scope read or write. Sensitive history (disclosures of abuse) is returned only to tokens the administrator made with the sensitive scope, and every access is audited. Base: {base}/fhir"
                )),
            }),
            resource: resources,
            interaction: vec![
                CapabilityInteraction {
                    code: "batch".into(),
                },
                CapabilityInteraction {
                    code: "transaction".into(),
                },
            ],
            operation: vec![export_operation("export")],
        }],
    }
}

/// A Bulk Data export operation by the id of its definition in the Bulk Data Access IG
/// (`export`, `patient-export`, `group-export`: hl7.org/fhir/uv/bulkdata, STU1).
fn export_operation(definition: &str) -> CapabilityOperation {
    CapabilityOperation {
        name: "export".into(),
        definition: format!("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/{definition}"),
    }
}

/// The Groups a Bulk Data client exports (the practice, each named clinician's list): read and
/// searched by `_id`, without versions (they are made from the patients, not stored).
fn group_resource() -> CapabilityResource {
    CapabilityResource {
        resource_type: "Group".into(),
        interaction: ["read", "search-type"]
            .into_iter()
            .map(|code| CapabilityInteraction { code: code.into() })
            .collect(),
        versioning: Some("no-version".into()),
        search_param: vec![CapabilitySearchParam {
            name: "_id".into(),
            param_type: "token".into(),
        }],
        operation: vec![export_operation("group-export")],
        ..CapabilityResource::default()
    }
}

pub(super) async fn metadata(
    State(_): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
) -> Response {
    fhir_json(
        StatusCode::OK,
        &Resource::from(statement(shared.base())).to_value(),
    )
}

/// Parameters every search reads besides the type's own: order, paging (`_cursor` is what
/// Haven writes in a `next` link), counting and the format.
const GENERAL_PARAMETERS: [&str; 7] = [
    "_sort",
    "_count",
    "_cursor",
    "_total",
    "_summary",
    "_format",
    "_lastUpdated",
];

/// Whether `name` is a search parameter Haven reads for `resource_type`: what the statement
/// declares, plus the general ones. Anything else is ignored (and left out of the Bundle's
/// links), or refused when the client asks `Prefer: handling=strict`.
pub(super) fn is_search_parameter(resource_type: &str, name: &str) -> bool {
    GENERAL_PARAMETERS.contains(&name)
        || (resource_type != "Patient" && name == "subject")
        || search_parameters(resource_type)
            .iter()
            .any(|(p, _)| *p == name)
}

/// Whether `name` may appear in a Bulk Data `_typeFilter` for `resource_type`: a search
/// parameter Haven reads for the type that selects resources (not one that pages or counts).
pub(super) fn is_filter_parameter(resource_type: &str, name: &str) -> bool {
    name != "_count"
        && ((resource_type != "Patient" && name == "subject")
            || search_parameters(resource_type)
                .iter()
                .any(|(p, _)| *p == name))
}
