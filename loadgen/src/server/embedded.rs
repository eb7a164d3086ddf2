//! The embedded built-in backends, on the system clock: the sled store (through either front)
//! and the in-memory reference map.

use std::{path::PathBuf, time::Duration};

use actix_session_sled::{Durability, SledSessionStore};
use session_store_conformance::{Capabilities, Harness, MemoryStore, Subject, Tower};

/// `SledSessionStore` opened from a directory (a temp dir if none is given), with its
/// background sweeper, on the system clock.
pub struct SledServer {
    pub data_dir: Option<PathBuf>,
    pub durability: Durability,
    /// The record cache's size (default: the store's).
    pub cache_bytes: Option<u64>,
}

impl Harness for SledServer {
    type Store = SledSessionStore;

    fn name(&self) -> String {
        "sled".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            ttl_resolution: Duration::from_millis(1),
            ..Capabilities::default()
        }
    }

    async fn fresh(&self) -> anyhow::Result<Subject<SledSessionStore>> {
        let (store, guard) = self.open()?;
        Ok(Subject::new(store).with_guard(guard))
    }
}

impl SledServer {
    /// The same store served through its tower-sessions front.
    pub fn tower(self) -> SledTowerServer {
        SledTowerServer(self)
    }

    /// The store, and what must outlive it: the sweeper (stopped first when dropped), then
    /// the temp dir.
    fn open(&self) -> anyhow::Result<(SledSessionStore, impl Send + 'static)> {
        let (path, temp) = match &self.data_dir {
            Some(path) => (path.clone(), None),
            None => {
                let dir = tempfile::Builder::new().prefix("loadgen-sled-").tempdir()?;
                (dir.path().to_owned(), Some(dir))
            }
        };
        let mut builder = SledSessionStore::builder_at(&path)?.durability(self.durability);
        if let Some(bytes) = self.cache_bytes {
            builder = builder.cache_bytes(bytes);
        }
        let store = builder.build()?;
        let sweeper = store.spawn_sweeper(Duration::from_secs(1));
        // The sweeper stops, then the store flushes, then the temp dir goes.
        Ok((store, (sweeper, temp)))
    }
}

/// [`SledServer`]'s store through its tower-sessions front (the store's feature `tower`).
pub struct SledTowerServer(SledServer);

impl Harness for SledTowerServer {
    type Store = Tower<SledSessionStore>;

    fn name(&self) -> String {
        "tower-sled".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::tower()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        let (store, guard) = self.0.open()?;
        Ok(Subject::new(Tower::new(store)).with_guard(guard))
    }
}

/// The in-memory reference map on the system clock.
pub struct MemoryServer;

impl Harness for MemoryServer {
    type Store = MemoryStore;

    fn name(&self) -> String {
        "memory".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            ttl_resolution: Duration::from_millis(1),
            ..Capabilities::default()
        }
    }

    async fn fresh(&self) -> anyhow::Result<Subject<MemoryStore>> {
        Ok(Subject::new(MemoryStore::with_system_clock()))
    }
}
