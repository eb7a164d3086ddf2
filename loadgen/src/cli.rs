//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{mix::Mix, server::Backend};

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
    /// The writer process of `crash` (not for direct use).
    #[command(hide = true)]
    CrashWriter(CrashWriterArgs),
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
    /// Redis to use (default: a redis-server started on a free loopback port).
    #[arg(long)]
    pub redis_url: Option<String>,
    /// actix-web worker threads.
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// Pin the server to this CPU core.
    #[arg(long)]
    pub pin_core: Option<usize>,
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
    /// Drive a server that is already running at this URL instead of starting one.
    #[arg(long, conflicts_with = "compare")]
    pub target: Option<String>,
    /// Run the same workload on every available backend, one after another.
    #[arg(long)]
    pub compare: bool,
    /// Redis for the redis backend (default: a redis-server started on a free loopback port).
    #[arg(long)]
    pub redis_url: Option<String>,
    /// Directory of the sled database (default: a temp dir).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Where reports go.
    #[arg(long, default_value = "results/loadgen")]
    pub results: PathBuf,
    /// Worker threads of the example server.
    #[arg(long, default_value_t = 1)]
    pub server_workers: usize,
    /// Do not pin client and server to separate cores.
    #[arg(long)]
    pub no_pin: bool,
    /// Exit non-zero if any violation or error is seen (for CI).
    #[arg(long)]
    pub strict: bool,
}
