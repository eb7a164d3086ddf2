//! One run against one server: the server started as a child process (or reached at a URL),
//! the three phases with a live progress bar, the server's memory sampled and its death
//! noticed, and the report filled in.

use std::{
    sync::{atomic::Ordering::Relaxed, Arc},
    time::{Duration, Instant},
};

use indicatif::{ProgressBar, ProgressStyle};
use tokio::task::JoinSet;

use super::{
    client::Target,
    compact_cookie::CompactCookie,
    phases::{self, Load},
    sessions::ClientSession,
    stats::{Recorder, Shared, MEASURE, STOP},
};
use crate::{
    cli::LoadArgs,
    report::{Outcome, RunReport},
    server::child::{own_usage, ServerChild, ServerSpec},
};

/// Which server a run drives.
pub enum Plan {
    /// This binary started again as the server, as the spec says.
    Child(ServerSpec),
    /// A server already running at this URL, whose store invalidates sessions or not.
    Target { url: String, invalidates: bool },
}

/// Runs the workload against the server `plan` names.
pub async fn run_one(args: &LoadArgs, plan: &Plan) -> anyhow::Result<RunReport> {
    let mut server = match plan {
        Plan::Child(spec) => Some(ServerChild::spawn(spec)?),
        Plan::Target { .. } => None,
    };
    let (base, label, backend, invalidates) = match (plan, &server) {
        (Plan::Target { url, invalidates }, _) => (
            url.clone(),
            format!("target {url}"),
            "target".to_owned(),
            *invalidates,
        ),
        (Plan::Child(spec), Some(child)) => (
            child.base_url.clone(),
            child.store.clone(),
            spec.backend.map_or("own", |b| b.name()).to_owned(),
            child.invalidates,
        ),
        (Plan::Child(_), None) => unreachable!("a child plan starts a server"),
    };
    wait_until_up(&base).await?;
    let target = Target::new(&base, invalidates)?;
    let shared = Arc::new(Shared::new());
    let mut report = RunReport::new(args, &label, &backend);
    eprintln!(
        "{label}: logging in {} sessions over {} connections",
        args.sessions, args.concurrency
    );

    let started = Instant::now();
    let bar = counter_bar(args.sessions, "login");
    let login = phases::login(&target, args.sessions, args.concurrency, &shared);
    let (shares, login_recorder) = with_progress(login, &bar, &shared).await;
    bar.finish_and_clear();
    report.login(
        started.elapsed(),
        shares.iter().map(|s| s.len() as u64).sum(),
    );
    let mut recorder = Recorder::new(shared.clone());
    recorder.merge(&login_recorder);

    let load = Arc::new(Load {
        mix: args.mix,
        interval: args
            .rate
            .map(|rate| Duration::from_secs_f64(args.concurrency as f64 / rate)),
    });
    let mut workers = JoinSet::new();
    for (seed, mine) in shares.into_iter().enumerate() {
        workers.spawn(phases::work(
            target.clone(),
            load.clone(),
            mine,
            shared.clone(),
            seed as u64,
        ));
    }
    let (cpu_before, _) = own_usage();
    let outcome = drive(args, &shared, server.as_mut(), &mut report).await;
    shared.phase.store(STOP, Relaxed);
    let measured = shared
        .measure_start
        .get()
        .map_or(Duration::ZERO, Instant::elapsed);
    let mut shares = Vec::new();
    while let Some(joined) = workers.join_next().await {
        if let Ok((mine, worker_recorder)) = joined {
            recorder.merge(&worker_recorder);
            shares.push(mine);
        }
    }
    let (cpu_after, max_rss) = own_usage();
    report.client(cpu_after - cpu_before, max_rss);

    if outcome == Outcome::Completed {
        eprintln!("{label}: checking every session");
        let (good, verify_recorder) = phases::verify(&target, shares, &shared).await;
        recorder.merge(&verify_recorder);
        report.distinct_sessions = distinct_cookies(&good);
        // The client's peak over the whole run, the check of every session included
        // (`ru_maxrss` is the process's peak so far).
        report.client_max_rss_bytes = own_usage().1;
    }
    if let Some(server) = server.as_mut() {
        report.server_rss_bytes = report.server_rss_bytes.max(server.rss_bytes());
        server.stop();
    }
    recorder.fold_second();
    let timeline = shared
        .timeline
        .lock()
        .map(|t| t.clone())
        .unwrap_or_default();
    report.finish(&recorder, &timeline, outcome, measured);
    Ok(report)
}

