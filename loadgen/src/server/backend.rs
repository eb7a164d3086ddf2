//! The session backends the example server can run on.

use std::{path::PathBuf, time::Duration};

use actix_session::storage::RedisSessionStore;
use actix_session_sled::{Durability, SledSessionStore, SweeperHandle};
use conformance::MemoryStore;
use serde::Serialize;
use testbed::servers::RedisServer;

/// Where sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// `SledSessionStore`, embedded, on disk (the default).
    Sled,
    /// actix-session's `RedisSessionStore`.
    Redis,
    /// actix-session's `CookieSessionStore`: the state travels in the cookie.
    Cookie,
    /// An in-memory map (the conformance suite's reference store).
    Memory,
}

impl Backend {
    /// Every backend, in comparison order.
    pub const ALL: [Backend; 4] = [
        Backend::Sled,
        Backend::Memory,
        Backend::Cookie,
        Backend::Redis,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sled => "sled",
            Backend::Redis => "redis",
            Backend::Cookie => "cookie",
            Backend::Memory => "memory",
        }
    }

    /// Whether the backend can invalidate a session server-side (renew and logout make the old
    /// cookie worthless). The cookie store cannot.
    pub fn invalidates(self) -> bool {
        self != Backend::Cookie
    }
}

/// An opened backend, with whatever must live as long as it.
pub enum BackendStore {
    Sled {
        store: SledSessionStore,
        _sweeper: SweeperHandle,
        _dir: Option<tempfile::TempDir>,
    },
    Redis {
        store: RedisSessionStore,
        _server: Option<RedisServer>,
    },
    Memory(MemoryStore),
    Cookie,
}

impl BackendStore {
    /// Opens `backend`: sled in `data_dir` or a temp dir, with `durability`; Redis at
    /// `redis_url` or on a `redis-server` started here on a free loopback port.
    pub async fn open(
        backend: Backend,
        data_dir: Option<PathBuf>,
        durability: Durability,
        redis_url: Option<String>,
    ) -> anyhow::Result<Self> {
        Ok(match backend {
            Backend::Sled => {
                let (path, dir) = match data_dir {
                    Some(path) => (path, None),
                    None => {
                        let dir = tempfile::Builder::new().prefix("loadgen-sled-").tempdir()?;
                        (dir.path().to_owned(), Some(dir))
                    }
                };
                let store = SledSessionStore::builder_at(&path)?
                    .durability(durability)
                    .build()?;
                let sweeper = store.spawn_sweeper(Duration::from_secs(1));
                BackendStore::Sled {
                    store,
                    _sweeper: sweeper,
                    _dir: dir,
                }
            }
            Backend::Redis => {
                let (url, server) = match redis_url {
                    Some(url) => (url, None),
                    None => {
                        let server = RedisServer::start()?;
                        (server.url(), Some(server))
                    }
                };
                let store = RedisSessionStore::new(url).await?;
                BackendStore::Redis {
                    store,
                    _server: server,
                }
            }
            Backend::Memory => BackendStore::Memory(MemoryStore::with_system_clock()),
            Backend::Cookie => BackendStore::Cookie,
        })
    }
}
