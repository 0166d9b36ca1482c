//! One clinical entry with its version history, and the only two ways to change it.

use time::OffsetDateTime;

use super::{EntryBody, EntryKind};
use crate::{EntryId, PartialDate, PatientId, UserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum EntryStatus {
    Active,
    /// Kept and shown in history, invisible to the rules and to reports.
    EnteredInError,
}

impl EntryStatus {
    pub fn id(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::EnteredInError => "entered-in-error",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        match id {
            "active" => Some(Self::Active),
            "entered-in-error" => Some(Self::EnteredInError),
            _ => None,
        }
    }
}

/// Who may see an entry. Receptionists see administrative entries only; sensitive history is
/// for clinical roles only and leaves Haven only when an export explicitly asks for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Visibility {
    Administrative,
    Clinical,
    Sensitive,
}

/// Who changed an entry, when, and why (the reason is empty only for the first version).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Change {
    pub by: UserId,
    #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339"))]
    pub at: OffsetDateTime,
    pub reason: String,
}

/// The current version of an entry. Earlier versions live in the store's history; this value
/// is one version and knows its number.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Entry {
    pub id: EntryId,
    pub patient: PatientId,
    /// 1 for the first version; each amendment or error-marking adds one.
    pub version: u32,
    pub status: EntryStatus,
    pub change: Change,
    pub body: EntryBody,
    /// The entry's date as its source gave it, when that was only a year or a month
    /// (`2019`, `2019-04`); the body's date is then the day the rules read for it
    /// ([`EntryBody::place_partial`]). `None` for a whole day.
    #[cfg_attr(feature = "serde", serde(default))]
    pub partial_date: Option<PartialDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    #[error("a reason is required to {0} an entry")]
    ReasonRequired(&'static str),
    #[error("this entry is marked entered-in-error and can no longer be changed")]
    AlreadyInError,
    #[error(
        "an amendment must keep the entry's kind ({}), not change it to {}",
        .expected.id(),
        .found.id()
    )]
    KindChanged {
        expected: EntryKind,
        found: EntryKind,
    },
}

