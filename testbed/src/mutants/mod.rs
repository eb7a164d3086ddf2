//! Deliberately broken stores: the suite's teeth. Each has one defect, written the way a careful
//! author ships it (a cache per handle, a group commit, a TTL in a `u32`, a per-thread buffer,
//! a read-modify-write), and the suite must fail every one of them every time, or the suite
//! itself is defective. Each family lives in its own file, on the reference store or a small
//! backend of its own.

mod batched;
mod cached;
mod classic;
mod racy;
pub(crate) mod record_cache;
pub(crate) mod records;
mod scratch;

use std::time::Duration;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as Ttl;
use session_store_conformance::{
    memory_capabilities, Capabilities, Clock, Harness, ManualClock, MemoryStore, Property, State,
    Subject,
};

/// One defect, and the bug class it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mutant {
    /// `load` serves expired sessions.
    IgnoresTtl,
    /// `update` of a live session keeps the old state.
    UpdateKeepsOldState,
    /// `update` of a vanished or expired key writes it back under the same key.
    UpdateResurrects,
    /// `update_ttl` brings back an expired or missing session.
    UpdateTtlResurrects,
    /// `delete` does nothing.
    DeleteDoesNothing,
    /// `save` draws from four keys and overwrites whatever is there.
    SaveOverwrites,
    /// `load` matches on the first 32 characters of the key.
    NearMissKey,
    /// The sweep removes sessions that expire within the next minute.
    SweepDeletesLive,
    /// Fields whose value is JSON `null` are dropped (a typed record that skips `None`).
    LosesNullValues,
    /// Non-ASCII characters become `?`.
    MangleUnicode,
    /// Keys are a zero-padded counter.
    PredictableKeys,
    /// Keys are 16 characters long.
    ShortKeys,
    /// `update` merges the new state into the old instead of replacing it.
    UpdateMerges,
    /// `update` with a state equal to the stored one skips the write, and so the new TTL (the
    /// middleware sends exactly that when a handler inserts an equal value).
    UpdateSkipsUnchangedState,
    /// TTL arithmetic panics on negative or huge TTLs.
    TtlOverflowPanics,
    /// A TTL of zero or less means "never expires".
    ZeroTtlLives,
    /// `update` writes one field at a time, awaiting each, so racing updates interleave.
    TornUpdate,
    /// No size limit: an oversized state is accepted.
    IgnoresSizeLimit,
    /// Each clone of the store keeps its own read cache (class 1: per-handle state).
    PerHandleCache,
    /// Storage is an LRU bounded at 10,000 sessions (class 2: capacity).
    EvictsPastCapacity,
    /// The TTL is kept in a `u32` of milliseconds, which wraps after 49.7 days (class 3).
    TtlMillisInU32,
    /// A TTL over 30 days is taken for a UNIX timestamp, as memcached does (class 3).
    LongTtlAsTimestamp,
    /// The size limit counts characters, not bytes (class 4).
    SizeLimitInChars,
    /// A state exactly at the limit is refused (class 4).
    SizeLimitExclusive,
    /// The encoded state goes through a per-thread buffer across an `.await` (class 5).
    ThreadScratchBuffer,
    /// Group commit: the leader clears the queue after its write, dropping writes queued
    /// meanwhile (class 5).
    GroupCommitDropsWrites,
    /// `update_ttl` reads the record, awaits, and writes it back with the new TTL (class 6).
    UpdateTtlReadModifyWrite,
    /// `update` checks the session is live, awaits, then writes it unconditionally (class 6).
    UpdateChecksThenWrites,
    /// Decoding a damaged record panics (class 7).
    PanicsOnDamagedRecord,
    /// A record that fails to decode yields the thread's last decoded state (class 7).
    DamagedRecordServesScratch,
    /// `delete` decodes the record first and fails on a damaged one (class 7).
    DeleteDecodesFirst,
    /// A record that fails to decode is answered from a fallback copy of the last state
    /// loaded, which writes never refresh: an older state of the session comes back (class 7).
    DamagedRecordServesStaleCopy,
    /// On the real clock, `update` and `update_ttl` do not check expiry, like SQL without
    /// `expires > NOW()` (class 8).
    SqlUpdateNoExpiryCheck,
    /// On the real clock, expired sessions are served until a sweep removes them (class 8).
    ServedUntilSwept,
}

