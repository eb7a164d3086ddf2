//! The workspace's report writers, shared by the benchmarks, the load generator and the
//! conformance matrix, so that every report says where it came from, states its ratios and
//! draws its plots the same way.

mod files;
mod markdown;
pub mod plot;
mod provenance;
mod ratio;

pub use files::{read_json, write_json, write_report};
pub use markdown::Table;
pub use provenance::{machine_summary, online_cpus, today_utc, Provenance};
pub use ratio::{ratio_table, Bound, Ratio};
