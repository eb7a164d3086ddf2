//! `SledSessionStore`: on disk in a temp dir, on a clock the suite moves, with its sweep and a
//! damage hook that rewrites a record in the store's data tree.

use std::time::Duration;

use actix_session_sled::{
    ManualClock, SledSessionStore, DEFAULT_DATA_TREE, DEFAULT_MAX_STATE_BYTES,
};
use session_store_conformance::{
    Capabilities, Clock, Damage, Harness, Measure, StateLimit, Subject,
};

/// Makes a fresh `SledSessionStore` in its own temp dir per case; one clock for all of them.
#[derive(Debug, Clone)]
pub struct SledHarness {
    clock: ManualClock,
}

impl SledHarness {
    /// A harness with its own clock.
    pub fn new() -> Self {
        Self {
            clock: ManualClock::starting_now(),
        }
    }
}

impl Default for SledHarness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness for SledHarness {
    type Store = SledSessionStore;

    fn name(&self) -> String {
        "sled".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        let clock = self.clock.clone();
        Capabilities {
            clock: Clock::controlled(move |by| clock.advance(by)),
            max_state: Some(StateLimit {
                bytes: DEFAULT_MAX_STATE_BYTES,
                measure: Measure::Custom(actix_session_sled::state_size),
            }),
            ttl_resolution: Duration::from_millis(1),
            ..Capabilities::default()
        }
    }

    async fn fresh(&self) -> anyhow::Result<Subject<SledSessionStore>> {
        let dir = tempfile::tempdir()?;
        let db = actix_session_sled::sled_config(dir.path()).open()?;
        let store = SledSessionStore::builder(db.clone())
            .clock(self.clock.clone())
            .build()?;
        let sweeper = store.clone();
        let damaged = store.clone();
        let records = db.open_tree(DEFAULT_DATA_TREE)?;
        Ok(Subject::new(store)
            .with_sweep(move || {
                let swept = sweeper.sweep_expired();
                async move { Ok(swept?) }
            })
            .with_damage(move |key, how| {
                // Damage on disk, as a crash or bit rot leaves it: the store reads it back from
                // sled, not from its cache (which holds what the store itself wrote).
                let result = damage(&records, &key, how);
                damaged.forget_cached(&key);
                async move { result }
            })
            .with_guard(dir))
    }
}

/// Damages the record of `key` in the data tree, as a crash or bit rot leaves it.
pub(super) fn damage(records: &sled::Tree, key: &str, how: Damage) -> anyhow::Result<()> {
    let record = records
        .get(key)?
        .ok_or_else(|| anyhow::anyhow!("no record to damage"))?;
    let damaged = match how {
        Damage::Overwritten => vec![0xA5; record.len()],
        Damage::Truncated => record[..record.len() / 2].to_vec(),
    };
    records.insert(key, damaged)?;
    Ok(())
}
