//! A referral to another service (§4, §5, §8): where to and why, the interpreter the person
//! needs there, their consent to share, and every status it has reached, each with its date.
//!
//! A referral changes status by amendment ([`super::Entry::amend`]) with the step it moved
//! from kept in [`Referral::earlier`], so the entry's history and the referral's own trail both
//! remain. Its clinical date ([`super::EntryBody::date`]) is the day it was started; the rules
//! read the status it had on the evaluation date ([`Referral::status_on`]).

use super::Coded;
use super::kinds::coded;
use super::validate::ValidationError;
use super::{InterpreterGender, ReferralStatus, ReferralType};
use crate::text::{forbidden_control, forbidden_control_message};
use crate::{Date, LanguageTag, OrganisationId};

coded!(
    /// Who gave consent to share (Haven code system `consent-given-by`).
    ConsentGiver {
        Person = "person", "The person themselves";
        ParentOrGuardian = "parent-or-guardian", "A parent or guardian";
        Representative = "representative", "Someone with legal authority to act for them";
    }
);

coded!(
    /// What the person agreed may be shared beyond the referral itself (Haven code system
    /// `consent-share`). Name, date of birth, NHS number, the reason for referral and the
    /// interpreter need always travel: they are the referral.
    ShareItem {
        ContactDetails = "contact-details", "Contact details (phone, email, address)";
        RelevantHistory = "relevant-history", "Relevant history the clinician chooses";
        SensitiveHistory = "sensitive-history", "Sensitive history (human rights abuses disclosed)";
    }
);

impl ReferralStatus {
    /// Whether the referral has left the practice at this status: a service has it (or had
    /// it and answered).
    pub fn went_out(self) -> bool {
        matches!(
            self,
            Self::Sent | Self::Accepted | Self::Seen | Self::Completed | Self::ServiceDeclined
        )
    }
}

/// One status a referral reached, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReferralStep {
    pub status: ReferralStatus,
    pub date: Date,
}

/// The interpreter a person needs at the service they are referred to (§2).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InterpreterNeed {
    pub language: LanguageTag,
    pub dialect: String,
    pub gender: Option<InterpreterGender>,
}

/// The person's consent to share information with the service: who gave it, when, and what
/// may go beyond the referral itself.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShareConsent {
    pub given_by: ConsentGiver,
    /// The name of whoever gave it, when not the person.
    pub name: String,
    pub date: Date,
    pub shares: Vec<ShareItem>,
    /// Anything the person asked not to be shared, in their words.
    pub limits: String,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Referral {
    pub kind: ReferralType,
    /// The current status, and the date it was reached.
    pub status: ReferralStatus,
    pub date: Date,
    /// The service's name as it was when referred (a directory entry may change later).
    pub organisation: String,
    pub note: String,
    /// The statuses before the current one, oldest first.
    #[cfg_attr(feature = "serde", serde(default))]
    pub earlier: Vec<ReferralStep>,
    /// The directory entry referred to, when the referral was made from the directory.
    #[cfg_attr(feature = "serde", serde(default))]
    pub directory: Option<OrganisationId>,
    /// Why the person is referred, as the letter says it.
    #[cfg_attr(feature = "serde", serde(default))]
    pub reason: String,
    /// The interpreter needed at the service; `None` when none is.
    #[cfg_attr(feature = "serde", serde(default))]
    pub interpreter: Option<InterpreterNeed>,
    /// Required before the referral goes out (see [`Referral::check_change`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub consent: Option<ShareConsent>,
}

impl Referral {
    /// A referral at one status, with nothing else recorded.
    pub fn new(kind: ReferralType, status: ReferralStatus, date: Date) -> Self {
        Self {
            kind,
            status,
            date,
            organisation: String::new(),
            note: String::new(),
            earlier: Vec::new(),
            directory: None,
            reason: String::new(),
            interpreter: None,
            consent: None,
        }
    }

    /// The current status as a step.
    pub fn current(&self) -> ReferralStep {
        ReferralStep {
            status: self.status,
            date: self.date,
        }
    }

