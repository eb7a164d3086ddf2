//! `loadgen`: an HTTP load generator for actix-session stores. See `cli.rs` for the flags and
//! `server/mod.rs` for the example server's API.

mod child;
mod cli;
mod client;
mod compare;
mod cookies;
mod crash;
mod faults;
mod hostile;
mod mix;
mod phases;
mod plot;
mod reliability;
mod report;
mod run;
mod server;
mod sessions;
mod stats;
mod wire;

use std::{path::Path, process::ExitCode};

use clap::Parser;
use testbed::servers::RedisServer;

use crate::{
    cli::{Cli, Command, RunArgs, ServeArgs},
    compare::Comparison,
    report::{Outcome, RunReport},
    server::{Backend, BackendStore},
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        // Colours for a terminal only: a log captured to a file is read by people and tests.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match cli.command {
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Crash(args)) => crash_test(&args),
        Some(Command::Hostile(args)) => hostile::main(&args),
        Some(Command::DiskFaults(args)) => faults::main(&args),
        Some(Command::Reliability(args)) => reliability::main(&args),
        Some(Command::CrashWriter(args)) => {
            let durability = match args.durability {
                cli::CrashMode::Periodic => actix_session_sled::Durability::Periodic,
                _ => actix_session_sled::Durability::EveryWrite,
            };
            match crash::writer(&args.dir, args.cycle, durability, args.seed) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("crash-writer: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        None => run(cli.run),
    }
}

