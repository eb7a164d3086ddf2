//! The command line's entry points: the built-in `loadgen`, and a binary of one's own store.

use std::process::ExitCode;

use session_store_conformance::Harness;

use crate::{
    cli::{checks, Cli, Command, OwnCli, OwnCommand},
    engine::command::{self, Job},
    reliability,
    server::{self, Served},
};

fn init_tracing() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                // tower-sessions warns of "suspicious activity" on every cookie whose session
                // is gone; the load replays such cookies on purpose (after renew and logout).
                .unwrap_or_else(|_| {
                    tracing_subscriber::EnvFilter::new("warn,tower_sessions_core::session=error")
                }),
        )
        .with_writer(std::io::stderr)
        // Colours for a terminal only: a log captured to a file is read by people and tests.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

/// `loadgen`: the built-in backends (sled, memory, cookie, and with feature `server-backends`
/// Redis and PostgreSQL) and every tool.
pub fn main() -> ExitCode {
    let cli: Cli = checks::parse();
    init_tracing();
    match cli.command {
        Some(Command::Serve(args)) => server::builtin::serve_main(args),
        Some(Command::Crash(args)) => reliability::crash::main(&args),
        Some(Command::CrashWriter(args)) => reliability::crash::writer_main(&args),
        Some(Command::Hostile(args)) => reliability::hostile::main(&args),
        Some(Command::DiskFaults(args)) => reliability::faults::main(&args),
        Some(Command::Reliability(args)) => reliability::summary::main(&args),
        None => command::main(Job::from(cli.run)),
    }
}

/// The load generator for the stores `open` makes, in a binary of one's own (an actix-session
/// store, or a tower-sessions store in the suite's `Tower`, served by the example server of its
/// ecosystem): the flags of a run
/// (`--help` lists them), the same run, reports labelled with the harness's name. `open` runs
/// in the server process (this binary started again as the server), once. `--compare` runs your
/// store and the built-in backends of its ecosystem this build has (`--backends own,sled,memory`
/// or `--ecosystem` to choose).
///
/// The reliability tools (`crash`, `hostile`, `disk-faults`), which test the sled store and the
/// built-in backends, belong to the `session-store-loadgen` binary.
pub fn main_with<H: Harness>(open: impl FnOnce() -> anyhow::Result<H>) -> ExitCode
where
    H::Store: Served,
{
    let cli: OwnCli = checks::parse();
    init_tracing();
    match cli.command {
        Some(OwnCommand::Serve(args)) => server::serve_main(args, open),
        None => command::main(Job::own(cli, H::Store::ECOSYSTEM)),
    }
}
