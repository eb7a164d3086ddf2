//! `actix-session-sqlx-postgres` 0.3.0, used exactly as published, on a real PostgreSQL
//! ([`fixtures::postgres`]: the one `CONFORMANCE_POSTGRES_URL` names, or a server started on a
//! free loopback port). The worked example of the suite's docs, in full.
//!
//! The store's table name is fixed (`sessions`) and it ships no migration; its schema is the one
//! in its own tests. Each fresh store gets its own PostgreSQL schema holding that table, and a
//! pool whose connections set `search_path` to it, so stores never see each other's sessions;
//! the teardown drops the schema. The store is built on actix-session 0.10, so the suite calls
//! it through [`V0_10`].
//!
//! Damage: `Overwritten` replaces the row's state with a JSON string (jsonb accepts only valid
//! JSON, so the nearest thing to garbage is a value that is not a map); `Truncated` sets it to
//! NULL, the only incomplete value the column (nullable in the store's schema) accepts.

use std::{str::FromStr, sync::Arc};

use actix_session_sqlx_postgres::SqlxPostgresqlSessionStore;
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    Connection as _, PgConnection, PgPool,
};

use crate::{
    compat::V0_10,
    fixtures::{self, Backend, Namespaces, Unavailable},
    Capabilities, Damage, Harness, KnownFinding, Property, Subject, Violation,
};

/// Connections per store's pool: enough for requests to overlap, as in an application.
const POOL_CONNECTIONS: u32 = 8;

/// The table, as the store's own tests create it.
const TABLE: &str = "CREATE TABLE sessions (
    key TEXT PRIMARY KEY NOT NULL,
    session_state JSONB,
    expires TIMESTAMP WITH TIME ZONE NOT NULL
)";

/// Fresh schemas on a PostgreSQL server.
#[derive(Debug)]
pub struct PostgresHarness {
    schemas: Namespaces,
}

impl PostgresHarness {
    /// On [`fixtures::postgres`]: the server `CONFORMANCE_POSTGRES_URL` names, or one started
    /// here and owned for as long as the harness lives.
    pub fn start() -> Result<Self, Unavailable> {
        Ok(Self::connect_to(fixtures::postgres()?))
    }

    /// Uses the server at `url` (`postgres://USER@HOST:PORT/DB`).
    pub fn connect(url: impl Into<String>) -> Self {
        Self::connect_to(Backend::external(url))
    }

    fn connect_to(backend: Backend) -> Self {
        Self {
            schemas: Namespaces::new(backend),
        }
    }

    fn options(&self) -> anyhow::Result<PgConnectOptions> {
        Ok(PgConnectOptions::from_str(self.schemas.url())?)
    }

    async fn admin(&self) -> anyhow::Result<PgConnection> {
        Ok(PgConnection::connect_with(&self.options()?).await?)
    }
}

/// What the suite finds in actix-session-sqlx-postgres 0.3.0, kept visible.
pub const POSTGRES_KNOWN_FINDINGS: &[KnownFinding] = &[
    KnownFinding {
        id: "P1",
        property: Property::Lifecycle,
        violation: Violation::DeadKeyReturned,
        observed: "the write is lost",
        explanation: "`update` of a key with no row (deleted, or never issued) runs an UPDATE that \
                      matches nothing and returns the key as if the state were saved",
        consequence: "a change racing a logout (or a cleanup that deletes the row) is answered as \
                      saved and silently lost; the next request starts an empty session",
    },
    KnownFinding {
        id: "P2",
        property: Property::Expiry,
        violation: Violation::DeadKeyReturned,
        observed: "live again under its old key",
        explanation: "`update` of an expired session rewrites the expired row with a new expiry \
                      (its UPDATE has no `expires > NOW()` condition) and keeps the key",
        consequence: "a session that expires during a request that changes it comes back to life \
                      under its old cookie instead of starting fresh",
    },
    KnownFinding {
        id: "P3",
        property: Property::Expiry,
        violation: Violation::Revived,
        observed: "after update_ttl",
        explanation: "`update_ttl` of an expired session gives the expired row a new expiry (no \
                      `expires > NOW()` condition either)",
        consequence: "under TtlExtensionPolicy::OnEveryRequest, a session that expires while a \
                      request reads it is extended instead of ending",
    },
    KnownFinding {
        id: "P4",
        property: Property::TtlEdges,
        violation: Violation::Panic,
        observed: "TimeDelta::seconds out of bounds",
        explanation: "the expiry is computed with `chrono::Duration::seconds(ttl.whole_seconds())`, \
                      which panics for a TTL beyond chrono's range (`Duration::MAX`, \
                      `Duration::MIN`)",
        consequence: "an application that sets a huge session TTL (`Duration::MAX`, for sessions \
                      that never end) panics on every login: actix drops the connection without an \
                      answer",
    },
    KnownFinding {
        id: "P5",
        property: Property::TtlEdges,
        violation: Violation::Panic,
        observed: "overflowed",
        explanation: "`Utc::now() + chrono::Duration::seconds(ttl)` panics on overflow for TTLs \
                      within chrono's range but past the year 262143 (`Duration::seconds(i64::MAX \
                      / 1000)`)",
        consequence: "as above, for TTLs of a few hundred thousand years and more",
    },
    KnownFinding {
        id: "P6",
        property: Property::DamagedRecords,
        violation: Violation::Panic,
        observed: "UnexpectedNullError",
        explanation: "`load` reads the state with sqlx's `Row::get`, which panics on a NULL \
                      `session_state`, a value the store's own schema allows",
        consequence: "a session row whose state became NULL (a manual fix, a migration) makes every \
                      request with that cookie panic: actix drops the connection without an answer, \
                      and the user cannot even log in again until the cookie is gone",
    },
];

impl Harness for PostgresHarness {
    type Store = V0_10<SqlxPostgresqlSessionStore>;

    fn name(&self) -> String {
        "postgres (actix-session-sqlx-postgres 0.3.0)".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        // Every default: it invalidates, enforces TTLs (in SQL, against the server's clock, in
        // whole seconds computed on the client), keeps keys, uses actix-session's key shape,
        // has no size limit and no clock the suite can move.
        Capabilities::default()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        let schema = self.schemas.next_name();
        let mut admin = self.admin().await?;
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut admin)
            .await?;
        sqlx::query(&TABLE.replace("sessions", &format!("{schema}.sessions")))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(POOL_CONNECTIONS)
            .connect_lazy_with(self.options()?.options([("search_path", schema.as_str())]));
        let store = SqlxPostgresqlSessionStore::from_pool(Arc::new(pool.clone()));
        let options = self.options()?;
        Ok(Subject::new(V0_10(store))
            .with_damage({
                let pool = pool.clone();
                move |key, how| damage(pool.clone(), key, how)
            })
            .with_teardown(move || drop_schema(options, schema)))
    }
}

async fn damage(pool: PgPool, key: String, how: Damage) -> anyhow::Result<()> {
    let value = match how {
        Damage::Overwritten => "'\"not a session\"'::jsonb",
        Damage::Truncated => "NULL",
    };
    let done = sqlx::query(&format!(
        "UPDATE sessions SET session_state = {value} WHERE key = $1"
    ))
    .bind(key)
    .execute(&pool)
    .await?;
    anyhow::ensure!(done.rows_affected() == 1, "no row to damage");
    Ok(())
}

async fn drop_schema(options: PgConnectOptions, schema: String) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect_with(&options).await?;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    Ok(())
}
