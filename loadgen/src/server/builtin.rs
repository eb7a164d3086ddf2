//! The backends `loadgen` serves out of the box, each a [`Harness`] the generic server runs:
//! sled (embedded, on disk), the in-memory reference map, actix-session's cookie and Redis
//! stores, and the published `actix-session-sqlx-postgres`.

use std::{path::PathBuf, process::ExitCode, time::Duration};

use actix_session_sled::{Durability, SledSessionStore};
use serde::Serialize;
use session_store_conformance::stores::CookieHarness;
#[cfg(feature = "server-backends")]
use session_store_conformance::stores::{PostgresHarness, RedisHarness};
use session_store_conformance::{Capabilities, Harness, MemoryStore, Subject};

use super::{serve, ServeOptions};
use crate::cli::ServeArgs;

/// A built-in backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// `SledSessionStore`, embedded, on disk (the default).
    Sled,
    /// An in-memory map (the conformance suite's reference store): the ceiling for any
    /// server-side store.
    Memory,
    /// actix-session's `CookieSessionStore`: the state travels in the cookie.
    Cookie,
    /// actix-session's `RedisSessionStore`.
    Redis,
    /// `actix-session-sqlx-postgres` 0.3.0, as published.
    Postgres,
}

impl Backend {
    /// Every backend, in comparison order.
    pub const ALL: [Backend; 5] = [
        Backend::Sled,
        Backend::Memory,
        Backend::Cookie,
        Backend::Redis,
        Backend::Postgres,
    ];

    /// Whether this build can serve it (Redis and PostgreSQL need feature `server-backends`).
    pub fn in_this_build(self) -> bool {
        cfg!(feature = "server-backends") || !matches!(self, Backend::Redis | Backend::Postgres)
    }

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sled => "sled",
            Backend::Memory => "memory",
            Backend::Cookie => "cookie",
            Backend::Redis => "redis",
            Backend::Postgres => "postgres",
        }
    }
}

/// `loadgen serve`: the backend `--backend` names.
pub fn serve_main(args: ServeArgs) -> ExitCode {
    if let Some(core) = args.pin_core {
        crate::engine::command::pin(core);
    }
    let result = actix_web::rt::System::new().block_on(async move {
        let options = ServeOptions::from_args(&args)?;
        let backend = args.backend.unwrap_or(Backend::Sled);
        match backend {
            Backend::Sled => {
                let sled = SledServer {
                    data_dir: args.data_dir.clone(),
                    durability: args.durability.into(),
                    cache_bytes: args.sled_cache_mib.map(|mib| mib * 1024 * 1024),
                };
                serve(&sled, options).await
            }
            Backend::Memory => serve(&MemoryServer, options).await,
            Backend::Cookie => serve(&CookieHarness, options).await,
            // Without a URL, a server of its own, started here and stopped with it.
            #[cfg(feature = "server-backends")]
            Backend::Redis => {
                let redis = match &args.redis_url {
                    Some(url) => RedisHarness::connect(url.clone()),
                    None => RedisHarness::start()?,
                };
                serve(&redis, options).await
            }
            #[cfg(feature = "server-backends")]
            Backend::Postgres => {
                let postgres = match &args.postgres_url {
                    Some(url) => PostgresHarness::connect(url.clone()),
                    None => PostgresHarness::start()?,
                };
                serve(&postgres, options).await
            }
            #[cfg(not(feature = "server-backends"))]
            Backend::Redis | Backend::Postgres => anyhow::bail!(
                "this build has no {} backend (session-store-loadgen's feature `server-backends`)",
                backend.name()
            ),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loadgen serve: {e:#}");
            ExitCode::FAILURE
        }
    }
}

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
        Ok(Subject::new(store).with_guard((sweeper, temp)))
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
