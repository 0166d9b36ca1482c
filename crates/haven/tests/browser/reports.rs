//! Scenario (§2, §9): an analyst reads the reports in a real browser. Every report page has the
//! accessibility basics, the chart is an image with a name beside its table, and the summary
//! for commissioners prints on one A4 page (`HAVEN_REPORT_PDF=FILE` keeps that PDF to look at).

use crate::accessibility::audit;
use crate::harness::{Browser, Haven, Setup, tools_or_skip};

/// Pages in a PDF: its page objects (`/Type /Page`, not the `/Type /Pages` tree).
fn pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page")
        .filter(|(at, m)| !text[at + m.len()..].starts_with('s'))
        .count()
}

haven_testdb::both! {
    async fn an_analyst_reads_the_reports_and_prints_one_page_for_commissioners() {
        let Some(tools) = tools_or_skip() else {
            return;
        };
        let haven = Haven::start(&Setup {
            users: &[("analyst", "analyst")],
            demo_patients: Some(150),
        })
        .await;
        let b = Browser::launch(&tools, &haven);
        b.sign_in("analyst");
        for path in [
            "/reports",
            "/reports/interpreters",
            "/reports/population",
            "/reports/interpreters/print",
        ] {
            audit(&b, path);
        }

        b.open("/reports/interpreters");
        assert!(b.has(r#"svg[role="img"] > title#interpreter-chart-title"#));
        assert!(b.has(r#"svg[role="img"] > desc#interpreter-chart-desc"#));
        assert!(b.has("table.report-chart__table caption"));
        assert!(b.has(r#"table[data-table="by-language"] tbody tr"#));

        b.open("/reports/interpreters/print");
        assert!(b.has(".report-print .report-figures"));
        let pdf = b.session.print_a4_pdf().expect("print to PDF");
        assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
        if let Ok(path) = std::env::var("HAVEN_REPORT_PDF") {
            std::fs::write(path, &pdf).expect("write the PDF");
        }
        assert_eq!(
            pages(&pdf),
            1,
            "the summary for commissioners fits one A4 page"
        );
    }
}
