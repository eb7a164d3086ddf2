//! The backends `loadgen` serves out of the box, each a [`Harness`](session_store_conformance::Harness)
//! the generic server runs. actix-session: sled (embedded, on disk), the in-memory reference
//! map, actix-session's cookie and Redis stores, and the published `actix-session-sqlx-postgres`.
//! tower-sessions: the sled store's tower front, tower-sessions' `MemoryStore`, and the
//! published moka, sqlx (SQLite, PostgreSQL) and sled stores.

use std::process::ExitCode;

use serde::Serialize;
use session_store_conformance::stores::{CookieHarness, TowerMemoryHarness};
#[cfg(feature = "server-backends")]
use session_store_conformance::stores::{PostgresHarness, RedisHarness, TowerPostgresHarness};
#[cfg(feature = "tower-backends")]
use session_store_conformance::stores::{
    TowerMokaHarness, TowerSledSeedHarness, TowerSqliteHarness,
};

pub use super::embedded::{MemoryServer, SledServer, SledTowerServer};
use super::{serve, ServeOptions};
use crate::cli::ServeArgs;

/// A built-in backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
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
    /// tower-sessions: the sled store's tower front (`SledSessionStore`, feature `tower`).
    TowerSled,
    /// tower-sessions: its own `MemoryStore`.
    TowerMemory,
    /// tower-sessions: `tower-sessions-moka-store`, unbounded (nothing evicted).
    TowerMoka,
    /// tower-sessions: `tower-sessions-sqlx-store` on a SQLite file in a temp dir.
    TowerSqlite,
    /// tower-sessions: `tower-sessions-sqlx-store` on PostgreSQL.
    TowerPostgres,
    /// tower-sessions: `tower-sessions-sled-store` 0.2.0, the published sled store.
    TowerSledSeed,
}

/// Which ecosystem's backends `--compare` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EcosystemChoice {
    /// actix-session's backends (sled, memory, cookie, redis, postgres).
    Actix,
    /// tower-sessions' backends (tower-sled, tower-memory, tower-moka, tower-sqlite,
    /// tower-postgres, tower-sled-seed).
    Tower,
    /// Both, actix-session's first.
    Both,
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

    /// The tower-sessions backends, in comparison order.
    pub const TOWER: [Backend; 6] = [
        Backend::TowerSled,
        Backend::TowerMemory,
        Backend::TowerMoka,
        Backend::TowerSqlite,
        Backend::TowerPostgres,
        Backend::TowerSledSeed,
    ];

    /// The backends of `ecosystem`, in comparison order.
    pub fn of(ecosystem: EcosystemChoice) -> Vec<Backend> {
        match ecosystem {
            EcosystemChoice::Actix => Self::ALL.to_vec(),
            EcosystemChoice::Tower => Self::TOWER.to_vec(),
            EcosystemChoice::Both => Self::ALL.into_iter().chain(Self::TOWER).collect(),
        }
    }

    /// Whether this build can serve it: Redis and both PostgreSQL stores need feature
    /// `server-backends`; moka, SQLite and the published sled store feature `tower-backends`.
    pub fn in_this_build(self) -> bool {
        match self {
            Backend::Redis | Backend::Postgres | Backend::TowerPostgres => {
                cfg!(feature = "server-backends")
            }
            Backend::TowerMoka | Backend::TowerSqlite | Backend::TowerSledSeed => {
                cfg!(feature = "tower-backends")
            }
            _ => true,
        }
    }

    /// The feature of session-store-loadgen that brings it.
    pub fn feature(self) -> &'static str {
        match self {
            Backend::TowerMoka | Backend::TowerSqlite | Backend::TowerSledSeed => "tower-backends",
            _ => "server-backends",
        }
    }

    /// Whether it needs a PostgreSQL server.
    pub fn needs_postgres(self) -> bool {
        matches!(self, Backend::Postgres | Backend::TowerPostgres)
    }

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sled => "sled",
            Backend::Memory => "memory",
            Backend::Cookie => "cookie",
            Backend::Redis => "redis",
            Backend::Postgres => "postgres",
            Backend::TowerSled => "tower-sled",
            Backend::TowerMemory => "tower-memory",
            Backend::TowerMoka => "tower-moka",
            Backend::TowerSqlite => "tower-sqlite",
            Backend::TowerPostgres => "tower-postgres",
            Backend::TowerSledSeed => "tower-sled-seed",
        }
    }
}

/// `loadgen serve`: the backend `--backend` names.
pub fn serve_main(args: ServeArgs) -> ExitCode {
    if let Some(core) = args.pin_core {
        crate::engine::command::pin(core);
    }
    let result = ServeOptions::from_args(&args).and_then(|options| serve_backend(&args, options));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loadgen serve: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve_backend(args: &ServeArgs, options: ServeOptions) -> anyhow::Result<()> {
    let backend = args.backend.unwrap_or(Backend::Sled);
    let sled = || SledServer {
        data_dir: args.data_dir.clone(),
        durability: args.durability.into(),
        cache_bytes: args.sled_cache_mib.map(|mib| mib * 1024 * 1024),
    };
    match backend {
        Backend::Sled => serve(|| Ok(sled()), options),
        Backend::Memory => serve(|| Ok(MemoryServer), options),
        Backend::Cookie => serve(|| Ok(CookieHarness), options),
        Backend::TowerSled => serve(|| Ok(sled().tower()), options),
        Backend::TowerMemory => serve(|| Ok(TowerMemoryHarness), options),
        #[cfg(feature = "server-backends")]
        Backend::Redis => serve(
            || at_or_start(&args.redis_url, RedisHarness::connect, RedisHarness::start),
            options,
        ),
        #[cfg(feature = "server-backends")]
        Backend::Postgres => serve(
            || {
                at_or_start(
                    &args.postgres_url,
                    PostgresHarness::connect,
                    PostgresHarness::start,
                )
            },
            options,
        ),
        #[cfg(feature = "server-backends")]
        Backend::TowerPostgres => serve(
            || {
                let (connect, start) = (TowerPostgresHarness::connect, TowerPostgresHarness::start);
                at_or_start(&args.postgres_url, connect, start)
            },
            options,
        ),
        #[cfg(feature = "tower-backends")]
        Backend::TowerMoka => serve(|| Ok(TowerMokaHarness::with_capacity(None)), options),
        #[cfg(feature = "tower-backends")]
        Backend::TowerSqlite => serve(|| Ok(TowerSqliteHarness), options),
        #[cfg(feature = "tower-backends")]
        Backend::TowerSledSeed => serve(|| Ok(TowerSledSeedHarness), options),
        #[allow(unreachable_patterns)]
        other => anyhow::bail!(
            "this build has no {} backend (session-store-loadgen's feature `{}`)",
            other.name(),
            other.feature()
        ),
    }
}

/// The harness on the server at `url`; without a URL, on a server of its own, started here and
/// stopped with it.
#[cfg(feature = "server-backends")]
fn at_or_start<H>(
    url: &Option<String>,
    connect: fn(String) -> H,
    start: fn() -> Result<H, session_store_conformance::fixtures::Unavailable>,
) -> anyhow::Result<H> {
    Ok(match url {
        Some(url) => connect(url.clone()),
        None => start()?,
    })
}
