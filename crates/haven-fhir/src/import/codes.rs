//! Verified SNOMED CT keys → Haven's coded values, the reverse of the `snomed_key` helpers in
//! haven-core, plus the nearby concepts other systems use that Haven reads as the closest one
//! (documented in MAPPING.md).

use haven_core::record::{AbuseKind, AsylumStatus, ProblemKind, ReferralType, SomaticComplaint};

/// The asylum status a SNOMED CT asylum concept means. Concepts that do not say which stage
/// (asylum seeker, unaccompanied child) read as awaiting decision; indefinite leave as granted
/// other leave.
pub(crate) fn asylum_from_snomed(key: &str) -> Option<AsylumStatus> {
    Some(match key {
        "asylum.seeker" | "asylum.awaiting-decision" | "asylum.unaccompanied-child" => {
            AsylumStatus::AwaitingDecision
        }
        "asylum.refused" => AsylumStatus::Refused,
        "asylum.refugee" => AsylumStatus::GrantedRefugee,
        "asylum.humanitarian-protection" => AsylumStatus::GrantedHumanitarian,
        "asylum.discretionary-leave" | "asylum.indefinite-leave" => AsylumStatus::GrantedOther,
        _ => return None,
    })
}

pub(crate) fn problem_from_key(key: &str) -> Option<ProblemKind> {
    ProblemKind::ALL
        .iter()
        .copied()
        .find(|k| k.snomed_key() == key)
}

/// Domestic servitude is a form of modern slavery; "at risk of trafficking" is not a
/// disclosure and is not read.
pub(crate) fn abuse_from_key(key: &str) -> Option<AbuseKind> {
    if key == "abuse.domestic-servitude" {
        return Some(AbuseKind::ModernSlavery);
    }
    AbuseKind::ALL
        .iter()
        .copied()
        .find(|k| k.snomed_key() == Some(key))
}

pub(crate) fn somatic_from_key(key: &str) -> Option<SomaticComplaint> {
    match key {
        "somatic.chronic-tension-headache" => Some(SomaticComplaint::ChronicHeadache),
        "somatic.low-back-pain" => Some(SomaticComplaint::BackPain),
        "somatic.chronic-low-back-pain" => Some(SomaticComplaint::ChronicBackPain),
        _ => SomaticComplaint::ALL
            .iter()
            .copied()
            .find(|k| k.snomed_key() == key),
    }
}

pub(crate) fn referral_from_key(key: &str) -> Option<ReferralType> {
    ReferralType::ALL
        .iter()
        .copied()
        .find(|k| k.snomed_key() == Some(key))
}

/// SNOMED CT concepts that mean "this person needs an interpreter".
pub(crate) fn is_interpreter_need(key: &str) -> bool {
    matches!(
        key,
        "interpreter.needed"
            | "interpreter.spoken"
            | "interpreter.in-person"
            | "interpreter.telephone-required"
    ) || key.starts_with("interpreter.needed.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exported_snomed_key_reads_back() {
        for &s in AsylumStatus::ALL {
            assert!(asylum_from_snomed(s.snomed_key()).is_some(), "{s:?}");
        }
        for &k in ProblemKind::ALL {
            assert_eq!(problem_from_key(k.snomed_key()), Some(k));
        }
        for &k in AbuseKind::ALL {
            if let Some(key) = k.snomed_key() {
                assert_eq!(abuse_from_key(key), Some(k));
            }
        }
        for &k in SomaticComplaint::ALL {
            assert_eq!(somatic_from_key(k.snomed_key()), Some(k));
        }
        for &k in ReferralType::ALL {
            if let Some(key) = k.snomed_key() {
                assert_eq!(referral_from_key(key), Some(k));
            }
        }
    }
}
