//! `loadgen crash`: kill a writer with SIGKILL at random moments and check what sled kept.
//!
//! Each cycle starts `loadgen crash-writer` on one sled directory. The writer saves and updates
//! sessions as fast as the chosen durability allows and, after each write returns, prints
//! `ack INDEX VALUE` (session INDEX now holds VALUE). Cycles alternate between the store's two
//! fronts: actix-session's `save`/`update` and tower-sessions' `create`/`save`. Keys are derived
//! from the cycle and index, so no key crosses the pipe. At a random moment the
//! driver kills the writer, reopens the directory in its own process and checks:
//! - it opens, and `verify()` finds no fault (no record without an index entry, no corrupt one);
//! - every acknowledged write is there with its value, or one newer (the write in flight);
//!   under `EveryWrite` anything less is a lost write and fails the run; under `Periodic` a lost
//!   write must have been acknowledged within [`PERIODIC_LOSS_WINDOW`] of the kill (sled's
//!   500 ms flush interval, plus one interval for a flush in progress), else it fails the run.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

pub use self::writer::Front;

mod writer;

use actix_session_sled::{Durability, SledSessionStore};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use std::process::ExitCode;

use crate::cli::{CrashArgs, CrashMode, CrashWriterArgs};

/// The longest a write acknowledged under `Periodic` may be lost for: sled flushes every
/// 500 ms (`flush_every_ms`), and a write acknowledged just after a flush began waits for the
/// next one. A lost write acknowledged earlier than this before the kill is a durability fault.
pub const PERIODIC_LOSS_WINDOW: Duration = Duration::from_millis(1_000);

/// The kill comes this long after the writer's first acknowledged write: long enough for
/// several of sled's periodic flushes, so that the window is tested, not only the first flush.
const KILL_AFTER_MS: std::ops::Range<u64> = 30..1_500;

/// Kill cycles one sled directory lives through before a fresh one starts: each cycle reopens
/// the directory and `verify()` walks all of it, so a directory that grew through hundreds of
/// cycles would make the run's time grow with the square of the cycles.
const CYCLES_PER_DIRECTORY: u64 = 25;

/// The values acknowledged for each session index, with the moment each acknowledgement was
/// read, in order.
type Acks = HashMap<u64, Vec<(u64, Instant)>>;

/// What one cycle's check found.
struct CycleCheck {
    faults: u64,
    lost: u64,
    /// Lost writes acknowledged earlier than the window allows.
    outside_window: u64,
    /// How long before the kill the oldest lost write was acknowledged.
    oldest_lost: Duration,
}

/// What the crash cycles found, per durability mode.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct CrashReport {
    pub durability: String,
    pub cycles: u64,
    pub acknowledged_writes: u64,
    pub lost_writes: u64,
    pub verify_faults: u64,
    pub open_failures: Vec<String>,
    pub max_lost_in_a_cycle: u64,
    /// Cycles whose writer went through the tower-sessions front (the others: actix-session).
    #[serde(default)]
    pub tower_cycles: u64,
    /// Lost writes acknowledged more than [`PERIODIC_LOSS_WINDOW`] before the kill.
    #[serde(default)]
    pub lost_outside_window: u64,
    /// How long before its kill the oldest lost write of any cycle was acknowledged (ms).
    #[serde(default)]
    pub oldest_lost_ms: u64,
    pub seed: u64,
    /// The command, build, machine and date of the run.
    pub provenance: String,
}

impl CrashReport {
    /// Clean: every cycle opened, no fault, and no write lost where none may be.
    pub fn clean(&self) -> bool {
        self.open_failures.is_empty()
            && self.verify_faults == 0
            && self.lost_outside_window == 0
            && (self.durability != "every-write" || self.lost_writes == 0)
    }
}

