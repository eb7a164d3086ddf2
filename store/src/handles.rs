//! The open database and its two trees, and their replacement after sled reports an I/O error.
//!
//! Why: once any write to its log fails (a full disk, say), sled 0.34 records the error and
//! returns it from every later operation on that `Db`, reads included, even after the cause is
//! gone; only a new `Db` works again. So when the store opened the directory itself, an I/O
//! error closes the `Db` (in-flight operations finish on their own handles) and the next
//! operation opens the directory again. sled keeps the directory locked until the last handle
//! to the old `Db` is gone, so reopening is retried, at most every [`RETRY`], until it succeeds;
//! operations in between fail fast with [`Error::Reopening`]. Nothing acknowledged is lost by
//! this: under `EveryWrite` an acknowledged write is on disk; under `Periodic` the writes of
//! the last flush interval may be, as after a crash.

use std::{
    path::PathBuf,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use crate::Error;

/// Least time between two attempts to reopen the directory.
const RETRY: Duration = Duration::from_millis(20);

/// One open database and the store's trees in it.
pub(crate) struct Trees {
    pub(crate) db: sled::Db,
    pub(crate) data: sled::Tree,
    pub(crate) index: sled::Tree,
}

enum State {
    Open(Arc<Trees>),
    /// Closed after an I/O error; the next attempt to reopen is not before `retry_at`.
    Closed {
        retry_at: Instant,
    },
}

pub(crate) struct Handles {
    state: RwLock<State>,
    /// Where to reopen from: set when the store opened the directory itself.
    reopen_from: Option<PathBuf>,
    data_tree: String,
    index_tree: String,
}

impl Handles {
    pub(crate) fn new(
        db: sled::Db,
        data_tree: String,
        index_tree: String,
        reopen_from: Option<PathBuf>,
    ) -> Result<Self, Error> {
        let trees = open_trees(db, &data_tree, &index_tree)?;
        Ok(Self {
            state: RwLock::new(State::Open(Arc::new(trees))),
            reopen_from,
            data_tree,
            index_tree,
        })
    }

    /// The open trees, reopening the directory first if an I/O error closed it.
    pub(crate) fn current(&self) -> Result<Arc<Trees>, Error> {
        if let State::Open(trees) = &*self.state.read().unwrap_or_else(|p| p.into_inner()) {
            return Ok(trees.clone());
        }
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        match &*state {
            State::Open(trees) => Ok(trees.clone()),
            State::Closed { retry_at } if Instant::now() < *retry_at => Err(Error::Reopening),
            State::Closed { .. } => {
                let Some(path) = &self.reopen_from else {
                    return Err(Error::Reopening);
                };
                let reopened = sled::Config::new()
                    .path(path)
                    .open()
                    .map_err(Error::from)
                    .and_then(|db| open_trees(db, &self.data_tree, &self.index_tree));
                match reopened {
                    Ok(trees) => {
                        tracing::info!("the session database was reopened after an I/O error");
                        let trees = Arc::new(trees);
                        *state = State::Open(trees.clone());
                        Ok(trees)
                    }
                    Err(error) => {
                        tracing::debug!(%error, "the session database cannot be reopened yet");
                        *state = State::Closed {
                            retry_at: Instant::now() + RETRY,
                        };
                        Err(Error::Reopening)
                    }
                }
            }
        }
    }

    /// Reports the outcome of an operation on `trees`: an I/O error closes them, if they are
    /// still the current ones and the store can reopen the directory.
    pub(crate) fn check<T>(
        &self,
        trees: &Arc<Trees>,
        result: Result<T, Error>,
    ) -> Result<T, Error> {
        if let Err(Error::Sled(sled::Error::Io(io))) = &result {
            if self.reopen_from.is_some() {
                let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
                if matches!(&*state, State::Open(current) if Arc::ptr_eq(current, trees)) {
                    tracing::error!(
                        error = %io,
                        "sled reported an I/O error; the session database is closed and will be reopened"
                    );
                    *state = State::Closed {
                        retry_at: Instant::now(),
                    };
                }
            }
        }
        result
    }

    /// Flushes the open database, if there is one (on the way out).
    pub(crate) fn flush_if_open(&self) -> Result<(), Error> {
        if let State::Open(trees) = &*self.state.read().unwrap_or_else(|p| p.into_inner()) {
            trees.db.flush()?;
        }
        Ok(())
    }
}

fn open_trees(db: sled::Db, data: &str, index: &str) -> Result<Trees, Error> {
    Ok(Trees {
        data: db.open_tree(data)?,
        index: db.open_tree(index)?,
        db,
    })
}
