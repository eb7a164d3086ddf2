//! The default command: one run (a built-in backend, a store of one's own, or a server at a URL)
//! or `--compare` over several, the reports they write, and the closing verdict.

use std::{path::PathBuf, process::ExitCode};

use session_store_conformance::fixtures::{self, PostgresServer, RedisServer};

use super::run::{self, Plan};
use crate::{
    cli::{checks, BackendOptions, Choice, CompareArgs, LoadArgs, OwnCli, RunArgs},
    report::{self, compare::Comparison, Outcome, RunReport},
    server::{
        builtin::{Backend, EcosystemChoice},
        child::ServerSpec,
    },
};

/// What the command line asked for, from either binary.
#[derive(Debug, Clone)]
pub struct Job {
    pub load: LoadArgs,
    /// The store of a single run.
    pub store: Choice,
    pub compare: CompareArgs,
    pub options: BackendOptions,
    /// The ecosystem of this binary's own store (`main_with`), if it has one.
    pub own: Option<EcosystemChoice>,
}

impl From<RunArgs> for Job {
    fn from(args: RunArgs) -> Self {
        Self {
            load: args.load,
            store: Choice::Builtin(args.backend),
            compare: args.compare,
            options: args.options,
            own: None,
        }
    }
}

impl Job {
    /// The run of a binary whose own store is of `ecosystem`.
    pub fn own(cli: OwnCli, ecosystem: EcosystemChoice) -> Self {
        Self {
            load: cli.load,
            store: Choice::Own,
            compare: cli.compare,
            options: cli.options,
            own: Some(ecosystem),
        }
    }

    /// The stores `--compare` runs: those named, else the own store (if any) and every
    /// built-in backend of the ecosystem this build has.
    fn compared(&self) -> Vec<Choice> {
        if !self.compare.backends.is_empty() {
            return self.compare.backends.clone();
        }
        let ecosystem = self
            .compare
            .ecosystem
            .or(self.own)
            .unwrap_or(EcosystemChoice::Actix);
        let own = self.own.map(|_| Choice::Own);
        own.into_iter()
            .chain(
                Backend::of(ecosystem)
                    .into_iter()
                    .filter(|b| b.in_this_build())
                    .map(Choice::Builtin),
            )
            .collect()
    }

    /// Refuses what the command line let through but this binary or machine cannot do.
    fn check(&self) -> Result<(), String> {
        let stores = if self.compare.compare {
            self.compared()
        } else {
            vec![self.store]
        };
        for store in stores {
            match store {
                Choice::Own if self.own.is_none() => {
                    return Err(
                        "error: `own` names the store of a binary of one's own (main_with); \
                         this binary has none"
                            .to_owned(),
                    )
                }
                Choice::Builtin(b) if !b.in_this_build() => {
                    return Err(format!(
                        "error: this build has no {} backend (session-store-loadgen's feature \
                         `{}`)",
                        b.name(),
                        b.feature()
                    ))
                }
                _ => {}
            }
        }
        checks::writable_dir("--results", &self.load.results_dir())?;
        if let Some(dir) = &self.options.data_dir {
            checks::writable_dir("--data-dir", dir)?;
        }
        Ok(())
    }
}

