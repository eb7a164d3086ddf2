//! `tower-sessions-sqlx-store` 0.15's `SqliteStore`, as published (it implements
//! tower-sessions-core 0.14's trait: certified through the suite's `V0_14`), on a SQLite file in
//! a temp dir (a fresh file per case, migrated by the store's own `migrate`), with its sweep
//! (`delete_expired`) and a damage hook that rewrites the row's `data` blob.

use std::{str::FromStr, time::Duration};

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use tower_sessions_core::ExpiredDeletion as _;
use tower_sessions_sqlx_store::SqliteStore;

use crate::{
    compat::V0_14, Capabilities, Damage, Harness, KnownFinding, Property, Subject, Tower, Violation,
};

/// What the suite finds in tower-sessions-sqlx-store 0.15 on SQLite.
pub const TOWER_SQLITE_KNOWN_FINDINGS: &[KnownFinding] = &[KnownFinding {
    id: "Q1",
    property: Property::TtlEdges,
    violation: Violation::Error,
    observed: "cannot be formatted",
    explanation: "expiry dates are stored as RFC 3339 text, which has no year before 0 or after \
                  9999: an expiry date of year -9999 (`now` saturated by a hugely negative \
                  duration) fails to encode",
    consequence: "only an application whose `Expiry` is a hugely negative duration meets it: \
                  every login then fails",
}];

/// A fresh SQLite file per case.
#[derive(Debug, Clone, Copy, Default)]
pub struct TowerSqliteHarness;

impl Harness for TowerSqliteHarness {
    type Store = Tower<V0_14<SqliteStore>>;

    fn name(&self) -> String {
        "tower sqlite (tower-sessions-sqlx-store 0.15)".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::tower()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        let dir = tempfile::tempdir()?;
        let options = SqliteConnectOptions::from_str("sqlite://sessions.db")?
            .filename(dir.path().join("sessions.db"))
            .create_if_missing(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        let store = SqliteStore::new(pool.clone());
        store.migrate().await?;
        let store = V0_14(store);
        let swept = store.clone();
        Ok(Subject::new(Tower::new(store))
            .with_uncounted_sweep(move || {
                let store = swept.clone();
                async move { Ok(store.delete_expired().await?) }
            })
            .with_damage(move |key, how| damage(pool.clone(), key, how))
            .with_guard(dir))
    }
}

async fn damage(pool: SqlitePool, key: String, how: Damage) -> anyhow::Result<()> {
    let sql = match how {
        Damage::Overwritten => "update tower_sessions set data = x'c1c1c1c1' where id = ?",
        Damage::Truncated => {
            "update tower_sessions set data = substr(data, 1, length(data) / 2) where id = ?"
        }
    };
    let done = sqlx::query(sql).bind(key).execute(&pool).await?;
    anyhow::ensure!(done.rows_affected() == 1, "no row to damage");
    Ok(())
}
