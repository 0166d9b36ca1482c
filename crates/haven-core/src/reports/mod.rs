//! Reports for commissioners and practice managers (§2, §9), computed from records so every
//! figure can be reproduced from the command line. Each report is a [`Tally`] of records
//! (the store's scan adds them on every core) that publishes [`table::Table`]s; every figure
//! goes through the one small-number rule in [`table`].
//!
//! [`Tally`]: crate::population::Tally

pub mod interpreters;
pub mod population;
pub mod table;

pub use interpreters::InterpreterReport;
pub use population::PopulationReport;
pub use table::{Cell, Table, across, across_each};
