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

#[cfg(feature = "cookie-store")]
mod cookie;
#[cfg(feature = "sqlx-postgres-store")]
mod postgres;
#[cfg(feature = "redis-store")]
mod redis;
#[cfg(feature = "tower-memory-store")]
mod tower_memory;

#[cfg(feature = "cookie-store")]
pub use self::cookie::{cookie_capabilities, CookieHarness, COOKIE_MAX_STATE_BYTES};
#[cfg(feature = "sqlx-postgres-store")]
pub use self::postgres::{PostgresHarness, POSTGRES_KNOWN_FINDINGS};
#[cfg(feature = "redis-store")]
pub use self::redis::{RedisHarness, REDIS_KNOWN_FINDINGS};
#[cfg(feature = "tower-memory-store")]
pub use self::tower_memory::TowerMemoryHarness;
