//! A `SledSessionStore` over a `Db` of the bench's own, so that sled's own trees can be measured
//! beside it, holding N live sessions.

use actix_session::storage::SessionStore;
use actix_session_sled::{ManualClock, SledSessionStore};
use actix_web::cookie::time::Duration as Ttl;
use tempfile::TempDir;

use crate::fixtures::{dir_bytes, realistic_state, run, State, DAY};

/// A sled store on disk in a temp dir holding `n` live sessions.
pub struct Populated {
    pub dir: TempDir,
    pub db: sled::Db,
    pub clock: ManualClock,
    pub store: SledSessionStore,
    /// The keys of the live sessions, in the order they were saved.
    pub keys: Vec<String>,
}

impl Populated {
    /// Saves `n` sessions with `state(i)` through the store itself.
    pub fn new(n: usize, state: impl Fn(u64) -> State) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let db = actix_session_sled::sled_config(dir.path()).open()?;
        let clock = ManualClock::starting_now();
        let store = SledSessionStore::builder(db.clone())
            .clock(clock.clone())
            .build()?;
        let mut keys = Vec::with_capacity(n);
        for i in 0..n as u64 {
            keys.push(String::from(run(store.save(state(i), &DAY))?));
        }
        store.flush()?;
        Ok(Self {
            dir,
            db,
            clock,
            store,
            keys,
        })
    }

    /// Saves `k` sessions that expire in a second, then moves the clock past them; returns
    /// their keys.
    pub fn expire(&self, k: usize) -> Vec<actix_session::storage::SessionKey> {
        let state = realistic_state(5);
        let keys = (0..k)
            .map(|_| run(self.store.save(state.clone(), &Ttl::seconds(1))).expect("save"))
            .collect();
        self.clock.advance(std::time::Duration::from_secs(2));
        keys
    }

    /// The store's record tree.
    pub fn data(&self) -> anyhow::Result<sled::Tree> {
        Ok(self.db.open_tree(actix_session_sled::DEFAULT_DATA_TREE)?)
    }

    /// The store's expiry index.
    pub fn index(&self) -> anyhow::Result<sled::Tree> {
        Ok(self.db.open_tree(actix_session_sled::DEFAULT_INDEX_TREE)?)
    }

    /// Bytes the data directory takes on disk (allocated blocks), after a flush.
    pub fn disk_bytes(&self) -> anyhow::Result<u64> {
        self.store.flush()?;
        dir_bytes(self.dir.path())
    }
}
