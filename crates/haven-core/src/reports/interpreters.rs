//! The interpreter report for commissioners (§2): for a period, the consultations where an
//! interpreter was needed, by the person's main language and by how interpretation was
//! provided (the family-or-friend and no-interpreter columns are the unmet need), the people
//! seen who need one, planned contacts that need one and whether it was booked, and the trend
//! by month. Built by adding records one at a time ([`Tally`]); published as [`Table`]s.

use std::collections::BTreeMap;

use super::table::{Counts, Heading, Table, Total};
use crate::Date;
use crate::language::LanguageTag;
use crate::population::Tally;
use crate::record::{ContactStatus, InterpreterUse, PatientRecord};

/// How interpretation was provided, in column order: [`InterpreterUse::ALL`].
const MODES: usize = InterpreterUse::ALL.len();

/// The key of a language row: the BCP-47 primary subtag, or this when none is recorded.
pub const NOT_RECORDED: &str = "not-recorded";

/// What one language's row holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct LanguageCounts {
    /// Consultations where an interpreter was needed, by [`InterpreterUse::ALL`] index.
    modes: [u64; MODES],
    /// People seen in the period who need an interpreter.
    people: u64,
    /// Planned contacts in the period for people who need an interpreter: booked, not booked.
    contacts: [u64; 2],
}

/// The interpreter report over a period, `from` and `to` included.
#[derive(Clone, Debug)]
pub struct InterpreterReport {
    pub from: Date,
    pub to: Date,
    languages: BTreeMap<String, LanguageCounts>,
    /// Consultations where an interpreter was needed, by month (year, month number) and mode.
    months: BTreeMap<(i32, u8), [u64; MODES]>,
}

/// The table ids of the interpreter report, in order.
pub const TABLES: [&str; 4] = ["by-language", "by-month", "planned-contacts", "people"];

impl InterpreterReport {
    pub fn new(from: Date, to: Date) -> Self {
        Self {
            from,
            to,
            languages: BTreeMap::new(),
            months: BTreeMap::new(),
        }
    }

    fn within(&self, date: Date) -> bool {
        date >= self.from && date <= self.to
    }

    /// The report as published (every figure under the small-number rule): consultations by
    /// language and mode, by month and mode, planned contacts by language, people by language.
    pub fn tables(&self) -> Vec<Table> {
        let modes = || {
            InterpreterUse::ALL
                .iter()
                .map(|&m| Heading::new(m.id(), mode_label(m)))
                .collect::<Vec<_>>()
        };
        let languages: Vec<(&String, &LanguageCounts)> = {
            let mut l: Vec<_> = self.languages.iter().collect();
            // Busiest first, then by code, so the order is stable.
            l.sort_by(|a, b| {
                let needing = |c: &LanguageCounts| c.modes.iter().sum::<u64>();
                needing(b.1).cmp(&needing(a.1)).then_with(|| a.0.cmp(b.0))
            });
            l
        };
        let mut by_language = Counts::new(
            TABLES[0],
            "Consultations where an interpreter was needed, by main language and how interpretation was provided",
            "Main language",
            modes(),
        );
        let mut contacts = Counts::new(
            TABLES[2],
            "Planned contacts for people who need an interpreter",
            "Main language",
            vec![
                Heading::new("interpreter-booked", "Interpreter booked"),
                Heading::new("not-booked", "No interpreter booked"),
            ],
        );
        let mut people = Counts::new(
            TABLES[3],
            "People seen who need an interpreter",
            "Main language",
            vec![Heading::new("people", "People")],
        );
        for (code, c) in &languages {
            let heading = Heading::new(code.as_str(), language_label(code));
            if c.modes.iter().any(|&n| n > 0) {
                by_language = by_language.row(heading.clone(), c.modes.to_vec());
            }
            if c.contacts.iter().any(|&n| n > 0) {
                contacts = contacts.row(heading.clone(), c.contacts.to_vec());
            }
            if c.people > 0 {
                people = people.row(heading, vec![c.people]);
            }
        }
        let mut by_month = Counts::new(
            TABLES[1],
            "Consultations where an interpreter was needed, by month",
            "Month",
            modes(),
        );
        for (year, month) in months_between(self.from, self.to) {
            let counts = self.months.get(&(year, month)).copied().unwrap_or_default();
            by_month = by_month.row(
                Heading::new(
                    format!("{year:04}-{month:02}"),
                    format!("{} {year}", month_name(month)),
                ),
                counts.to_vec(),
            );
        }
        vec![
            by_language.with_row_totals().with_column_totals().publish(),
            by_month.with_row_totals().with_column_totals().publish(),
            contacts.with_row_totals().with_column_totals().publish(),
            people.with_column_totals().publish(),
        ]
    }
}

