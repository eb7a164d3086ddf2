//! Certifies `tower-sessions-sqlx-store` 0.15 on a real PostgreSQL that each test starts on a
//! free loopback port. Without PostgreSQL each test prints why it did not run, unless
//! `CONFORMANCE_REQUIRE` names postgres (CI sets it), when it fails.
use session_store_conformance::stores::{TowerPostgresHarness, TOWER_POSTGRES_KNOWN_FINDINGS};

session_store_conformance::conformance_tests!(
    server "postgres",
    TowerPostgresHarness::start(),
    TOWER_POSTGRES_KNOWN_FINDINGS
);
