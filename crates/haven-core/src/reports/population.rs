//! The population report for practice managers and commissioners: open actions by rule and
//! urgency (the care rules as of one date), screening uptake for §8 by test and language,
//! referrals by status, asylum situations and main languages. Aggregates only, published as
//! [`Table`]s under the small-number rule; no patient is named or numbered anywhere in it.

use std::collections::BTreeMap;

use super::interpreters::{NOT_RECORDED, language_label};
use super::table::{Counts, Heading, Table};
use crate::Date;
use crate::policy::Policy;
use crate::population::{Collect, Evaluation, Tally};
use crate::record::{
    AsylumStatus, PatientRecord, ReferralStatus, ReferralType, ScreeningStatus, ScreeningTest,
};
use crate::rules::{Action, RuleId, Urgency};

/// The table ids of the population report, in order.
pub const TABLES: [&str; 5] = [
    "actions",
    "screening",
    "referrals",
    "asylum-situations",
    "languages",
];

/// Open actions by rule and urgency: a [`Collect`]or for [`Evaluation`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionGrid(BTreeMap<(RuleId, Urgency), u64>);

impl Collect for ActionGrid {
    fn add(&mut self, _patient: &str, actions: Vec<Action>) {
        for a in actions {
            *self.0.entry((a.rule, a.urgency)).or_default() += 1;
        }
    }

    fn merge(&mut self, other: Self) {
        for (k, v) in other.0 {
            *self.0.entry(k).or_default() += v;
        }
    }
}

/// What each language row counts: people, and of them those who need an interpreter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct LanguageCounts {
    people: u64,
    needing: u64,
}

/// The population report as of one date under one policy.
#[derive(Clone, Debug)]
pub struct PopulationReport<'a> {
    pub as_of: Date,
    actions: Evaluation<'a, ActionGrid>,
    /// People by (test, language) and their latest screening status for that test.
    screening: BTreeMap<(ScreeningTest, String), BTreeMap<ScreeningStatus, u64>>,
    /// Referrals (each referral entry) by type and status.
    referrals: BTreeMap<(ReferralType, ReferralStatus), u64>,
    /// People by their latest asylum situation (`None`: none recorded).
    asylum: BTreeMap<Option<AsylumStatus>, u64>,
    languages: BTreeMap<String, LanguageCounts>,
}

impl<'a> PopulationReport<'a> {
    pub fn new(policy: &'a Policy, as_of: Date) -> Self {
        Self {
            as_of,
            actions: Evaluation::new(policy, as_of),
            screening: BTreeMap::new(),
            referrals: BTreeMap::new(),
            asylum: BTreeMap::new(),
            languages: BTreeMap::new(),
        }
    }

    /// The report as published.
    pub fn tables(self) -> Vec<Table> {
        let ActionGrid(grid) = self.actions.into_collected();
        let mut actions = Counts::new(
            TABLES[0],
            "Open actions by rule and urgency",
            "Rule",
            Urgency::ALL
                .iter()
                .map(|u| Heading::new(u.id(), u.label()))
                .collect(),
        );
        for &rule in RuleId::ALL {
            let counts = Urgency::ALL
                .iter()
                .map(|&u| grid.get(&(rule, u)).copied().unwrap_or(0))
                .collect();
            actions = actions.row(
                Heading::new(
                    rule.id(),
                    format!("{} ({})", rule.info().title, rule.info().section),
                ),
                counts,
            );
        }

        let mut screening = Counts::new(
            TABLES[1],
            "Blood-borne virus screening (§8): people by test, main language and latest status",
            "Test and main language",
            ScreeningStatus::ALL
                .iter()
                .map(|s| Heading::new(s.id(), s.label()))
                .collect(),
        );
        for ((test, language), statuses) in &self.screening {
            screening = screening.row(
                Heading::new(
                    format!("{}/{language}", test.id()),
                    format!("{} — {}", test.label(), language_label(language)),
                ),
                ScreeningStatus::ALL
                    .iter()
                    .map(|s| statuses.get(s).copied().unwrap_or(0))
                    .collect(),
            );
        }

        let mut referrals = Counts::new(
            TABLES[2],
            "Referrals by destination and status",
            "Referred to",
            ReferralStatus::ALL
                .iter()
                .map(|s| Heading::new(s.id(), s.label()))
                .collect(),
        );
        for &kind in ReferralType::ALL {
            referrals = referrals.row(
                Heading::new(kind.id(), kind.label()),
                ReferralStatus::ALL
                    .iter()
                    .map(|&s| self.referrals.get(&(kind, s)).copied().unwrap_or(0))
                    .collect(),
            );
        }

        let mut asylum = Counts::new(
            TABLES[3],
            "People by current asylum situation",
            "Asylum situation",
            vec![Heading::new("people", "People")],
        );
        for status in AsylumStatus::ALL.iter().copied().map(Some).chain([None]) {
            let heading = match status {
                Some(s) => Heading::new(s.id(), s.label()),
                None => Heading::new(NOT_RECORDED, "Not recorded"),
            };
            asylum = asylum.row(
                heading,
                vec![self.asylum.get(&status).copied().unwrap_or(0)],
            );
        }

        let mut languages = Counts::new(
            TABLES[4],
            "People by main language",
            "Main language",
            vec![
                Heading::new("people", "People"),
                Heading::new("needing-interpreter", "Need an interpreter"),
            ],
        );
        let mut by_size: Vec<_> = self.languages.iter().collect();
        by_size.sort_by(|a, b| b.1.people.cmp(&a.1.people).then_with(|| a.0.cmp(b.0)));
        for (code, c) in by_size {
            languages = languages.row(
                Heading::new(code.as_str(), language_label(code)),
                vec![c.people, c.needing],
            );
        }

        vec![
            actions.with_row_totals().with_column_totals().publish(),
            screening.with_row_totals().with_column_totals().publish(),
            referrals.with_row_totals().with_column_totals().publish(),
            asylum.with_column_totals().publish(),
            // People and those needing an interpreter overlap: no row totals.
            languages.with_column_totals().publish(),
        ]
    }
}

