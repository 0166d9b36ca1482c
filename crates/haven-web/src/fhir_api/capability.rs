//! `GET /fhir/metadata`: a CapabilityStatement that claims exactly what this API does —
//! read, vread and search on the served types (every resource versioned), update (`If-Match`
//! aware) and conditional create of Patients, batch/transaction, and system-level `$export`.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use haven_fhir::model::*;
use std::sync::Arc;

use super::{SERVED_TYPES, Shared, fhir_json};
use crate::AppState;

fn param(name: &str, param_type: &str) -> CapabilitySearchParam {
    CapabilitySearchParam {
        name: name.into(),
        param_type: param_type.into(),
    }
}

pub(super) fn statement(base: &str) -> CapabilityStatement {
    let resources = SERVED_TYPES
        .iter()
        .map(|&t| {
            let mut search_param = vec![
                param("_id", "token"),
                param("_count", "number"),
                param("_lastUpdated", "date"),
            ];
            if t == "Patient" {
                search_param.push(param("identifier", "token"));
            } else {
                search_param.push(param("patient", "reference"));
            }
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
            ];
            if patient {
                // PUT /fhir/Patient/{id}; creates and conditional creates go through POST /fhir.
                interaction.push(CapabilityInteraction {
                    code: "update".into(),
                });
            }
            CapabilityResource {
                resource_type: t.into(),
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
            }
        })
        .collect();
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
                    "Bearer API tokens issued by a Haven administrator, scope read or write. Sensitive history is returned only with _includeSensitive=true, and every access is audited. Base: {base}/fhir"
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
            operation: vec![CapabilityOperation {
                name: "export".into(),
                definition: "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export".into(),
            }],
        }],
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
