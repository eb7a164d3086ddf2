//! `loadgen hostile`: hostile requests against the example server.
//!
//! For each cookie protection asked for (actix-session's `Private`, its default, and `Signed`):
//! starts the server, logs real sessions in, then sends its share of `--requests` requests whose
//! `Cookie` headers are malformed, tampered, oversized, non-UTF-8, control-byte laden, thousands
//! of cookies long, or made of real session keys with one character changed (some sealed again
//! with the server's own key, so that the store itself is asked for a near-miss key). Passes when
//! no answer is a 5xx, none carries the data of a session whose authentic cookie the request did
//! not hold, the server logs no panic and no session key and is still up, and every real
//! session still reads exactly as it was.

mod attacks;
mod report;

use std::{process::ExitCode, sync::Arc, time::Instant};

use actix_web::cookie::Key;
use rand::{rngs::SmallRng, SeedableRng};
use tokio::task::JoinSet;

use crate::{
    cli::HostileArgs,
    engine::{client::Target, phases, stats::Shared},
    reliability::wire::RawConn,
    server::{
        child::{ServerChild, ServerSpec},
        cookies::Security,
    },
};
use attacks::{Material, Probe};
pub use report::HostileReport;
use report::{ModeResult, Tally};

/// Runs the test and writes `hostile.json` / `hostile.md`.
pub fn main(args: &HostileArgs) -> ExitCode {
    if let Err(code) = super::check_results(&args.results) {
        return code;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("loadgen hostile: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let seed = args.seed.unwrap_or_else(crate::util::clock_seed);
    let mut modes = args.cookie_security.clone();
    modes.sort();
    modes.dedup();
    let started = Instant::now();
    let mut results = Vec::new();
    for (m, &security) in modes.iter().enumerate() {
        let share =
            crate::engine::sessions::share(args.requests, modes.len() as u64, m as u64).count();
        match runtime.block_on(run_mode(args, security, share as u64, seed)) {
            Ok(result) => results.push(result),
            Err(e) => {
                eprintln!("loadgen hostile ({}): {e:#}", security.name());
                return ExitCode::from(2);
            }
        }
    }
    let report = HostileReport::new(args, seed, results, started.elapsed());
    eprint!("{}", report.summary());
    let verdict = report.verdict();
    super::finish(
        &args.results,
        "hostile",
        &report,
        &report.markdown(),
        verdict,
    )
}

/// One server with `security` cookies, `requests` hostile requests, then the checks.
async fn run_mode(
    args: &HostileArgs,
    security: Security,
    requests: u64,
    seed: u64,
) -> anyhow::Result<ModeResult> {
    let dir = tempfile::Builder::new()
        .prefix("loadgen-hostile-")
        .tempdir()?;
    let key = Key::generate();
    let key_file = dir.path().join("cookie.key");
    crate::server::cookies::write_key_file(&key_file, &key)?;
    let log_file = dir.path().join("server.log");
    let mut server = ServerChild::spawn(&ServerSpec {
        key_file: Some(key_file),
        security,
        // Warnings and errors: what an operator would see, and where a panic is reported.
        log: Some((log_file.clone(), "warn".to_owned())),
        ..ServerSpec::builtin(args.backend)
    })?;
    crate::engine::run::wait_until_up(&server.base_url).await?;
    let target = Target::new(&server.base_url, server.invalidates)?;
    let addr = target.addr();

    let shared = Arc::new(Shared::new());
    let (shares, login) = phases::login(&target, args.sessions, 8, &shared).await;
    anyhow::ensure!(
        login.count(false) == 0 && login.count(true) == 0,
        "logging the real sessions in failed"
    );
    // Session `u{i}` is index `i`: the check of each answer needs each cookie's owner.
    let mut cookies = vec![String::new(); args.sessions as usize];
    for session in shares.iter().flatten() {
        if let Some(slot) = cookies.get_mut(session.index as usize) {
            *slot = session.cookie.text().into_owned();
        }
    }
    let material = Arc::new(Material::new(cookies, key, security)?);

    eprintln!(
        "{} backend, {} cookies: {requests} hostile requests over {} connections (seed {seed})",
        args.backend.name(),
        security.name(),
        args.concurrency
    );
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for task in 0..args.concurrency {
        let count = crate::engine::sessions::share(requests, args.concurrency, task).count();
        let material = material.clone();
        let mut rng = SmallRng::seed_from_u64(seed ^ task.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        tasks.spawn(async move {
            let mut conn = RawConn::new(addr);
            let mut tally = Tally::default();
            for _ in 0..count {
                let probe = material.probe(&mut rng);
                match conn.exchange(&probe.request).await {
                    Ok(reply) => tally.record(security, &probe, &reply, |user| owns(&probe, user)),
                    Err(e) => tally.connect_error(&e),
                }
                if probe.may_split() {
                    conn.close();
                }
            }
            tally
        });
    }
    let mut tally = Tally::default();
    while let Some(joined) = tasks.join_next().await {
        tally.merge(joined?);
    }

    // Afterwards: still up, and every real session exactly as it was.
    let alive = server.exited().is_none()
        && crate::engine::run::wait_until_up(&server.base_url)
            .await
            .is_ok();
    let intact = phases::count_intact(&target, shares, &shared).await;
    server.stop();
    let log = std::fs::read_to_string(&log_file).unwrap_or_default();
    eprintln!(
        "{}: {:.1} s",
        security.name(),
        started.elapsed().as_secs_f64()
    );
    Ok(ModeResult {
        security,
        tally,
        alive,
        sessions: args.sessions,
        intact,
        keys_in_log: material
            .session_keys()
            .iter()
            .filter(|k| log.contains(k.as_str()))
            .count() as u64,
        log,
    })
}

/// Whether `user` (from an answer's body) owns one of the authentic cookies `probe` carried.
fn owns(probe: &Probe, user: &str) -> bool {
    let index = user.strip_prefix('u').and_then(|n| n.parse::<usize>().ok());
    probe.owners.iter().any(|&i| Some(i) == index)
}
