//! Small reference tables for forms and display: countries and languages.

pub mod countries;
pub mod languages;
