//! Certifies the published `actix-session-sqlx-postgres` (actix-session 0.10, through the
//! suite's adapter) on a real PostgreSQL server that each test starts on a free loopback port,
//! as an unprivileged user. Without PostgreSQL each test prints why it did not run, unless
//! `TESTBED_REQUIRE` names postgres (CI sets it), when it fails.
testbed::certify_on_server!(
    "postgres",
    testbed::certified::PostgresHarness::start(),
    testbed::certified::POSTGRES_KNOWN_FINDINGS
);
