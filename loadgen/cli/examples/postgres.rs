//! Bring your own store: the whole load run against `actix-session-sqlx-postgres` 0.3.0 (as
//! published, on a PostgreSQL server this binary starts on a free loopback port), in a dozen
//! lines.
//!
//! ```text
//! cargo run --release -p loadgen --example postgres -- --sessions 10000
//! ```
//!
//! A store needs a `session_store_conformance::Harness`: how to make a fresh store, and what
//! it promises. The suite's ready harness for this store, `conformance/src/stores/postgres.rs`
//! (feature `sqlx-postgres-store`), is the one this project certifies it with: a schema per
//! fresh store, a pool whose connections use it, a teardown that drops it. Hand a way to open
//! it to `session_store_loadgen::main_with`, which takes the flags of a run. The binary starts
//! itself again as the server (`serve`), in a child process pinned to its own core, opens the
//! harness there, and drives it: N sessions, each with its own cookie, every answer and every
//! session checked, the server's memory sampled, its death noticed. The reports
//! (`target/loadgen/` unless `--results` says otherwise) are labelled with the harness's name;
//! `--compare` puts it beside the built-in backends.

use session_store_conformance::stores::PostgresHarness;

fn main() -> std::process::ExitCode {
    // Runs in the server process: starts PostgreSQL (as the unprivileged `postgres` user when
    // this runs as root) and stops it when the server stops.
    session_store_loadgen::main_with(|| Ok(PostgresHarness::start()?))
}