/// Runs `cycles` kill cycles on a fresh directory under `work_dir`.
pub fn run(
    cycles: u64,
    durability: Durability,
    seed: u64,
    work_dir: &Path,
) -> anyhow::Result<CrashReport> {
    let name = match durability {
        Durability::EveryWrite => "every-write",
        Durability::Periodic => "periodic",
    };
    let mut report = CrashReport {
        durability: name.to_owned(),
        seed,
        provenance: crate::reliability::provenance(),
        ..CrashReport::default()
    };
    let mut rng = SmallRng::seed_from_u64(seed);
    for cycle in 0..cycles {
        let dir = work_dir.join(format!("crash-{name}-{}", cycle / CYCLES_PER_DIRECTORY));
        if cycle % CYCLES_PER_DIRECTORY == 0 {
            let _ = std::fs::remove_dir_all(&dir);
        }
        // Both fronts of the one engine, in turn: the actix-session store and the
        // tower-sessions one write the same records through different calls.
        let front = Front::ALL[(cycle % 2) as usize];
        let (acked, killed_at) = kill_one(
            &dir,
            cycle,
            name,
            front,
            rng.random(),
            Duration::from_millis(rng.random_range(KILL_AFTER_MS)),
        )?;
        if front == Front::Tower {
            report.tower_cycles += 1;
        }
        report.cycles += 1;
        report.acknowledged_writes += acked.values().map(|acks| acks.len() as u64).sum::<u64>();
        match check(&dir, cycle, front, &acked, killed_at) {
            Ok(found) => {
                report.verify_faults += found.faults;
                report.lost_writes += found.lost;
                report.max_lost_in_a_cycle = report.max_lost_in_a_cycle.max(found.lost);
                if durability == Durability::Periodic {
                    report.lost_outside_window += found.outside_window;
                }
                let oldest = found.oldest_lost.as_millis() as u64;
                report.oldest_lost_ms = report.oldest_lost_ms.max(oldest);
            }
            Err(why) => {
                // Keep the directory for inspection and stop: later cycles would start from it.
                let kept = work_dir.join(format!("crash-{name}-failed-cycle-{cycle}"));
                let _ = std::fs::rename(&dir, &kept);
                report.open_failures.push(format!(
                    "cycle {cycle} (seed {seed}): {why}; directory kept at {}",
                    kept.display()
                ));
                break;
            }
        }
    }
    Ok(report)
}

/// One cycle: start a writer, let it write for `after`, SIGKILL it; returns the values
/// acknowledged for each session it wrote, and the moment of the kill.
fn kill_one(
    dir: &Path,
    cycle: u64,
    durability: &str,
    front: Front,
    seed: u64,
    after: Duration,
) -> anyhow::Result<(Acks, Instant)> {
    let mut child = Command::new(std::env::current_exe()?)
        .arg("crash-writer")
        .arg("--dir")
        .arg(dir)
        .args([
            "--cycle",
            &cycle.to_string(),
            "--durability",
            durability,
            "--seed",
            &seed.to_string(),
            "--front",
            front.name(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout from the writer"))?;
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut acked = Acks::new();
        let mut first = Some(tx);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let mut parts = line.split_whitespace().skip(1).map(str::parse::<u64>);
            if let (Some(Ok(index)), Some(Ok(value))) = (parts.next(), parts.next()) {
                acked
                    .entry(index)
                    .or_default()
                    .push((value, Instant::now()));
                // The kill timer starts at the first acknowledged write.
                if let Some(tx) = first.take() {
                    let _ = tx.send(());
                }
            }
        }
        acked
    });
    // Let the writer get going (its first acknowledged write), then kill it `after` later.
    let _ = rx.recv_timeout(Duration::from_secs(30));
    std::thread::sleep(after);
    child.kill()?; // SIGKILL
    let killed_at = Instant::now();
    let status = child.wait()?;
    let acked = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the ack reader panicked"))?;
    anyhow::ensure!(
        !status.success(),
        "the writer exited by itself ({status}) instead of being killed"
    );
    Ok((acked, killed_at))
}

