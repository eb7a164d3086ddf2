//! Ready harnesses for published stores, each behind a feature, so that a team choosing a
//! backend can certify, benchmark or load-test it without writing one; each doubles as a worked
//! example. Their known findings are what this suite finds in each store as published.
//!
//! | feature | harness | store |
//! |---|---|---|
//! | `cookie-store` | `CookieHarness` | actix-session's `CookieSessionStore` |
//! | `redis-store` | `RedisHarness` | actix-session's `RedisSessionStore`, on a real `redis-server` |
//! | `sqlx-postgres-store` | `PostgresHarness` | `actix-session-sqlx-postgres` 0.3.0 (actix-session 0.10), on a real PostgreSQL |
//! | `tower-memory-store` | `TowerMemoryHarness` | tower-sessions' `MemoryStore` |
//! | `tower-moka-store` | `TowerMokaHarness` | `tower-sessions-moka-store` 0.15, capacity 2,000 as its README sets it |
//! | `tower-sqlx-sqlite-store` | `TowerSqliteHarness` | `tower-sessions-sqlx-store` 0.15 on SQLite, a file in a temp dir |
//! | `tower-sqlx-postgres-store` | `TowerPostgresHarness` | `tower-sessions-sqlx-store` 0.15 on a real PostgreSQL |
//! | `tower-sled-store` | `TowerSledSeedHarness` | `tower-sessions-sled-store` 0.2.0 (tower-sessions 0.14), sled in a temp dir |

#[cfg(feature = "cookie-store")]
mod cookie;
#[cfg(feature = "sqlx-postgres-store")]
mod postgres;
#[cfg(feature = "redis-store")]
mod redis;
#[cfg(feature = "tower-memory-store")]
mod tower_memory;
#[cfg(feature = "tower-moka-store")]
mod tower_moka;
#[cfg(feature = "tower-sqlx-postgres-store")]
mod tower_postgres;
#[cfg(feature = "tower-sled-store")]
mod tower_sled_seed;
#[cfg(feature = "tower-sqlx-sqlite-store")]
mod tower_sqlite;

#[cfg(feature = "cookie-store")]
pub use self::cookie::{cookie_capabilities, CookieHarness, COOKIE_MAX_STATE_BYTES};
#[cfg(feature = "sqlx-postgres-store")]
pub use self::postgres::{PostgresHarness, POSTGRES_KNOWN_FINDINGS};
#[cfg(feature = "redis-store")]
pub use self::redis::{RedisHarness, REDIS_KNOWN_FINDINGS};
#[cfg(feature = "tower-memory-store")]
pub use self::tower_memory::TowerMemoryHarness;
#[cfg(feature = "tower-moka-store")]
pub use self::tower_moka::{TowerMokaHarness, MOKA_KNOWN_FINDINGS, MOKA_README_CAPACITY};
#[cfg(feature = "tower-sqlx-postgres-store")]
pub use self::tower_postgres::{TowerPostgresHarness, TOWER_POSTGRES_KNOWN_FINDINGS};
#[cfg(feature = "tower-sled-store")]
pub use self::tower_sled_seed::{TowerSledSeedHarness, SLED_SEED_KNOWN_FINDINGS};
#[cfg(feature = "tower-sqlx-sqlite-store")]
pub use self::tower_sqlite::{TowerSqliteHarness, TOWER_SQLITE_KNOWN_FINDINGS};
