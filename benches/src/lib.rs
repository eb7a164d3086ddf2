//! Shared by the criterion benchmarks (`benches/sessions.rs`) and the report (`bin/report.rs`):
//! workloads, populated stores, the baselines, and where results are kept.

pub mod baselines;
pub mod estimates;
pub mod fixtures;
pub mod output;
pub mod plot;
pub mod report;