/// Warm-up, then the measured phase, with a live progress bar; samples the server's memory and
/// watches for its death and for Ctrl-C.
async fn drive(
    args: &LoadArgs,
    shared: &Arc<Shared>,
    mut server: Option<&mut ServerChild>,
    report: &mut RunReport,
) -> Outcome {
    // Both were checked on the command line: finite, the warm-up from 0, the duration above 0.
    let warmup = Duration::from_secs_f64(args.warmup);
    let measured = Duration::from_secs_f64(args.duration);
    let bar = ProgressBar::new(measured.as_millis() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} measuring [{elapsed_precise}] {wide_bar} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let start = Instant::now();
    let mut last = (Instant::now(), shared.requests.load(Relaxed));
    let mut ticker = tokio::time::interval(Duration::from_millis(250));
    let mut ticks = 0u64;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            _ = &mut ctrl_c => {
                bar.abandon_with_message("interrupted");
                return Outcome::Interrupted;
            }
            _ = ticker.tick() => {}
        }
        if let Some(server) = server.as_mut() {
            if let Some(status) = server.exited() {
                bar.abandon_with_message("the server died");
                report.server_exit = Some(status.to_string());
                return Outcome::ServerDied;
            }
            if ticks.is_multiple_of(4) {
                let second = match shared.measure_start.get() {
                    Some(measure_start) => measure_start.elapsed().as_secs_f64(),
                    None => start.elapsed().as_secs_f64() - warmup.as_secs_f64(),
                };
                report.sample_server_rss(second, server.rss_bytes());
            }
        }
        ticks += 1;
        let elapsed = start.elapsed();
        if elapsed >= warmup && shared.measure_start.get().is_none() {
            let _ = shared.measure_start.set(Instant::now());
            shared.phase.store(MEASURE, Relaxed);
        }
        if let Some(measure_start) = shared.measure_start.get() {
            let in_measure = measure_start.elapsed();
            bar.set_position(in_measure.as_millis() as u64);
            if in_measure >= measured {
                bar.finish_and_clear();
                return Outcome::Completed;
            }
        }
        let now = (Instant::now(), shared.requests.load(Relaxed));
        let rate = (now.1 - last.1) as f64 / now.0.duration_since(last.0).as_secs_f64().max(1e-3);
        last = now;
        bar.set_message(format!(
            "{rate:>8.0} req/s  errors {}  violations {}",
            shared.errors.load(Relaxed),
            shared.violations.load(Relaxed)
        ));
    }
}

/// Polls `GET /health` until the server answers (10 s at most).
pub async fn wait_until_up(base: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match client.get(format!("{base}/health")).send().await {
            Ok(response) if response.status().is_success() => return Ok(()),
            Ok(response) => anyhow::bail!("{base}/health answered {}", response.status()),
            Err(e) if Instant::now() > deadline => {
                anyhow::bail!("the server at {base} does not answer: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

fn counter_bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {what} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {{per_sec}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Awaits `work` while the bar follows the shared request counter.
async fn with_progress<T>(
    work: impl std::future::Future<Output = T>,
    bar: &ProgressBar,
    shared: &Shared,
) -> T {
    tokio::pin!(work);
    let mut ticker = tokio::time::interval(Duration::from_millis(200));
    loop {
        tokio::select! {
            result = &mut work => return result,
            _ = ticker.tick() => bar.set_position(shared.requests.load(Relaxed)),
        }
    }
}

/// How many different cookies the sessions hold: sorted references rather than a hash set, which
/// would take twice the memory at 10,000,000 sessions.
fn distinct_cookies(shares: &[Vec<ClientSession>]) -> u64 {
    let mut cookies: Vec<&CompactCookie> = shares.iter().flatten().map(|s| &s.cookie).collect();
    cookies.sort_unstable();
    cookies.dedup();
    cookies.len() as u64
}
