//! What a referral letter may carry (§4, §5, §8). The referral itself always goes: the person's
//! name, date of birth and NHS number, the reason and the interpreter need. Beyond that, only
//! what the person agreed to share and the clinician chose: contact details, relevant history,
//! and sensitive history (disclosed abuse) only when the person agreed to it, the clinician
//! ticked it and confirmed it should leave the practice.
//!
//! Nothing is printed without the person's consent to share.

use crate::EntryId;
use crate::record::{Entry, EntryKind, PatientRecord, Referral, ShareItem, Visibility};

/// Whether entries of this kind are history a letter may carry: diagnoses, disclosures, the
/// asylum situation, life events, questionnaire results, risk reviews, medication and
/// screening. Consultation notes, plans and administrative entries stay in the practice.
pub fn is_history(kind: EntryKind) -> bool {
    matches!(
        kind,
        EntryKind::Problem
            | EntryKind::Disclosure
            | EntryKind::Asylum
            | EntryKind::LifeEvent
            | EntryKind::Questionnaire
            | EntryKind::RiskReview
            | EntryKind::Medication
            | EntryKind::Screening
    )
}

/// The entries a clinician may choose from for a letter: active history, newest first.
pub fn offered(record: &PatientRecord) -> Vec<&Entry> {
    let mut out: Vec<&Entry> = record
        .active()
        .filter(|e| is_history(e.body.kind()))
        .collect();
    out.sort_by(|a, b| (b.body.date(), b.id.as_str()).cmp(&(a.body.date(), a.id.as_str())));
    out
}

/// Whether an entry is sensitive history, which leaves only when ticked and confirmed.
pub fn is_sensitive(entry: &Entry) -> bool {
    entry.visibility() == Visibility::Sensitive
}

/// What the clinician chose for one letter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choice {
    pub entries: Vec<EntryId>,
    /// The clinician confirmed, after the warning, that sensitive history goes in the letter.
    pub sensitive_confirmed: bool,
}

/// Why a letter cannot be printed as chosen; nothing is printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error("record the person’s consent to share on the referral before printing its letter")]
    NoConsent,
    #[error(
        "the person did not agree to share their history; untick it, or record their wider consent on the referral"
    )]
    HistoryNotAgreed,
    #[error(
        "the person did not agree to share sensitive history; untick it, or record their wider consent on the referral"
    )]
    SensitiveNotAgreed,
    #[error("sensitive history was ticked: confirm that it should go in the letter, or untick it")]
    SensitiveNotConfirmed,
    #[error("entry {0} is not history of this person that a letter may carry")]
    NotOffered(EntryId),
}

/// What one letter carries beyond the referral itself.
#[derive(Debug, PartialEq)]
pub struct Letter<'a> {
    /// The person agreed that their phone, email and address may go.
    pub contact_details: bool,
    /// Chosen history, newest first.
    pub history: Vec<&'a Entry>,
    /// Chosen sensitive history, newest first: agreed to, ticked and confirmed.
    pub sensitive: Vec<&'a Entry>,
}

