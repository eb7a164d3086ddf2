//! `SledSessionStore`: the records, the expiry index and the write protocol that keeps them
//! consistent. The `SessionStore` trait is implemented over these methods in
//! `session_store.rs`; the sweep lives in `sweep.rs` and the consistency check in `verify.rs`.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use actix_session::storage::SessionKey;
use actix_web::cookie::time::Duration as Ttl;

use crate::{
    clock::expiry_after,
    config::{prepare_dir, Builder, Durability, Options},
    handles::{Handles, Trees},
    index,
    record::{self, decode_header, Header, SessionState},
    Error,
};

/// How many fresh keys `save` tries before giving up. With 62^64 possible keys a second
/// attempt is already a sign of a broken generator.
const MAX_KEY_ATTEMPTS: usize = 8;

/// A session store on sled with a time-ordered expiry index. Cheap to clone: clones share one
/// database. See the crate documentation for the contract and the on-disk design.
#[derive(Clone)]
pub struct SledSessionStore {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) handles: Handles,
    pub(crate) options: Options,
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
        let db = sled::Config::new().path(path.as_ref()).open()?;
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
        Ok(Self {
            inner: Arc::new(Inner { handles, options }),
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

    /// The state of a live session; `None` when missing or expired, even before a sweep.
    pub(crate) fn load_state(&self, key: &[u8]) -> Result<Option<SessionState>, Error> {
        self.with_trees(|trees| {
            let Some(bytes) = trees.data.get(key)? else {
                return Ok(None);
            };
            if decode_header(&bytes)?.is_expired(self.now_ms()) {
                return Ok(None);
            }
            Ok(Some(record::decode_state(&bytes)?))
        })
    }

    /// Stores a new session under a fresh key, never overwriting an existing one.
    ///
    /// Write order: index entry first, then the record. sled recovers a prefix of its log
    /// after a crash, so a crash between the two leaves an index entry without a record (the
    /// sweep removes it), never a record without an index entry (which no sweep would find).
    pub(crate) fn save_encoded(&self, state: &[u8], ttl: &Ttl) -> Result<SessionKey, Error> {
        self.with_trees(|inner| {
            for _ in 0..MAX_KEY_ATTEMPTS {
                let key = (self.inner.options.key_generator)();
                let key_bytes = key.as_ref().as_bytes();
                let expires_at_ms = expiry_after(self.now_ms(), ttl);
                let entry = index::entry_key(expires_at_ms, key_bytes);
                inner.index.insert(&entry, &[])?;
                let header = Header {
                    expires_at_ms,
                    indexed_at_ms: expires_at_ms,
                };
                let fresh = record::encode(header, state);
                match inner
                    .data
                    .compare_and_swap(key_bytes, None::<&[u8]>, Some(fresh))?
                {
                    Ok(()) => return Ok(key),
                    Err(collision) => {
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
                        tracing::warn!("generated session key is already in use; trying another");
                    }
                }
            }
            Err(Error::KeyCollision {
                attempts: MAX_KEY_ATTEMPTS,
            })
        })
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
        ttl: &Ttl,
        new_state: Option<&[u8]>,
    ) -> Result<Rewrite, Error> {
        self.with_trees(|inner| {
            loop {
                let Some(current) = inner.data.get(key)? else {
                    return Ok(Rewrite::NotLive);
                };
                let Ok(old) = decode_header(&current) else {
                    return Ok(Rewrite::NotLive);
                };
                let now_ms = self.now_ms();
                if old.is_expired(now_ms) {
                    return Ok(Rewrite::NotLive);
                }
                let expires_at_ms = expiry_after(now_ms, ttl);
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
                let updated = record::encode(header, state);
                match inner
                    .data
                    .compare_and_swap(key, Some(&current), Some(updated))?
                {
                    Ok(()) => {
                        if indexed_at_ms != old.indexed_at_ms {
                            inner
                                .index
                                .remove(index::entry_key(old.indexed_at_ms, key))?;
                        }
                        return Ok(Rewrite::Done);
                    }
                    // Another writer changed the record between our read and write: decide again.
                    Err(_) => continue,
                }
            }
        })
    }

    /// Removes a session and its index entry; removing a missing session is not an error.
    /// Record first, then entry: a crash in between leaves only a dangling entry.
    pub(crate) fn remove(&self, key: &[u8]) -> Result<(), Error> {
        self.with_trees(|inner| {
            if let Some(old) = inner.data.remove(key)? {
                if let Ok(header) = decode_header(&old) {
                    inner
                        .index
                        .remove(index::entry_key(header.indexed_at_ms, key))?;
                }
            }
            Ok(())
        })
    }
}
