//! Real servers on free loopback ports, started for a test, a benchmark or a load run and
//! stopped when dropped.

pub mod postgres;
pub mod redis;

use std::net::{Ipv4Addr, TcpListener};

pub use self::{postgres::PostgresServer, redis::RedisServer};

/// Why no server could be started.
#[derive(Debug)]
pub enum Unavailable {
    /// The server's binaries are not installed; says where they were looked for.
    NotInstalled(&'static str),
    /// They are installed but the server did not come up.
    Failed(String),
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotInstalled(what) => f.write_str(what),
            Self::Failed(why) => write!(f, "the server did not start: {why}"),
        }
    }
}

impl std::error::Error for Unavailable {}

/// A port of 127.0.0.1 that was free a moment ago.
fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

/// Whether a test that needs `server` must fail rather than skip when it cannot start:
/// `TESTBED_REQUIRE` lists servers (`redis,postgres`) or says `all`; CI sets it.
pub fn required(server: &str) -> bool {
    std::env::var("TESTBED_REQUIRE").is_ok_and(|list| {
        list.split(',')
            .map(str::trim)
            .any(|item| item == server || item == "all")
    })
}
