//! The command lines: the built-in `loadgen` ([`Cli`]) and a binary of one's own store
//! ([`OwnCli`], through `main_with`). Both share the flags of a run ([`LoadArgs`]); each shows
//! only the flags that apply to it. Every value is checked while it is parsed ([`checks`]).

pub mod checks;
mod tools;

use std::{fmt, path::PathBuf, str::FromStr};

use clap::{Args, Parser, Subcommand};

pub use self::tools::{
    CrashArgs, CrashMode, CrashWriterArgs, DiskFaultArgs, DurabilityArg, HostileArgs,
    ReliabilityArgs, ServeArgs,
};
use crate::{
    engine::mix::Mix,
    server::builtin::{Backend, EcosystemChoice},
};

/// Where a run writes its reports unless `--results` says otherwise: under the build
/// directory, never over the reports a repository keeps.
pub const DEFAULT_RESULTS: &str = "target/loadgen";

/// Drive an actix-web session server with N sessions, each with its own cookie, and check every
/// answer. With no subcommand: start the example server as a child process, log N sessions in,
/// run the measured phase, verify every session, and write the reports (to `target/loadgen/`
/// unless `--results` names another directory).
#[derive(Debug, Parser)]
#[command(
    version,
    args_conflicts_with_subcommands = true,
    allow_negative_numbers = true
)]
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

/// The load generator on your own store: start your store's server as a child process, log N
/// sessions in, run the measured phase, verify every session, and write the reports (to
/// `target/loadgen/` unless `--results` names another directory). `--compare` runs the same
/// workload on your store and on the built-in backends, one after another.
#[derive(Debug, Parser)]
#[command(args_conflicts_with_subcommands = true, allow_negative_numbers = true)]
pub struct OwnCli {
    #[command(subcommand)]
    pub command: Option<OwnCommand>,
    #[command(flatten)]
    pub load: LoadArgs,
    #[command(flatten)]
    pub compare: CompareArgs,
    #[command(flatten)]
    pub options: BackendOptions,
}

#[derive(Debug, Subcommand)]
pub enum OwnCommand {
    /// The server process (started by the load run; not for direct use).
    #[command(hide = true)]
    Serve(ServeArgs),
}

/// What one run does, whichever store it drives.
#[derive(Debug, Args, Clone)]
pub struct LoadArgs {
    /// Number of sessions, each with its own cookie.
    #[arg(long, default_value_t = 100_000, value_parser = checks::count(1u64, 10_000_000))]
    pub sessions: u64,
    /// Length of the measured phase, in seconds.
    #[arg(long, default_value_t = 30.0, value_parser = checks::number(0.0, 604_800.0, "seconds"))]
    pub duration: f64,
    /// Unmeasured warm-up before the measured phase, in seconds.
    #[arg(long, default_value_t = 2.0, value_parser = checks::number_from(0.0, 86_400.0, "seconds"))]
    pub warmup: f64,
    /// Keep-alive connections (and concurrent requests) to the server.
    #[arg(long, default_value_t = 64, value_parser = checks::count(1u64, 4096))]
    pub concurrency: u64,
    /// Request mix, in percent: read, increment, renew, relogin (logout then login).
    #[arg(long, default_value = "read=70,increment=25,renew=3,relogin=2")]
    pub mix: Mix,
    /// Open loop at this many requests per second (latency then counts from each request's
    /// intended start). Default: closed loop, as fast as the server answers.
    #[arg(long, value_parser = checks::number(0.0, 10_000_000.0, "requests per second"))]
    pub rate: Option<f64>,
    /// Drive a server that is already running at this URL (`http://HOST:PORT`) instead of
    /// starting one (it must serve the example API); the run is labelled with the URL.
    #[arg(long, conflicts_with = "compare", value_parser = checks::url(&["http"], true))]
    pub target: Option<String>,
    /// The `--target` server's store cannot invalidate a session (the cookie store): old
    /// cookies are then not required to be dead after renew and logout.
    #[arg(long, requires = "target")]
    pub target_cannot_invalidate: bool,
    /// Where reports go (default: `target/loadgen`).
    #[arg(long)]
    pub results: Option<PathBuf>,
    /// Worker threads of the example server.
    #[arg(long, default_value_t = 1, value_parser = checks::count(1usize, 256))]
    pub server_workers: usize,
    /// Do not pin client and server to separate cores.
    #[arg(long)]
    pub no_pin: bool,
    /// Fail the run when the server's RSS over the measured phase spreads by more than this many
    /// percent ((max - min) / min): the soak's check that memory stays flat after the warm-up.
    #[arg(long, value_parser = checks::number(0.0, 1_000.0, "a percentage"))]
    pub max_rss_spread: Option<f64>,
}

