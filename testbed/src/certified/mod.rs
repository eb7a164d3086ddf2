//! Harnesses for the stores this project certifies that the suite has no ready harness for:
//! our sled store, and actix-session 0.9's cookie store through the suite's 0.9 adapter. The
//! published stores' harnesses (cookie, Redis, PostgreSQL) are the suite's own
//! (`session_store_conformance::stores`), and the reference store's is `MemoryHarness`.

mod cookie09;
mod sled;
mod sled_tower;

pub use self::{cookie09::Cookie09Harness, sled::SledHarness, sled_tower::SledTowerHarness};
