//! Coded patient lists (§9): everyone whose record holds a coded fact — a current problem, a
//! disclosed abuse, a flag, a current asylum situation, the latest status of a screening test
//! or of a referral of one type. The list page, its print view and its export all ask
//! [`Criterion::matches`], so they cannot disagree about who is on a list.
//!
//! A criterion has a stable id for addresses (`asylum:refused`, `screening:hiv:declined`) made
//! of the coded values' own ids, so a new coded value is listed without a change here.

use crate::Date;
use crate::record::{
    AbuseKind, AsylumStatus, EntryBody, EntryKind, FlagKind, PatientRecord, ProblemKind,
    ReferralStatus, ReferralType, ScreeningStatus, ScreeningTest, Visibility,
};

/// One thing a patient list can be made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Criterion {
    /// A current (unresolved) coded problem.
    Problem(ProblemKind),
    /// A disclosed abuse of this kind; `None` for disclosures recorded without a code.
    Disclosure(Option<AbuseKind>),
    Flag(FlagKind),
    /// The current (latest) asylum situation.
    Asylum(AsylumStatus),
    /// The latest recorded status of one screening test.
    Screening(ScreeningTest, ScreeningStatus),
    /// The latest referral of one type has this status.
    Referral(ReferralType, ReferralStatus),
}

impl Criterion {
    /// Every criterion, grouped as pages offer them.
    pub fn all() -> Vec<Criterion> {
        let mut out: Vec<Criterion> = ProblemKind::ALL.iter().map(|&k| Self::Problem(k)).collect();
        out.extend(AbuseKind::ALL.iter().map(|&k| Self::Disclosure(Some(k))));
        out.push(Self::Disclosure(None));
        out.extend(FlagKind::ALL.iter().map(|&k| Self::Flag(k)));
        out.extend(AsylumStatus::ALL.iter().map(|&s| Self::Asylum(s)));
        for &test in ScreeningTest::ALL {
            out.extend(
                ScreeningStatus::ALL
                    .iter()
                    .map(|&s| Self::Screening(test, s)),
            );
        }
        for &kind in ReferralType::ALL {
            out.extend(ReferralStatus::ALL.iter().map(|&s| Self::Referral(kind, s)));
        }
        out
    }

    /// The stable id, e.g. `problem:ptsd`, `disclosure:uncoded`, `referral:sexual-health:sent`.
    pub fn id(self) -> String {
        match self {
            Self::Problem(k) => format!("problem:{}", k.id()),
            Self::Disclosure(Some(k)) => format!("disclosure:{}", k.id()),
            Self::Disclosure(None) => "disclosure:uncoded".to_owned(),
            Self::Flag(k) => format!("flag:{}", k.id()),
            Self::Asylum(s) => format!("asylum:{}", s.id()),
            Self::Screening(t, s) => format!("screening:{}:{}", t.id(), s.id()),
            Self::Referral(k, s) => format!("referral:{}:{}", k.id(), s.id()),
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        let mut parts = id.trim().split(':');
        let (group, first, second) = (parts.next()?, parts.next()?, parts.next());
        if parts.next().is_some() {
            return None;
        }
        let one = |c: Option<Self>| if second.is_none() { c } else { None };
        match group {
            "problem" => one(ProblemKind::parse(first).map(Self::Problem)),
            "disclosure" if first == "uncoded" => one(Some(Self::Disclosure(None))),
            "disclosure" => one(AbuseKind::parse(first).map(|k| Self::Disclosure(Some(k)))),
            "flag" => one(FlagKind::parse(first).map(Self::Flag)),
            "asylum" => one(AsylumStatus::parse(first).map(Self::Asylum)),
            "screening" => Some(Self::Screening(
                ScreeningTest::parse(first)?,
                ScreeningStatus::parse(second?)?,
            )),
            "referral" => Some(Self::Referral(
                ReferralType::parse(first)?,
                ReferralStatus::parse(second?)?,
            )),
            _ => None,
        }
    }

    /// The group it is offered under.
    pub fn group(self) -> &'static str {
        match self {
            Self::Problem(_) => "Coded problem",
            Self::Disclosure(_) => "Abuse disclosed",
            Self::Flag(_) => "Flag",
            Self::Asylum(_) => "Asylum situation (current)",
            Self::Screening(..) => "Screening (latest status)",
            Self::Referral(..) => "Referral (latest status)",
        }
    }

