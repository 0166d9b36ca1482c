//! Who may do what: the role guard used at the top of every handler, and what each role may
//! see of a record. Enforced on the server; templates only hide what the server never sent.

use haven_core::UserId;
use haven_core::record::{EntryKind, Visibility};
use haven_store::{Actor, Role};

use super::CurrentUser;
use crate::error::AppError;

/// Roles that may open patient-level pages (analysts see only aggregate reports).
pub const PATIENT_ROLES: &[Role] = &[Role::Admin, Role::Clinician, Role::Receptionist];
/// Roles that see clinical entries and sensitive history.
pub const CLINICAL_ROLES: &[Role] = &[Role::Admin, Role::Clinician];
pub const ADMIN_ROLES: &[Role] = &[Role::Admin];
/// Roles that see the aggregate reports (`/reports`): analysts and administrators.
pub const REPORT_ROLES: &[Role] = &[Role::Admin, Role::Analyst];
/// Everyone signed in.
pub const ALL_ROLES: &[Role] = &Role::ALL;

impl CurrentUser {
    /// `Err(Forbidden)` unless the user's role is one of `allowed`. Call it first in a handler:
    /// `user.require(PATIENT_ROLES)?;`
    pub fn require(&self, allowed: &[Role]) -> Result<(), AppError> {
        if allowed.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn is_clinical(&self) -> bool {
        CLINICAL_ROLES.contains(&self.role)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// How much of a record this user may load: receptionists see administrative entries only
    /// (planned contacts, flags); clinical roles see everything including sensitive history.
    pub fn visibility(&self) -> Visibility {
        if self.is_clinical() {
            Visibility::Sensitive
        } else {
            Visibility::Administrative
        }
    }

    /// Whether this user may see (and so change) an entry of the given visibility.
    pub fn may_see(&self, entry: Visibility) -> bool {
        PATIENT_ROLES.contains(&self.role) && entry <= self.visibility()
    }

    /// Whether this user may record, and amend, entries of this kind: clinical roles every
    /// kind, receptionists the administrative ones (planned contacts).
    pub fn may_record(&self, kind: EntryKind) -> bool {
        self.may_see(kind.recorded_by())
    }

    pub fn actor(&self) -> Actor {
        Actor::new(self.username.clone())
    }

    pub fn user_id(&self) -> UserId {
        UserId::new(self.username.clone())
    }
}
