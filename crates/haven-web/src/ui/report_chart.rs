//! The interpreter report's chart: consultations needing an interpreter by month, stacked by
//! how interpretation was provided (professional, family or friend, no one), drawn as SVG on
//! the server. Accessible: `role="img"` with a `<title>` and a `<desc>`, and the page puts a
//! table of exactly the figures drawn beside it ([`ChartRow`]).
//!
//! Only published figures are drawn: a count shown as `<5` is drawn as nothing and its month
//! is marked with an asterisk, as in the table.

use haven_core::record::InterpreterUse;
use haven_core::reports::table::{Cell, Table};

/// One month as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartRow {
    pub label: String,
    /// Professional (telephone, video and in person), family or friend, no interpreter: the
    /// sums of the shown counts.
    pub values: [u64; 3],
    /// Some count of the month is shown as `<5` and so not drawn.
    pub has_small: bool,
}

/// The stacks, in drawing order (bottom first), with their fills and legend labels.
pub const SERIES: [(&str, &str); 3] = [
    ("#005eb8", "Professional interpreter"),
    ("#ffb81c", "Family member or friend (unmet)"),
    ("#d5281b", "No interpreter (unmet)"),
];

/// The rows of the by-month table as drawn.
pub fn rows(by_month: &Table) -> Vec<ChartRow> {
    let group = |id: &str| -> usize {
        match InterpreterUse::parse(id) {
            Some(m) if m.is_professional() => 0,
            Some(InterpreterUse::FamilyOrFriend) => 1,
            Some(InterpreterUse::NoInterpreter) => 2,
            _ => 3,
        }
    };
    by_month
        .rows()
        .iter()
        .map(|r| {
            let mut values = [0; 3];
            let mut has_small = false;
            for (column, cell) in by_month.columns().iter().zip(&r.cells) {
                let g = group(&column.id);
                if g < 3 {
                    values[g] += cell.count().unwrap_or(0);
                    has_small |= *cell == Cell::Small;
                }
            }
            ChartRow {
                label: r.heading.label.clone(),
                values,
                has_small,
            }
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 64.0;

/// A round step for the value axis giving at most about five gridlines.
fn step(max: u64) -> u64 {
    let mut step = 1;
    for s in [1u64, 2, 5].iter().cycle().zip(0u32..) {
        let candidate = s.0 * 10u64.pow(s.1 / 3);
        if max / candidate <= 5 {
            step = candidate;
            break;
        }
    }
    step
}

/// The chart as one `<svg>` element; `title` names it for screen readers.
pub fn svg(title: &str, rows: &[ChartRow]) -> String {
    let max = rows
        .iter()
        .map(|r| r.values.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let step = step(max);
    let top_value = max.div_ceil(step) * step;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: u64| TOP + plot_h - (v as f64 / top_value as f64) * plot_h;
    let slot = plot_w / rows.len().max(1) as f64;
    let bar = (slot * 0.6).min(48.0);
    let small_months = rows.iter().filter(|r| r.has_small).count();
    let mut desc = format!(
        "Stacked bars, one a month, of consultations where an interpreter was needed: {}.",
        SERIES.map(|(_, l)| l.to_lowercase()).join(", ")
    );
    if small_months > 0 {
        desc.push_str(" Months marked with an asterisk had counts under 5, which are not drawn.");
    }
    desc.push_str(" The table beside the chart gives the same figures.");
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart report-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="interpreter-chart-title interpreter-chart-desc"><title id="interpreter-chart-title">{}</title><desc id="interpreter-chart-desc">{}</desc>"##,
        escape(title),
        escape(&desc)
    );
    let mut v = 0;
    while v <= top_value {
        let gy = y(v);
        s.push_str(&format!(
            r##"<line x1="{LEFT:.1}" y1="{gy:.1}" x2="{:.1}" y2="{gy:.1}" stroke="#d8dde0" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11" fill="#4c6272">{v}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            gy + 4.0
        ));
        v += step;
    }
    for (i, r) in rows.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let mut base = 0;
        for (k, &value) in r.values.iter().enumerate() {
            if value == 0 {
                continue;
            }
            let (fill, label) = SERIES[k];
            s.push_str(&format!(
                r##"<rect x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{:.1}" fill="{fill}"><title>{}: {label}, {value}</title></rect>"##,
                y(base + value),
                y(base) - y(base + value),
                escape(&r.label)
            ));
            base += value;
        }
        let cx = x + bar / 2.0;
        if r.has_small {
            s.push_str(&format!(
                r##"<text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="14" fill="#212b32">*</text>"##,
                y(base) - 4.0
            ));
        }
        let short: String = r.label.chars().take(3).collect();
        let year = r.label.rsplit(' ').next().unwrap_or_default();
        s.push_str(&format!(
            r##"<text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="#212b32">{}</text><text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="#4c6272">{}</text>"##,
            TOP + plot_h + 16.0,
            escape(&short),
            TOP + plot_h + 30.0,
            escape(year)
        ));
    }
    let mut lx = LEFT;
    for (fill, label) in SERIES {
        s.push_str(&format!(
            r##"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{fill}"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#212b32">{}</text>"##,
            HEIGHT - 18.0,
            lx + 16.0,
            HEIGHT - 8.0,
            escape(label)
        ));
        lx += 16.0 + label.len() as f64 * 6.2 + 18.0;
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::population::Tally;
    use haven_core::record::{Encounter, Entry, EntryBody, Patient, PatientRecord};
    use haven_core::reports::InterpreterReport;
    use haven_core::{LanguageTag, PatientId};
    use time::macros::{date, datetime};

    fn tables(people: usize) -> Vec<Table> {
        let mut report = InterpreterReport::new(date!(2026 - 01 - 01), date!(2026 - 03 - 31));
        for _ in 0..people {
            let mut p = Patient::new(PatientId::new("p"), "A", "B");
            p.main_language = LanguageTag::parse("ti").ok();
            p.interpreter_required = Some(true);
            let mut r = PatientRecord::new(p);
            for (i, (date, interpreter)) in [
                (date!(2026 - 01 - 10), InterpreterUse::ProfessionalVideo),
                (date!(2026 - 01 - 11), InterpreterUse::ProfessionalTelephone),
                (date!(2026 - 02 - 10), InterpreterUse::NoInterpreter),
            ]
            .into_iter()
            .enumerate()
            {
                r.entries.push(Entry::new(
                    format!("e{i}").as_str().into(),
                    "p".into(),
                    EntryBody::Encounter(Encounter {
                        date,
                        interpreter,
                        somatic_complaints: vec![],
                        physical_cause_found: false,
                        suicidal_thoughts_noted: false,
                        self_harm_noted: false,
                        note: String::new(),
                    }),
                    "x".into(),
                    datetime!(2026-01-01 0:00 UTC),
                ));
            }
            report.add(&r);
        }
        report.tables()
    }

    #[test]
    fn draws_the_published_figures_with_small_months_marked() {
        let rows = rows(&tables(6)[1]);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].values, [12, 0, 0]);
        assert_eq!(rows[1].values, [0, 0, 6]);
        assert!(!rows.iter().any(|r| r.has_small));
        let small = super::rows(&tables(3)[1]);
        assert_eq!(small[0].values, [0, 0, 0], "3 and 3 are shown as <5");
        assert!(small[0].has_small && small[1].has_small && !small[2].has_small);
        let svg = svg("Interpreters by month", &small);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(
            svg.contains(r#"<title id="interpreter-chart-title">Interpreters by month</title>"#)
        );
        assert!(svg.contains("counts under 5, which are not drawn"));
        assert_eq!(svg.matches(">*</text>").count(), 2);
    }

    #[test]
    fn the_axis_steps_are_round() {
        assert_eq!(step(1), 1);
        assert_eq!(step(9), 2);
        assert_eq!(step(23), 5);
        assert_eq!(step(140), 50);
        assert_eq!(step(1_000), 200);
    }
}
