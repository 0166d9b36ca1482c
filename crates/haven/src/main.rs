//! The `haven` binary: command-line entry points over haven-core, haven-store, haven-fhir and
//! haven-web. Each command parses its arguments into domain types, does its work, and reports
//! errors as one sentence on stderr (exit 1; bad usage exits 2, from clap).

mod actions_output;
mod cli;
mod cmd;
mod evaluation;
mod output;
mod progress;
mod score_output;
mod settings;

use clap::Parser;

// Population evaluation allocates many small short-lived values; mimalloc handles that
// pattern markedly faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HAVEN_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("warn,sqlx=error,haven=info,haven_web=info")
            }),
        )
        // Colour for a person at a terminal; none in a log file or journal.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cmd::run(cli, haven_store::Clock::system())) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
