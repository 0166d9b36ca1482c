//! Questionnaire trends (`/patients/{id}/trends`): per instrument, a line chart of totals over
//! time drawn as SVG on the server (no JavaScript), with the instrument's bands shaded and the
//! person's asylum decisions and negative life events marked on the time axis, beside an
//! accessible table of the same data.
//!
//! The series comes from `haven_core::rules::score_series`, the function
//! `risk.possible-relapse` compares, so the chart and the relapse rule always agree.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use haven_core::Date;
use haven_core::instruments::{BandRange, Instrument, bands_with};
use haven_core::record::{AsylumStatus, EntryBody, PatientRecord};
use haven_core::rules::score_series;

use super::assessments::available;
use super::forms::questionnaire::RECORDED_ELSEWHERE;
use super::layout::Layout;
use super::patient_context::{Banner, PatientContext};
use super::{page, patient_href};
use crate::AppState;
use crate::auth::{CLINICAL_ROLES, CurrentUser};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/patients/{id}/trends", get(show))
}

/// One total on the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub date: Date,
    pub total: u8,
}

/// An instrument's totals, oldest first.
#[derive(Clone, Debug)]
pub struct Series {
    pub instrument: Instrument,
    pub points: Vec<Point>,
}

/// A dated event drawn as a vertical line across the chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub date: Date,
    pub label: String,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 44.0;
