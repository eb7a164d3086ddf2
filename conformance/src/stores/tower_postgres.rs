//! `tower-sessions-sqlx-store` 0.15's `PostgresStore`, as published (it implements
//! tower-sessions-core 0.14's trait: certified through the suite's `V0_14`), on a real PostgreSQL
//! ([`fixtures::postgres`]): a schema per fresh store (the store's `with_schema_name`, migrated
//! by its own `migrate`), its sweep (`delete_expired`), and a damage hook that rewrites the
//! row's `data`.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use tower_sessions_core::ExpiredDeletion as _;
use tower_sessions_sqlx_store::PostgresStore;

use crate::{
    compat::V0_14,
    fixtures::{self, Backend, Namespaces, Unavailable},
    Capabilities, Damage, Harness, KnownFinding, Property, Subject, Tower, Violation,
};

/// Fresh schemas on a PostgreSQL server.
#[derive(Debug)]
pub struct TowerPostgresHarness {
    schemas: Namespaces,
}

impl TowerPostgresHarness {
    /// On [`fixtures::postgres`].
    pub fn start() -> Result<Self, Unavailable> {
        Ok(Self::connect_to(fixtures::postgres()?))
    }

    /// Uses the server at `url`.
    pub fn connect(url: impl Into<String>) -> Self {
        Self::connect_to(Backend::external(url))
    }

    fn connect_to(backend: Backend) -> Self {
        Self {
            schemas: Namespaces::new(backend),
        }
    }
}

/// What the suite finds in tower-sessions-sqlx-store 0.15's `PostgresStore`.
pub const TOWER_POSTGRES_KNOWN_FINDINGS: &[KnownFinding] = &[
    KnownFinding {
        id: "T1",
        property: Property::Races,
        violation: Violation::CrossedSession,
        observed: "two creates under one key both kept it",
        explanation: "`create` checks that the id is free (`select exists`) and then upserts, in \
                      a transaction at PostgreSQL's default READ COMMITTED: two creates racing \
                      under one id both see it free, and the second overwrites the first",
        consequence: "the collision handling of tower-sessions issue #180 does not hold under \
                      concurrency; with random 128-bit ids a collision is practically \
                      impossible, so the risk is in ids that are not random",
    },
    KnownFinding {
        id: "T2",
        property: Property::TtlEdges,
        violation: Violation::Error,
        observed: "timestamp out of range",
        explanation: "PostgreSQL's timestamptz starts in 4713 BC: an expiry date of year -9999 \
                      (`now` saturated by a hugely negative duration) is refused",
        consequence: "only an application whose `Expiry` is a hugely negative duration meets it: \
                      every login then fails",
    },
];

impl Harness for TowerPostgresHarness {
    type Store = Tower<V0_14<PostgresStore>>;

    fn name(&self) -> String {
        "tower postgres (tower-sessions-sqlx-store 0.15)".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        // timestamptz keeps microseconds.
        Capabilities::tower()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        let schema = self.schemas.next_name();
        let options = PgConnectOptions::from_str(self.schemas.url())?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_lazy_with(options);
        let store = PostgresStore::new(pool.clone())
            .with_schema_name(&schema)
            .map_err(anyhow::Error::msg)?;
        store.migrate().await?;
        let store = V0_14(store);
        let swept = store.clone();
        let damaged = (pool.clone(), schema.clone());
        Ok(Subject::new(Tower::new(store))
            .with_uncounted_sweep(move || {
                let store = swept.clone();
                async move { Ok(store.delete_expired().await?) }
            })
            .with_damage(move |key, how| damage(damaged.0.clone(), damaged.1.clone(), key, how))
            .with_teardown(move || drop_schema(pool, schema)))
    }
}

async fn damage(pool: PgPool, schema: String, key: String, how: Damage) -> anyhow::Result<()> {
    let data = match how {
        Damage::Overwritten => "'\\xc1c1c1c1'::bytea",
        Damage::Truncated => "substring(data from 1 for length(data) / 2)",
    };
    let sql = format!(r#"update "{schema}"."session" set data = {data} where id = $1"#);
    let done = sqlx::query(&sql).bind(key).execute(&pool).await?;
    anyhow::ensure!(done.rows_affected() == 1, "no row to damage");
    Ok(())
}

async fn drop_schema(pool: PgPool, schema: String) -> anyhow::Result<()> {
    sqlx::query(&format!(r#"drop schema "{schema}" cascade"#))
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(())
}
