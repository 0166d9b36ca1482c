//! Published tables of counts and Haven's one small-number rule. Every figure a report shows
//! (page, print, CSV, JSON) comes out of [`Counts::publish`]; nothing else turns a count into
//! something a reader sees.
//!
//! **The rule** (docs/reports.md, hazard H-38):
//! 1. A count of 1 to 4 is shown as `<5` ([`Cell::Small`]); 0 and counts of 5 or more are
//!    shown as they are.
//! 2. Every total (of a row, of a column, and the grand total) is the sum of the cells of its
//!    line that are *shown*: cells shown as `<5` add nothing, and the page says so.
//!
//! So every published figure is a function of the shown cells alone: changing any cell shown
//! as `<5` to any other value from 1 to 4 changes nothing that is published
//! (`tests::nothing_published_depends_on_a_small_count`), and no small number can be worked
//! out from a table's totals, by subtraction or any other arithmetic. A total may therefore
//! be smaller than the true number, by up to 4 for each `<5` in its line. Rounding the totals
//! instead was rejected: a total rounded to 5 or 10 still gives away a single small cell
//! whenever the rounding boundary falls inside its possible range.

/// Counts below this (and above 0) are never shown.
pub const THRESHOLD: u64 = 5;

/// What the reader is told a table's totals are.
pub const TOTALS_NOTE: &str = "Counts of 1 to 4 are shown as <5. Totals add up only the counts shown, so a small number cannot be worked out from them.";

/// One published figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cell {
    /// 0, or 5 or more.
    Count(u64),
    /// 1 to 4, shown as `<5`.
    Small,
}

impl Cell {
    fn of(n: u64) -> Self {
        if (1..THRESHOLD).contains(&n) {
            Self::Small
        } else {
            Self::Count(n)
        }
    }

    /// The count, when it is shown.
    pub fn count(self) -> Option<u64> {
        match self {
            Self::Count(n) => Some(n),
            Self::Small => None,
        }
    }

    /// What a total adds for this cell.
    fn shown(self) -> u64 {
        self.count().unwrap_or(0)
    }

    pub fn is_small(self) -> bool {
        self == Self::Small
    }

    /// As printed: the number, or `<5`.
    pub fn text(self) -> String {
        match self {
            Self::Count(n) => n.to_string(),
            Self::Small => format!("<{THRESHOLD}"),
        }
    }
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

/// A column (or row) heading: a stable id for CSV and JSON, a label for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub id: String,
    pub label: String,
}

impl Heading {
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            label: label.into(),
        }
    }
}

/// Counts before publication: a builder that only [`Counts::publish`] turns into a [`Table`].
#[derive(Clone, Debug)]
pub struct Counts {
    id: &'static str,
    title: String,
    row_heading: String,
    columns: Vec<Heading>,
    rows: Vec<(Heading, Vec<u64>)>,
    row_totals: bool,
    column_totals: bool,
}

impl Counts {
    /// A table whose rows each have one count per column.
    pub fn new(
        id: &'static str,
        title: impl Into<String>,
        row_heading: impl Into<String>,
        columns: Vec<Heading>,
    ) -> Self {
        Self {
            id,
            title: title.into(),
            row_heading: row_heading.into(),
            columns,
            rows: Vec::new(),
            row_totals: false,
            column_totals: false,
        }
    }

    /// Adds a row; missing counts are 0, extra ones are a fault of the caller and dropped.
    pub fn row(mut self, heading: Heading, mut counts: Vec<u64>) -> Self {
        counts.resize(self.columns.len(), 0);
        self.rows.push((heading, counts));
        self
    }

    /// Each row gets a total: use only when the columns split one thing (no row counted twice).
    pub fn with_row_totals(mut self) -> Self {
        self.row_totals = true;
        self
    }

    /// A totals row: use only when the rows split one thing.
    pub fn with_column_totals(mut self) -> Self {
        self.column_totals = true;
        self
    }

    /// The table as it may be shown, under the rule in the module documentation.
    pub fn publish(self) -> Table {
        let rows: Vec<Line> = self
            .rows
            .into_iter()
            .map(|(heading, counts)| {
                let cells: Vec<Cell> = counts.into_iter().map(Cell::of).collect();
                let total = self.row_totals.then(|| total_of(&cells));
                Line {
                    heading,
                    cells,
                    total,
                }
            })
            .collect();
        let totals = self.column_totals.then(|| {
            let cells: Vec<Cell> = (0..self.columns.len())
                .map(|c| Cell::Count(rows.iter().map(|r| r.cells[c].shown()).sum()))
                .collect();
            let small = rows.iter().any(|r| r.cells.iter().any(|c| c.is_small()));
            let total = self.row_totals.then(|| Total {
                value: cells.iter().map(|c| c.shown()).sum(),
                excludes_small: small,
            });
            ColumnTotals {
                cells: (0..self.columns.len())
                    .map(|c| Total {
                        value: cells[c].shown(),
                        excludes_small: rows.iter().any(|r| r.cells[c].is_small()),
                    })
                    .collect(),
                total,
            }
        });
        Table {
            id: self.id,
            title: self.title,
            row_heading: self.row_heading,
            columns: self.columns,
            rows,
            totals,
        }
    }
}

