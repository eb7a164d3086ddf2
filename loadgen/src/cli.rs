//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{
    engine::{command::Servers, mix::Mix},
    server::{builtin::Backend, cookies::Security},
};

/// Drive an actix-web session server with N sessions, each with its own cookie, and check every
/// answer. With no subcommand: start the example server as a child process, log N sessions in,
/// run the measured phase, verify every session, and write the report to `results/loadgen/`.
#[derive(Debug, Parser)]
#[command(version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the example server alone.
    Serve(ServeArgs),
    /// Kill a writer with SIGKILL at random moments and check what the sled store kept.
    Crash(CrashArgs),
    /// Send hostile requests (malformed, tampered, oversized, non-UTF-8 cookies) and check that
    /// the server neither fails nor hands out another session's data.
    Hostile(HostileArgs),
    /// Damage session records on disk and fill the disk under the example server; check that
    /// it answers clearly and loses nothing.
    DiskFaults(DiskFaultArgs),
    /// Write `reliability.md` from the crash, hostile, disk-fault and soak runs' JSON.
    Reliability(ReliabilityArgs),
    /// The writer process of `crash` (not for direct use).
    #[command(hide = true)]
    CrashWriter(CrashWriterArgs),
}

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
    #[arg(long, default_value_t = 20)]
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
    #[arg(long, default_value = "results")]
    pub results: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct HostileArgs {
    /// Hostile requests to send.
    #[arg(long, default_value_t = 100_000)]
    pub requests: u64,
    /// Real sessions logged in first, whose cookies the hostile requests are made from.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(2..=1_000_000))]
    pub sessions: u64,
    /// Connections sending at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=1024))]
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
    #[arg(long, default_value = "results")]
    pub results: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct DiskFaultArgs {
    /// Where `disk-faults.json` and `disk-faults.md` go.
    #[arg(long, default_value = "results")]
    pub results: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct ReliabilityArgs {
    /// Where `crash.json`, `hostile.json` and `disk-faults.json` are, and `reliability.md` goes.
    #[arg(long, default_value = "results")]
    pub results: PathBuf,
    /// The soak run's `--results` directory.
    #[arg(long, default_value = "results/soak")]
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
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Where sessions live.
    #[arg(long, value_enum, default_value_t = Backend::Sled)]
    pub backend: Backend,
    /// Address to listen on (port 0 picks a free one; the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Directory of the sled database (default: a temp dir removed at exit).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// When the sled backend's writes reach the disk.
    #[arg(long, value_enum, default_value_t = DurabilityArg::Periodic)]
    pub durability: DurabilityArg,
    /// The sled store's record cache, in MiB (0 turns it off; default: the store's default).
    #[arg(long)]
    pub sled_cache_mib: Option<u64>,
    /// The Redis of the redis backend (default: a redis-server started here on a free
    /// loopback port); the store's keys go in a namespace of their own.
    #[arg(long)]
    pub redis_url: Option<String>,
    /// The PostgreSQL of the postgres backend (`postgres://USER@HOST:PORT/DB`; default: a
    /// server started here on a free loopback port); the store's table goes in a schema of its
    /// own.
    #[arg(long)]
    pub postgres_url: Option<String>,
    /// actix-web worker threads.
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// Pin the server to this CPU core.
    #[arg(long)]
    pub pin_core: Option<usize>,
    /// How the session cookie is protected.
    #[arg(long, value_enum, default_value_t = Security::Private)]
    pub cookie_security: Security,
    /// Read the cookie signing key (64 bytes or more) from this file instead of generating one:
    /// servers that share it accept each other's cookies, and a test can forge valid ones.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Number of sessions, each with its own cookie.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub sessions: u64,
    /// Length of the measured phase, in seconds.
    #[arg(long, default_value_t = 30.0)]
    pub duration: f64,
    /// Unmeasured warm-up before the measured phase, in seconds.
    #[arg(long, default_value_t = 2.0)]
    pub warmup: f64,
    /// Keep-alive connections (and concurrent requests) to the server.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub concurrency: u64,
    /// Request mix, in percent: read, increment, renew, relogin (logout then login).
    #[arg(long, default_value = "read=70,increment=25,renew=3,relogin=2")]
    pub mix: Mix,
    /// Open loop at this many requests per second (latency then counts from each request's
    /// intended start). Default: closed loop, as fast as the server answers.
    #[arg(long)]
    pub rate: Option<f64>,
    /// Backend of the example server the run starts.
    #[arg(long, value_enum, default_value_t = Backend::Sled)]
    pub backend: Backend,
    /// Drive a server that is already running at this URL instead of starting one (it must
    /// serve the example API); the run is labelled with the URL.
    #[arg(long, conflicts_with = "compare")]
    pub target: Option<String>,
    /// The `--target` server's store cannot invalidate a session (the cookie store): old
    /// cookies are then not required to be dead after renew and logout.
    #[arg(long, requires = "target")]
    pub target_cannot_invalidate: bool,
    /// Run the same workload on every built-in backend, one after another.
    #[arg(long)]
    pub compare: bool,
    /// The backends `--compare` runs, in order (default: all five).
    #[arg(long, value_enum, value_delimiter = ',', requires = "compare")]
    pub backends: Vec<Backend>,
    /// Redis for the redis backend (default: a redis-server started on a free loopback port).
    #[arg(long)]
    pub redis_url: Option<String>,
    /// PostgreSQL for the postgres backend (default: a server started on a free loopback port,
    /// as an unprivileged user).
    #[arg(long)]
    pub postgres_url: Option<String>,
    /// Directory of the sled database (default: a temp dir).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// The sled store's record cache, in MiB (0 turns it off; default: the store's default).
    #[arg(long)]
    pub sled_cache_mib: Option<u64>,
    /// Where reports go (default: `results/loadgen`, or `results/loadgen/custom` for a binary
    /// of one's own).
    #[arg(long)]
    pub results: Option<PathBuf>,
    /// Worker threads of the example server.
    #[arg(long, default_value_t = 1)]
    pub server_workers: usize,
    /// Do not pin client and server to separate cores.
    #[arg(long)]
    pub no_pin: bool,
    /// Fail the run when the server's RSS over the measured phase spreads by more than this many
    /// percent ((max - min) / min): the soak's check that memory stays flat after the warm-up.
    #[arg(long)]
    pub max_rss_spread: Option<f64>,
}

impl RunArgs {
    /// Where this run's reports go.
    pub fn results_dir(&self, servers: Servers) -> PathBuf {
        self.results.clone().unwrap_or_else(|| match servers {
            Servers::Builtin => PathBuf::from("results/loadgen"),
            Servers::Custom => PathBuf::from("results/loadgen/custom"),
        })
    }
}