/// `loadgen crash`: the kill cycles, a summary, and `crash.json` / `crash.md` in `--results`.
fn crash_test(args: &cli::CrashArgs) -> ExitCode {
    use actix_session_sled::Durability;
    let seed = args.seed.unwrap_or_else(testbed::machine::clock_seed);
    let temp = tempfile::Builder::new().prefix("loadgen-crash-").tempdir();
    let work_dir = match (&args.dir, &temp) {
        (Some(dir), _) => dir.clone(),
        (None, Ok(temp)) => temp.path().to_owned(),
        (None, Err(e)) => {
            eprintln!("loadgen crash: no temp dir: {e}");
            return ExitCode::from(2);
        }
    };
    let modes: &[Durability] = match args.durability {
        cli::CrashMode::EveryWrite => &[Durability::EveryWrite],
        cli::CrashMode::Periodic => &[Durability::Periodic],
        cli::CrashMode::Both => &[Durability::EveryWrite, Durability::Periodic],
    };
    let mut reports = Vec::new();
    for &mode in modes {
        match crash::run(args.cycles, mode, seed, &work_dir) {
            Ok(report) => {
                eprintln!(
                    "{}: {} cycles, {} acknowledged writes, {} lost (at most {} in a cycle), {} verify faults, {} open failures",
                    report.durability,
                    report.cycles,
                    report.acknowledged_writes,
                    report.lost_writes,
                    report.max_lost_in_a_cycle,
                    report.verify_faults,
                    report.open_failures.len()
                );
                for failure in &report.open_failures {
                    eprintln!("  {failure}");
                }
                reports.push(report);
            }
            Err(e) => {
                eprintln!("loadgen crash: {e:#}");
                return ExitCode::from(2);
            }
        }
    }
    let clean = reports.iter().all(crash::CrashReport::clean);
    if !clean {
        // A failing cycle's directory is evidence: keep the temp dir it lives in.
        if let Ok(temp) = temp {
            eprintln!("kept {} for inspection", temp.keep().display());
        }
    }
    if let Err(e) = crash::write(&reports, &args.results) {
        eprintln!("loadgen crash: cannot write the results: {e:#}");
        return ExitCode::from(2);
    }
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn pin(core: usize) {
    if let Err(e) = testbed::machine::pin_to_core(core) {
        eprintln!("warning: could not pin to core {core}: {e}");
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    if let Some(core) = args.pin_core {
        pin(core);
    }
    let result = actix_web::rt::System::new().block_on(async move {
        let key = match &args.key_file {
            Some(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| anyhow::anyhow!("cannot read the key file: {e}"))?;
                actix_web::cookie::Key::try_from(bytes.as_slice())
                    .map_err(|_| anyhow::anyhow!("the key file must hold 64 bytes or more"))?
            }
            None => actix_web::cookie::Key::generate(),
        };
        let store = BackendStore::open(
            args.backend,
            args.data_dir.clone(),
            args.durability.into(),
            args.redis_url.clone(),
        )
        .await?;
        server::serve(store, &args.addr, args.workers, key, args.cookie_security).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loadgen serve: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: RunArgs) -> ExitCode {
    if report::build_profile() == "debug" {
        eprintln!(
            "warning: this is an unoptimised build; its figures understate what the server and store can do. \
             Run `cargo run --release -p loadgen -- ...` for figures worth comparing."
        );
    }
    let pinned = run::pins(&args);
    if pinned {
        pin(0); // the server child goes on core 1; threads made from here on inherit core 0
    }
    // Pinned to one core, one thread runs everything: no cross-thread wake-ups.
    let mut builder = if pinned {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(reports::online_cpus());
        builder
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("loadgen: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(&args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("loadgen: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A Redis for the redis backend: the one given, or one started here (so it outlives each server
/// child and is stopped at the end), or why there is none.
fn redis_for(args: &RunArgs) -> (Option<String>, Option<RedisServer>, Option<String>) {
    if let Some(url) = &args.redis_url {
        return (Some(url.clone()), None, None);
    }
    // On the server's core, beside the server that uses it, away from the client.
    let core = run::pins(args).then_some(1);
    match RedisServer::start_on(core) {
        Ok(server) => (Some(server.url()), Some(server), None),
        Err(why) => (None, None, Some(why.to_string())),
    }
}

/// Runs what was asked; `Ok(true)` when every run was clean.
async fn execute(args: &RunArgs) -> anyhow::Result<bool> {
    std::fs::create_dir_all(&args.results)?;
    if !args.compare {
        let (redis_url, _redis, why) = if args.backend == Backend::Redis && args.target.is_none() {
            redis_for(args)
        } else {
            (None, None, None)
        };
        if let Some(why) = why {
            anyhow::bail!("the redis backend needs a Redis: {why}");
        }
        let report = run::run_one(args, args.backend, redis_url).await?;
        write_run(&report, &args.results)?;
        plot::timeline(&report, &args.results.join("latest.svg"))?;
        let markdown = report.markdown("latest.svg");
        std::fs::write(args.results.join("latest.md"), &markdown)?;
        println!("{markdown}");
        return Ok(report.clean());
    }
    let (redis_url, _redis, why) = redis_for(args);
    let mut runs = Vec::new();
    let mut skipped = Vec::new();
    for backend in Backend::ALL {
        if backend == Backend::Redis && redis_url.is_none() {
            skipped.push(format!("redis ({})", why.clone().unwrap_or_default()));
            continue;
        }
        let report = run::run_one(args, backend, redis_url.clone()).await?;
        write_run(&report, &args.results)?;
        eprintln!(
            "{}: {:.0} req/s, {} errors, {} violations, {} of {} sessions verified",
            report.backend,
            report.throughput_rps,
            report.total_errors,
            report.total_violations,
            report.distinct_sessions,
            report.sessions
        );
        let stop = report.outcome != Outcome::Completed;
        runs.push(report);
        if stop {
            break;
        }
    }
    let clean = runs.iter().all(RunReport::clean);
    let comparison = Comparison::new(runs, skipped);
    plot::comparison(&comparison, &args.results.join("compare.svg"))?;
    std::fs::write(
        args.results.join("compare.json"),
        serde_json::to_vec_pretty(&comparison)?,
    )?;
    let markdown = comparison.markdown("compare.svg");
    std::fs::write(args.results.join("compare.md"), &markdown)?;
    println!("{markdown}");
    Ok(clean)
}

fn write_run(report: &RunReport, dir: &Path) -> anyhow::Result<()> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = dir.join(format!("run-{}-{stamp}.json", report.backend));
    std::fs::write(&path, serde_json::to_vec_pretty(report)?)?;
    eprintln!("wrote {}", path.display());
    Ok(())
}
