//! The workspace's report writers, shared by the benchmarks, the load generator and the
//! conformance matrix, so that every report says where it came from the same way.

mod provenance;

pub use provenance::{machine_summary, online_cpus, today_utc, Provenance};