/// The headline figures of the printed summary, read from the published tables only (so they
/// obey the small-number rule too: each leaves out counts shown as `<5`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Consultations where an interpreter was needed.
    pub needing: Total,
    /// Of those, with a professional interpreter (telephone, video or in person).
    pub professional: Total,
    /// Of those, with a family member or friend, or no one, interpreting.
    pub unmet: Total,
    /// Planned contacts for people who need an interpreter with none booked.
    pub not_booked: Total,
}

impl Summary {
    /// From [`InterpreterReport::tables`]' output.
    pub fn of(tables: &[Table]) -> Self {
        let table = |id: &str| tables.iter().find(|t| t.id() == id);
        let sum = |id: &str, columns: &[&str]| {
            let totals = columns
                .iter()
                .filter_map(|c| table(id).and_then(|t| t.column_total(c)));
            totals.fold(Total::default(), |a, b| Total {
                value: a.value + b.value,
                excludes_small: a.excludes_small || b.excludes_small,
            })
        };
        let professional: Vec<&str> = InterpreterUse::ALL
            .iter()
            .filter(|m| m.is_professional())
            .map(|m| m.id())
            .collect();
        let all: Vec<&str> = InterpreterUse::ALL.iter().map(|m| m.id()).collect();
        Self {
            needing: sum(TABLES[0], &all),
            professional: sum(TABLES[0], &professional),
            unmet: sum(
                TABLES[0],
                &[
                    InterpreterUse::FamilyOrFriend.id(),
                    InterpreterUse::NoInterpreter.id(),
                ],
            ),
            not_booked: sum(TABLES[2], &["not-booked"]),
        }
    }
}

/// Whether a consultation in this mode, for someone who does or does not need an interpreter,
/// is one where an interpreter was needed (RULES.md: family or friend, or none, is unmet need).
pub fn needed(needs: bool, used: InterpreterUse) -> bool {
    needs || used.is_professional() || used == InterpreterUse::FamilyOrFriend
}

/// Whether a mode leaves the need unmet (§2: a family member or friend, or no one).
pub fn unmet(used: InterpreterUse) -> bool {
    matches!(
        used,
        InterpreterUse::FamilyOrFriend | InterpreterUse::NoInterpreter
    )
}

/// Column labels: as recorded, except "not needed", which here was recorded for someone who
/// needs an interpreter.
pub fn mode_label(mode: InterpreterUse) -> &'static str {
    match mode {
        InterpreterUse::NotNeeded => "Recorded as not needed",
        InterpreterUse::NoInterpreter => "No interpreter (unmet)",
        InterpreterUse::FamilyOrFriend => "Family member or friend (unmet)",
        other => other.label(),
    }
}

/// A language row's label: the language's English name, or "Not recorded".
pub fn language_label(code: &str) -> String {
    if code == NOT_RECORDED {
        return "Not recorded".into();
    }
    LanguageTag::parse(code).map_or_else(|_| code.to_owned(), |t| t.name())
}

/// The month's name in English ("April"), as `time` writes it.
fn month_name(month: u8) -> String {
    time::Month::try_from(month.clamp(1, 12)).map_or_else(|_| String::new(), |m| m.to_string())
}

