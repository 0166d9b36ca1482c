//! Snapshots of exported FHIR and of CDS cards: a change in what Haven sends shows up as a
//! reviewed diff.

use haven_core::policy::Policy;
use haven_core::rules;

use crate::support::{TODAY, full_record};

#[test]
fn one_exported_patient() {
    let resources: Vec<serde_json::Value> = haven_fhir::to_resources(&full_record(), true)
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    insta::assert_json_snapshot!("exported_patient", resources);
}

#[test]
fn cds_cards_for_the_full_record() {
    let actions = rules::evaluate(&full_record(), &Policy::default(), TODAY);
    assert!(!actions.is_empty());
    let cards = haven_fhir::cds::cards(
        &actions,
        "https://haven.example.org/",
        &haven_fhir::cds::CardKey::new([0; 32]),
    );
    insta::assert_json_snapshot!("cds_cards", cards);
}

#[test]
fn cds_discovery_document() {
    insta::assert_json_snapshot!("cds_discovery", haven_fhir::cds::discovery());
}
