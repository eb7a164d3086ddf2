//! `SledSessionStore`: on disk in a temp dir, clock controlled, sweep exposed.

use std::time::Duration;

use crate::{Capabilities, Harness, Subject};
use actix_session_sled::{ManualClock, SledSessionStore};

/// Makes a fresh `SledSessionStore` in its own temp dir per case.
#[derive(Debug, Clone, Copy, Default)]
pub struct SledHarness;

impl Harness for SledHarness {
    type Store = SledSessionStore;

    fn name(&self) -> String {
        "sled".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            controlled_clock: true,
            sweep: true,
            // The store limits postcard bytes to 64 KiB; JSON text is never shorter than that.
            max_state_bytes: Some(60 * 1024),
            ttl_resolution: Duration::from_millis(1),
            ..Capabilities::default()
        }
    }

    async fn fresh(&self) -> anyhow::Result<Subject<SledSessionStore>> {
        let dir = tempfile::tempdir()?;
        let clock = ManualClock::starting_now();
        let db = sled::Config::new().path(dir.path()).open()?;
        let store = SledSessionStore::builder(db).clock(clock.clone()).build()?;
        let sweeper = store.clone();
        Ok(Subject::new(store)
            .with_clock(move |by| clock.advance(by))
            .with_sweep(move || Ok(sweeper.sweep_expired()?))
            .with_guard(dir))
    }
}