/// Runs what the flags ask; exit 0 for a clean run, 1 for a run with failures, 2 when it could
/// not run.
pub fn main(job: Job) -> ExitCode {
    if let Err(message) = job.check() {
        return checks::refuse(&message);
    }
    if report::build_profile() == "debug" {
        eprintln!(
            "warning: this is an unoptimised build; its figures understate what the server and \
             store can do. Run with `--release` for figures worth comparing."
        );
    }
    let pinned = pins(&job.load);
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
    match runtime.block_on(execute(&job)) {
        Ok(Closing { written, verdict }) => {
            report::close(&written, &verdict);
            ExitCode::from(if verdict.is_ok() { 0 } else { 1 })
        }
        Err(e) => {
            eprintln!("loadgen: {e:#}");
            eprintln!("FAIL: the run could not go on: {e}");
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
pub fn pins(load: &LoadArgs) -> bool {
    !load.no_pin && reports::online_cpus() >= 2
}

/// A database a backend needs: at a URL given, or started here on the server's core (so that
/// it outlives each server child, and is stopped at the end), or why there is none.
struct Database {
    url: Option<String>,
    why_not: Option<String>,
    _server: Option<Box<dyn std::any::Any>>,
}

impl Database {
    fn missing(why: impl ToString) -> Self {
        Self {
            url: None,
            why_not: Some(why.to_string()),
            _server: None,
        }
    }

    /// The one at `url`, else one `start` brings up.
    fn at_or_start<S: 'static>(
        url: &Option<String>,
        start: impl FnOnce() -> Result<S, fixtures::Unavailable>,
        url_of: impl FnOnce(&S) -> String,
    ) -> Self {
        if let Some(url) = url {
            return Self {
                url: Some(url.clone()),
                why_not: None,
                _server: None,
            };
        }
        match start() {
            Ok(server) => Self {
                url: Some(url_of(&server)),
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
    fn for_stores(job: &Job, stores: &[Choice]) -> Self {
        let needs = |b: Backend| stores.contains(&Choice::Builtin(b));
        let core = pins(&job.load).then_some(1);
        Self {
            redis: if needs(Backend::Redis) {
                let start = || RedisServer::start_on(core);
                Database::at_or_start(&job.options.redis_url, start, RedisServer::url)
            } else {
                Database::missing("not needed")
            },
            postgres: if needs(Backend::Postgres) || needs(Backend::TowerPostgres) {
                let start = || PostgresServer::start_on(core);
                Database::at_or_start(&job.options.postgres_url, start, PostgresServer::url)
            } else {
                Database::missing("not needed")
            },
        }
    }

    /// The server child for `store`, or why it cannot run.
    fn spec(&self, job: &Job, store: Choice) -> Result<ServerSpec, String> {
        let backend = match store {
            Choice::Own => return Ok(with_run_options(ServerSpec::custom(), job)),
            Choice::Builtin(backend) => backend,
        };
        let database = match backend {
            Backend::Redis => Some(&self.redis),
            Backend::Postgres | Backend::TowerPostgres => Some(&self.postgres),
            _ => None,
        };
        if let Some(database) = database.filter(|d| d.url.is_none()) {
            return Err(database.why_not.clone().unwrap_or_default());
        }
        let mut spec = ServerSpec::builtin(backend);
        spec.redis_url = self.redis.url.clone();
        spec.postgres_url = self.postgres.url.clone();
        Ok(with_run_options(spec, job))
    }
}

fn with_run_options(mut spec: ServerSpec, job: &Job) -> ServerSpec {
    spec.data_dir = job.options.data_dir.clone();
    spec.sled_cache_mib = job.options.sled_cache_mib;
    spec.workers = job.load.server_workers;
    spec.pin_core = pins(&job.load).then_some(1);
    spec
}

/// What a command wrote, and its verdict: `Ok(why it passed)` or `Err(why it failed)`.
struct Closing {
    written: Vec<PathBuf>,
    verdict: Result<String, String>,
}

/// Runs what was asked.
async fn execute(job: &Job) -> anyhow::Result<Closing> {
    let results = job.load.results_dir();
    let args = &job.load;
    if !job.compare.compare {
        let (plan, _databases) = match &args.target {
            Some(url) => (
                Plan::Target {
                    url: url.clone(),
                    invalidates: !args.target_cannot_invalidate,
                },
                None,
            ),
            None => {
                let databases = Databases::for_stores(job, &[job.store]);
                let spec = databases.spec(job, job.store).map_err(|why| {
                    anyhow::anyhow!("the {} backend cannot run: {why}", job.store)
                })?;
                (Plan::Child(spec), Some(databases))
            }
        };
        let report = run::run_one(args, &plan).await?;
        let mut written = vec![write_run(&report, &results)?];
        let svg = results.join("latest.svg");
        report::plot::timeline(&report, &svg)?;
        let markdown = report.markdown("latest.svg");
        let md = results.join("latest.md");
        std::fs::write(&md, &markdown)?;
        println!("{markdown}");
        written.extend([md, svg]);
        return Ok(Closing {
            written,
            verdict: report.verdict(),
        });
    }
    let stores = job.compared();
    let databases = Databases::for_stores(job, &stores);
    let mut runs = Vec::new();
    let mut skipped = Vec::new();
    let mut required_missing = Vec::new();
    let mut written = Vec::new();
    let rounds = job.compare.repeat as usize;
    'rounds: for round in 0..rounds {
        // Every other round in reverse, so that no backend always runs first or last.
        let order: Vec<Choice> = if round.is_multiple_of(2) {
            stores.clone()
        } else {
            stores.iter().rev().copied().collect()
        };
        if rounds > 1 {
            eprintln!("round {} of {rounds}", round + 1);
        }
        for store in order {
            let spec = match databases.spec(job, store) {
                Ok(spec) => spec,
                Err(why) => {
                    // A missing server skips its backend, unless CONFORMANCE_REQUIRE names it (CI).
                    if fixtures::required(&store.to_string()) {
                        required_missing.push(store.to_string());
                    }
                    skipped.push(format!("{store} ({why})"));
                    continue;
                }
            };
            let report = run::run_one(args, &Plan::Child(spec)).await?;
            written.push(write_run(&report, &results)?);
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
                break 'rounds;
            }
        }
    }
    skipped.sort();
    skipped.dedup();
    required_missing.sort();
    required_missing.dedup();
    let comparison = Comparison::new(runs, skipped, rounds);
    let svg = results.join("compare.svg");
    report::plot::comparison(&comparison, &svg)?;
    let markdown = comparison.markdown("compare.svg");
    reports::write_report(&results, "compare", &comparison, &markdown)?;
    println!("{markdown}");
    written.extend([
        results.join("compare.md"),
        results.join("compare.json"),
        svg,
    ]);
    let verdict = if required_missing.is_empty() {
        comparison.verdict()
    } else {
        Err(format!(
            "CONFORMANCE_REQUIRE names {}, which could not run",
            required_missing.join(", ")
        ))
    };
    Ok(Closing { written, verdict })
}

fn write_run(report: &RunReport, dir: &std::path::Path) -> anyhow::Result<PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = dir.join(format!("run-{}-{stamp}.json", report.backend));
    reports::write_json(&path, report)?;
    Ok(path)
}