impl Tally for PopulationReport<'_> {
    fn add(&mut self, record: &PatientRecord) {
        self.actions.add(record);
        let language = record
            .patient
            .main_language
            .as_ref()
            .map_or_else(|| NOT_RECORDED.to_owned(), |l| l.primary().to_owned());
        let row = self.languages.entry(language.clone()).or_default();
        row.people += 1;
        row.needing += u64::from(record.patient.interpreter_required == Some(true));

        // The latest screening entry for each test, by date (the later entry on a tie).
        let mut latest: BTreeMap<ScreeningTest, (Date, ScreeningStatus)> = BTreeMap::new();
        for s in record.bodies(|b| b.as_screening()) {
            if s.date > self.as_of {
                continue;
            }
            let slot = latest.entry(s.test).or_insert((s.date, s.status));
            if s.date >= slot.0 {
                *slot = (s.date, s.status);
            }
        }
        for (test, (_, status)) in latest {
            *self
                .screening
                .entry((test, language.clone()))
                .or_default()
                .entry(status)
                .or_default() += 1;
        }

        for r in record.bodies(|b| b.as_referral()) {
            if r.date <= self.as_of {
                *self.referrals.entry((r.kind, r.status)).or_default() += 1;
            }
        }

        let asylum = record
            .bodies(|b| b.as_asylum())
            .filter(|a| a.since <= self.as_of)
            .fold(None::<(Date, AsylumStatus)>, |best, a| match best {
                Some((since, _)) if since > a.since => best,
                _ => Some((a.since, a.status)),
            });
        *self.asylum.entry(asylum.map(|(_, s)| s)).or_default() += 1;
    }

    fn merge(&mut self, other: Self) {
        self.actions.merge(other.actions);
        for (k, v) in other.screening {
            let row = self.screening.entry(k).or_default();
            for (s, n) in v {
                *row.entry(s).or_default() += n;
            }
        }
        for (k, v) in other.referrals {
            *self.referrals.entry(k).or_default() += v;
        }
        for (k, v) in other.asylum {
            *self.asylum.entry(k).or_default() += v;
        }
        for (k, v) in other.languages {
            let row = self.languages.entry(k).or_default();
            row.people += v.people;
            row.needing += v.needing;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{AsylumSituation, Entry, EntryBody, Patient, Referral, Screening};
    use crate::reports::table::Cell;
    use crate::rules;
    use crate::{LanguageTag, PatientId};
    use time::macros::{date, datetime};

    const TODAY: Date = date!(2026 - 11 - 28);

    fn record(id: &str, lang: &str, bodies: Vec<EntryBody>) -> PatientRecord {
        let mut p = Patient::new(PatientId::new(id), "Selam", "Tesfaye");
        p.main_language = LanguageTag::parse(lang).ok();
        p.interpreter_required = Some(lang != "en");
        let mut r = PatientRecord::new(p);
        for (i, body) in bodies.into_iter().enumerate() {
            r.entries.push(Entry::new(
                format!("e{i}").as_str().into(),
                id.into(),
                body,
                "x".into(),
                datetime!(2026-01-01 0:00 UTC),
            ));
        }
        r
    }

    fn screening(test: ScreeningTest, status: ScreeningStatus, date: Date) -> EntryBody {
        EntryBody::Screening(Screening { test, status, date })
    }

    fn population() -> Vec<PatientRecord> {
        let mut out = Vec::new();
        for i in 0..7 {
            out.push(record(
                &format!("ti-{i}"),
                "ti",
                vec![
                    screening(
                        ScreeningTest::Hiv,
                        ScreeningStatus::Offered,
                        date!(2026 - 01 - 01),
                    ),
                    screening(
                        ScreeningTest::Hiv,
                        if i < 5 {
                            ScreeningStatus::ResultNegative
                        } else {
                            ScreeningStatus::Declined
                        },
                        date!(2026 - 02 - 01),
                    ),
                    EntryBody::Asylum(AsylumSituation {
                        status: AsylumStatus::ClaimLodged,
                        since: date!(2025 - 01 - 01),
                        coded: true,
                        note: String::new(),
                    }),
                    EntryBody::Asylum(AsylumSituation {
                        status: AsylumStatus::Refused,
                        since: date!(2026 - 03 - 01),
                        coded: true,
                        note: String::new(),
                    }),
                    EntryBody::Referral(Referral::new(
                        ReferralType::RefugeeSupport,
                        ReferralStatus::Sent,
                        date!(2026 - 04 - 01),
                    )),
                ],
            ));
        }
        out.push(record("en-0", "en", vec![]));
        out
    }

    fn tables(records: &[PatientRecord]) -> Vec<Table> {
        let policy = Policy::default();
        let mut report = PopulationReport::new(&policy, TODAY);
        for r in records {
            report.add(r);
        }
        report.tables()
    }

    #[test]
    fn counts_latest_screening_referrals_situations_and_languages() {
        let t = tables(&population());
        assert_eq!(
            t.iter().map(|t| t.id()).collect::<Vec<_>>(),
            TABLES.to_vec()
        );
        let screening = &t[1];
        assert_eq!(
            screening.cell("hiv/ti", "result-negative"),
            Some(Cell::Count(5))
        );
        assert_eq!(screening.cell("hiv/ti", "declined"), Some(Cell::Small));
        assert_eq!(screening.cell("hiv/ti", "offered"), Some(Cell::Count(0)));
        assert_eq!(screening.rows()[0].total.map(|t| t.value), Some(5));
        assert_eq!(t[2].cell("refugee-support", "sent"), Some(Cell::Count(7)));
        assert_eq!(t[3].cell("refused", "people"), Some(Cell::Count(7)));
        assert_eq!(t[3].cell("claim-lodged", "people"), Some(Cell::Count(0)));
        assert_eq!(t[3].cell(NOT_RECORDED, "people"), Some(Cell::Small));
        assert_eq!(t[3].column_total("people").map(|t| t.value), Some(7));
        assert_eq!(t[4].cell("ti", "needing-interpreter"), Some(Cell::Count(7)));
        assert_eq!(t[4].cell("en", "people"), Some(Cell::Small));
        assert!(!t[4].has_row_totals());
    }

    #[test]
    fn actions_are_the_rules_own_counts() {
        let records = population();
        let t = tables(&records);
        let policy = Policy::default();
        let mut expected: BTreeMap<(RuleId, Urgency), u64> = BTreeMap::new();
        for r in &records {
            for a in rules::evaluate(r, &policy, TODAY) {
                *expected.entry((a.rule, a.urgency)).or_default() += 1;
            }
        }
        assert!(!expected.is_empty());
        for ((rule, urgency), n) in expected {
            let shown = t[0].cell(rule.id(), urgency.id()).expect("a cell");
            let expected = if n < 5 { Cell::Small } else { Cell::Count(n) };
            assert_eq!(shown, expected, "{} {}", rule.id(), urgency.id());
        }
        assert_eq!(t[0].rows().len(), RuleId::ALL.len());
    }

    #[test]
    fn shares_merged_equal_one_pass() {
        let policy = Policy::default();
        let records = population();
        let mut whole = PopulationReport::new(&policy, TODAY);
        let mut first = PopulationReport::new(&policy, TODAY);
        let mut rest = PopulationReport::new(&policy, TODAY);
        for (i, r) in records.iter().enumerate() {
            whole.add(r);
            if i < 3 { first.add(r) } else { rest.add(r) }
        }
        first.merge(rest);
        assert_eq!(first.tables(), whole.tables());
    }
}