fn total_of(cells: &[Cell]) -> Total {
    Total {
        value: cells.iter().map(|c| c.shown()).sum(),
        excludes_small: cells.iter().any(|c| c.is_small()),
    }
}

/// A total: the sum of the shown counts of its line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Total {
    pub value: u64,
    /// Some cell of the line is shown as `<5`, so the true total may be larger.
    pub excludes_small: bool,
}

/// One row of a published table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub heading: Heading,
    pub cells: Vec<Cell>,
    /// With [`Counts::with_row_totals`].
    pub total: Option<Total>,
}

/// The totals row of a published table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnTotals {
    pub cells: Vec<Total>,
    /// The grand total, when rows have totals too.
    pub total: Option<Total>,
}

/// A table as published: every figure in it obeys the small-number rule. Made only by
/// [`Counts::publish`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    id: &'static str,
    title: String,
    row_heading: String,
    columns: Vec<Heading>,
    rows: Vec<Line>,
    totals: Option<ColumnTotals>,
}

impl Table {
    /// Stable id within its report (CSV `table` column, JSON `id`).
    pub fn id(&self) -> &'static str {
        self.id
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn row_heading(&self) -> &str {
        &self.row_heading
    }

    pub fn columns(&self) -> &[Heading] {
        &self.columns
    }

    pub fn rows(&self) -> &[Line] {
        &self.rows
    }

    pub fn totals(&self) -> Option<&ColumnTotals> {
        self.totals.as_ref()
    }

    pub fn has_row_totals(&self) -> bool {
        self.rows.iter().any(|r| r.total.is_some())
    }

    /// Whether any figure is shown as `<5`.
    pub fn has_small(&self) -> bool {
        self.rows
            .iter()
            .any(|r| r.cells.iter().any(|c| c.is_small()))
    }

    /// The published figure at a row and column id, for tests and summaries.
    pub fn cell(&self, row: &str, column: &str) -> Option<Cell> {
        let c = self.columns.iter().position(|h| h.id == column)?;
        let r = self.rows.iter().find(|r| r.heading.id == row)?;
        r.cells.get(c).copied()
    }

    /// The published total of a column.
    pub fn column_total(&self, column: &str) -> Option<Total> {
        let c = self.columns.iter().position(|h| h.id == column)?;
        self.totals.as_ref()?.cells.get(c).copied()
    }
}

/// One table across several practices, from each practice's *published* table of the same
/// report (hazard H-67): every figure is the sum of the figures shown for each practice, so a
/// count shown as `<5` in one practice's table adds nothing anywhere, and no practice's small
/// number can be worked out by subtracting the other practices' figures from the whole. A
/// figure is marked as leaving out small counts (its total's `excludes_small`) whenever any
/// practice's figure behind it was `<5`. `None` when there is no table, or when the tables are
/// not the same table of the same report (a fault of the caller).
pub fn across(practices: &[Table]) -> Option<Table> {
    let first = practices.first()?;
    if practices
        .iter()
        .any(|t| t.id != first.id || t.columns != first.columns)
    {
        return None;
    }
    let width = first.columns.len();
    let mut headings: Vec<Heading> = Vec::new();
    for t in practices {
        for line in &t.rows {
            if !headings.iter().any(|h| h.id == line.heading.id) {
                headings.push(line.heading.clone());
            }
        }
    }
    // Per row and column: the sum of the shown figures, and whether any was `<5`.
    let summed = |heading: &Heading, c: usize| -> (u64, bool) {
        practices
            .iter()
            .filter_map(|t| t.rows.iter().find(|l| l.heading.id == heading.id))
            .map(|l| l.cells[c])
            .fold((0, false), |(n, small), cell| {
                (n + cell.shown(), small || cell.is_small())
            })
    };
    let row_totals = first.has_row_totals();
    let rows: Vec<Line> = headings
        .iter()
        .map(|heading| {
            let sums: Vec<(u64, bool)> = (0..width).map(|c| summed(heading, c)).collect();
            Line {
                heading: heading.clone(),
                cells: sums.iter().map(|(n, _)| Cell::Count(*n)).collect(),
                total: row_totals.then(|| Total {
                    value: sums.iter().map(|(n, _)| n).sum(),
                    excludes_small: sums.iter().any(|(_, small)| *small),
                }),
            }
        })
        .collect();
    let totals = first.totals.as_ref().map(|_| {
        let cells: Vec<Total> = (0..width)
            .map(|c| {
                let parts: Vec<(u64, bool)> = headings.iter().map(|h| summed(h, c)).collect();
                Total {
                    value: parts.iter().map(|(n, _)| n).sum(),
                    excludes_small: parts.iter().any(|(_, small)| *small),
                }
            })
            .collect();
        ColumnTotals {
            total: row_totals.then(|| Total {
                value: cells.iter().map(|t| t.value).sum(),
                excludes_small: cells.iter().any(|t| t.excludes_small),
            }),
            cells,
        }
    });
    Some(Table {
        id: first.id,
        title: format!("{} (all practices)", first.title),
        row_heading: first.row_heading.clone(),
        columns: first.columns.clone(),
        rows,
        totals,
    })
}

