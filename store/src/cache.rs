//! A bounded cache of records in front of sled, shared by every clone of a store.
//!
//! Why: a `load` that finds its record here skips sled's tree walk, and an `update` or
//! `update_ttl` compares-and-swaps against the cached record instead of reading it first (one
//! tree operation instead of two). The load generator's comparisons in `results/` measure what
//! that is worth.
//!
//! Coherence: every operation on a session key, read or write, request or sweep, holds that
//! key's stripe lock from its first sled access to its last cache update. So no reader can put
//! back a record older than one a writer has just cached, and every clone of the store (every
//! actix worker) sees the same record. A cached record is also tagged with the generation of the
//! open database it came from: after an I/O error the store reopens sled, and records cached from
//! the old database are then misses, never served. A failed operation forgets its key.
//!
//! Size and eviction: the cache holds at most [`Builder::cache_bytes`](crate::Builder::cache_bytes)
//! bytes of keys and records (plus a fixed overhead per entry), and evicts by quick_cache's
//! policy (S3-FIFO: entries read again since they came in survive a pass). Eviction drops only
//! the cached copy; the session stays in sled.

use std::sync::{Mutex, MutexGuard};

use quick_cache::{sync::Cache, Weighter};
use sled::IVec;

/// Stripes of the per-key locks; a power of two.
const STRIPES: usize = 256;
/// Bytes counted per entry beyond its key and record: the cache's own bookkeeping.
const ENTRY_OVERHEAD: u64 = 64;
/// A typical entry, for sizing the cache's tables up front.
const TYPICAL_ENTRY: u64 = 400;

/// A record as cached: its bytes and the database generation they came from.
#[derive(Clone)]
struct Cached {
    generation: u64,
    record: IVec,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<IVec, Cached> for ByBytes {
    fn weight(&self, key: &IVec, value: &Cached) -> u64 {
        key.len() as u64 + value.record.len() as u64 + ENTRY_OVERHEAD
    }
}

/// The cache and the per-key locks that keep it coherent with sled.
pub(crate) struct RecordCache {
    records: Option<Cache<IVec, Cached, ByBytes>>,
    stripes: Box<[Mutex<()>]>,
}

impl RecordCache {
    /// A cache of at most `bytes` (none at all for 0; the locks are taken either way).
    pub(crate) fn new(bytes: u64) -> Self {
        let records = (bytes > 0).then(|| {
            let items = usize::try_from(bytes / TYPICAL_ENTRY)
                .unwrap_or(usize::MAX)
                .max(16);
            Cache::with_weighter(items, bytes, ByBytes)
        });
        Self {
            records,
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
        }
    }

    /// The lock every operation on `key` holds while it touches sled and the cache.
    pub(crate) fn lock(&self, key: &[u8]) -> MutexGuard<'_, ()> {
        // FNV-1a: cheap, and session keys are random already.
        let hash = key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        self.stripes[(hash as usize) & (STRIPES - 1)]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The record cached for `key` from the database of `generation`.
    pub(crate) fn get(&self, key: &[u8], generation: u64) -> Option<IVec> {
        self.records
            .as_ref()?
            .get(key)
            .filter(|cached| cached.generation == generation)
            .map(|cached| cached.record)
    }

    /// Caches `record` as what `key` holds in the database of `generation`.
    pub(crate) fn put(&self, key: &[u8], record: IVec, generation: u64) {
        if let Some(records) = &self.records {
            records.insert(IVec::from(key), Cached { generation, record });
        }
    }

    /// Forgets what is cached for `key`.
    pub(crate) fn forget(&self, key: &[u8]) {
        if let Some(records) = &self.records {
            records.remove(key);
        }
    }

    /// Forgets what is cached for `key`, taking the key's lock to do so: for callers that do
    /// not hold it already.
    pub(crate) fn forget_locked(&self, key: &[u8]) {
        let _key = self.lock(key);
        self.forget(key);
    }

    /// Bytes cached now (keys, records and per-entry overhead).
    pub(crate) fn weight(&self) -> u64 {
        self.records.as_ref().map_or(0, Cache::weight)
    }
}