/// The letter for `referral` as chosen, or why it cannot be printed so.
pub fn compose<'a>(
    record: &'a PatientRecord,
    referral: &Referral,
    choice: &Choice,
) -> Result<Letter<'a>, LetterError> {
    if referral.consent.is_none() {
        return Err(LetterError::NoConsent);
    }
    let offered = offered(record);
    for id in &choice.entries {
        if !offered.iter().any(|e| &e.id == id) {
            return Err(LetterError::NotOffered(id.clone()));
        }
    }
    let (sensitive, history): (Vec<&Entry>, Vec<&Entry>) = offered
        .into_iter()
        .filter(|e| choice.entries.contains(&e.id))
        .partition(|e| is_sensitive(e));
    if !history.is_empty() && !referral.may_share(ShareItem::RelevantHistory) {
        return Err(LetterError::HistoryNotAgreed);
    }
    if !sensitive.is_empty() {
        if !referral.may_share(ShareItem::SensitiveHistory) {
            return Err(LetterError::SensitiveNotAgreed);
        }
        if !choice.sensitive_confirmed {
            return Err(LetterError::SensitiveNotConfirmed);
        }
    }
    Ok(Letter {
        contact_details: referral.may_share(ShareItem::ContactDetails),
        history,
        sensitive,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Date;
    use crate::record::{
        AbuseKind, ConsentGiver, Disclosure, EntryBody, Patient, Problem, ProblemKind,
        ReferralStatus, ReferralType, ShareConsent,
    };
    use time::macros::{date, datetime};

    fn entry(id: &str, body: EntryBody) -> Entry {
        Entry::new(
            id.into(),
            "pat-1".into(),
            body,
            "dr.test".into(),
            datetime!(2026-11-01 10:00 UTC),
        )
    }

    fn record() -> PatientRecord {
        let ptsd = EntryBody::Problem(Problem {
            kind: ProblemKind::Ptsd,
            onset: date!(2026 - 03 - 01),
            resolved: None,
            note: String::new(),
        });
        let torture = EntryBody::Disclosure(Disclosure {
            kind: Some(AbuseKind::Torture),
            disclosed: date!(2026 - 02 - 01),
            note: String::new(),
        });
        let referral = EntryBody::Referral(Referral::new(
            ReferralType::Other,
            ReferralStatus::Sent,
            date!(2026 - 01 - 01),
        ));
        let mut r = PatientRecord::new(Patient::new("pat-1".into(), "Amina", "Haddad"));
        r.entries = vec![
            entry("problem", ptsd),
            entry("disclosure", torture),
            entry("referral", referral),
        ];
        r
    }

    fn referral(shares: &[ShareItem]) -> Referral {
        Referral {
            consent: Some(ShareConsent {
                given_by: ConsentGiver::Person,
                name: String::new(),
                date: Date::MIN,
                shares: shares.to_vec(),
                limits: String::new(),
            }),
            ..Referral::new(
                ReferralType::SpecialistTrauma,
                ReferralStatus::Drafted,
                date!(2026 - 11 - 01),
            )
        }
    }

    fn chose(ids: &[&str], confirmed: bool) -> Choice {
        Choice {
            entries: ids.iter().map(|&id| id.into()).collect(),
            sensitive_confirmed: confirmed,
        }
    }

    fn ids(entries: &[&Entry]) -> Vec<String> {
        entries.iter().map(|e| e.id.to_string()).collect()
    }

    #[test]
    fn history_is_offered_and_plans_and_referrals_are_not() {
        let rec = record();
        let offered: Vec<&str> = offered(&rec).iter().map(|e| e.id.as_str()).collect();
        assert_eq!(offered, ["problem", "disclosure"], "newest first");
        assert!(is_history(EntryKind::Disclosure) && !is_history(EntryKind::Encounter));
    }

    #[test]
    fn nothing_is_printed_without_consent() {
        let rec = record();
        let unconsented = Referral::new(ReferralType::Other, ReferralStatus::Drafted, Date::MIN);
        assert_eq!(
            compose(&rec, &unconsented, &Choice::default()),
            Err(LetterError::NoConsent)
        );
        let bare = compose(&rec, &referral(&[]), &Choice::default()).expect("the referral alone");
        assert!(!bare.contact_details && bare.history.is_empty() && bare.sensitive.is_empty());
    }

    #[test]
    fn sensitive_history_leaves_only_when_agreed_ticked_and_confirmed() {
        let rec = record();
        let all = [ShareItem::RelevantHistory, ShareItem::SensitiveHistory];
        let only_history = referral(&[ShareItem::RelevantHistory]);
        assert_eq!(
            compose(&rec, &only_history, &chose(&["disclosure"], true)),
            Err(LetterError::SensitiveNotAgreed),
            "not agreed: refused even when confirmed"
        );
        assert_eq!(
            compose(
                &rec,
                &referral(&all),
                &chose(&["problem", "disclosure"], false)
            ),
            Err(LetterError::SensitiveNotConfirmed),
            "agreed and ticked, but not confirmed"
        );
        let confirmed = compose(
            &rec,
            &referral(&all),
            &chose(&["problem", "disclosure"], true),
        )
        .expect("agreed, ticked and confirmed");
        assert_eq!(
            (ids(&confirmed.history), ids(&confirmed.sensitive)),
            (vec!["problem".to_owned()], vec!["disclosure".to_owned()])
        );
        let unticked = compose(&rec, &referral(&all), &chose(&["problem"], true))
            .expect("confirming without ticking sends nothing sensitive");
        assert!(unticked.sensitive.is_empty());
    }

    #[test]
    fn history_needs_agreement_and_must_be_the_persons_own() {
        let rec = record();
        assert_eq!(
            compose(
                &rec,
                &referral(&[ShareItem::ContactDetails]),
                &chose(&["problem"], false)
            ),
            Err(LetterError::HistoryNotAgreed)
        );
        for stranger in ["referral", "someone-else"] {
            assert_eq!(
                compose(
                    &rec,
                    &referral(&[ShareItem::RelevantHistory]),
                    &chose(&[stranger], false)
                ),
                Err(LetterError::NotOffered(stranger.into()))
            );
        }
        let contact = compose(
            &rec,
            &referral(&[ShareItem::ContactDetails]),
            &Choice::default(),
        );
        assert!(contact.expect("letter").contact_details);
    }
}
