//! `SledSessionStore`: the records, the expiry index and the write protocol that keeps them
//! consistent. The `SessionStore` trait is implemented over these methods in
//! `session_store.rs`; the sweep lives in `sweep.rs` and the consistency check in `verify.rs`.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

#[cfg(feature = "actix")]
use actix_session::storage::SessionKey;
use time::Duration as Ttl;

use crate::{
    cache::RecordCache,
    clock::expiry_after,
    config::{prepare_dir, Builder, Durability, Options},
    handles::{Handles, Trees},
    index,
    record::{self, decode_header, Header, SessionState},
    Error,
};

/// When a written session expires: a TTL from now (actix-session), or a time (tower-sessions'
/// `expiry_date`), in milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expiry<'a> {
    // Only the actix-session front gives TTLs.
    #[cfg_attr(not(feature = "actix"), allow(dead_code))]
    After(&'a Ttl),
    // Only the tower-sessions front gives times.
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    At(u64),
}

impl Expiry<'_> {
    fn at(self, now_ms: u64) -> u64 {
        match self {
            Expiry::After(ttl) => expiry_after(now_ms, ttl),
            Expiry::At(ms) => ms,
        }
    }
}

/// How many fresh keys `save` tries before giving up. With 62^64 possible keys a second
/// attempt is already a sign of a broken generator.
pub(crate) const MAX_KEY_ATTEMPTS: usize = 8;

/// A session store on sled with a time-ordered expiry index. Cheap to clone: clones share one
/// database. See the crate documentation for the contract and the on-disk design.
#[derive(Clone)]
pub struct SledSessionStore {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) handles: Handles,
    pub(crate) options: Options,
    /// Records in front of sled, and the per-key locks that keep them coherent.
    pub(crate) cache: RecordCache,
}

impl std::fmt::Debug for SledSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledSessionStore")
            .field("durability", &self.inner.options.durability)
            .finish_non_exhaustive()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The last handle is going away: nothing acknowledged may stay in memory only.
        if let Err(error) = self.handles.flush_if_open() {
            tracing::error!(%error, "flushing the session store on close failed");
        }
    }
}

/// What happened to an in-place rewrite of a session.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Rewrite {
    /// The live session was rewritten.
    Done,
    /// There is no live session under the key (missing, expired or undecodable).
    NotLive,
}

