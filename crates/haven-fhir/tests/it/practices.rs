//! A Patient's practice both ways (MAPPING.md, *Practices*; hazard H-70): exported as
//! `managingOrganization` by ODS code; on import, a Patient naming another practice than the
//! one the import files under is refused, naming the resource and the field, and one naming
//! none is filed under the importing practice as before.

use haven_fhir::{Assembler, Practice, Purpose};
use serde_json::{Value, json};

use crate::support::{TODAY, full_record};

fn riverside() -> Practice {
    Practice {
        ods_code: Some("Y01234".into()),
        name: "Riverside Surgery".into(),
    }
}

fn hillside() -> Practice {
    Practice {
        ods_code: Some("Y05678".into()),
        name: "Hillside Practice".into(),
    }
}

/// The NDJSON `haven export` writes for one practice's record.
fn exported(practice: Option<&Practice>) -> String {
    let values: Vec<Value> = haven_fhir::to_resources_stored(&full_record(), true, None, practice)
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    haven_fhir::ndjson::to_ndjson(&values)
}

/// Imports NDJSON for storing, filing under `filing` when given.
fn import(
    text: &str,
    filing: Option<Practice>,
) -> Result<haven_fhir::Assembly, haven_fhir::ImportError> {
    let mut assembler = Assembler::default();
    if let Some(practice) = filing {
        assembler.files_under(practice);
    }
    assembler.add_all(haven_fhir::parse_input(text.as_bytes(), "export.ndjson")?)?;
    assembler.finish(TODAY, &[], Purpose::Store)
}

#[test]
fn the_patient_names_its_practice_by_ods_code() {
    let text = exported(Some(&riverside()));
    let patient: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(patient["resourceType"], "Patient");
    assert_eq!(
        patient["managingOrganization"],
        json!({
            "identifier": {
                "system": "https://fhir.nhs.uk/Id/ods-organization-code",
                "value": "Y01234"
            },
            "display": "Riverside Surgery"
        })
    );
    // A practice without a code yet (a migrated single practice) names nothing.
    let unnamed = Practice {
        ods_code: None,
        name: "This practice".into(),
    };
    assert!(!exported(Some(&unnamed)).contains("managingOrganization"));
    assert!(!exported(None).contains("managingOrganization"));
}

#[test]
fn export_then_import_into_the_same_practice_gives_the_same_bytes() {
    let first = exported(Some(&riverside()));
    let back = import(&first, Some(riverside())).expect("import");
    assert_eq!(back.records.len(), 1);
    assert!(back.not_recorded.is_empty(), "{:?}", back.not_recorded);
    let values: Vec<Value> =
        haven_fhir::to_resources_stored(&back.records[0], true, None, Some(&riverside()))
            .into_iter()
            .map(|(_, v)| v)
            .collect();
    assert_eq!(haven_fhir::ndjson::to_ndjson(&values), first);
}

#[test]
fn a_patient_of_another_practice_is_refused_naming_the_resource_and_field() {
    let text = exported(Some(&hillside()));
    let err = import(&text, Some(riverside())).expect_err("another practice's patient");
    let message = err.to_string();
    assert_eq!(err.path, "Patient.managingOrganization.identifier.value");
    assert!(message.starts_with("export.ndjson: line 1: "), "{message}");
    assert!(
        message.contains("Patient/pat-17 names practice Y05678")
            && message.contains("Riverside Surgery (Y01234)"),
        "{message}"
    );
    // Into a practice without a code, or an import not told its practice: refused too.
    let unnamed = Practice {
        ods_code: None,
        name: "This practice".into(),
    };
    let err = import(&text, Some(unnamed)).expect_err("no code to compare");
    assert!(err.to_string().contains("has no ODS code yet"), "{err}");
    let err = import(&text, None).expect_err("not told");
    assert!(err.to_string().contains("not told which practice"), "{err}");
    // The code is compared as the ODS writes it, whatever the case.
    let lower = text.replace("\"Y05678\"", "\"y05678\"");
    assert!(import(&lower, Some(hillside())).is_ok());
}

#[test]
fn a_patient_naming_no_practice_is_filed_under_the_importing_one() {
    let text = exported(None);
    let back = import(&text, Some(riverside())).expect("import");
    assert_eq!(back.records[0].patient, full_record().patient);
    // A reference Haven cannot read as a practice is said to be not recorded, never dropped
    // silently.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut patient: Value = serde_json::from_str(&lines[0]).unwrap();
    patient["managingOrganization"] = json!({"reference": "Organization/abc"});
    lines[0] = patient.to_string();
    let back = import(&lines.join("\n"), Some(riverside())).expect("import");
    assert!(
        back.not_recorded
            .iter()
            .any(|n| n.path == "Patient.managingOrganization" && n.reason.contains("ODS code")),
        "{:?}",
        back.not_recorded
    );
}

#[test]
fn evaluation_stores_nothing_and_checks_no_practice() {
    let text = exported(Some(&hillside()));
    let mut assembler = Assembler::default();
    assembler
        .add_all(haven_fhir::parse_input(text.as_bytes(), "cds").unwrap())
        .unwrap();
    assert!(assembler.finish(TODAY, &[], Purpose::Evaluate).is_ok());
}
