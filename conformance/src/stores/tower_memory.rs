//! tower-sessions' own `MemoryStore` (tower-sessions-memory-store 0.15), as published: a map
//! behind a mutex, on the real clock. It has no sweep (`ExpiredDeletion`) and its records are
//! typed values, so neither the sweep nor damage applies.

use tower_sessions_memory_store::MemoryStore;

use crate::{Capabilities, Harness, Subject, Tower};

/// tower-sessions' `MemoryStore`, a fresh one per case.
#[derive(Debug, Clone, Copy, Default)]
pub struct TowerMemoryHarness;

impl Harness for TowerMemoryHarness {
    type Store = Tower<MemoryStore>;

    fn name(&self) -> String {
        "tower MemoryStore (tower-sessions-memory-store 0.15)".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::tower()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        Ok(Subject::new(Tower::new(MemoryStore::default())))
    }
}