impl Mutant {
    /// Every mutant.
    pub const ALL: [Mutant; 34] = [
        Mutant::IgnoresTtl,
        Mutant::UpdateKeepsOldState,
        Mutant::UpdateResurrects,
        Mutant::UpdateTtlResurrects,
        Mutant::DeleteDoesNothing,
        Mutant::SaveOverwrites,
        Mutant::NearMissKey,
        Mutant::SweepDeletesLive,
        Mutant::LosesNullValues,
        Mutant::MangleUnicode,
        Mutant::PredictableKeys,
        Mutant::ShortKeys,
        Mutant::UpdateMerges,
        Mutant::UpdateSkipsUnchangedState,
        Mutant::TtlOverflowPanics,
        Mutant::ZeroTtlLives,
        Mutant::TornUpdate,
        Mutant::IgnoresSizeLimit,
        Mutant::PerHandleCache,
        Mutant::EvictsPastCapacity,
        Mutant::TtlMillisInU32,
        Mutant::LongTtlAsTimestamp,
        Mutant::SizeLimitInChars,
        Mutant::SizeLimitExclusive,
        Mutant::ThreadScratchBuffer,
        Mutant::GroupCommitDropsWrites,
        Mutant::UpdateTtlReadModifyWrite,
        Mutant::UpdateChecksThenWrites,
        Mutant::PanicsOnDamagedRecord,
        Mutant::DamagedRecordServesScratch,
        Mutant::DeleteDecodesFirst,
        Mutant::DamagedRecordServesStaleCopy,
        Mutant::SqlUpdateNoExpiryCheck,
        Mutant::ServedUntilSwept,
    ];

    /// The property that must catch it on every run (others may catch it too).
    pub fn caught_by(self) -> Property {
        use Mutant::*;
        match self {
            IgnoresTtl
            | SweepDeletesLive
            | TtlMillisInU32
            | LongTtlAsTimestamp
            | SqlUpdateNoExpiryCheck
            | ServedUntilSwept
            | UpdateSkipsUnchangedState => Property::Expiry,
            UpdateKeepsOldState | UpdateResurrects | UpdateTtlResurrects | DeleteDoesNothing
            | SaveOverwrites | UpdateMerges => Property::Lifecycle,
            NearMissKey | PredictableKeys | ShortKeys => Property::Keys,
            LosesNullValues | MangleUnicode => Property::StateRoundTrip,
            TtlOverflowPanics | ZeroTtlLives => Property::TtlEdges,
            IgnoresSizeLimit | SizeLimitInChars | SizeLimitExclusive => Property::SizeLimits,
            PerHandleCache => Property::HttpWorkflow,
            EvictsPastCapacity => Property::Capacity,
            ThreadScratchBuffer | GroupCommitDropsWrites => Property::Interleaving,
            TornUpdate | UpdateTtlReadModifyWrite | UpdateChecksThenWrites => Property::Races,
            PanicsOnDamagedRecord
            | DamagedRecordServesScratch
            | DeleteDecodesFirst
            | DamagedRecordServesStaleCopy => Property::DamagedRecords,
        }
    }

    /// Whether its defect shows only when operations interleave: its catch is repeated 20
    /// times to show it does not depend on scheduling luck.
    pub fn is_race(self) -> bool {
        matches!(
            self,
            Mutant::TornUpdate
                | Mutant::ThreadScratchBuffer
                | Mutant::GroupCommitDropsWrites
                | Mutant::UpdateTtlReadModifyWrite
                | Mutant::UpdateChecksThenWrites
        )
    }

    /// Whether it runs on the real clock (the class of stores whose clock the suite cannot move).
    pub fn real_clock(self) -> bool {
        matches!(
            self,
            Mutant::SqlUpdateNoExpiryCheck | Mutant::ServedUntilSwept
        )
    }
}

