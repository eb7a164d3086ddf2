//! actix-session's `RedisSessionStore` against a real Redis ([`fixtures::redis`]: the one
//! `CONFORMANCE_REDIS_URL` names, or a `redis-server` started on a free loopback port); each
//! fresh store is a fresh key namespace on that server. Damage writes the namespaced key
//! directly.

use actix_session::storage::RedisSessionStore;
use redis::AsyncCommands as _;

use crate::{
    fixtures::{self, Backend, Namespaces, Unavailable},
    Capabilities, Damage, Harness, KnownFinding, Property, Subject, Violation,
};

/// Fresh namespaces on a Redis server.
#[derive(Debug)]
pub struct RedisHarness {
    namespaces: Namespaces,
}

impl RedisHarness {
    /// On [`fixtures::redis`]: the server `CONFORMANCE_REDIS_URL` names, or one started here
    /// and owned for as long as the harness lives.
    pub fn start() -> Result<Self, Unavailable> {
        Ok(Self::connect_to(fixtures::redis()?))
    }

    /// Uses the server at `url` (`redis://HOST:PORT`).
    pub fn connect(url: impl Into<String>) -> Self {
        Self::connect_to(Backend::external(url))
    }

    fn connect_to(backend: Backend) -> Self {
        Self {
            namespaces: Namespaces::new(backend),
        }
    }
}

/// What the suite finds in `RedisSessionStore` (actix-session 0.11), kept visible.
pub const REDIS_KNOWN_FINDINGS: &[KnownFinding] = &[KnownFinding {
    id: "R1",
    property: Property::TtlEdges,
    violation: Violation::Error,
    observed: "invalid expire time",
    explanation: "RedisSessionStore passes the TTL to `SET .. EX` unchecked, and Redis answers \
                  `ERR invalid expire time` for zero, negative and out-of-range values such as \
                  `Duration::MAX`",
    consequence: "an application whose session TTL is zero or negative (to end sessions at once), \
                  or huge (to make them last forever), fails every login with a 500",
}];

impl Harness for RedisHarness {
    type Store = RedisSessionStore;

    fn name(&self) -> String {
        "redis".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        // Redis keeps its own clock, and the store sends TTLs in whole seconds.
        Capabilities::default()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<RedisSessionStore>> {
        let namespace = self.namespaces.next_name();
        let prefix = namespace.clone();
        let store = RedisSessionStore::builder(self.namespaces.url())
            .cache_keygen(move |key| format!("{prefix}:{key}"))
            .build()
            .await?;
        let client = redis::Client::open(self.namespaces.url())?;
        Ok(Subject::new(store)
            .with_damage(move |key, how| damage(client.clone(), format!("{namespace}:{key}"), how)))
    }
}

async fn damage(client: redis::Client, key: String, how: Damage) -> anyhow::Result<()> {
    let mut connection = client.get_multiplexed_async_connection().await?;
    let value: Option<String> = connection.get(&key).await?;
    let value = value.ok_or_else(|| anyhow::anyhow!("no record to damage"))?;
    let damaged = match how {
        Damage::Overwritten => "\u{0}garbage{".to_owned(),
        Damage::Truncated => value[..value.len() / 2].to_owned(),
    };
    let () = connection.set(&key, damaged).await?;
    Ok(())
}