    /// Every status reached, oldest first, the current one last.
    pub fn steps(&self) -> impl Iterator<Item = ReferralStep> + '_ {
        self.earlier.iter().copied().chain([self.current()])
    }

    /// The day the referral was started: its first step.
    pub fn started(&self) -> Date {
        self.earlier.first().map_or(self.date, |s| s.date)
    }

    /// [`Referral::started`], to change (a date known only in part is placed on a day).
    pub fn started_mut(&mut self) -> &mut Date {
        match self.earlier.first_mut() {
            Some(first) => &mut first.date,
            None => &mut self.date,
        }
    }

    /// The status the referral had on `day`: the last step dated on or before it.
    pub fn status_on(&self, day: Date) -> Option<ReferralStep> {
        self.steps().filter(|s| s.date <= day).last()
    }

    /// The day it was first sent, if it has been.
    pub fn sent_on(&self) -> Option<Date> {
        self.steps()
            .find(|s| s.status == ReferralStatus::Sent)
            .map(|s| s.date)
    }

    /// Whether the referral went out at any step.
    pub fn ever_went_out(&self) -> bool {
        self.steps().any(|s| s.status.went_out())
    }

    /// The referral moved on to `status` on `date`, the current step kept in the trail.
    pub fn moved_to(&self, status: ReferralStatus, date: Date) -> Referral {
        let mut next = self.clone();
        next.earlier.push(self.current());
        next.status = status;
        next.date = date;
        next
    }

    /// Keeps the trail of `previous` when a form that does not show it amends the referral.
    pub fn keep_trail_of(&mut self, previous: &Referral) {
        self.earlier = previous.earlier.clone();
    }

    /// Whether the person agreed that `item` may be shared.
    pub fn may_share(&self, item: ShareItem) -> bool {
        self.consent
            .as_ref()
            .is_some_and(|c| c.shares.contains(&item))
    }

    /// Empties every free-text field (see [`super::EntryBody::without_free_text`]).
    pub fn clear_free_text(&mut self) {
        self.organisation.clear();
        self.note.clear();
        self.reason.clear();
        if let Some(need) = &mut self.interpreter {
            need.dialect.clear();
        }
        if let Some(consent) = &mut self.consent {
            consent.name.clear();
            consent.limits.clear();
        }
    }

    /// What a referral must satisfy on its own: its steps in date order, none ahead of
    /// `today`; consent not dated ahead, and named when someone else gave it.
    pub(super) fn check(&self, today: Date) -> Result<(), ValidationError> {
        let mut previous: Option<ReferralStep> = None;
        for step in self.steps() {
            if step.date > today {
                return Err(ValidationError::new(
                    "date",
                    format!("{} on {} is in the future", step.status.label(), step.date),
                ));
            }
            if let Some(before) = previous
                && step.date < before.date
            {
                return Err(ValidationError::new(
                    "date",
                    format!(
                        "“{}” on {} is before the earlier status “{}” on {}",
                        step.status.label(),
                        step.date,
                        before.status.label(),
                        before.date
                    ),
                ));
            }
            previous = Some(step);
        }
        if let Some(need) = &self.interpreter
            && let Some(c) = forbidden_control(&need.dialect, false)
        {
            return Err(ValidationError::new(
                "interpreter_dialect",
                forbidden_control_message(c),
            ));
        }
        if let Some(consent) = &self.consent {
            if consent.date > today {
                return Err(ValidationError::new(
                    "consent_date",
                    format!("consent dated {} is in the future", consent.date),
                ));
            }
            if consent.given_by != ConsentGiver::Person && consent.name.trim().is_empty() {
                return Err(ValidationError::new(
                    "consent_name",
                    "name who gave consent for the person",
                ));
            }
        }
        Ok(())
    }

    /// What a change made in Haven must satisfy: a referral goes out only with the person's
    /// consent to share, given on or before the day it went out. A referral that went out
    /// before Haven asked (recorded elsewhere, or before consent was recorded) may still be
    /// amended; it cannot go out again without consent.
    pub fn check_change(
        before: Option<&Referral>,
        after: &Referral,
    ) -> Result<(), ValidationError> {
        let Some(out) = after.steps().find(|s| s.status.went_out()) else {
            return Ok(());
        };
        let exempt = before.is_some_and(|b| b.consent.is_none() && b.ever_went_out());
        match &after.consent {
            None if exempt => Ok(()),
            None => Err(ValidationError::new(
                "consent_given_by",
                format!(
                    "record the person’s consent to share before the referral is marked “{}”",
                    after.status.label().to_lowercase()
                ),
            )),
            Some(consent) if consent.date > out.date => Err(ValidationError::new(
                "consent_date",
                format!(
                    "consent given on {} is after the referral went out on {}",
                    consent.date, out.date
                ),
            )),
            Some(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 28);

    fn consent(on: Date) -> ShareConsent {
        ShareConsent {
            given_by: ConsentGiver::Person,
            name: String::new(),
            date: on,
            shares: vec![ShareItem::ContactDetails],
            limits: String::new(),
        }
    }

    fn drafted() -> Referral {
        Referral::new(
            ReferralType::SpecialistTrauma,
            ReferralStatus::Drafted,
            date!(2026 - 11 - 01),
        )
    }

    #[test]
    fn steps_keep_the_trail_and_the_start() {
        let sent = drafted().moved_to(ReferralStatus::Sent, date!(2026 - 11 - 03));
        let seen = sent.moved_to(ReferralStatus::Seen, date!(2026 - 11 - 20));
        let statuses: Vec<&str> = seen.steps().map(|s| s.status.id()).collect();
        assert_eq!(statuses, ["drafted", "sent", "seen"]);
        assert_eq!(seen.started(), date!(2026 - 11 - 01));
        assert_eq!(seen.sent_on(), Some(date!(2026 - 11 - 03)));
        let on = |day| seen.status_on(day).map(|s| s.status);
        assert_eq!(on(date!(2026 - 10 - 31)), None);
        assert_eq!(on(date!(2026 - 11 - 02)), Some(ReferralStatus::Drafted));
        assert_eq!(on(date!(2026 - 11 - 19)), Some(ReferralStatus::Sent));
        assert_eq!(on(TODAY), Some(ReferralStatus::Seen));
        let mut amended = Referral::new(ReferralType::Other, ReferralStatus::Seen, TODAY);
        amended.keep_trail_of(&seen);
        assert_eq!(amended.earlier, seen.earlier);
    }

    #[test]
    fn a_referral_goes_out_only_with_consent_given_by_then() {
        let check = |before: Option<&Referral>, after: &Referral| {
            Referral::check_change(before, after).map_err(|e| e.field)
        };
        assert_eq!(check(None, &drafted()), Ok(()), "a draft needs no consent");
        let sent = drafted().moved_to(ReferralStatus::Sent, date!(2026 - 11 - 03));
        assert_eq!(check(Some(&drafted()), &sent), Err("consent_given_by"));
        let accepted = Referral::new(ReferralType::Other, ReferralStatus::Accepted, TODAY);
        assert_eq!(
            check(None, &accepted),
            Err("consent_given_by"),
            "nor straight past sent"
        );
        let mut with = sent.clone();
        with.consent = Some(consent(date!(2026 - 11 - 03)));
        assert_eq!(check(Some(&drafted()), &with), Ok(()));
        with.consent = Some(consent(date!(2026 - 11 - 04)));
        assert_eq!(check(Some(&drafted()), &with), Err("consent_date"));
        // Recorded as sent before consent was asked for: its answer can still be recorded.
        let legacy = Referral::new(ReferralType::SexualHealth, ReferralStatus::Sent, TODAY);
        let answered = legacy.moved_to(ReferralStatus::Accepted, TODAY);
        assert_eq!(check(Some(&legacy), &answered), Ok(()));
        let declined = drafted().moved_to(ReferralStatus::Declined, TODAY);
        assert_eq!(
            check(Some(&drafted()), &declined),
            Ok(()),
            "nothing went out"
        );
    }

    #[test]
    fn steps_in_order_and_consent_named_when_not_the_persons_own() {
        let field = |r: &Referral| r.check(TODAY).map_err(|e| (e.field, e.message));
        let mut backwards = drafted().moved_to(ReferralStatus::Sent, date!(2026 - 10 - 30));
        assert_eq!(
            field(&backwards),
            Err((
                "date",
                "“Sent” on 2026-10-30 is before the earlier status “Drafted, not sent” on 2026-11-01"
                    .to_owned()
            ))
        );
        backwards.date = date!(2026 - 11 - 29);
        assert_eq!(field(&backwards).map_err(|e| e.0), Err("date"));
        let mut other = drafted();
        other.consent = Some(ShareConsent {
            given_by: ConsentGiver::ParentOrGuardian,
            ..consent(TODAY)
        });
        assert_eq!(field(&other).map_err(|e| e.0), Err("consent_name"));
        other.consent = Some(consent(date!(2026 - 11 - 29)));
        assert_eq!(field(&other).map_err(|e| e.0), Err("consent_date"));
        other.consent = Some(consent(TODAY));
        assert_eq!(field(&other), Ok(()));
    }

    #[test]
    fn free_text_is_cleared_and_codes_stay() {
        let mut r = drafted();
        r.organisation = "Service".into();
        r.reason = "low mood".into();
        r.interpreter = Some(InterpreterNeed {
            language: LanguageTag::parse("ti").expect("tag"),
            dialect: "Asmara".into(),
            gender: Some(InterpreterGender::Female),
        });
        r.consent = Some(ShareConsent {
            name: "guardian".into(),
            limits: "not the family history".into(),
            ..consent(TODAY)
        });
        r.clear_free_text();
        assert!(r.organisation.is_empty() && r.reason.is_empty());
        let need = r.interpreter.as_ref().expect("need kept");
        assert_eq!((need.language.as_str(), need.dialect.as_str()), ("ti", ""));
        let c = r.consent.as_ref().expect("consent kept");
        assert!(c.name.is_empty() && c.limits.is_empty());
        assert_eq!(c.shares, [ShareItem::ContactDetails]);
    }
}
