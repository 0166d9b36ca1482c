//! The frame around every page: title, header with navigation for the user's role, the
//! sign-out form. Page structs carry a `layout: Layout` field that `templates/base.html` reads.

use haven_store::Role;

use crate::assets;
use crate::auth::{
    ADMIN_ROLES, ALL_ROLES, CLINICAL_ROLES, CurrentUser, PATIENT_ROLES, REPORT_ROLES,
};

/// The main navigation: `(href, label, roles that see it)`. Add a row here when a new area
/// (worklist, guidance, reports…) gets its pages.
const NAV: &[(&str, &str, &[Role])] = &[
    ("/patients", "Patients", PATIENT_ROLES),
    ("/patients/new", "Register a patient", PATIENT_ROLES),
    ("/worklist", "Worklist", ALL_ROLES),
    ("/day-list", "Day list", PATIENT_ROLES),
    ("/recalls", "Recalls", PATIENT_ROLES),
    ("/lists", "Patient lists", CLINICAL_ROLES),
    ("/directory", "Directory", ALL_ROLES),
    ("/guidance", "Guidance", ALL_ROLES),
    ("/reports", "Reports", REPORT_ROLES),
    ("/admin/users", "Users", ADMIN_ROLES),
    ("/admin/practices", "Practices", ADMIN_ROLES),
    ("/admin/api-tokens", "API tokens", ADMIN_ROLES),
    ("/admin/duplicates", "Possible duplicates", ADMIN_ROLES),
    ("/admin/policy", "Policy", ADMIN_ROLES),
    ("/admin/record-health", "Record health", ADMIN_ROLES),
    ("/admin/audit", "Audit log", ADMIN_ROLES),
    ("/admin/break-glass", "Emergency access", ADMIN_ROLES),
];

#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Clone, Debug)]
pub struct Layout {
    /// The page's own title; the `<title>` adds " – Haven".
    pub title: String,
    pub css_href: &'static str,
    /// Signed-in user's display name and role label; `None` on the login and error pages.
    pub user: Option<(String, &'static str)>,
    /// The session's CSRF token for the sign-out form (and any form in the page).
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// The confirmation of the save that led here, shown once (`ui::flash`).
    pub flash: Option<String>,
}

impl Layout {
    /// A page for a signed-in user; `current` is the nav href to mark as the current section.
    pub fn new(user: &CurrentUser, title: impl Into<String>, current: &str) -> Self {
        let nav = NAV
            .iter()
            .filter(|(_, _, roles)| roles.contains(&user.role))
            .map(|&(href, label, _)| NavItem {
                href,
                label,
                current: href == current,
            })
            .collect();
        Self {
            title: title.into(),
            css_href: assets::css_href(),
            user: Some((user.display_name.clone(), role_label(user.role))),
            csrf: user.csrf.clone(),
            nav,
            flash: user.flash.as_deref().and_then(super::flash::message),
        }
    }

    /// A page shown without a session (login, errors).
    pub fn anonymous(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            css_href: assets::css_href(),
            user: None,
            csrf: String::new(),
            nav: Vec::new(),
            flash: None,
        }
    }
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "Administrator",
        Role::Clinician => "Clinician",
        Role::Receptionist => "Receptionist",
        Role::Analyst => "Analyst",
    }
}
