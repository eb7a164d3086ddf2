//! actix-session's `RedisSessionStore` against a real `redis-server` this harness starts on a
//! free loopback port; each fresh store is a fresh key namespace on that server.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use actix_session::storage::RedisSessionStore;

use crate::{
    redis_server::{RedisServer, RedisUnavailable},
    Capabilities, Harness, KnownFinding, Property, Subject,
};

/// Owns a `redis-server` for as long as it lives.
#[derive(Debug)]
pub struct RedisHarness {
    server: RedisServer,
    namespace: AtomicU64,
}

impl RedisHarness {
    /// Starts the server.
    pub fn start() -> Result<Self, RedisUnavailable> {
        Ok(Self {
            server: RedisServer::start()?,
            namespace: AtomicU64::new(0),
        })
    }
}

/// What the suite finds in `RedisSessionStore` (actix-session 0.11), kept visible.
pub const REDIS_KNOWN_FINDINGS: &[KnownFinding] = &[KnownFinding {
    property: Property::TtlEdges,
    explanation: "RedisSessionStore passes the TTL to `SET .. EX` unchecked, and Redis (7.0.15 here) \
                  answers `ERR invalid expire time` for zero, negative, and out-of-range values such \
                  as `Duration::MAX`: `save` fails instead of storing an already-expired (or \
                  saturated) session",
}];

impl Harness for RedisHarness {
    type Store = RedisSessionStore;

    fn name(&self) -> String {
        "redis".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            // Redis keeps its own clock and TTLs in whole seconds.
            controlled_clock: false,
            ttl_resolution: Duration::from_secs(1),
            ..Capabilities::default()
        }
    }

    async fn fresh(&self) -> anyhow::Result<Subject<RedisSessionStore>> {
        let namespace = self.namespace.fetch_add(1, Ordering::SeqCst);
        let store = RedisSessionStore::builder(self.server.url())
            .cache_keygen(move |key| format!("case{namespace}:{key}"))
            .build()
            .await?;
        Ok(Subject::new(store))
    }
}
