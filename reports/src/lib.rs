//! The workspace's report writers, shared by the benchmarks, the load generator and the
//! conformance matrix, so that every report says where it came from the same way.

mod markdown;
mod provenance;

pub use markdown::Table;
pub use provenance::{machine_summary, online_cpus, today_utc, Provenance};