/// Reopens the directory and checks it against what was acknowledged before `killed_at`.
fn check(
    dir: &Path,
    cycle: u64,
    front: Front,
    acked: &Acks,
    killed_at: Instant,
) -> Result<CycleCheck, String> {
    let dir: PathBuf = dir.to_owned();
    let opened = std::panic::catch_unwind(move || SledSessionStore::open(&dir))
        .map_err(|panic| {
            format!(
                "sled panicked opening the directory: {}",
                crate::util::panic_message(&panic)
            )
        })?
        .map_err(|e| format!("the directory does not open: {e}"))?;
    let report = opened.verify().map_err(|e| format!("verify failed: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let mut found = CycleCheck {
        faults: report.faults(),
        lost: 0,
        outside_window: 0,
        oldest_lost: Duration::ZERO,
    };
    for (&index, acks) in acked {
        let stored = runtime.block_on(writer::stored_value(&opened, front, cycle, index))?;
        // Values only grow, so every acknowledged value above the stored one was lost. (The
        // write in flight at the kill may have landed too: a stored value one above the last
        // acknowledged one is fine.)
        for &(value, acknowledged_at) in acks {
            if stored.is_some_and(|v| v >= value) {
                continue;
            }
            found.lost += 1;
            let age = killed_at.saturating_duration_since(acknowledged_at);
            found.oldest_lost = found.oldest_lost.max(age);
            if age > PERIODIC_LOSS_WINDOW {
                found.outside_window += 1;
            }
        }
    }
    opened.flush().map_err(|e| e.to_string())?;
    Ok(found)
}

/// `crash.md`.
fn markdown(reports: &[CrashReport]) -> String {
    use std::fmt::Write as _;
    let mut md = String::new();
    let _ = writeln!(md, "# Crash test\n");
    let _ = writeln!(md, "{}\n", crate::reliability::provenance());
    let _ = writeln!(md, "Each cycle: a writer saves and updates sessions, acknowledging each write; SIGKILL at a random moment ({}–{} ms after its first write); reopen; `verify()`; check every acknowledged write. A directory lives through {} cycles, then a fresh one starts. `every-write` may lose none; `periodic` may lose only writes acknowledged within {} ms of the kill (sled flushes every 500 ms; a write acknowledged as a flush begins waits for the next).\n", KILL_AFTER_MS.start, KILL_AFTER_MS.end, CYCLES_PER_DIRECTORY, PERIODIC_LOSS_WINDOW.as_millis());
    let _ = writeln!(md, "Cycles alternate between the store's two fronts: actix-session's `save`/`update`, and tower-sessions' `create`/`save` (the \"through tower\" column).\n");
    let _ = writeln!(md, "| durability | kill cycles | through tower | acknowledged writes | lost | most lost in one cycle | oldest lost write, ms before the kill | lost outside the window | verify faults | failed opens | seed |");
    let _ = writeln!(md, "|---|---|---|---|---|---|---|---|---|---|---|");
    for r in reports {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.durability,
            r.cycles,
            r.tower_cycles,
            r.acknowledged_writes,
            r.lost_writes,
            r.max_lost_in_a_cycle,
            r.oldest_lost_ms,
            r.lost_outside_window,
            r.verify_faults,
            r.open_failures.len(),
            r.seed
        );
        for failure in &r.open_failures {
            let _ = writeln!(md, "\n- {failure}");
        }
    }
    md
}

/// `loadgen crash`: the kill cycles, a summary, and `crash.json` / `crash.md` in `--results`.
pub fn main(args: &CrashArgs) -> ExitCode {
    if let Err(code) = super::check_results(&args.results) {
        return code;
    }
    if let Some(dir) = &args.dir {
        if let Err(message) = crate::cli::checks::writable_dir("--dir", dir) {
            return crate::cli::checks::refuse(&message);
        }
    }
    let seed = args.seed.unwrap_or_else(crate::util::clock_seed);
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
        CrashMode::EveryWrite => &[Durability::EveryWrite],
        CrashMode::Periodic => &[Durability::Periodic],
        CrashMode::Both => &[Durability::EveryWrite, Durability::Periodic],
    };
    let mut reports = Vec::new();
    for &mode in modes {
        match run(args.cycles, mode, seed, &work_dir) {
            Ok(report) => {
                eprintln!(
                    "{}: {} cycles, {} acknowledged writes, {} lost (at most {} in a cycle, the oldest acknowledged {} ms before its kill, {} outside the window), {} verify faults, {} open failures",
                    report.durability,
                    report.cycles,
                    report.acknowledged_writes,
                    report.lost_writes,
                    report.max_lost_in_a_cycle,
                    report.oldest_lost_ms,
                    report.lost_outside_window,
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
    let verdict = match reports.iter().find(|r| !r.clean()) {
        None => Ok(format!(
            "{} kill cycles per mode: no fault, every reopen worked, no EveryWrite write lost, \
             no Periodic write lost outside its flush window",
            args.cycles
        )),
        Some(r) => {
            // A failing cycle's directory is evidence: keep the temp dir it lives in.
            if let Ok(temp) = temp {
                eprintln!("kept {} for inspection", temp.keep().display());
            }
            Err(format!(
                "{}: {} verify faults, {} failed reopens, {} writes lost ({} outside the flush \
                 window)",
                r.durability,
                r.verify_faults,
                r.open_failures.len(),
                r.lost_writes,
                r.lost_outside_window
            ))
        }
    };
    super::finish(
        &args.results,
        "crash",
        &reports,
        &markdown(&reports),
        verdict,
    )
}

/// `loadgen crash-writer`: one writer of the kill cycles (started by [`main`], not by hand).
pub fn writer_main(args: &CrashWriterArgs) -> ExitCode {
    let durability = match args.durability {
        CrashMode::Periodic => Durability::Periodic,
        _ => Durability::EveryWrite,
    };
    match writer::writer(&args.dir, args.cycle, durability, args.seed, args.front) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crash-writer: {e:#}");
            ExitCode::FAILURE
        }
    }
}
