//! tower-sessions' own `MemoryStore` (tower-sessions-memory-store 0.15), as published: a map
//! behind a mutex, on the real clock. It has no sweep (`ExpiredDeletion`) and its records are
//! typed values, so neither the sweep nor damage applies.

use std::time::Duration;

use tower_sessions_memory_store::MemoryStore;

use crate::{Capabilities, Harness, KeyShape, Subject, Tower};

/// tower-sessions' `MemoryStore`, a fresh one per case.
#[derive(Debug, Clone, Copy, Default)]
pub struct TowerMemoryHarness;

/// The capabilities of a tower-sessions store on the real clock that keeps expiry dates to the
/// millisecond or better: the defaults, with tower-sessions' key shape.
pub fn tower_capabilities() -> Capabilities {
    Capabilities {
        key_shape: Some(KeyShape::tower_id()),
        ttl_resolution: Duration::from_millis(1),
        ..Capabilities::default()
    }
}

impl Harness for TowerMemoryHarness {
    type Store = Tower<MemoryStore>;

    fn name(&self) -> String {
        "tower MemoryStore (tower-sessions-memory-store 0.15)".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        tower_capabilities()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        Ok(Subject::new(Tower::new(MemoryStore::default())))
    }
}
