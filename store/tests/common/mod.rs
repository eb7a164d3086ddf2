//! A store on disk in a temp dir with a clock the test moves.
#![allow(dead_code)] // each test file uses a different part

use std::collections::HashMap;

use actix_session::storage::SessionKey;
use actix_session_sled::{ManualClock, SledSessionStore};
use actix_web::cookie::time::Duration as Ttl;
use tempfile::TempDir;

pub const DAY: Ttl = Ttl::days(1);

pub struct Fixture {
    pub dir: TempDir,
    pub db: sled::Db,
    pub clock: ManualClock,
    pub store: SledSessionStore,
}

pub fn fixture() -> Fixture {
    fixture_with(|builder| builder)
}

pub fn fixture_with(
    configure: impl FnOnce(actix_session_sled::Builder) -> actix_session_sled::Builder,
) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = actix_session_sled::sled_config(dir.path())
        .open()
        .expect("open sled");
    let clock = ManualClock::new(1_700_000_000_000);
    let store = configure(SledSessionStore::builder(db.clone()).clock(clock.clone()))
        .build()
        .expect("build store");
    Fixture {
        dir,
        db,
        clock,
        store,
    }
}

pub fn state(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// `SessionKey` is not `Clone`; tests often need the same key twice.
pub fn copy(key: &SessionKey) -> SessionKey {
    key.as_ref().to_owned().try_into().expect("valid key")
}

pub fn secs(n: u64) -> std::time::Duration {
    std::time::Duration::from_secs(n)
}

/// Asserts the store's data and index are consistent.
pub fn assert_consistent(store: &SledSessionStore) {
    let report = store.verify().expect("verify");
    assert_eq!(report.faults(), 0, "verify found faults: {report:?}");
}
