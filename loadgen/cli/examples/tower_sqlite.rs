//! Bring your own tower-sessions store: the whole load run against `tower-sessions-sqlx-store`
//! 0.15 on SQLite (as published, a file in a temp dir), served by the axum example server behind
//! `SessionManagerLayer`.
//!
//! ```text
//! cargo run --release -p loadgen --example tower_sqlite -- --sessions 10000
//! ```
//!
//! The same `main_with` as for an actix-session store (see `postgres.rs`): the harness's store
//! type, `Tower<...>`, decides which example server runs. `--compare` puts the store beside the
//! built-in tower-sessions backends.

use session_store_conformance::stores::TowerSqliteHarness;

fn main() -> std::process::ExitCode {
    session_store_loadgen::main_with(|| Ok(TowerSqliteHarness))
}
