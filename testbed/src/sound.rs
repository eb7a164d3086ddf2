//! Correct stores that a careless suite would fail: each must pass the property named, so a
//! false alarm of the suite shows as a failing test here.

use std::sync::{Arc, Mutex};

use session_store_conformance::{
    memory_capabilities, Capabilities, Harness, ManualClock, MemoryStore, Subject,
};

use crate::mutants::{record_cache::CachedRecordStore, records::RecordStore};

/// Records behind a read cache that every write keeps right. When a record is damaged
/// underneath it, the cache still serves the owner's own intact state: harmless, so
/// `damaged_records` must pass it. [`CoherentCacheHarness::served_over_damage`] shows that the
/// property did reach that situation.
#[derive(Debug, Clone)]
pub struct CoherentCacheHarness {
    clock: ManualClock,
    stores: Arc<Mutex<Vec<CachedRecordStore>>>,
}

impl CoherentCacheHarness {
    pub fn new() -> Self {
        Self {
            clock: ManualClock::starting_now(),
            stores: Arc::default(),
        }
    }

    /// How many loads, across every store this harness made, a cached copy answered while the
    /// record underneath did not decode.
    pub fn served_over_damage(&self) -> usize {
        let stores = self.stores.lock().unwrap_or_else(|p| p.into_inner());
        stores
            .iter()
            .map(CachedRecordStore::served_over_damage)
            .sum()
    }
}

impl Default for CoherentCacheHarness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness for CoherentCacheHarness {
    type Store = CachedRecordStore;

    fn name(&self) -> String {
        "records behind a coherent read cache".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        memory_capabilities(&self.clock)
    }

    async fn fresh(&self) -> anyhow::Result<Subject<CachedRecordStore>> {
        let records = RecordStore::new(None, MemoryStore::with_clock(self.clock.clone()));
        let store = CachedRecordStore::coherent(records);
        self.stores
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(store.clone());
        let damaged = store.clone();
        Ok(Subject::new(store).with_damage(move |key, how| {
            let result = damaged.damage(&key, how);
            async move { result }
        }))
    }
}
