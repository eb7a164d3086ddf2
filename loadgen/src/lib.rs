//! An HTTP load generator for actix-session stores: N sessions, each with its own cookie, each
//! checked, against an example actix-web server, plus the reliability tools (kill cycles,
//! hostile input, disk faults, the soak summary).
//!
//! # Parts
//! - [`engine`]: the load itself: connections and requests ([`engine::client`]), the checks on
//!   every answer ([`engine::checks`]), the request mix, the phases (log in, load, verify) and
//!   their schedule, the measurements, and one run against one server ([`engine::run`]).
//! - [`server`]: the example server, generic over any `SessionStore` a
//!   [`session_store_conformance::Harness`] makes; the built-in backends; the server as a child process.
//! - [`reliability`]: kill cycles (`crash`), hostile input (`hostile`), disk faults
//!   (`disk-faults`) and `reliability.md` (`reliability`).
//! - [`report`]: a run's JSON and Markdown, the comparison of backends, the plots.
//!
//! # Your own store
//! Write a [`session_store_conformance::Harness`] for it (the one you wrote for the conformance suite does),
//! and a binary:
//! ```no_run
//! # struct MyHarness;
//! # impl session_store_conformance::Harness for MyHarness {
//! #     type Store = session_store_conformance::MemoryStore;
//! #     fn name(&self) -> String { "mine".into() }
//! #     fn capabilities(&self) -> session_store_conformance::Capabilities { session_store_conformance::Capabilities::default() }
//! #     async fn fresh(&self) -> anyhow::Result<session_store_conformance::Subject<Self::Store>> { unimplemented!() }
//! # }
//! fn main() -> std::process::ExitCode {
//!     loadgen::main_with(|| Ok(MyHarness))
//! }
//! ```
//! It takes the same flags as `loadgen`, starts itself as the server (a child process, pinned
//! apart from the client), samples its memory, notices if it dies, checks every answer and every
//! session, and labels its reports with the harness's name. `examples/postgres.rs` does it for
//! the published `actix-session-sqlx-postgres`.

pub mod cli;
pub mod engine;
mod entry;
pub mod reliability;
pub mod report;
pub mod server;
mod util;

pub use entry::{main, main_with};