/// A whole report across practices: each practice's report is its published tables in the
/// report's order, and the result holds, for each position, [`across`] of that table of every
/// practice. What `haven report --by-org` and the web's report across practices both publish
/// as "All practices", so the two show exactly the same figures.
pub fn across_each(practices: &[Vec<Table>]) -> Vec<Table> {
    let count = practices.first().map_or(0, Vec::len);
    (0..count)
        .filter_map(|i| {
            let same: Vec<Table> = practices
                .iter()
                .filter_map(|tables| tables.get(i).cloned())
                .collect();
            across(&same)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// H-67: across practices, a practice's count shown as `<5` changes nothing published
    /// across them, whatever it is from 1 to 4, and no figure across practices is `<5`.
    #[test]
    fn nothing_across_practices_depends_on_a_practices_small_count() {
        let table = |rows: &[Vec<u64>]| counts(rows, true, true).publish();
        let with = |small: u64| {
            across(&[
                table(&[vec![small, 12], vec![7, 0]]),
                table(&[vec![10, 3], vec![5, 9]]),
            ])
            .unwrap()
        };
        let one = with(1);
        for small in 2..=4 {
            assert_eq!(with(small), one);
        }
        assert_eq!(one.cell("r0", "c0"), Some(Cell::Count(10)));
        assert_eq!(one.cell("r0", "c1"), Some(Cell::Count(12)));
        assert!(!one.has_small());
        let total = one.column_total("c0").unwrap();
        assert_eq!(total.value, 22);
        assert!(total.excludes_small);
        assert_eq!(
            one.rows()[1].total,
            Some(Total {
                value: 21,
                excludes_small: false
            })
        );
        // Different tables cannot be added up.
        let other = Counts::new("u", "U", "Row", vec![]).publish();
        assert_eq!(across(&[table(&[vec![1]]), other]), None);
        assert_eq!(across(&[]), None);
    }

    proptest! {
        /// Every figure across practices is a function of the practices' shown figures.
        #[test]
        fn across_practices_reads_only_shown_figures(
            a in proptest::collection::vec(proptest::collection::vec(0u64..40, 3), 1..5),
            b in proptest::collection::vec(proptest::collection::vec(0u64..40, 3), 1..5),
            bump in 1u64..4,
        ) {
            let publish = |rows: &[Vec<u64>]| counts(rows, true, true).publish();
            let before = across(&[publish(&a), publish(&b)]).unwrap();
            // Move every small count of practice A to another small count.
            let moved: Vec<Vec<u64>> = a
                .iter()
                .map(|r| r.iter().map(|&n| if (1..THRESHOLD).contains(&n) { (n + bump - 1) % 4 + 1 } else { n }).collect())
                .collect();
            let after = across(&[publish(&moved), publish(&b)]).unwrap();
            prop_assert_eq!(before, after);
        }
    }

    fn counts(values: &[Vec<u64>], row_totals: bool, column_totals: bool) -> Counts {
        let columns = (0..values.first().map_or(0, Vec::len))
            .map(|c| Heading::new(format!("c{c}"), format!("Column {c}")))
            .collect();
        let mut t = Counts::new("t", "T", "Row", columns);
        for (r, row) in values.iter().enumerate() {
            t = t.row(
                Heading::new(format!("r{r}"), format!("Row {r}")),
                row.clone(),
            );
        }
        if row_totals {
            t = t.with_row_totals();
        }
        if column_totals {
            t = t.with_column_totals();
        }
        t
    }

    #[test]
    fn small_counts_are_shown_as_under_five_and_left_out_of_totals() {
        let t = counts(&[vec![12, 3, 0], vec![5, 7, 1]], true, true).publish();
        let texts: Vec<Vec<String>> = t
            .rows()
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text()).collect())
            .collect();
        assert_eq!(texts, [["12", "<5", "0"], ["5", "7", "<5"]]);
        assert_eq!(
            t.rows()[0].total,
            Some(Total {
                value: 12,
                excludes_small: true
            })
        );
        let totals = t.totals().expect("totals");
        assert_eq!(
            totals.cells.iter().map(|c| c.value).collect::<Vec<_>>(),
            [17, 7, 0]
        );
        assert_eq!(
            totals
                .cells
                .iter()
                .map(|c| c.excludes_small)
                .collect::<Vec<_>>(),
            [false, true, true]
        );
        assert_eq!(totals.total.map(|t| t.value), Some(24));
        assert_eq!(t.cell("r0", "c1"), Some(Cell::Small));
        assert_eq!(t.cell("r1", "c0"), Some(Cell::Count(5)));
        assert_eq!(Cell::of(4), Cell::Small);
        assert_eq!(Cell::of(0), Cell::Count(0));
    }

    /// A single small number in a row whose true total were shown would be the total minus
    /// the rest: here it is not.
    #[test]
    fn a_lone_small_count_cannot_be_recovered_by_subtraction() {
        for small in 1..THRESHOLD {
            let t = counts(&[vec![20, small, 9]], true, true).publish();
            let row = &t.rows()[0];
            let shown: u64 = row.cells.iter().filter_map(|c| c.count()).sum();
            assert_eq!(row.total.map(|t| t.value), Some(shown));
            assert_eq!(row.total.map(|t| t.value - shown), Some(0));
        }
    }

    fn table_values() -> impl Strategy<Value = Vec<Vec<u64>>> {
        (1usize..6, 1usize..6).prop_flat_map(|(rows, cols)| {
            // Mostly small numbers, where the rule matters.
            let value = prop_oneof![3 => 0u64..8, 1 => 0u64..200];
            proptest::collection::vec(proptest::collection::vec(value, cols), rows)
        })
    }

    proptest! {
        /// The rule's guarantee: replacing every count shown as `<5` by any other count from
        /// 1 to 4 publishes exactly the same table, totals included. So nothing published
        /// (and nothing computed from it) can tell which small number it was.
        #[test]
        fn nothing_published_depends_on_a_small_count(
            values in table_values(),
            replacements in proptest::collection::vec(1u64..THRESHOLD, 36),
            row_totals: bool,
            column_totals: bool,
        ) {
            let published = counts(&values, row_totals, column_totals).publish();
            let mut next = replacements.iter().cycle();
            let other: Vec<Vec<u64>> = values
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|&v| if (1..THRESHOLD).contains(&v) { *next.next().unwrap_or(&1) } else { v })
                        .collect()
                })
                .collect();
            prop_assert_eq!(counts(&other, row_totals, column_totals).publish(), published);
        }

        /// Every figure shown is 0 or at least 5, and every total is the sum of the shown
        /// cells of its line: a total minus the cells shown beside it always leaves 0.
        #[test]
        fn totals_leave_nothing_to_subtract(values in table_values()) {
            let t = counts(&values, true, true).publish();
            for (r, row) in t.rows().iter().enumerate() {
                for (c, cell) in row.cells.iter().enumerate() {
                    let v = values[r][c];
                    prop_assert_eq!(cell.is_small(), (1..THRESHOLD).contains(&v));
                    if let Some(n) = cell.count() {
                        prop_assert!(n == 0 || n >= THRESHOLD);
                        prop_assert_eq!(n, v);
                    }
                }
                let shown: u64 = row.cells.iter().filter_map(|c| c.count()).sum();
                let total = row.total.expect("row total");
                prop_assert_eq!(total.value, shown);
                prop_assert!(total.value == 0 || total.value >= THRESHOLD);
            }
            let totals = t.totals().expect("totals");
            for (c, total) in totals.cells.iter().enumerate() {
                let shown: u64 = t.rows().iter().filter_map(|r| r.cells[c].count()).sum();
                prop_assert_eq!(total.value, shown);
            }
            let grand: u64 = t.rows().iter().flat_map(|r| r.cells.iter().filter_map(|c| c.count())).sum();
            prop_assert_eq!(totals.total.map(|t| t.value), Some(grand));
        }
    }
}
