//! Progress bars for long work: shown on a terminal, silent when output is piped.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// A bar counting `len` things (`what`: "patients", say).
pub fn bar(len: u64, what: &str) -> ProgressBar {
    styled(
        len,
        what,
        "{msg:>12} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)",
    )
}

/// A bar counting `len` bytes of input, shown as sizes (`1.2 GiB/5.0 GiB`).
pub fn bytes(len: u64, what: &str) -> ProgressBar {
    styled(
        len,
        what,
        "{msg:>12} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
    )
}

fn styled(len: u64, what: &str, template: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what.to_owned());
    bar
}
