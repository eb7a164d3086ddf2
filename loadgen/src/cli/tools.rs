//! The flags of the example server and of the reliability tools.

use std::path::PathBuf;

use clap::Args;

use super::checks;
use crate::server::{builtin::Backend, cookies::Security};

/// When the sled backend's writes reach the disk (`actix_session_sled::Durability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DurabilityArg {
    /// Acknowledged from memory, flushed every 500 ms.
    Periodic,
    /// Acknowledged once flushed to disk.
    EveryWrite,
}

impl From<DurabilityArg> for actix_session_sled::Durability {
    fn from(d: DurabilityArg) -> Self {
        match d {
            DurabilityArg::Periodic => Self::Periodic,
            DurabilityArg::EveryWrite => Self::EveryWrite,
        }
    }
}

/// Which durability modes the crash test runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CrashMode {
    EveryWrite,
    Periodic,
    Both,
}

#[derive(Debug, Args, Clone)]
pub struct CrashArgs {
    /// Kill cycles per durability mode.
    #[arg(long, default_value_t = 20, value_parser = checks::count(1u64, 100_000))]
    pub cycles: u64,
    /// Durability modes to test.
    #[arg(long, value_enum, default_value_t = CrashMode::Both)]
    pub durability: CrashMode,
    /// Seed of the kill timings and the writers' choices (default: from the clock).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where the sled directories go (default: a temp dir; a failing cycle's directory is kept).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Where `crash.json` and `crash.md` go.
    #[arg(long, default_value = super::DEFAULT_RESULTS)]
    pub results: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct HostileArgs {
    /// Hostile requests to send.
    #[arg(long, default_value_t = 100_000, value_parser = checks::count(1u64, 100_000_000))]
    pub requests: u64,
    /// Real sessions logged in first, whose cookies the hostile requests are made from.
    #[arg(long, default_value_t = 1_000, value_parser = checks::count(2u64, 1_000_000))]
    pub sessions: u64,
    /// Connections sending at once.
    #[arg(long, default_value_t = 16, value_parser = checks::count(1u64, 1024))]
    pub concurrency: u64,
    /// Backend of the example server.
    #[arg(long, value_enum, default_value_t = Backend::Sled)]
    pub backend: Backend,
    /// Cookie protection of the servers attacked: each gets an equal share of the requests.
    #[arg(long, value_enum, num_args = 1.., default_values_t = [Security::Private, Security::Signed])]
    pub cookie_security: Vec<Security>,
    /// Seed of the hostile requests (default: from the clock).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where `hostile.json` and `hostile.md` go.
    #[arg(long, default_value = super::DEFAULT_RESULTS)]
    pub results: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct DiskFaultArgs {
    /// Where `disk-faults.json` and `disk-faults.md` go.
    #[arg(long, default_value = super::DEFAULT_RESULTS)]
    pub results: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct ReliabilityArgs {
    /// Where `crash.json`, `hostile.json` and `disk-faults.json` are, and `reliability.md` goes.
    #[arg(long, default_value = super::DEFAULT_RESULTS)]
    pub results: PathBuf,
    /// The soak run's `--results` directory.
    #[arg(long, default_value = "target/loadgen/soak")]
    pub soak: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct CrashWriterArgs {
    #[arg(long)]
    pub dir: PathBuf,
    #[arg(long)]
    pub cycle: u64,
    #[arg(long, value_enum)]
    pub durability: CrashMode,
    #[arg(long)]
    pub seed: u64,
    #[arg(long, value_enum)]
    pub front: crate::reliability::crash::Front,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Where sessions live (default: sled in `loadgen`; your own store in a binary of your own).
    #[arg(long, value_enum)]
    pub backend: Option<Backend>,
    /// Address to listen on, `HOST:PORT` (port 0 picks a free one; the chosen address is
    /// printed).
    #[arg(long, default_value = "127.0.0.1:8080", value_parser = socket_address)]
    pub addr: String,
    /// Directory of the sled database (default: a temp dir removed at exit).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// When the sled backend's writes reach the disk.
    #[arg(long, value_enum, default_value_t = DurabilityArg::Periodic)]
    pub durability: DurabilityArg,
    /// The sled store's record cache, in MiB (0 turns it off; default: the store's default).
    #[arg(long, value_parser = checks::count(0u64, 1 << 20))]
    pub sled_cache_mib: Option<u64>,
    /// The Redis of the redis backend (default: a redis-server started here on a free
    /// loopback port); the store's keys go in a namespace of their own.
    #[arg(long, value_parser = checks::url(&["redis", "rediss"], false))]
    pub redis_url: Option<String>,
    /// The PostgreSQL of the postgres backend (`postgres://USER@HOST:PORT/DB`; default: a
    /// server started here on a free loopback port); the store's table goes in a schema of its
    /// own.
    #[arg(long, value_parser = checks::url(&["postgres", "postgresql"], false))]
    pub postgres_url: Option<String>,
    /// actix-web worker threads.
    #[arg(long, default_value_t = 1, value_parser = checks::count(1usize, 256))]
    pub workers: usize,
    /// Pin the server to this CPU core.
    #[arg(long, value_parser = checks::count(0usize, 4095))]
    pub pin_core: Option<usize>,
    /// How the session cookie is protected.
    #[arg(long, value_enum, default_value_t = Security::Private)]
    pub cookie_security: Security,
    /// Read the cookie signing key (64 bytes or more) from this file instead of generating one:
    /// servers that share it accept each other's cookies, and a test can forge valid ones.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
}

/// `HOST:PORT` that resolves to a socket address.
fn socket_address(text: &str) -> Result<String, String> {
    use std::net::ToSocketAddrs as _;
    let resolves = text
        .to_socket_addrs()
        .is_ok_and(|mut addrs| addrs.next().is_some());
    if resolves {
        Ok(text.to_owned())
    } else {
        Err("expected HOST:PORT, like 127.0.0.1:8080".to_owned())
    }
}