/// A broken store: one family's store with one defect.
#[derive(Debug, Clone)]
pub enum MutantStore {
    Classic(classic::ClassicStore),
    Cached(cached::CachedStore),
    Batched(batched::BatchedStore),
    Scratch(scratch::ScratchStore),
    Racy(racy::RacyStore),
    Records(records::RecordStore),
    CachedRecords(record_cache::CachedRecordStore),
}

macro_rules! delegate {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            MutantStore::Classic($store) => $call,
            MutantStore::Cached($store) => $call,
            MutantStore::Batched($store) => $call,
            MutantStore::Scratch($store) => $call,
            MutantStore::Racy($store) => $call,
            MutantStore::Records($store) => $call,
            MutantStore::CachedRecords($store) => $call,
        }
    };
}

impl SessionStore for MutantStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        delegate!(self, store => store.load(key).await)
    }

    async fn save(&self, state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        delegate!(self, store => store.save(state, ttl).await)
    }

    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        delegate!(self, store => store.update(key, state, ttl).await)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        delegate!(self, store => store.update_ttl(key, ttl).await)
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        delegate!(self, store => store.delete(key).await)
    }
}

/// A harness for one mutant, declaring the capabilities of the store it breaks.
#[derive(Debug, Clone)]
pub struct MutantHarness {
    mutant: Mutant,
    clock: ManualClock,
}

impl MutantHarness {
    /// The harness of `mutant`, with its own clock.
    pub fn new(mutant: Mutant) -> Self {
        Self {
            mutant,
            clock: ManualClock::starting_now(),
        }
    }

    fn backend(&self) -> MemoryStore {
        if self.mutant.real_clock() {
            MemoryStore::with_system_clock()
        } else {
            MemoryStore::with_clock(self.clock.clone())
        }
    }
}

impl Harness for MutantHarness {
    type Store = MutantStore;

    fn name(&self) -> String {
        format!("mutant {:?}", self.mutant)
    }

    fn capabilities(&self) -> Capabilities {
        let mut caps = memory_capabilities(&self.clock);
        if self.mutant.real_clock() {
            caps.clock = Clock::Real;
            caps.ttl_resolution = Duration::from_secs(1);
        }
        caps
    }

    async fn fresh(&self) -> anyhow::Result<Subject<MutantStore>> {
        use Mutant::*;
        let backend = self.backend();
        let store = match self.mutant {
            PerHandleCache => MutantStore::Cached(cached::CachedStore::per_handle(backend)),
            EvictsPastCapacity => MutantStore::Cached(cached::CachedStore::bounded(backend)),
            GroupCommitDropsWrites => MutantStore::Batched(batched::BatchedStore::new(backend)),
            ThreadScratchBuffer => MutantStore::Scratch(scratch::ScratchStore::new(backend)),
            UpdateTtlReadModifyWrite | UpdateChecksThenWrites | SqlUpdateNoExpiryCheck => {
                MutantStore::Racy(racy::RacyStore::new(self.mutant, backend))
            }
            PanicsOnDamagedRecord | DamagedRecordServesScratch | DeleteDecodesFirst => {
                let store = records::RecordStore::new(Some(self.mutant), backend);
                let damaged = store.clone();
                return Ok(Subject::new(MutantStore::Records(store)).with_damage(
                    move |key, how| {
                        let result = damaged.damage(&key, how);
                        async move { result }
                    },
                ));
            }
            DamagedRecordServesStaleCopy => {
                let store = record_cache::CachedRecordStore::stale_fallback(
                    records::RecordStore::new(None, backend),
                );
                let damaged = store.clone();
                return Ok(Subject::new(MutantStore::CachedRecords(store)).with_damage(
                    move |key, how| {
                        let result = damaged.damage(&key, how);
                        async move { result }
                    },
                ));
            }
            _ => MutantStore::Classic(classic::ClassicStore::new(self.mutant, backend)),
        };
        let sweeper = store.clone();
        Ok(Subject::new(store).with_sweep(move || {
            let removed = match &sweeper {
                MutantStore::Classic(store) => store.sweep(),
                other => other.backend().sweep(),
            };
            async move { Ok(removed) }
        }))
    }
}

impl MutantStore {
    fn backend(&self) -> &MemoryStore {
        delegate!(self, store => store.backend())
    }
}
