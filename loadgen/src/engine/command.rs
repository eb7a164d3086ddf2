//! The default command: one run (a built-in backend, a store of one's own, or a server at a URL)
//! or `--compare` over the built-in backends, and the reports they write.

use std::{path::Path, process::ExitCode};

use session_store_conformance::fixtures::{self, PostgresServer, RedisServer};

use super::run::{self, Plan};
use crate::{
    cli::RunArgs,
    report::{self, compare::Comparison, Outcome, RunReport},
    server::{builtin::Backend, child::ServerSpec},
};

/// Which servers a run may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Servers {
    /// `loadgen`: its built-in backends.
    Builtin,
    /// A binary of one's own: the store its harness makes.
    Custom,
}

/// Runs what the flags ask; exit 0 for a clean run, 1 for a run with failures, 2 when it could
/// not run.
pub fn main(args: RunArgs, servers: Servers) -> ExitCode {
    if report::build_profile() == "debug" {
        eprintln!(
            "warning: this is an unoptimised build; its figures understate what the server and \
             store can do. Run with `--release` for figures worth comparing."
        );
    }
    let pinned = pins(&args);
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
    match runtime.block_on(execute(&args, servers)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("loadgen: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Pins this process (and the threads it makes from now on) to one core.
pub fn pin(core: usize) {
    if let Err(e) = fixtures::pin_to_core(core) {
        eprintln!("warning: could not pin to core {core}: {e}");
    }
}

/// Whether client and server go on separate cores (1 for the server and the databases it
/// uses, 0 for the client): with two cores or more, unless `--no-pin`. Counts the machine's
/// CPUs, not this process's affinity mask (one core once the client has pinned itself).
pub fn pins(args: &RunArgs) -> bool {
    !args.no_pin && reports::online_cpus() >= 2
}

/// A database a backend needs: at a URL given, or started here on the server's core (so that
/// it outlives each server child, and is stopped at the end), or why there is none.
struct Database {
    url: Option<String>,
    why_not: Option<String>,
    _server: Option<Box<dyn std::any::Any>>,
}

impl Database {
    fn given(url: String) -> Self {
        Self {
            url: Some(url),
            why_not: None,
            _server: None,
        }
    }

    fn missing(why: impl ToString) -> Self {
        Self {
            url: None,
            why_not: Some(why.to_string()),
            _server: None,
        }
    }

    fn redis(args: &RunArgs) -> Self {
        if let Some(url) = &args.redis_url {
            return Self::given(url.clone());
        }
        match RedisServer::start_on(pins(args).then_some(1)) {
            Ok(server) => Self {
                url: Some(server.url()),
                why_not: None,
                _server: Some(Box::new(server)),
            },
            Err(why) => Self::missing(why),
        }
    }

    fn postgres(args: &RunArgs) -> Self {
        if let Some(url) = &args.postgres_url {
            return Self::given(url.clone());
        }
        match PostgresServer::start_on(pins(args).then_some(1)) {
            Ok(server) => Self {
                url: Some(server.url()),
                why_not: None,
                _server: Some(Box::new(server)),
            },
            Err(why) => Self::missing(why),
        }
    }
}

/// The databases of the built-in backends that need one, started once for the whole command.
struct Databases {
    redis: Database,
    postgres: Database,
}

impl Databases {
    fn for_backends(args: &RunArgs, backends: &[Backend]) -> Self {
        let needs = |b: Backend| backends.contains(&b);
        Self {
            redis: if needs(Backend::Redis) {
                Database::redis(args)
            } else {
                Database::missing("not needed")
            },
            postgres: if needs(Backend::Postgres) {
                Database::postgres(args)
            } else {
                Database::missing("not needed")
            },
        }
    }

    /// The server child for `backend`, or why it cannot run.
    fn spec(&self, args: &RunArgs, backend: Backend) -> Result<ServerSpec, String> {
        let database = match backend {
            Backend::Redis => Some(&self.redis),
            Backend::Postgres => Some(&self.postgres),
            _ => None,
        };
        if let Some(database) = database.filter(|d| d.url.is_none()) {
            return Err(database.why_not.clone().unwrap_or_default());
        }
        let mut spec = ServerSpec::builtin(backend);
        spec.redis_url = self.redis.url.clone();
        spec.postgres_url = self.postgres.url.clone();
        Ok(with_run_options(spec, args))
    }
}

fn with_run_options(mut spec: ServerSpec, args: &RunArgs) -> ServerSpec {
    spec.data_dir = args.data_dir.clone();
    spec.sled_cache_mib = args.sled_cache_mib;
    spec.workers = args.server_workers;
    spec.pin_core = pins(args).then_some(1);
    spec
}

/// Runs what was asked; `Ok(true)` when every run was clean.
async fn execute(args: &RunArgs, servers: Servers) -> anyhow::Result<bool> {
    let results = args.results_dir(servers);
    std::fs::create_dir_all(&results)?;
    if !args.compare {
        let (plan, _databases) = match (&args.target, servers) {
            (Some(url), _) => (
                Plan::Target {
                    url: url.clone(),
                    invalidates: !args.target_cannot_invalidate,
                },
                None,
            ),
            (None, Servers::Custom) => (
                Plan::Child(with_run_options(ServerSpec::custom(), args)),
                None,
            ),
            (None, Servers::Builtin) => {
                let databases = Databases::for_backends(args, &[args.backend]);
                let spec = databases.spec(args, args.backend).map_err(|why| {
                    anyhow::anyhow!("the {} backend cannot run: {why}", args.backend.name())
                })?;
                (Plan::Child(spec), Some(databases))
            }
        };
        let report = run::run_one(args, &plan).await?;
        write_run(&report, &results)?;
        report::plot::timeline(&report, &results.join("latest.svg"))?;
        let markdown = report.markdown("latest.svg");
        std::fs::write(results.join("latest.md"), &markdown)?;
        println!("{markdown}");
        return Ok(report.clean());
    }
    let backends = if args.backends.is_empty() {
        Backend::ALL.to_vec()
    } else {
        args.backends.clone()
    };
    let databases = Databases::for_backends(args, &backends);
    let mut runs = Vec::new();
    let mut skipped = Vec::new();
    let mut required_missing = false;
    for backend in backends {
        let spec = match databases.spec(args, backend) {
            Ok(spec) => spec,
            Err(why) => {
                // A missing server skips its backend, unless CONFORMANCE_REQUIRE names it (CI).
                required_missing |= fixtures::required(backend.name());
                skipped.push(format!("{} ({why})", backend.name()));
                continue;
            }
        };
        let report = run::run_one(args, &Plan::Child(spec)).await?;
        write_run(&report, &results)?;
        eprintln!(
            "{}: {:.0} req/s, {} errors, {} violations, {} of {} sessions verified",
            report.label(),
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
    let clean = runs.iter().all(RunReport::clean) && !required_missing;
    let comparison = Comparison::new(runs, skipped);
    report::plot::comparison(&comparison, &results.join("compare.svg"))?;
    let markdown = comparison.markdown("compare.svg");
    reports::write_report(&results, "compare", &comparison, &markdown)?;
    println!("{markdown}");
    Ok(clean)
}

fn write_run(report: &RunReport, dir: &Path) -> anyhow::Result<()> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = dir.join(format!("run-{}-{stamp}.json", report.backend));
    reports::write_json(&path, report)?;
    eprintln!("wrote {}", path.display());
    Ok(())
}
