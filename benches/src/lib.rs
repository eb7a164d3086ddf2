//! The benchmarks: [`generic`] groups for any session store of either ecosystem (through the
//! conformance suite's `Harness`; [`store_ops`] calls each ecosystem's trait), [`sled_only`] for what only the sled store has underneath, and the report of a
//! run ([`report`], `src/bin/report.rs`) with its targets; [`tower_sweep`] measures the sweep
//! of the published tower-sessions-sled-store against the sled store's tower front.

pub mod estimates;
pub mod fixtures;
pub mod generic;
pub mod growth;
pub mod output;
pub mod plot;
pub mod report;
pub mod sled_only;
pub mod store_ops;
pub mod tower_sweep;