    /// What it finds, for people: "Hepatitis B: declined".
    pub fn label(self) -> String {
        match self {
            Self::Problem(k) => k.label().to_owned(),
            Self::Disclosure(Some(k)) => k.label().to_owned(),
            Self::Disclosure(None) => "Recorded without a code".to_owned(),
            Self::Flag(k) => k.label().to_owned(),
            Self::Asylum(s) => s.label().to_owned(),
            Self::Screening(t, s) => format!("{}: {}", t.label(), s.label().to_lowercase()),
            Self::Referral(k, s) => format!("{}: {}", k.label(), s.label().to_lowercase()),
        }
    }

    /// The kind of entry the fact is recorded as (the store reads only records holding one).
    pub fn kind(self) -> EntryKind {
        match self {
            Self::Problem(_) => EntryKind::Problem,
            Self::Disclosure(_) => EntryKind::Disclosure,
            Self::Flag(_) => EntryKind::Flag,
            Self::Asylum(_) => EntryKind::Asylum,
            Self::Screening(..) => EntryKind::Screening,
            Self::Referral(..) => EntryKind::Referral,
        }
    }

    /// Who may list by it: a list of people who disclosed abuse is itself sensitive history.
    pub fn visibility(self) -> Visibility {
        self.kind().visibility()
    }

    /// The date of the fact that puts `record` on the list on `today`, or `None` when it is not
    /// on it. Only active entries dated on or before `today` count.
    pub fn matches(self, record: &PatientRecord, today: Date) -> Option<Date> {
        let bodies = || {
            record
                .active()
                .map(|e| &e.body)
                .filter(move |b| b.date() <= today)
        };
        // The latest entry of a kind: the rules view keeps entries in date order, so among
        // entries of one day the one recorded later comes later.
        fn latest<'a, T: 'a>(
            bodies: impl Iterator<Item = &'a EntryBody>,
            pick: impl Fn(&'a EntryBody) -> Option<&'a T>,
            date: impl Fn(&T) -> Date,
        ) -> Option<&'a T> {
            bodies
                .filter_map(pick)
                .fold(None, |last: Option<&T>, x| match last {
                    Some(l) if date(l) > date(x) => Some(l),
                    _ => Some(x),
                })
        }
        match self {
            Self::Problem(kind) => bodies()
                .filter_map(EntryBody::as_problem)
                .filter(|p| p.kind == kind && p.resolved.is_none_or(|end| end > today))
                .map(|p| p.onset)
                .max(),
            Self::Disclosure(kind) => bodies()
                .filter_map(EntryBody::as_disclosure)
                .filter(|d| d.kind == kind)
                .map(|d| d.disclosed)
                .max(),
            Self::Flag(kind) => bodies()
                .filter_map(EntryBody::as_flag)
                .filter(|f| f.kind == kind)
                .map(|f| f.date)
                .min(),
            Self::Asylum(status) => latest(bodies(), EntryBody::as_asylum, |a| a.since)
                .filter(|a| a.status == status)
                .map(|a| a.since),
            Self::Screening(test, status) => latest(
                bodies().filter(|b| b.as_screening().is_some_and(|s| s.test == test)),
                EntryBody::as_screening,
                |s| s.date,
            )
            .filter(|s| s.status == status)
            .map(|s| s.date),
            Self::Referral(kind, status) => latest(
                bodies().filter(|b| b.as_referral().is_some_and(|r| r.kind == kind)),
                EntryBody::as_referral,
                |r| r.date,
            )
            .filter(|r| r.status == status)
            .map(|r| r.date),
        }
    }
}

