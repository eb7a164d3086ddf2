//! The open database and its two trees, and their replacement after sled reports an I/O error.
//!
//! Why: once a write to its log fails (a full disk, say), sled 0.34 records the error, and every
//! later write on that `Db` fails with it, even once the cause is gone; only a new `Db` writes
//! again. Reads mostly keep working, except one that must first rewrite its page (consolidating
//! pending updates), which fails too (`tests/full_disk.rs` shows both). So when the store opened
//! the directory itself, an I/O error closes the `Db` (in-flight operations finish on their own
//! handles) and a later operation opens the directory again. sled keeps the directory locked
//! until the last handle to the old `Db` is gone, and a disk that is still full fails a reopened
//! `Db` at once, so reopening is retried with a pause that doubles from [`FIRST_PAUSE`] to
//! [`LAST_PAUSE`] while the failures go on (a reopen replays sled's log and blocks its caller
//! meanwhile). Meanwhile writes fail fast with [`Error::Reopening`], and loads are served from the
//! record cache where it holds the session (records of the last open generation: what the store
//! acknowledged). Nothing acknowledged is lost by this: under `EveryWrite` an acknowledged write
//! is on disk; under `Periodic` the writes of the last flush interval may be, as after a crash.

use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, RwLock,
    },
    time::{Duration, Instant},
};

use crate::Error;

/// Pause after a failed reopen; it doubles with each failure in a row.
const FIRST_PAUSE: Duration = Duration::from_millis(20);
/// The longest pause between two attempts to reopen.
const LAST_PAUSE: Duration = Duration::from_secs(2);

/// One open database and the store's trees in it.
pub(crate) struct Trees {
    pub(crate) db: sled::Db,
    pub(crate) data: sled::Tree,
    pub(crate) index: sled::Tree,
    /// Which opening of the database this is (the record cache keys its entries by it).
    pub(crate) generation: u64,
}

struct State {
    /// `None` once an I/O error closed the database.
    open: Option<Arc<Trees>>,
    /// When the open database was opened: an error soon after reopening continues the same
    /// incident, so the pause keeps growing instead of starting over.
    opened_at: Instant,
    /// No attempt to reopen before this.
    retry_at: Instant,
    /// The pause after the next failed attempt.
    pause: Duration,
}

pub(crate) struct Handles {
    state: RwLock<State>,
    /// The generation of the last opening that succeeded. Reopening happens under the write
    /// lock of `state`, so the next opening is simply this one's successor.
    last_generation: AtomicU64,
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
        let trees = open_trees(db, &data_tree, &index_tree, 0)?;
        let now = Instant::now();
        Ok(Self {
            last_generation: AtomicU64::new(0),
            state: RwLock::new(State {
                open: Some(Arc::new(trees)),
                opened_at: now,
                retry_at: now,
                pause: FIRST_PAUSE,
            }),
            reopen_from,
            data_tree,
            index_tree,
        })
    }

    /// The open trees, reopening the directory first if an I/O error closed it.
    pub(crate) fn current(&self) -> Result<Arc<Trees>, Error> {
        if let Some(trees) = &self.state.read().unwrap_or_else(|p| p.into_inner()).open {
            return Ok(trees.clone());
        }
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        if let Some(trees) = &state.open {
            return Ok(trees.clone());
        }
        let now = Instant::now();
        let Some(path) = self.reopen_from.as_ref().filter(|_| now >= state.retry_at) else {
            return Err(Error::Reopening);
        };
        let reopened = crate::config::sled_config(path)
            .open()
            .map_err(Error::from)
            .and_then(|db| {
                let generation = self.last_generation() + 1;
                open_trees(db, &self.data_tree, &self.index_tree, generation)
            });
        match reopened {
            Ok(trees) => {
                tracing::info!("the session database was reopened after an I/O error");
                self.last_generation
                    .store(trees.generation, Ordering::Relaxed);
                let trees = Arc::new(trees);
                state.open = Some(trees.clone());
                state.opened_at = Instant::now();
                Ok(trees)
            }
            Err(error) => {
                tracing::debug!(%error, "the session database cannot be reopened yet");
                state.retry_at = Instant::now() + state.pause;
                state.pause = (state.pause * 2).min(LAST_PAUSE);
                Err(Error::Reopening)
            }
        }
    }

    /// The generation of the database opened last (the one now closed, while reopening).
    pub(crate) fn last_generation(&self) -> u64 {
        self.last_generation.load(Ordering::Relaxed)
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
                if state
                    .open
                    .as_ref()
                    .is_some_and(|open| Arc::ptr_eq(open, trees))
                {
                    tracing::error!(
                        error = %io,
                        "sled reported an I/O error; the session database is closed and will be reopened"
                    );
                    let now = Instant::now();
                    if now.duration_since(state.opened_at) > LAST_PAUSE {
                        // A new incident, not the continuation of the last one.
                        state.pause = FIRST_PAUSE;
                        state.retry_at = now;
                    } else {
                        state.retry_at = now + state.pause;
                        state.pause = (state.pause * 2).min(LAST_PAUSE);
                    }
                    state.open = None;
                }
            }
        }
        result
    }

    /// Flushes the open database, if there is one (on the way out).
    pub(crate) fn flush_if_open(&self) -> Result<(), Error> {
        if let Some(trees) = &self.state.read().unwrap_or_else(|p| p.into_inner()).open {
            trees.db.flush()?;
        }
        Ok(())
    }
}

fn open_trees(db: sled::Db, data: &str, index: &str, generation: u64) -> Result<Trees, Error> {
    Ok(Trees {
        data: db.open_tree(data)?,
        index: db.open_tree(index)?,
        db,
        generation,
    })
}
