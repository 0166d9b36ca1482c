//! The clinical record: a patient's demographics plus an append-only list of coded entries.
//!
//! Architecture invariant: entries are never deleted or overwritten. A change makes a new
//! version ([`Entry::amend`]) or marks the entry entered-in-error
//! ([`Entry::mark_entered_in_error`]); both keep the earlier versions, and both record who,
//! when and why.

mod entry;
mod identity;
mod kinds;
mod partial;
mod patient;
mod referral;
mod validate;

pub use entry::{Change, ChangeError, Entry, EntryStatus, Visibility};
pub use identity::{IdentityField, same_identity};
pub(crate) use kinds::coded;
pub use kinds::*;
pub use partial::Reading;
pub use patient::{Accommodation, InterpreterGender, Patient, Sex};
pub use referral::{
    ConsentGiver, InterpreterNeed, Referral, ReferralStep, ShareConsent, ShareItem,
};
pub use validate::{ValidationError, validate_change, validate_entry, validate_patient};

/// Everything the rules need to know about one patient: demographics and current entries.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PatientRecord {
    pub patient: Patient,
    pub entries: Vec<Entry>,
}

impl PatientRecord {
    pub fn new(patient: Patient) -> Self {
        Self {
            patient,
            entries: Vec::new(),
        }
    }

    /// Entries the rules may see: current versions not marked entered-in-error.
    pub fn active(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(|e| e.status == EntryStatus::Active)
    }

    /// Active entry bodies of one kind, e.g. `record.bodies(EntryBody::as_life_event)`.
    pub fn bodies<'a, T: 'a>(
        &'a self,
        pick: impl Fn(&'a EntryBody) -> Option<&'a T> + 'a,
    ) -> impl Iterator<Item = &'a T> + 'a {
        self.active().filter_map(move |e| pick(&e.body))
    }

    /// Whether any entry of sensitive history (abuse disclosures) is recorded and active.
    pub fn has_sensitive_history(&self) -> bool {
        self.active()
            .any(|e| e.visibility() == Visibility::Sensitive)
    }
}
