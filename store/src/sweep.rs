//! Removing expired sessions through the time-ordered index, and the background sweeper.
//!
//! A sweep reads the index from its start up to `now`: every entry it visits is due, so its
//! cost is the number of due entries, not the number of sessions stored. For each due entry:
//!
//! | record under the entry's key          | action                                         |
//! |---------------------------------------|------------------------------------------------|
//! | missing                               | remove the dangling entry                      |
//! | expired                               | remove record, then its entries                |
//! | live, filed under this entry          | refile at the true expiry (entry lagged)       |
//! | live, filed under another entry       | remove this stale entry                        |
//! | header does not decode                | remove record and entry, log a warning         |
//!
//! Records are changed with compare-and-swap, so a sweep racing a request never undoes it: if
//! the record changed under the sweep, the entry is left for the next sweep.

use std::{
    ops::Bound,
    sync::mpsc::{self, RecvTimeoutError},
    thread::JoinHandle,
    time::Duration,
};

use crate::{
    handles::Trees,
    index,
    record::{self, decode_header, Header},
    Error, SledSessionStore,
};

/// One bounded pass over due index entries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BatchOutcome {
    /// Expired sessions removed.
    pub removed: usize,
    /// Index entries visited.
    pub visited: usize,
}

impl SledSessionStore {
    /// Removes every session whose stored expiry has passed and returns how many it removed.
    ///
    /// A session whose TTL was extended after its index entry was written survives: its entry
    /// is refiled at the new expiry. Cost: proportional to the number of due index entries.
    pub fn sweep_expired(&self) -> Result<usize, Error> {
        let mut removed = 0;
        let mut cursor = None;
        loop {
            let (outcome, resume_after) = self.sweep_batch(cursor.take(), usize::MAX)?;
            removed += outcome.removed;
            match resume_after {
                Some(last) => cursor = Some(last),
                None => return Ok(removed),
            }
        }
    }

    /// Visits at most `limit` due entries after `after` (exclusive). Returns what it did and,
    /// when it stopped at the limit, the last entry visited.
    pub(crate) fn sweep_batch(
        &self,
        after: Option<Vec<u8>>,
        limit: usize,
    ) -> Result<(BatchOutcome, Option<Vec<u8>>), Error> {
        let now_ms = self.now_ms();
        let start = after.map_or(Bound::Unbounded, Bound::Excluded);
        let end =
            index::first_not_due(now_ms).map_or(Bound::Unbounded, |b| Bound::Excluded(b.to_vec()));
        self.with_trees(|trees| {
            let mut outcome = BatchOutcome::default();
            for entry in trees.index.range::<Vec<u8>, _>((start, end)) {
                let (entry, _) = entry?;
                outcome.visited += 1;
                if self.sweep_entry(trees, &entry, now_ms)? {
                    outcome.removed += 1;
                }
                if outcome.visited == limit {
                    return Ok((outcome, Some(entry.to_vec())));
                }
            }
            Ok((outcome, None))
        })
    }
}

impl SledSessionStore {
    /// Handles one due entry, under its session's lock; true when it removed an expired
    /// session.
    fn sweep_entry(&self, inner: &Trees, entry: &[u8], now_ms: u64) -> Result<bool, Error> {
        let Some((filed_at_ms, key)) = index::split_entry(entry) else {
            inner.index.remove(entry)?;
            return Ok(false);
        };
        self.under_lock(key, || {
            let cache = &self.inner.cache;
            let Some(current) = self.current(inner, key)? else {
                inner.index.remove(entry)?;
                return Ok(false);
            };
            let header = match decode_header(&current) {
                Ok(header) => header,
                Err(error) => {
                    tracing::warn!(%error, "sweep removed a session record that does not decode");
                    if inner
                        .data
                        .compare_and_swap(key, Some(&current), None::<&[u8]>)?
                        .is_ok()
                    {
                        cache.forget(key);
                        inner.index.remove(entry)?;
                    }
                    return Ok(false);
                }
            };
            if header.is_expired(now_ms) {
                let deleted = inner
                    .data
                    .compare_and_swap(key, Some(&current), None::<&[u8]>)?
                    .is_ok();
                cache.forget(key);
                if deleted {
                    inner.index.remove(entry)?;
                    if header.indexed_at_ms != filed_at_ms {
                        inner
                            .index
                            .remove(index::entry_key(header.indexed_at_ms, key))?;
                    }
                }
                return Ok(deleted);
            }
            if header.indexed_at_ms != filed_at_ms {
                inner.index.remove(entry)?;
                return Ok(false);
            }
            // Live and filed here: the entry lagged behind an extension. New entry first, then
            // the record that points at it, then the old entry.
            inner
                .index
                .insert(index::entry_key(header.expires_at_ms, key), &[])?;
            let refiled = Header {
                indexed_at_ms: header.expires_at_ms,
                ..header
            };
            let updated = sled::IVec::from(record::encode(refiled, record::state_bytes(&current)));
            if inner
                .data
                .compare_and_swap(key, Some(&current), Some(updated.clone()))?
                .is_ok()
            {
                cache.put(key, updated, inner.generation);
                inner.index.remove(entry)?;
            } else {
                cache.forget(key);
            }
            Ok(false)
        })
    }
}

impl SledSessionStore {
    /// Starts a background thread that sweeps every `interval`, one bounded batch
    /// ([`Builder::sweep_batch`](crate::Builder::sweep_batch) entries) at a time so that
    /// requests never wait behind a long sweep. When a batch comes back full, the next one
    /// follows after a short pause instead of a whole interval. Errors are logged and the next
    /// tick tries again. Dropping the handle stops the thread.
    pub fn spawn_sweeper(&self, interval: Duration) -> SweeperHandle {
        let (stop, stopped) = mpsc::channel::<()>();
        let store = self.clone();
        let batch = self.inner.options.sweep_batch;
        let thread = std::thread::Builder::new()
            .name("session-sweeper".to_owned())
            .spawn(move || {
                let mut wait = interval;
                loop {
                    match stopped.recv_timeout(wait) {
                        Err(RecvTimeoutError::Timeout) => {}
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                    }
                    wait = match store.sweep_batch(None, batch) {
                        Ok((outcome, Some(_))) => {
                            tracing::debug!(removed = outcome.removed, "sweep batch full");
                            interval.min(Duration::from_millis(10))
                        }
                        Ok((outcome, None)) => {
                            tracing::debug!(removed = outcome.removed, "sweep done");
                            interval
                        }
                        Err(error) => {
                            tracing::error!(%error, "session sweep failed; retrying next tick");
                            interval
                        }
                    };
                }
            })
            .expect("spawning the session sweeper thread");
        SweeperHandle {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

/// Stops the background sweeper when dropped (waiting for the current batch to finish).
#[derive(Debug)]
pub struct SweeperHandle {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for SweeperHandle {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
