//! Options of the store and the builder that applies them.

use std::{path::Path, sync::Arc};

#[cfg(feature = "actix")]
use actix_session::storage::{generate_session_key, SessionKey};

use crate::{
    clock::{Clock, SystemClock},
    Error, SledSessionStore,
};

/// When a write reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Writes are acknowledged from memory and reach the disk at sled's next periodic flush
    /// (`sled::Config::flush_every_ms`, 500 ms by default). A crash can lose the writes of the
    /// last flush interval; a clean shutdown (dropping the last store handle, or
    /// [`SledSessionStore::flush`]) loses nothing.
    #[default]
    Periodic,
    /// `save`, `update`, `update_ttl` and `delete` return only after sled has flushed the write
    /// to disk (an fsync per write, batched by sled across concurrent writers).
    EveryWrite,
}

/// Makes a new session key (actix-session's stores pick their keys; tower-sessions' `Session`
/// picks them itself).
#[cfg(feature = "actix")]
pub type KeyGenerator = Arc<dyn Fn() -> SessionKey + Send + Sync>;

/// The default limit on encoded state size: 64 KiB.
pub const DEFAULT_MAX_STATE_BYTES: usize = 64 * 1024;

/// The default name of the tree that holds the session records.
pub const DEFAULT_DATA_TREE: &str = "sessions";

/// The default name of the tree that holds the expiry index.
pub const DEFAULT_INDEX_TREE: &str = "sessions_by_expiry";

/// The default size of the record cache: 256 MiB of keys and records.
pub const DEFAULT_CACHE_BYTES: u64 = 256 * 1024 * 1024;

/// The segment size of the databases the store creates: 8 MiB, where sled's default is 512 KiB.
/// Chosen by measurement: with the larger segments sled's log keeps far less dead space per
/// live session (the README's "Disk layout" figures), at no measurable cost per operation. The
/// price: sled's write buffer is a segment long, so under [`Durability::Periodic`] more of the
/// writes since the last flush stay in the process, and a killed process loses more of that
/// flush window (never more than the window; `loadgen crash` checks it).
pub const SEGMENT_SIZE: usize = 8 * 1024 * 1024;

/// The sled configuration [`SledSessionStore::open`] and [`SledSessionStore::builder_at`] use
/// for the directory `path`: sled's defaults, with [`SEGMENT_SIZE`] for a new database. A database
/// made with another segment size keeps it (sled refuses to change it), read from sled's `conf`
/// file. Tools that open the directory themselves use this too.
pub fn sled_config(path: impl AsRef<Path>) -> sled::Config {
    let path = path.as_ref();
    let existing = std::fs::read_to_string(path.join("conf"))
        .ok()
        .and_then(|conf| {
            conf.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.trim() == "segment_size")
                .and_then(|(_, value)| value.trim().parse().ok())
        });
    sled::Config::new()
        .path(path)
        .segment_size(existing.unwrap_or(SEGMENT_SIZE))
}

/// The default number of index entries one sweep batch visits.
pub const DEFAULT_SWEEP_BATCH: usize = 1_000;

pub(crate) struct Options {
    pub data_tree: String,
    pub index_tree: String,
    pub durability: Durability,
    pub max_state_bytes: usize,
    pub sweep_batch: usize,
    pub cache_bytes: u64,
    pub clock: Arc<dyn Clock>,
    #[cfg(feature = "actix")]
    pub key_generator: KeyGenerator,
}

/// Builds a [`SledSessionStore`] over an existing `sled::Db`.
///
/// ```no_run
/// use actix_session_sled::{Durability, SledSessionStore};
///
/// # fn main() -> Result<(), actix_session_sled::Error> {
/// let db = sled::open("/var/lib/myapp/sessions")?;
/// let store = SledSessionStore::builder(db)
///     .durability(Durability::EveryWrite)
///     .max_state_bytes(16 * 1024)
///     .build()?;
/// # Ok(()) }
/// ```
pub struct Builder {
    db: sled::Db,
    options: Options,
    reopen_from: Option<std::path::PathBuf>,
}

impl Builder {
    pub(crate) fn new(db: sled::Db) -> Self {
        Self {
            db,
            options: Options {
                data_tree: DEFAULT_DATA_TREE.to_owned(),
                index_tree: DEFAULT_INDEX_TREE.to_owned(),
                durability: Durability::default(),
                max_state_bytes: DEFAULT_MAX_STATE_BYTES,
                sweep_batch: DEFAULT_SWEEP_BATCH,
                cache_bytes: DEFAULT_CACHE_BYTES,
                clock: Arc::new(SystemClock),
                #[cfg(feature = "actix")]
                key_generator: Arc::new(generate_session_key),
            },
            reopen_from: None,
        }
    }

    /// The directory the database was opened from, to reopen it after an I/O error.
    pub(crate) fn reopen_from(mut self, path: std::path::PathBuf) -> Self {
        self.reopen_from = Some(path);
        self
    }

    /// Names the trees that hold the records and the expiry index (defaults: `sessions`,
    /// `sessions_by_expiry`), so that several stores can share one `Db`.
    pub fn tree_names(mut self, data: impl Into<String>, index: impl Into<String>) -> Self {
        self.options.data_tree = data.into();
        self.options.index_tree = index.into();
        self
    }

    /// When writes reach the disk (default [`Durability::Periodic`]).
    pub fn durability(mut self, durability: Durability) -> Self {
        self.options.durability = durability;
        self
    }

    /// The largest encoded state accepted by `save` and `update` (default 64 KiB).
    pub fn max_state_bytes(mut self, limit: usize) -> Self {
        self.options.max_state_bytes = limit;
        self
    }

    /// The most bytes of keys and records the store keeps decoded-ready in memory in front of
    /// sled (default [`DEFAULT_CACHE_BYTES`]; 0 turns the cache off). Shared by every clone of
    /// the store; an evicted entry is only a cached copy, never a session. See the crate docs.
    pub fn cache_bytes(mut self, bytes: u64) -> Self {
        self.options.cache_bytes = bytes;
        self
    }

    /// How many index entries one batch of the background sweeper visits (default 1,000).
    pub fn sweep_batch(mut self, entries: usize) -> Self {
        self.options.sweep_batch = entries.max(1);
        self
    }

    /// The clock that decides expiry (default: the system clock). A test seam.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.options.clock = Arc::new(clock);
        self
    }

    /// The generator of new session keys (default: actix-session's
    /// `generate_session_key`, 64 alphanumeric characters from a CSPRNG). A test seam.
    #[cfg(feature = "actix")]
    pub fn key_generator(
        mut self,
        generator: impl Fn() -> SessionKey + Send + Sync + 'static,
    ) -> Self {
        self.options.key_generator = Arc::new(generator);
        self
    }

    /// Opens the trees and returns the store.
    pub fn build(self) -> Result<SledSessionStore, Error> {
        SledSessionStore::from_parts(self.db, self.options, self.reopen_from)
    }
}

/// Creates `path` (and parents) if missing, readable by its owner only, as session data is
/// a set of bearer credentials.
pub(crate) fn prepare_dir(path: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}
