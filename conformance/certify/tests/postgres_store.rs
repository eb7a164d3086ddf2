//! Certifies the published `actix-session-sqlx-postgres` (actix-session 0.10, through the
//! suite's adapter) on a real PostgreSQL server that each test starts on a free loopback port,
//! as an unprivileged user. Without PostgreSQL each test prints why it did not run, unless
//! `CONFORMANCE_REQUIRE` names postgres (CI sets it), when it fails.
use session_store_conformance::stores::{PostgresHarness, POSTGRES_KNOWN_FINDINGS};

session_store_conformance::conformance_tests!(
    server "postgres",
    PostgresHarness::start(),
    POSTGRES_KNOWN_FINDINGS
);