/// Room on the right for the band names, outside the plot so no point hides them.
const RIGHT: f64 = 132.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;
/// Band fills, lightest first, each distinguishable from the line and the markers.
const BAND_FILLS: [&str; 5] = ["#e8f1ec", "#f3f6e3", "#fdf3d8", "#fbe5d6", "#f6d9d7"];

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn slug(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The chart as a standalone SVG element: `role="img"` with a `<title>` and a `<desc>` that
/// says in words what the chart shows. Pure, so it is unit-tested and snapshot-tested.
pub fn chart_svg(series: &Series, markers: &[Marker], bands: &[BandRange]) -> String {
    let instrument = series.instrument;
    let id = format!("chart-{}", slug(instrument.name()));
    let max = instrument
        .total_max()
        .or_else(|| bands.last().map(|b| b.highest))
        .unwrap_or(1)
        .max(1);
    let dates = series
        .points
        .iter()
        .map(|p| p.date)
        .chain(markers.iter().map(|m| m.date));
    let (first, last) = match (dates.clone().min(), dates.max()) {
        (Some(a), Some(b)) => (a, b),
        _ => return String::new(),
    };
    // A little room either side so the first and last points are not on the frame.
    let span = (last - first).whole_days().max(1);
    let pad = (span / 20).max(3);
    let (start, end) = (
        first.to_julian_day() - pad as i32,
        last.to_julian_day() + pad as i32,
    );
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |d: Date| LEFT + plot_w * f64::from(d.to_julian_day() - start) / f64::from(end - start);
    let y = |v: u8| TOP + plot_h * (1.0 - f64::from(v) / f64::from(max));
    let bottom = TOP + plot_h;

    let mut s = String::new();
    s.push_str(&format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc">"##
    ));
    s.push_str(&format!(
        r##"<title id="{id}-title">{} totals over time</title>"##,
        escape(instrument.name())
    ));
    s.push_str(&format!(
        r##"<desc id="{id}-desc">{}</desc>"##,
        escape(&describe(series, markers, bands))
    ));
    // Bands: each shaded from its lowest total up to where the next begins.
    for (i, range) in bands.iter().enumerate() {
        let (lo, hi, label) = (range.lowest, range.highest, range.band.label);
        let top_value = bands.get(i + 1).map_or(max, |next| next.lowest);
        let (y0, y1) = (y(lo), y(top_value));
        let fill = BAND_FILLS[i.min(BAND_FILLS.len() - 1)];
        s.push_str(&format!(r##"<rect class="chart__band" x="{LEFT:.1}" y="{y1:.1}" width="{plot_w:.1}" height="{:.1}" fill="{fill}"><title>{lo}–{hi}: {}</title></rect>"##, y0 - y1, escape(label)));
        if y0 - y1 >= 11.0 {
            s.push_str(&format!(r##"<text class="chart__band-label" x="{:.1}" y="{:.1}" font-size="10" fill="#4c6272">{}</text>"##, LEFT + plot_w + 6.0, (y0 + y1) / 2.0 + 3.5, escape(label)));
        }
        s.push_str(&format!(r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="10" fill="#212b32">{lo}</text>"##, LEFT - 6.0, y0 - 2.0));
    }
    s.push_str(&format!(r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="10" fill="#212b32">{max}</text>"##, LEFT - 6.0, TOP + 8.0));
    // Frame and time axis.
    s.push_str(&format!(r##"<rect x="{LEFT:.1}" y="{TOP:.1}" width="{plot_w:.1}" height="{plot_h:.1}" fill="none" stroke="#4c6272"/>"##));
    for (date, anchor) in [(first, "start"), (last, "end")] {
        s.push_str(&format!(r##"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}" font-size="11" fill="#212b32">{date}</text>"##, x(date), bottom + 16.0));
    }
    // Events: a dashed vertical line with its label written up the line.
    for m in markers {
        let mx = x(m.date);
        s.push_str(&format!(
            r##"<g class="chart__marker"><title>{} {}</title><line x1="{mx:.1}" y1="{TOP:.1}" x2="{mx:.1}" y2="{bottom:.1}" stroke="#330072" stroke-width="1.5" stroke-dasharray="4 3"/><text transform="rotate(-90 {:.1} {:.1})" x="{:.1}" y="{:.1}" text-anchor="end" font-size="10" fill="#330072" stroke="#ffffff" stroke-width="3" paint-order="stroke">{}</text></g>"##,
            m.date,
            escape(&m.label),
            mx - 3.0,
            TOP + 4.0,
            mx - 3.0,
            TOP + 4.0,
            escape(&m.label)
        ));
    }
    // The totals.
    if series.points.len() > 1 {
        let path: Vec<String> = series
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.date), y(p.total)))
            .collect();
        s.push_str(&format!(
            r##"<polyline points="{}" fill="none" stroke="#005eb8" stroke-width="2.5"/>"##,
            path.join(" ")
        ));
    }
    for p in &series.points {
        s.push_str(&format!(r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#005eb8"><title>{}: {}</title></circle>"##, x(p.date), y(p.total), p.date, p.total));
    }
    s.push_str("</svg>");
    s
}

/// The chart in words, for screen readers: range, latest total and band, and the events.
fn describe(series: &Series, markers: &[Marker], bands: &[BandRange]) -> String {
    let i = series.instrument;
    let mut text = match (series.points.first(), series.points.last()) {
        (Some(a), Some(b)) => {
            let band = bands
                .iter()
                .find(|r| (r.lowest..=r.highest).contains(&b.total))
                .map(|r| r.band.label)
                .unwrap_or_default();
            format!(
                "{} {} totals from {} to {}; the latest, on {}, is {} ({}).",
                series.points.len(),
                i.name(),
                a.date,
                b.date,
                b.date,
                b.total,
                band.to_lowercase()
            )
        }
        _ => format!("No {} totals.", i.name()),
    };
    if !markers.is_empty() {
        let list: Vec<String> = markers
            .iter()
            .map(|m| format!("{} on {}", m.label, m.date))
            .collect();
        text.push_str(&format!(" Events marked: {}.", list.join("; ")));
    }
    text
}

/// Asylum decisions (refusals and grants) and negative life events from `from` to `to`.
pub fn markers(record: &PatientRecord, from: Date, to: Date) -> Vec<Marker> {
    let mut out: Vec<Marker> = record
        .active()
        .filter_map(|e| match &e.body {
            EntryBody::LifeEvent(ev) => Some(Marker {
                date: ev.date,
                label: ev.kind.label().to_owned(),
            }),
            EntryBody::Asylum(a) if a.status == AsylumStatus::Refused || a.status.is_granted() => {
                Some(Marker {
                    date: a.since,
                    label: a.status.label().to_owned(),
                })
            }
            _ => None,
        })
        .filter(|m| m.date >= from && m.date <= to)
        .collect();
    out.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.label.cmp(&b.label)));
    out.dedup();
    out
}

pub struct Row {
    pub date: String,
    pub total: String,
    pub band: String,
    /// "Recorded elsewhere; item answers not available." for a result without every item.
    pub note: &'static str,
}

pub struct Chart {
    pub name: &'static str,
    pub id: String,
    /// Trusted SVG built by [`chart_svg`] (every text in it is escaped there).
    pub svg: String,
    pub rows: Vec<Row>,
    pub markers: Vec<Marker>,
}

#[derive(Template)]
#[template(path = "assessments/trends.html")]
struct TrendsPage {
    layout: Layout,
    banner: Banner,
    charts: Vec<Chart>,
    new_href: String,
}

/// Events this long before the first score are still marked, for context.
const EVENTS_BEFORE_DAYS: i64 = 90;

/// One chart per instrument with at least one score (ITQ, which has no total: table only).
pub fn charts(
    record: &PatientRecord,
    instruments: &[Instrument],
    options: &haven_core::instruments::ScoringOptions,
    today: Date,
) -> Vec<Chart> {
    instruments
        .iter()
        .filter_map(|&instrument| {
            let scores = score_series(record, instrument, options);
            let first = scores.first()?.0;
            let rows = scores
                .iter()
                .map(|(d, s)| Row {
                    date: d.to_string(),
                    total: s
                        .total()
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| "—".into()),
                    band: s
                        .band()
                        .map(|band| band.label.to_owned())
                        .unwrap_or_default(),
                    note: if s.items_missing() {
                        RECORDED_ELSEWHERE
                    } else {
                        ""
                    },
                })
                .collect();
            let points: Vec<Point> = scores
                .iter()
                .filter_map(|(d, s)| {
                    Some(Point {
                        date: *d,
                        total: s.total()?,
                    })
                })
                .collect();
            let marks = markers(
                record,
                first - time::Duration::days(EVENTS_BEFORE_DAYS),
                today,
            );
            let svg = if points.is_empty() {
                String::new()
            } else {
                chart_svg(
                    &Series { instrument, points },
                    &marks,
                    bands_with(instrument, options),
                )
            };
            Some(Chart {
                name: instrument.name(),
                id: slug(instrument.name()),
                svg,
                rows,
                markers: marks,
            })
        })
        .collect()
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    user.store
        .audit_read(&user.actor(), "patient.trends", Some(&id), "")
        .await?;
    let charts = charts(
        &ctx.record,
        &available(&state),
        &state.policy().scoring_options(),
        state.today(),
    );
    page(&TrendsPage {
        layout: Layout::new(&user, format!("Trends – {}", ctx.banner.name), "/patients"),
        charts,
        new_href: format!("{}/assessments", patient_href(&id)),
        banner: ctx.banner,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::instruments::bands;
    use time::macros::date;

    fn phq9() -> Series {
        Series {
            instrument: Instrument::Phq9,
            points: vec![
                Point {
                    date: date!(2026 - 05 - 01),
                    total: 8,
                },
                Point {
                    date: date!(2026 - 08 - 01),
                    total: 12,
                },
                Point {
                    date: date!(2026 - 11 - 20),
                    total: 19,
                },
            ],
        }
    }

    fn events() -> Vec<Marker> {
        vec![
            Marker {
                date: date!(2026 - 10 - 15),
                label: "Asylum claim refused".into(),
            },
            Marker {
                date: date!(2026 - 11 - 01),
                label: "Bad news <from> home & \"more\"".into(),
            },
        ]
    }

    #[test]
    fn the_chart_is_an_accessible_image_with_every_point_band_and_event() {
        let svg = chart_svg(&phq9(), &events(), bands(Instrument::Phq9));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r##"role="img""##));
        assert!(svg.contains(r##"<title id="chart-phq9-title">PHQ-9 totals over time</title>"##));
        assert!(
            svg.contains("the latest, on 2026-11-20, is 19 (moderately severe)"),
            "{svg}"
        );
        assert_eq!(svg.matches("<circle").count(), 3);
        assert_eq!(svg.matches(r##"class="chart__band""##).count(), 5);
        assert_eq!(svg.matches(r##"class="chart__marker""##).count(), 2);
        assert!(
            svg.contains("Bad news &lt;from&gt; home &amp; &quot;more&quot;"),
            "labels are escaped"
        );
        assert!(!svg.contains("<from>"));
    }

    #[test]
    fn higher_totals_are_drawn_higher_and_later_dates_further_right() {
        let svg = chart_svg(&phq9(), &[], bands(Instrument::Phq9));
        let circles: Vec<(f64, f64)> = svg
            .split("<circle ")
            .skip(1)
            .map(|c| {
                let attr = |name: &str| {
                    c.split(&format!("{name}=\""))
                        .nth(1)
                        .and_then(|r| r.split('"').next())
                        .and_then(|v| v.parse::<f64>().ok())
                        .expect("coordinate")
                };
                (attr("cx"), attr("cy"))
            })
            .collect();
        assert!(
            circles
                .windows(2)
                .all(|w| w[0].0 < w[1].0 && w[0].1 > w[1].1),
            "{circles:?}"
        );
        assert!(
            circles
                .iter()
                .all(|&(x, y)| (LEFT..=WIDTH - RIGHT).contains(&x)
                    && (TOP..=HEIGHT - BOTTOM).contains(&y))
        );
    }

    #[test]
    fn a_single_score_still_draws() {
        let one = Series {
            instrument: Instrument::Gad7,
            points: vec![Point {
                date: date!(2026 - 11 - 28),
                total: 21,
            }],
        };
        let svg = chart_svg(&one, &[], bands(Instrument::Gad7));
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(!svg.contains("<polyline"));
        assert!(!svg.contains("NaN"));
        let empty = Series {
            instrument: Instrument::Gad7,
            points: vec![],
        };
        assert_eq!(chart_svg(&empty, &[], bands(Instrument::Gad7)), "");
    }

    #[test]
    fn chart_snapshot() {
        insta::assert_snapshot!(chart_svg(&phq9(), &events(), bands(Instrument::Phq9)));
    }
}
