//! A [`SessionStore`](actix_session::storage::SessionStore) for actix-session 0.11 on
//! [sled](https://docs.rs/sled/0.34) 0.34, with a time-ordered expiry index.
//!
//! # Contract
//! - `load` returns `Ok(None)` for a missing **or expired** session, whether or not a sweep has
//!   run; a record that does not decode is `LoadError::Deserialization`, never a panic.
//! - `save` stores the state under a fresh key from the key generator, inserted only if absent:
//!   an existing session is never overwritten (on a collision it retries with a new key). A state
//!   whose encoding exceeds [`Builder::max_state_bytes`] is `SaveError::Serialization` and
//!   nothing is written.
//! - `update` replaces state and expiry of a live session. For a key that has vanished or
//!   expired it saves the state under a **new** key and returns it (as actix-session's Redis
//!   store does); the old key stays dead.
//! - `update_ttl` extends a live session; a missing or expired one stays gone, and that is
//!   `Ok(())`.
//! - `delete` removes the session; deleting a missing one is `Ok(())`.
//! - A TTL of zero or less means already expired; a TTL too large to represent saturates.
//! - Expiry is decided by the [`Clock`] at millisecond resolution: a session is expired once
//!   `now >= expires_at`.
//!
//! # Example
//! ```no_run
//! use actix_session::{storage::SessionStore, SessionMiddleware};
//! use actix_session_sled::SledSessionStore;
//! use actix_web::{cookie::Key, App, HttpServer};
//! use std::time::Duration;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let store = SledSessionStore::open("./sessions")?;
//! let _sweeper = store.spawn_sweeper(Duration::from_secs(1));
//! let key = Key::generate();
//! HttpServer::new(move || {
//!     App::new().wrap(SessionMiddleware::new(store.clone(), key.clone()))
//! })
//! .bind(("127.0.0.1", 8080))?
//! .run()
//! .await?;
//! # Ok(()) }
//! ```
//! `examples/counter.rs` is the same, runnable, with a handler.
//!
//! # Storage layout
//! Two trees in one `sled::Db`:
//! - **data** (`sessions`): session key → record. The record format is versioned; its first
//!   byte is the version. Version 1 is a fixed 17-byte header (version, `expires_at_ms`,
//!   `indexed_at_ms`, big-endian `u64`s) followed by the state, encoded with postcard.
//! - **index** (`sessions_by_expiry`): big-endian filing time ++ session key → empty. Byte order
//!   is time order, so the sessions due at `now` are one range scan from the start.
//!
//! Each record is filed in the index under `indexed_at_ms <= expires_at_ms`. The index entry may
//! lag the true expiry: extending a session rewrites only its record, and the sweep, on meeting
//! an entry whose record is still live, refiles it at the true expiry. `load` always checks the
//! exact expiry in the record, so the lag never serves an expired session; it only means a
//! long-lived session is visited once per TTL. Shortening a session files a new entry.
//!
//! # Crash consistency
//! The invariant is: **every record has an index entry at or before its expiry**, so every
//! expired record is eventually swept. Writes are ordered so that no crash can break it:
//! an index entry is written *before* the record that points at it, and removed only *after*
//! the record stops pointing at it. sled appends all trees' writes to one log and recovers a
//! prefix of it (its own `test_crash_recovery` checks exactly this), so a crash leaves at most
//! index entries without records, which the sweep removes and [`SledSessionStore::verify`]
//! reports as benign. Records change only through compare-and-swap, so a racing sweep and
//! request never lose each other's writes.
//!
//! Why not a sled transaction over both trees: sled 0.34 serialises every transaction and batch
//! in the process behind one exclusive lock, and after the first one every plain operation takes
//! the shared side of that lock. The measurement behind this choice is in the README
//! ("Write protocol") and in `examples/quick_measure.rs`.
//!
//! # Durability
//! [`Durability::Periodic`] (default) acknowledges writes from memory; sled flushes every
//! `flush_every_ms` (500 ms by default), so a crash (not a clean exit) can lose up to that
//! window of writes. [`Durability::EveryWrite`] returns from each write only after it is on
//! disk. Dropping the last handle, or [`SledSessionStore::flush`], writes everything.
//!
//! # I/O errors and a full disk
//! Once a write to its log fails (a full disk, say), sled 0.34 fails every later write on that
//! `Db` with the same error, even once the cause is gone; reads mostly keep working, but one
//! that has to rewrite its page first fails too. A store opened with [`SledSessionStore::open`]
//! or [`SledSessionStore::builder_at`] therefore closes the `Db` on the first I/O error and
//! reopens the directory on a later operation, once sled releases its lock and there is room.
//! Until then writes fail fast with [`Error::Reopening`] (a 500 from the middleware) and loads
//! are served from the record cache where it holds the session. Nothing acknowledged is lost:
//! under `EveryWrite` it is on disk; under `Periodic` the last flush window may be, as after a
//! crash. A store built over a `Db` passed to [`SledSessionStore::builder`] cannot reopen it:
//! its writes keep failing (its reads mostly work) until you reopen the directory yourself.
//! `tests/full_disk.rs` shows both, and `loadgen disk-faults` the failure and the recovery
//! through the server.
//!
//! # The record cache
//! Every clone of a store shares one bounded cache of records in front of sled
//! ([`Builder::cache_bytes`], default [`DEFAULT_CACHE_BYTES`]): a `load` it holds skips sled's
//! tree walk, and an update compares-and-swaps against the cached record instead of reading it
//! first. Every operation on a key holds that key's lock from its sled access to its cache
//! update, so the cache never serves a record older than sled's, and every clone sees every
//! write. Eviction drops only a cached copy. The store assumes it is the only writer of its
//! trees: a tool that writes them directly calls [`SledSessionStore::forget_cached`].
//!
//! # Logging
//! Session keys are bearer credentials: nothing in this crate logs one.

mod cache;
mod clock;
mod config;
mod error;
mod handles;
mod index;
mod record;
#[cfg(feature = "actix")]
mod session_store;
mod store;
mod sweep;
#[cfg(feature = "tower")]
mod tower;
mod verify;

pub use clock::{Clock, ManualClock, SystemClock};
#[cfg(feature = "actix")]
pub use config::KeyGenerator;
pub use config::{
    sled_config, Builder, Durability, DEFAULT_CACHE_BYTES, DEFAULT_DATA_TREE, DEFAULT_INDEX_TREE,
    DEFAULT_MAX_STATE_BYTES, DEFAULT_SWEEP_BATCH, SEGMENT_SIZE,
};
pub use error::Error;
pub use record::{state_size, RecordError, SessionState};

/// The on-disk record format, for this project's benchmarks (which measure raw sled reads and a
/// full-scan sweep of the same records): feature `internals`. Not part of the stable API; it
/// changes whenever the format does, whatever the crate's version says.
#[cfg(feature = "internals")]
pub mod internals {
    pub use crate::record::{decode_record, DecodedRecord, FORMAT_VERSION};
}
pub use store::SledSessionStore;
pub use sweep::SweeperHandle;
pub use verify::VerifyReport;
