//! Bring your own store: the whole load run against `actix-session-sqlx-postgres` 0.3.0 (as
//! published, on a PostgreSQL server this binary starts on a free loopback port), in a dozen
//! lines.
//!
//! ```text
//! cargo run --release -p loadgen --example postgres -- --sessions 10000
//! ```
//!
//! A store needs a `conformance::Harness`: how to make a fresh store, and what it promises. This
//! project's harness for this store is `testbed/src/certified/postgres.rs`, the one the
//! conformance suite certifies it with: a schema per fresh store, a pool whose connections use
//! it, a teardown that drops it. Hand a way to open it to `session_store_loadgen::main_with`, which takes the
//! same flags as `loadgen`. The binary starts itself again as the server (`serve`), in a child
//! process pinned to its own core, opens the harness there, and drives it: N sessions, each
//! with its own cookie, every answer and every session checked, the server's memory sampled, its
//! death noticed. The reports (`results/loadgen/custom/` unless `--results` says otherwise) are
//! labelled with the harness's name.

use session_store_conformance::stores::PostgresHarness;

fn main() -> std::process::ExitCode {
    // Runs in the server process: starts PostgreSQL (as the unprivileged `postgres` user when
    // this runs as root) and stops it when the server stops.
    session_store_loadgen::main_with(|| Ok(PostgresHarness::start()?))
}