impl SledSessionStore {
    /// Opens (or creates) a store in the directory `path` with default options. The directory is
    /// created readable by its owner only.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::builder_at(path)?.build()
    }

    /// A builder over the database in the directory `path` (created readable by its owner
    /// only), for options. A store made this way reopens the directory after sled reports an
    /// I/O error, which a store over a `Db` given to [`SledSessionStore::builder`] cannot do.
    pub fn builder_at(path: impl AsRef<Path>) -> Result<Builder, Error> {
        prepare_dir(path.as_ref())?;
        let db = crate::config::sled_config(path.as_ref()).open()?;
        Ok(Builder::new(db).reopen_from(path.as_ref().to_owned()))
    }

    /// A builder over an existing database, for tree names, durability, limits and test seams.
    pub fn builder(db: sled::Db) -> Builder {
        Builder::new(db)
    }

    pub(crate) fn from_parts(
        db: sled::Db,
        options: Options,
        reopen_from: Option<PathBuf>,
    ) -> Result<Self, Error> {
        let handles = Handles::new(
            db,
            options.data_tree.clone(),
            options.index_tree.clone(),
            reopen_from,
        )?;
        let cache = RecordCache::new(options.cache_bytes);
        Ok(Self {
            inner: Arc::new(Inner {
                handles,
                options,
                cache,
            }),
        })
    }

    /// Runs `op` on the open trees; an I/O error it returns closes them for reopening.
    pub(crate) fn with_trees<T>(
        &self,
        op: impl FnOnce(&Trees) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let trees = self.inner.handles.current()?;
        let result = op(&trees);
        self.inner.handles.check(&trees, result)
    }

    /// Writes everything acknowledged so far to disk.
    pub fn flush(&self) -> Result<(), Error> {
        self.with_trees(|trees| {
            trees.db.flush()?;
            Ok(())
        })
    }

    /// The durability this store was built with.
    pub fn durability(&self) -> Durability {
        self.inner.options.durability
    }

    /// Drops the cached copy of the session `key`, so that the next operation on it reads sled.
    /// The store assumes it is the only writer of its trees; a tool that writes them directly
    /// (to repair or damage a record) calls this afterwards, or uses a store built with
    /// [`Builder::cache_bytes`]`(0)`.
    pub fn forget_cached(&self, key: &str) {
        self.inner.cache.forget_locked(key.as_bytes());
    }

    /// Bytes the record cache holds now (keys, records and per-entry overhead); never more than
    /// [`Builder::cache_bytes`].
    pub fn cached_bytes(&self) -> u64 {
        self.inner.cache.weight()
    }

    /// The configured limit on encoded state size.
    pub fn max_state_bytes(&self) -> usize {
        self.inner.options.max_state_bytes
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.inner.options.clock.now_ms()
    }

    /// Encodes a state, refusing one over the size limit.
    pub(crate) fn encode_state(&self, state: &SessionState) -> Result<Vec<u8>, Error> {
        let encoded = record::encode_state(state);
        let limit = self.inner.options.max_state_bytes;
        if encoded.len() > limit {
            return Err(Error::StateTooLarge {
                size: encoded.len(),
                limit,
            });
        }
        Ok(encoded)
    }

    /// Under `EveryWrite`, waits until everything written so far is on disk. If that fails, the
    /// write to `key` may not be there after a reopen: its cached record is forgotten.
    pub(crate) async fn persist(&self, key: &[u8]) -> Result<(), Error> {
        if self.inner.options.durability == Durability::EveryWrite {
            let trees = self.inner.handles.current()?;
            let flushed = trees.db.flush_async().await.map_err(Error::from);
            if let Err(error) = self.inner.handles.check(&trees, flushed) {
                self.inner.cache.forget_locked(key);
                return Err(error);
            }
        }
        Ok(())
    }

    /// The state of a live session; `None` when missing or expired, even before a sweep. While
    /// the database is closed after an I/O error, a session whose record is cached is still
    /// served: it is what the store last acknowledged.
    #[cfg(feature = "actix")]
    pub(crate) fn load_state(&self, key: &[u8]) -> Result<Option<SessionState>, Error> {
        Ok(self.load_live(key)?.map(|(_, state)| state))
    }

    /// [`SledSessionStore::load_state`], with the session's expiry (ms since the Unix epoch).
    pub(crate) fn load_live(&self, key: &[u8]) -> Result<Option<(u64, SessionState)>, Error> {
        let record = self.with_trees(|trees| {
            let _key = self.inner.cache.lock(key);
            self.current(trees, key)
        });
        let record = match record {
            Err(Error::Reopening) => {
                let generation = self.inner.handles.last_generation();
                let _key = self.inner.cache.lock(key);
                self.inner
                    .cache
                    .get(key, generation)
                    .map(Some)
                    .ok_or(Error::Reopening)?
            }
            other => other?,
        };
        let Some(bytes) = record else {
            return Ok(None);
        };
        let header = decode_header(&bytes)?;
        if header.is_expired(self.now_ms()) {
            return Ok(None);
        }
        Ok(Some((header.expires_at_ms, record::decode_state(&bytes)?)))
    }

    /// The record under `key`, from the cache or else from sled (then cached). The caller holds
    /// the key's lock.
    pub(crate) fn current(&self, trees: &Trees, key: &[u8]) -> Result<Option<sled::IVec>, Error> {
        let cache = &self.inner.cache;
        if let Some(record) = cache.get(key, trees.generation) {
            return Ok(Some(record));
        }
        let record = trees.data.get(key)?;
        if let Some(record) = &record {
            cache.put(key, record.clone(), trees.generation);
        }
        Ok(record)
    }

    /// Runs `op` under the lock of `key`; if it fails, the key's cached record is forgotten
    /// (what sled holds after a failed write is unknown).
    pub(crate) fn under_lock<T>(
        &self,
        key: &[u8],
        op: impl FnOnce() -> Result<T, Error>,
    ) -> Result<T, Error> {
        let _key = self.inner.cache.lock(key);
        let result = op();
        if result.is_err() {
            self.inner.cache.forget(key);
        }
        result
    }

    /// Stores a new session under a fresh key, never overwriting an existing one.
    #[cfg(feature = "actix")]
    pub(crate) fn save_encoded(&self, state: &[u8], ttl: &Ttl) -> Result<SessionKey, Error> {
        self.with_trees(|inner| {
            for _ in 0..MAX_KEY_ATTEMPTS {
                let key = (self.inner.options.key_generator)();
                if self.insert_new(inner, key.as_ref().as_bytes(), state, Expiry::After(ttl))? {
                    return Ok(key);
                }
                tracing::warn!("generated session key is already in use; trying another");
            }
            Err(Error::KeyCollision {
                attempts: MAX_KEY_ATTEMPTS,
            })
        })
    }

    /// The first half of writing a fresh record: files `key` in the index under
    /// `expires_at_ms` and encodes the record to write next (the write order of [`insert_new`]).
    /// Returns the index entry and the record.
    ///
    /// [`insert_new`]: Self::insert_new
    pub(crate) fn file_fresh(
        inner: &Trees,
        key: &[u8],
        state: &[u8],
        expires_at_ms: u64,
    ) -> Result<(Vec<u8>, sled::IVec), Error> {
        let entry = index::entry_key(expires_at_ms, key);
        inner.index.insert(&entry, &[])?;
        let header = Header {
            expires_at_ms,
            indexed_at_ms: expires_at_ms,
        };
        Ok((entry, sled::IVec::from(record::encode(header, state))))
    }

    /// Stores a new session under `key` if no record holds it (live, expired or undecodable):
    /// `Ok(true)` if it did, `Ok(false)` if the key is taken.
    ///
    /// Write order: index entry first, then the record. sled recovers a prefix of its log
    /// after a crash, so a crash between the two leaves an index entry without a record (the
    /// sweep removes it), never a record without an index entry (which no sweep would find).
    pub(crate) fn insert_new(
        &self,
        inner: &Trees,
        key: &[u8],
        state: &[u8],
        expiry: Expiry<'_>,
    ) -> Result<bool, Error> {
        let saved = self.under_lock(key, || {
            let expires_at_ms = expiry.at(self.now_ms());
            let (entry, fresh) = Self::file_fresh(inner, key, state, expires_at_ms)?;
            let swapped = inner
                .data
                .compare_and_swap(key, None::<&[u8]>, Some(fresh.clone()))?;
            if swapped.is_ok() {
                self.inner.cache.put(key, fresh, inner.generation);
            }
            Ok((swapped, entry, expires_at_ms))
        })?;
        match saved {
            (Ok(()), _, _) => Ok(true),
            (Err(collision), entry, expires_at_ms) => {
                // The entry we just filed belongs to nobody unless the existing session
                // happens to be filed under the very same time.
                let existing_filed_here = collision
                    .current
                    .as_deref()
                    .and_then(|bytes| decode_header(bytes).ok())
                    .is_some_and(|h| h.indexed_at_ms == expires_at_ms);
                if !existing_filed_here {
                    inner.index.remove(&entry)?;
                }
                Ok(false)
            }
        }
    }

    /// Rewrites the expiry (and, when given, the state) of a live session in place.
    ///
    /// The index entry of a record may lag: it is filed at or before the true expiry, and the
    /// sweep refiles it when it finds the session still live. So extending a session (the
    /// common case) costs one record write and no index write; only shortening it below its
    /// filing time files a new entry, again before the record that points at it.
    pub(crate) fn rewrite(
        &self,
        key: &[u8],
        expiry: Expiry<'_>,
        new_state: Option<&[u8]>,
    ) -> Result<Rewrite, Error> {
        self.with_trees(|inner| {
            self.under_lock(key, || loop {
                let Some(current) = self.current(inner, key)? else {
                    return Ok(Rewrite::NotLive);
                };
                let Ok(old) = decode_header(&current) else {
                    return Ok(Rewrite::NotLive);
                };
                let now_ms = self.now_ms();
                if old.is_expired(now_ms) {
                    return Ok(Rewrite::NotLive);
                }
                let expires_at_ms = expiry.at(now_ms);
                let indexed_at_ms = if expires_at_ms < old.indexed_at_ms {
                    inner
                        .index
                        .insert(index::entry_key(expires_at_ms, key), &[])?;
                    expires_at_ms
                } else {
                    old.indexed_at_ms
                };
                let header = Header {
                    expires_at_ms,
                    indexed_at_ms,
                };
                let state = new_state.unwrap_or_else(|| record::state_bytes(&current));
                let updated = sled::IVec::from(record::encode(header, state));
                match inner
                    .data
                    .compare_and_swap(key, Some(&current), Some(updated.clone()))?
                {
                    Ok(()) => {
                        self.inner.cache.put(key, updated, inner.generation);
                        if indexed_at_ms != old.indexed_at_ms {
                            inner
                                .index
                                .remove(index::entry_key(old.indexed_at_ms, key))?;
                        }
                        return Ok(Rewrite::Done);
                    }
                    // The record changed under us, which a writer holding the key's lock never
                    // does (a store over the same `Db` might): forget the cached copy, decide
                    // again from sled.
                    Err(_) => self.inner.cache.forget(key),
                }
            })
        })
    }

    /// Removes a session and its index entry; removing a missing session is not an error.
    /// Record first, then entry: a crash in between leaves only a dangling entry.
    pub(crate) fn remove(&self, key: &[u8]) -> Result<(), Error> {
        self.with_trees(|inner| {
            self.under_lock(key, || {
                let removed = inner.data.remove(key)?;
                self.inner.cache.forget(key);
                if let Some(old) = removed {
                    if let Ok(header) = decode_header(&old) {
                        inner
                            .index
                            .remove(index::entry_key(header.indexed_at_ms, key))?;
                    }
                }
                Ok(())
            })
        })
    }
}