/// Whether `record` meets every criterion on `today`, with the date of each matching fact in
/// the criteria's order.
pub fn matches_all(
    criteria: &[Criterion],
    record: &PatientRecord,
    today: Date,
) -> Option<Vec<Date>> {
    criteria.iter().map(|c| c.matches(record, today)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{AsylumSituation, Entry, Patient, Problem, Referral, Screening};
    use time::macros::{date, datetime};

    fn record_of(bodies: Vec<EntryBody>) -> PatientRecord {
        let mut record = PatientRecord::new(Patient::new("pat-1".into(), "Amina", "Haddad"));
        for (n, body) in bodies.into_iter().enumerate() {
            record.entries.push(Entry::new(
                format!("e{n}").as_str().into(),
                "pat-1".into(),
                body,
                "dr.test".into(),
                datetime!(2026-11-01 10:00 UTC),
            ));
        }
        record
    }

    const TODAY: Date = date!(2026 - 11 - 28);

    #[test]
    fn every_criterion_has_an_id_that_reads_back() {
        let all = Criterion::all();
        for c in &all {
            assert_eq!(Criterion::parse(&c.id()), Some(*c), "{}", c.id());
            assert!(!c.label().is_empty() && !c.group().is_empty());
        }
        let mut ids: Vec<String> = all.iter().map(|c| c.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "ids are unique");
        for bad in [
            "",
            "problem",
            "problem:ptsd:x",
            "screening:hiv",
            "asylum:nope",
            "x:y",
        ] {
            assert_eq!(Criterion::parse(bad), None, "{bad:?}");
        }
        assert_eq!(
            Criterion::Disclosure(None).visibility(),
            Visibility::Sensitive,
            "a list of people who disclosed abuse is sensitive"
        );
    }

    fn asylum(status: AsylumStatus, since: Date) -> EntryBody {
        EntryBody::Asylum(AsylumSituation {
            status,
            since,
            coded: true,
            note: String::new(),
        })
    }

    fn screening(status: ScreeningStatus, date: Date) -> EntryBody {
        EntryBody::Screening(Screening {
            test: ScreeningTest::Hiv,
            status,
            date,
        })
    }

    #[test]
    fn current_and_latest_facts_decide_who_is_listed() {
        let record = record_of(vec![
            asylum(AsylumStatus::AwaitingDecision, date!(2025 - 01 - 01)),
            asylum(AsylumStatus::Refused, date!(2026 - 10 - 01)),
            screening(ScreeningStatus::Offered, date!(2026 - 01 - 01)),
            screening(ScreeningStatus::Declined, date!(2026 - 02 - 01)),
            EntryBody::Problem(Problem {
                kind: ProblemKind::Ptsd,
                onset: date!(2024 - 05 - 01),
                resolved: Some(date!(2026 - 06 - 01)),
                note: String::new(),
            }),
            EntryBody::Problem(Problem {
                kind: ProblemKind::Depression,
                onset: date!(2024 - 05 - 01),
                resolved: Some(date!(2026 - 12 - 01)),
                note: String::new(),
            }),
        ]);
        let check = |c: Criterion| c.matches(&record, TODAY);
        assert_eq!(
            check(Criterion::Asylum(AsylumStatus::Refused)),
            Some(date!(2026 - 10 - 01))
        );
        assert_eq!(
            check(Criterion::Asylum(AsylumStatus::AwaitingDecision)),
            None,
            "not current"
        );
        assert_eq!(
            check(Criterion::Screening(
                ScreeningTest::Hiv,
                ScreeningStatus::Declined
            )),
            Some(date!(2026 - 02 - 01))
        );
        assert_eq!(
            check(Criterion::Screening(
                ScreeningTest::Hiv,
                ScreeningStatus::Offered
            )),
            None,
            "an offer followed by a decline is no longer the latest status"
        );
        assert_eq!(
            check(Criterion::Problem(ProblemKind::Ptsd)),
            None,
            "resolved"
        );
        assert_eq!(
            check(Criterion::Problem(ProblemKind::Depression)),
            Some(date!(2024 - 05 - 01)),
            "resolves only after today"
        );
        assert_eq!(
            matches_all(
                &[
                    Criterion::Asylum(AsylumStatus::Refused),
                    Criterion::Problem(ProblemKind::Depression)
                ],
                &record,
                TODAY
            ),
            Some(vec![date!(2026 - 10 - 01), date!(2024 - 05 - 01)])
        );
        assert_eq!(
            matches_all(
                &[
                    Criterion::Asylum(AsylumStatus::Refused),
                    Criterion::Problem(ProblemKind::Ptsd)
                ],
                &record,
                TODAY
            ),
            None,
            "every criterion must hold"
        );
        // Seen as of an earlier day, the record is as it stood then.
        assert_eq!(
            Criterion::Asylum(AsylumStatus::AwaitingDecision)
                .matches(&record, date!(2026 - 09 - 01)),
            Some(date!(2025 - 01 - 01))
        );
    }

    #[test]
    fn entries_in_error_and_referrals_of_other_types_do_not_count() {
        let referral =
            |kind, status| EntryBody::Referral(Referral::new(kind, status, date!(2026 - 03 - 01)));
        let mut record = record_of(vec![
            referral(ReferralType::SexualHealth, ReferralStatus::Sent),
            referral(ReferralType::SocialPrescribing, ReferralStatus::Declined),
        ]);
        let sent = Criterion::Referral(ReferralType::SexualHealth, ReferralStatus::Sent);
        assert_eq!(sent.matches(&record, TODAY), Some(date!(2026 - 03 - 01)));
        let marked: Entry = record.entries[0]
            .mark_entered_in_error(
                "dr.test".into(),
                datetime!(2026-11-01 10:00 UTC),
                "wrong patient",
            )
            .expect("mark");
        record.entries[0] = marked;
        assert_eq!(sent.matches(&record, TODAY), None);
    }
}
