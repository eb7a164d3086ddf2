//! `SledSessionStore` behind tower-sessions' trait (the store's feature `tower`): on disk in a
//! temp dir, on a clock the suite moves, with its counted sweep and a damage hook that rewrites
//! a record in the data tree, as for the actix front.

use actix_session_sled::{
    Clock as _, ManualClock, SledSessionStore, DEFAULT_DATA_TREE, DEFAULT_MAX_STATE_BYTES,
};
use session_store_conformance::{
    Capabilities, Clock, Harness, Measure, StateLimit, Subject, Tower,
};

use super::sled::damage;

/// A fresh `SledSessionStore` per case, seen through tower-sessions' trait; one clock for all.
#[derive(Debug, Clone)]
pub struct SledTowerHarness {
    clock: ManualClock,
}

impl SledTowerHarness {
    pub fn new() -> Self {
        Self {
            clock: ManualClock::starting_now(),
        }
    }
}

impl Default for SledTowerHarness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness for SledTowerHarness {
    type Store = Tower<SledSessionStore>;

    fn name(&self) -> String {
        "sled, tower front (actix-session-sled, feature tower)".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        let clock = self.clock.clone();
        Capabilities {
            clock: Clock::controlled(move |by| clock.advance(by)),
            max_state: Some(StateLimit {
                bytes: DEFAULT_MAX_STATE_BYTES,
                measure: Measure::Custom(actix_session_sled::state_size),
            }),
            ..Capabilities::tower()
        }
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        let dir = tempfile::tempdir()?;
        let db = actix_session_sled::sled_config(dir.path()).open()?;
        let store = SledSessionStore::builder(db.clone())
            .clock(self.clock.clone())
            .build()?;
        let (sweeper, damaged) = (store.clone(), store.clone());
        let records = db.open_tree(DEFAULT_DATA_TREE)?;
        let clock = self.clock.clone();
        let now = move || {
            let ms = i128::from(clock.now_ms());
            time::OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        };
        Ok(Subject::new(Tower::with_clock(store, now))
            .with_sweep(move || {
                let swept = sweeper.sweep_expired();
                async move { Ok(swept?) }
            })
            .with_damage(move |key, how| {
                let result = damage(&records, &key, how);
                damaged.forget_cached(&key);
                async move { result }
            })
            .with_guard(dir))
    }
}
