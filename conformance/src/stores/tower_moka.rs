//! `tower-sessions-moka-store` 0.15, as published: a Moka cache with per-entry expiry. It
//! implements tower-sessions-core **0.14**'s trait (an application on tower-sessions 0.15 cannot
//! use it without an adapter), so it is certified through the suite's `V0_14`. Its
//! README builds it with `MokaStore::new(Some(2_000))`, a cache of 2,000 sessions, and that is
//! how it is certified: a cache evicts. No sweep (Moka expires entries itself), no damage
//! (entries are typed values).

use tower_sessions_moka_store::MokaStore;

use crate::{
    compat::V0_14, Capabilities, Harness, KnownFinding, Property, Subject, Tower, Violation,
};

/// The capacity the store's README configures.
pub const MOKA_README_CAPACITY: u64 = 2_000;

/// `MokaStore::new(Some(capacity))`, a fresh one per case; `default()` is the README's
/// capacity, as the store is certified.
#[derive(Debug, Clone, Copy)]
pub struct TowerMokaHarness {
    capacity: Option<u64>,
}

impl Default for TowerMokaHarness {
    fn default() -> Self {
        Self::with_capacity(Some(MOKA_README_CAPACITY))
    }
}

impl TowerMokaHarness {
    /// A cache of `capacity` sessions, or unbounded (`None`: a load run, in which nothing may
    /// be evicted).
    pub fn with_capacity(capacity: Option<u64>) -> Self {
        Self { capacity }
    }
}

/// What the suite finds in tower-sessions-moka-store 0.15 as its README configures it.
pub const MOKA_KNOWN_FINDINGS: &[KnownFinding] = &[KnownFinding {
    id: "K1",
    property: Property::Capacity,
    violation: Violation::LostSession,
    observed: "live sessions loaded nothing",
    explanation: "the store is a Moka cache of `max_capacity` entries; past it, Moka evicts live \
                  sessions (TinyLFU), and `load` finds nothing",
    consequence: "with more live sessions than the configured capacity (2,000 in the README), \
                  users are logged out at random; size it above the peak of live sessions, or \
                  use a store that keeps every session",
}];

impl Harness for TowerMokaHarness {
    type Store = Tower<V0_14<MokaStore>>;

    fn name(&self) -> String {
        match self.capacity {
            Some(capacity) => {
                format!("tower moka (tower-sessions-moka-store 0.15, capacity {capacity})")
            }
            None => "tower moka (tower-sessions-moka-store 0.15, unbounded)".to_owned(),
        }
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::tower()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        let store = MokaStore::new(self.capacity);
        Ok(Subject::new(Tower::new(V0_14(store))))
    }
}
