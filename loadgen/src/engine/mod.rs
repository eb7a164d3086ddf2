//! The load engine: N sessions over C keep-alive connections, each answer checked.
//!
//! A run has three phases ([`phases`]): log every session in (unmeasured), load the server for
//! the measured time in the [`mix`] (closed loop, or open loop on a schedule of intended start
//! times), then read every session once more. Each client task owns one connection
//! ([`client`]) and a share of the sessions ([`sessions`], each cookie kept compactly by [`compact_cookie`]), so every expectation is exact and
//! nothing is locked; [`checks`] judges every answer; [`stats`] records latency in one HDR
//! histogram per task, merged at the end. [`run`] drives one run against one server,
//! [`command`] the command line's run (one backend, a custom store, or `--compare`).

pub mod checks;
pub mod client;
pub mod command;
pub mod compact_cookie;
pub mod mix;
pub mod phases;
pub mod run;
pub mod sessions;
pub mod stats;
