//! Certifies `tower-sessions-sqlx-store` 0.15 on SQLite (a file in a temp dir).
use session_store_conformance::stores::{TowerSqliteHarness, TOWER_SQLITE_KNOWN_FINDINGS};

session_store_conformance::conformance_tests!(TowerSqliteHarness, TOWER_SQLITE_KNOWN_FINDINGS);