impl LoadArgs {
    /// Where this run's reports go.
    pub fn results_dir(&self) -> PathBuf {
        self.results
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_RESULTS))
    }
}

/// Options of the built-in backends.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Built-in backends")]
pub struct BackendOptions {
    /// Redis for the redis backend (default: a redis-server started on a free loopback port).
    #[arg(long, value_parser = checks::url(&["redis", "rediss"], false))]
    pub redis_url: Option<String>,
    /// PostgreSQL for the postgres backend (default: a server started on a free loopback port,
    /// as an unprivileged user).
    #[arg(long, value_parser = checks::url(&["postgres", "postgresql"], false))]
    pub postgres_url: Option<String>,
    /// Directory of the sled database (default: a temp dir).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// The sled store's record cache, in MiB (0 turns it off; default: the store's default).
    #[arg(long, value_parser = checks::count(0u64, 1 << 20))]
    pub sled_cache_mib: Option<u64>,
}

/// `--compare` and the backends it runs.
#[derive(Debug, Args, Clone, Default)]
pub struct CompareArgs {
    /// Run the same workload on several backends, one after another, and compare them.
    #[arg(long)]
    pub compare: bool,
    /// The backends `--compare` runs, in order: `own` (in a binary of one's own store) and any
    /// built-in backend (`--backend` lists them). Default: `own`, then every backend of
    /// `--ecosystem` this build has.
    #[arg(long, value_delimiter = ',', requires = "compare")]
    pub backends: Vec<Choice>,
    /// Whose built-in backends `--compare` runs by default (default: actix, or the ecosystem of
    /// a binary's own store).
    #[arg(long, value_enum, requires = "compare", conflicts_with = "backends")]
    pub ecosystem: Option<EcosystemChoice>,
    /// Run the comparison this many rounds in one sitting, the backends' order reversed every
    /// other round, and report each ratio as the median of its rounds with their spread (a
    /// ratio whose spread exceeds its distance to the target is undecided).
    #[arg(long, default_value_t = 1, requires = "compare", value_parser = checks::count(1u64, 100))]
    pub repeat: u64,
}

/// The built-in `loadgen`'s run.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// Backend of the example server the run starts.
    #[arg(long, value_enum, default_value_t = Backend::Sled)]
    pub backend: Backend,
    #[command(flatten)]
    pub compare: CompareArgs,
    #[command(flatten)]
    pub options: BackendOptions,
}

/// A store a run drives: the one of a binary of one's own, or a built-in backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The store `main_with`'s harness makes.
    Own,
    /// A built-in backend.
    Builtin(Backend),
}

impl FromStr for Choice {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "own" {
            return Ok(Choice::Own);
        }
        let every = || Backend::of(EcosystemChoice::Both).into_iter();
        every()
            .find(|b| b.name() == text)
            .map(Choice::Builtin)
            .ok_or_else(|| {
                let names: Vec<_> = every().map(Backend::name).collect();
                format!("expected own, {}, not `{text}`", names.join(", "))
            })
    }
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::Own => f.write_str("own"),
            Choice::Builtin(backend) => f.write_str(backend.name()),
        }
    }
}
