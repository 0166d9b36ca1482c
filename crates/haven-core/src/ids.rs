//! Identifier newtypes, so a patient id can never be passed where an entry id is expected.

use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

string_id!(
    /// Haven's own patient id (`pat-17`); also the FHIR `Patient.id` on export.
    PatientId
);
string_id!(
    /// Stable id of a clinical entry across all its versions.
    EntryId
);
string_id!(
    /// A user account's login name, recorded as the author of every change.
    UserId
);
string_id!(
    /// An organisation in the directory (`org-3`), across all its versions.
    OrganisationId
);