/// Every (year, month) from `from`'s month to `to`'s, in order.
fn months_between(from: Date, to: Date) -> Vec<(i32, u8)> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), u8::from(from.month()));
    let end = (to.year(), u8::from(to.month()));
    while (y, m) <= end {
        out.push((y, m));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

fn mode_index(mode: InterpreterUse) -> usize {
    InterpreterUse::ALL
        .iter()
        .position(|&m| m == mode)
        .unwrap_or_default()
}

impl Tally for InterpreterReport {
    fn add(&mut self, record: &PatientRecord) {
        let needs = record.patient.interpreter_required == Some(true);
        let language = record
            .patient
            .main_language
            .as_ref()
            .map_or_else(|| NOT_RECORDED.to_owned(), |l| l.primary().to_owned());
        let mut row = LanguageCounts::default();
        let mut seen = false;
        for e in record.bodies(|b| b.as_encounter()) {
            if !self.within(e.date) {
                continue;
            }
            seen = true;
            if needed(needs, e.interpreter) {
                let i = mode_index(e.interpreter);
                row.modes[i] += 1;
                self.months
                    .entry((e.date.year(), u8::from(e.date.month())))
                    .or_default()[i] += 1;
            }
        }
        if needs {
            row.people = u64::from(seen);
            for c in record.bodies(|b| b.as_planned_contact()) {
                if self.within(c.date) && c.status != ContactStatus::Cancelled {
                    row.contacts[usize::from(!c.interpreter_booked)] += 1;
                }
            }
        }
        if row != LanguageCounts::default() {
            self.languages.entry(language).or_default().add(&row);
        }
    }

    fn merge(&mut self, other: Self) {
        for (k, v) in other.languages {
            self.languages.entry(k).or_default().add(&v);
        }
        for (k, v) in other.months {
            let month = self.months.entry(k).or_default();
            for (a, b) in month.iter_mut().zip(v) {
                *a += b;
            }
        }
    }
}

impl LanguageCounts {
    fn add(&mut self, other: &Self) {
        for (a, b) in self.modes.iter_mut().zip(other.modes) {
            *a += b;
        }
        self.people += other.people;
        for (a, b) in self.contacts.iter_mut().zip(other.contacts) {
            *a += b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Encounter, Entry, EntryBody, Patient, PlannedContact};
    use crate::reports::table::Cell;
    use crate::{LanguageTag, PatientId};
    use time::macros::{date, datetime};

    fn record(
        lang: Option<&str>,
        needs: bool,
        uses: &[(Date, InterpreterUse)],
        contacts: &[(Date, ContactStatus, bool)],
    ) -> PatientRecord {
        let mut p = Patient::new(PatientId::new("p"), "A", "B");
        p.main_language = lang.and_then(|l| LanguageTag::parse(l).ok());
        p.interpreter_required = Some(needs);
        let mut r = PatientRecord::new(p);
        let bodies = uses
            .iter()
            .map(|&(date, interpreter)| {
                EntryBody::Encounter(Encounter {
                    date,
                    interpreter,
                    somatic_complaints: vec![],
                    physical_cause_found: false,
                    suicidal_thoughts_noted: false,
                    self_harm_noted: false,
                    note: String::new(),
                })
            })
            .chain(contacts.iter().map(|&(date, status, interpreter_booked)| {
                EntryBody::PlannedContact(PlannedContact {
                    date,
                    status,
                    interpreter_booked,
                    interpreter: None,
                    purpose: String::new(),
                })
            }));
        for (i, body) in bodies.enumerate() {
            r.entries.push(Entry::new(
                format!("e{i}").as_str().into(),
                "p".into(),
                body,
                "x".into(),
                datetime!(2026-01-01 0:00 UTC),
            ));
        }
        r
    }

    fn report(records: &[PatientRecord]) -> Vec<Table> {
        let mut report = InterpreterReport::new(date!(2026 - 01 - 01), date!(2026 - 06 - 30));
        for r in records {
            report.add(r);
        }
        report.tables()
    }

    /// Five Arabic speakers with the same history, so every count is 5 or more and shows.
    fn arabic_speakers() -> Vec<PatientRecord> {
        use InterpreterUse::*;
        let one = record(
            Some("ar"),
            true,
            &[
                (date!(2026 - 02 - 01), ProfessionalTelephone),
                (date!(2026 - 03 - 01), FamilyOrFriend),
                (date!(2026 - 04 - 01), NoInterpreter),
                (date!(2025 - 12 - 31), NoInterpreter),
            ],
            &[
                (date!(2026 - 05 - 01), ContactStatus::Booked, false),
                (date!(2026 - 05 - 02), ContactStatus::Attended, true),
                (date!(2026 - 05 - 03), ContactStatus::Cancelled, false),
                (date!(2026 - 07 - 03), ContactStatus::Booked, false),
            ],
        );
        vec![one; 5]
    }

    #[test]
    fn counts_need_by_language_and_mode_within_the_period() {
        let mut records = arabic_speakers();
        records.push(record(
            Some("en"),
            false,
            &[(date!(2026 - 02 - 01), InterpreterUse::NotNeeded)],
            &[],
        ));
        let tables = report(&records);
        let t = &tables[0];
        assert_eq!(t.id(), "by-language");
        assert_eq!(t.rows().len(), 1, "English needed no interpreter");
        assert_eq!(t.cell("ar", "professional-telephone"), Some(Cell::Count(5)));
        assert_eq!(t.cell("ar", "family-or-friend"), Some(Cell::Count(5)));
        assert_eq!(t.cell("ar", "none"), Some(Cell::Count(5)));
        assert_eq!(t.rows()[0].total.map(|t| t.value), Some(15));
        let months = &tables[1];
        assert_eq!(
            months
                .rows()
                .iter()
                .map(|r| r.heading.id.as_str())
                .collect::<Vec<_>>(),
            [
                "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"
            ]
        );
        assert_eq!(
            months.cell("2026-03", "family-or-friend"),
            Some(Cell::Count(5))
        );
        assert_eq!(months.rows()[0].total.map(|t| t.value), Some(0));
        let contacts = &tables[2];
        assert_eq!(contacts.cell("ar", "not-booked"), Some(Cell::Count(5)));
        assert_eq!(
            contacts.cell("ar", "interpreter-booked"),
            Some(Cell::Count(5))
        );
        assert_eq!(tables[3].cell("ar", "people"), Some(Cell::Count(5)));
    }

    #[test]
    fn the_summary_adds_published_totals() {
        let mut records = arabic_speakers();
        records.push(record(
            Some("fa"),
            true,
            &[(date!(2026 - 02 - 01), InterpreterUse::FamilyOrFriend)],
            &[],
        ));
        let summary = Summary::of(&report(&records));
        assert_eq!(
            summary.needing,
            Total {
                value: 15,
                excludes_small: true
            }
        );
        assert_eq!(summary.professional.value, 5);
        assert!(!summary.professional.excludes_small);
        assert_eq!(summary.unmet.value, 10);
        assert!(summary.unmet.excludes_small, "Farsi's one is left out");
        assert_eq!(summary.not_booked.value, 5);
    }

    #[test]
    fn few_people_show_as_under_five() {
        let records = &arabic_speakers()[..2];
        let tables = report(records);
        assert_eq!(tables[0].cell("ar", "none"), Some(Cell::Small));
        assert_eq!(tables[3].cell("ar", "people"), Some(Cell::Small));
        assert_eq!(tables[3].column_total("people").map(|t| t.value), Some(0));
    }

    #[test]
    fn a_person_who_needs_no_interpreter_counts_only_when_one_was_used() {
        let r = record(
            None,
            false,
            &[
                (date!(2026 - 02 - 01), InterpreterUse::ProfessionalVideo),
                (date!(2026 - 02 - 02), InterpreterUse::NoInterpreter),
            ],
            &[(date!(2026 - 02 - 03), ContactStatus::Booked, false)],
        );
        let mut report = InterpreterReport::new(date!(2026 - 01 - 01), date!(2026 - 06 - 30));
        report.add(&r);
        let row = &report.languages[NOT_RECORDED];
        assert_eq!(row.modes[mode_index(InterpreterUse::ProfessionalVideo)], 1);
        assert_eq!(row.modes.iter().sum::<u64>(), 1);
        assert_eq!((row.people, row.contacts), (0, [0, 0]));
    }

    #[test]
    fn shares_merged_equal_one_pass() {
        let records = arabic_speakers();
        let mut whole = InterpreterReport::new(date!(2026 - 01 - 01), date!(2026 - 06 - 30));
        let mut first = whole.clone();
        let mut rest = whole.clone();
        for (i, r) in records.iter().enumerate() {
            whole.add(r);
            if i % 2 == 0 {
                first.add(r)
            } else {
                rest.add(r)
            }
        }
        first.merge(rest);
        assert_eq!(first.tables(), whole.tables());
    }

    #[test]
    fn months_run_across_years() {
        assert_eq!(
            months_between(date!(2025 - 11 - 30), date!(2026 - 02 - 01)),
            [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]
        );
        assert!(months_between(date!(2026 - 02 - 01), date!(2026 - 01 - 01)).is_empty());
    }
}
