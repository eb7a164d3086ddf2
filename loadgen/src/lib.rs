//! An HTTP load generator for web session stores (actix-session's `SessionStore`): N sessions,
//! each with its own cookie, every answer and every session checked, HDR latency percentiles,
//! against an example actix-web server; for the built-in backends and for your own store. With
//! the reliability tools (kill cycles, hostile input, disk faults, the soak summary).
//!
//! ```text
//! cargo install session-store-loadgen
//! session-store-loadgen --sessions 100000            # sled, embedded
//! session-store-loadgen --sessions 100000 --compare  # sled, memory, cookie, Redis, PostgreSQL
//! ```
//! Reports go to `target/loadgen/` unless `--results` names another directory; every command
//! ends with the paths it wrote and one `PASS` / `FAIL` line with the reason. A bad value on the
//! command line is refused with one line naming the flag and what it accepts (exit status 2).
//!
//! # Your own store
//! Write a [`session_store_conformance::Harness`] for it (the one you certify it with), and a
//! binary:
//! ```no_run
//! # struct MyHarness;
//! # impl session_store_conformance::Harness for MyHarness {
//! #     type Store = session_store_conformance::MemoryStore;
//! #     fn name(&self) -> String { "mine".into() }
//! #     fn capabilities(&self) -> session_store_conformance::Capabilities {
//! #         session_store_conformance::Capabilities::default()
//! #     }
//! #     async fn fresh(&self) -> anyhow::Result<session_store_conformance::Subject<Self::Store>> {
//! #         unimplemented!()
//! #     }
//! # }
//! fn main() -> std::process::ExitCode {
//!     session_store_loadgen::main_with(|| Ok(MyHarness))
//! }
//! ```
//! Depend on this crate with `default-features = false` unless you also want the Redis and
//! PostgreSQL backends beside yours (feature `server-backends`). The harness must be visible to
//! the binary: put it in your library (or a `publish = false` crate of your workspace) and use
//! it from both `tests/` and the binary, since a binary cannot see a test's dev-dependencies.
//!
//! The binary takes the flags of a run (`--help` lists only those that apply), starts itself as
//! the server (a child process, pinned apart from the client), samples its memory, notices if
//! it dies, checks every answer and every session, and labels its reports with the harness's
//! name. `--compare` runs your store and the built-in backends one after another, and reports
//! their ratios (`--backends own,sled,memory` to choose).
//!
//! # Parts
//! - [`engine`]: the load itself: connections and requests ([`engine::client`]), the checks on
//!   every answer ([`engine::checks`]), the request mix, the phases (log in, load, verify) and
//!   their schedule, the measurements, and one run against one server ([`engine::run`]).
//! - [`server`]: the example server, generic over any `SessionStore` a
//!   [`session_store_conformance::Harness`] makes; the built-in backends; the server as a
//!   child process.
//! - [`reliability`]: kill cycles (`crash`), hostile input (`hostile`), disk faults
//!   (`disk-faults`) and `reliability.md` (`reliability`).
//! - [`report`]: a run's JSON and Markdown, the comparison of backends, the plots, the verdict.
//! - [`cli`]: the two command lines and the checks on every value.

pub mod cli;
pub mod engine;
mod entry;
pub mod reliability;
pub mod report;
pub mod server;
mod util;

pub use entry::{main, main_with};