impl Entry {
    pub fn new(
        id: EntryId,
        patient: PatientId,
        body: EntryBody,
        by: UserId,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            patient,
            version: 1,
            status: EntryStatus::Active,
            change: Change {
                by,
                at,
                reason: String::new(),
            },
            body,
            partial_date: None,
        }
    }

    /// The entry's date as pages and exports show it: as recorded, so `2019` stays `2019`.
    pub fn date_text(&self) -> String {
        match &self.partial_date {
            Some(partial) => partial.to_string(),
            None => self.body.date().to_string(),
        }
    }

    pub fn visibility(&self) -> Visibility {
        self.body.kind().visibility()
    }

    /// The next version with a new body. The current value is left untouched for history.
    pub fn amend(
        &self,
        body: EntryBody,
        by: UserId,
        at: OffsetDateTime,
        reason: &str,
    ) -> Result<Entry, ChangeError> {
        self.check_change("amend", reason)?;
        if body.kind() != self.body.kind() {
            return Err(ChangeError::KindChanged {
                expected: self.body.kind(),
                found: body.kind(),
            });
        }
        // A date known only in part stays so while the amendment leaves it where it was; a
        // date the clinician changes is a whole day.
        let partial_date = self
            .partial_date
            .filter(|_| body.date() == self.body.date());
        Ok(Entry {
            version: self.version + 1,
            change: Change {
                by,
                at,
                reason: reason.trim().to_owned(),
            },
            body,
            partial_date,
            ..self.clone()
        })
    }

    /// The next version, same content, marked entered-in-error.
    pub fn mark_entered_in_error(
        &self,
        by: UserId,
        at: OffsetDateTime,
        reason: &str,
    ) -> Result<Entry, ChangeError> {
        self.check_change("mark as entered in error", reason)?;
        Ok(Entry {
            version: self.version + 1,
            status: EntryStatus::EnteredInError,
            change: Change {
                by,
                at,
                reason: reason.trim().to_owned(),
            },
            ..self.clone()
        })
    }

    fn check_change(&self, action: &'static str, reason: &str) -> Result<(), ChangeError> {
        if self.status == EntryStatus::EnteredInError {
            return Err(ChangeError::AlreadyInError);
        }
        if reason.trim().is_empty() {
            return Err(ChangeError::ReasonRequired(action));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{LifeEvent, LifeEventKind, Screening, ScreeningStatus, ScreeningTest};
    use time::macros::{date, datetime};

    fn event(kind: LifeEventKind) -> EntryBody {
        EntryBody::LifeEvent(LifeEvent {
            kind,
            date: date!(2026 - 11 - 01),
            note: String::new(),
        })
    }

    fn entry() -> Entry {
        Entry::new(
            "e1".into(),
            "pat-1".into(),
            event(LifeEventKind::AsylumRefused),
            "dr.a".into(),
            datetime!(2026-11-01 10:00 UTC),
        )
    }

    #[test]
    fn amending_makes_a_new_version_and_keeps_the_old_one() {
        let v1 = entry();
        let v2 = v1
            .amend(
                event(LifeEventKind::AppealDismissed),
                "dr.b".into(),
                datetime!(2026-11-02 9:00 UTC),
                "wrong event type",
            )
            .expect("amend");
        assert_eq!((v1.version, v2.version), (1, 2));
        assert_eq!(
            v1.body,
            event(LifeEventKind::AsylumRefused),
            "the earlier version is unchanged"
        );
        assert_eq!(v2.change.by.as_str(), "dr.b");
        assert_eq!(v2.change.reason, "wrong event type");
        assert_eq!(v2.id, v1.id);
    }

    #[test]
    fn changes_need_a_reason_and_keep_the_kind() {
        let v1 = entry();
        let at = datetime!(2026-11-02 9:00 UTC);
        assert_eq!(
            v1.amend(event(LifeEventKind::LossOfHope), "x".into(), at, "  "),
            Err(ChangeError::ReasonRequired("amend"))
        );
        let other = EntryBody::Screening(Screening {
            test: ScreeningTest::Hiv,
            status: ScreeningStatus::Offered,
            date: date!(2026 - 11 - 01),
        });
        assert!(matches!(
            v1.amend(other, "x".into(), at, "r"),
            Err(ChangeError::KindChanged { .. })
        ));
    }

    #[test]
    fn an_amendment_keeps_a_partial_date_only_where_it_leaves_the_date() {
        let mut v1 = entry();
        v1.partial_date = PartialDate::parse("2026-11").ok();
        let at = datetime!(2026-11-02 9:00 UTC);
        let same_day = v1
            .amend(
                event(LifeEventKind::AppealDismissed),
                "x".into(),
                at,
                "type",
            )
            .expect("amend");
        assert_eq!(same_day.date_text(), "2026-11");
        let mut moved = event(LifeEventKind::AsylumRefused);
        if let EntryBody::LifeEvent(e) = &mut moved {
            e.date = date!(2026 - 11 - 14);
        }
        let exact = v1
            .amend(moved, "x".into(), at, "exact date")
            .expect("amend");
        assert_eq!(
            (exact.partial_date, exact.date_text()),
            (None, "2026-11-14".into())
        );
    }

    #[test]
    fn entered_in_error_is_final_and_keeps_content() {
        let v1 = entry();
        let v2 = v1
            .mark_entered_in_error(
                "dr.a".into(),
                datetime!(2026-11-03 9:00 UTC),
                "wrong patient",
            )
            .expect("mark");
        assert_eq!(v2.status, EntryStatus::EnteredInError);
        assert_eq!(v2.body, v1.body);
        assert_eq!(v2.version, 2);
        assert_eq!(
            v2.mark_entered_in_error("x".into(), datetime!(2026-11-04 9:00 UTC), "again"),
            Err(ChangeError::AlreadyInError)
        );
        assert_eq!(
            v2.amend(
                v1.body.clone(),
                "x".into(),
                datetime!(2026-11-04 9:00 UTC),
                "undo"
            ),
            Err(ChangeError::AlreadyInError)
        );
    }
}
