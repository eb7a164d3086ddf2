//! `loadgen reliability`: `reliability.md`, the summary of the reliability runs, built from the
//! JSON each of them wrote (crash, hostile input, disk faults, the soak), read back into the
//! types that wrote it, so every figure in it comes from a run and carries that run's command,
//! machine and date, and a renamed field is a compile error, not a blank cell.

use std::{fmt::Write as _, path::Path, process::ExitCode};

use reports::{read_json, Table};

use super::{crash::CrashReport, faults::DiskFaultReport, hostile::HostileReport};
use crate::{cli::ReliabilityArgs, report::RunReport};

pub fn main(args: &ReliabilityArgs) -> ExitCode {
    match summarise(&args.results, &args.soak) {
        Ok(markdown) => {
            let path = args.results.join("reliability.md");
            match std::fs::write(&path, &markdown) {
                Ok(()) => {
                    eprintln!("wrote {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("loadgen reliability: cannot write {}: {e}", path.display());
                    ExitCode::from(2)
                }
            }
        }
        Err(e) => {
            eprintln!("loadgen reliability: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn summarise(dir: &Path, soak_dir: &Path) -> anyhow::Result<String> {
    let mut md = String::new();
    let _ = writeln!(md, "# Reliability\n");
    let _ = writeln!(md, "What the sled store and the example server keep when things go wrong. Each section is one run; its command, build, machine and date are beside it, and its own report is linked. Regenerate this page with `cargo run --release -p loadgen -- reliability` after the runs.\n");
    crash(
        &mut md,
        &read_json::<Vec<CrashReport>>(&dir.join("crash.json"))?,
    );
    hostile(&mut md, &read_json(&dir.join("hostile.json"))?);
    faults(&mut md, &read_json(&dir.join("disk-faults.json"))?);
    soak(&mut md, &soak_runs(soak_dir)?, soak_dir, dir);
    let _ = writeln!(md, "## Security checks\n");
    let _ = writeln!(md, "- `cargo test -p loadgen --test no_session_keys_in_logs`: the example server and a load run against it, both at `RUST_LOG=trace`; their logs hold none of the store's keys and no 64-character alphanumeric token (the shape of a session key).");
    let _ = writeln!(md, "- `cargo test -p actix-session-sled --test persistence`: the data directory is created with mode 0700.");
    Ok(md)
}

fn crash(md: &mut String, modes: &[CrashReport]) {
    let _ = writeln!(md, "## Kill cycles ([crash.md](crash.md))\n");
    if let Some(first) = modes.first() {
        let _ = writeln!(md, "{}\n", first.provenance);
    }
    let mut table = Table::new([
        "durability",
        "kill cycles",
        "acknowledged writes",
        "lost",
        "most lost in one cycle",
        "oldest lost write (ms before the kill)",
        "lost outside the window",
        "verify faults",
        "failed opens",
    ]);
    for mode in modes {
        table.row([
            mode.durability.clone(),
            mode.cycles.to_string(),
            mode.acknowledged_writes.to_string(),
            mode.lost_writes.to_string(),
            mode.max_lost_in_a_cycle.to_string(),
            mode.oldest_lost_ms.to_string(),
            mode.lost_outside_window.to_string(),
            mode.verify_faults.to_string(),
            mode.open_failures.len().to_string(),
        ]);
    }
    let _ = writeln!(md, "{}", table.markdown());
}

fn hostile(md: &mut String, report: &HostileReport) {
    let _ = writeln!(
        md,
        "## Hostile input over HTTP ([hostile.md](hostile.md))\n"
    );
    let _ = writeln!(md, "{}\n", report.provenance);
    let mut table = Table::new(["attack", "requests", "outcomes"]);
    for (attack, outcome) in &report.by_attack {
        let outcomes: Vec<String> = outcome
            .outcomes
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        table.row([
            attack.clone(),
            outcome.requests.to_string(),
            outcomes.join(", "),
        ]);
    }
    let _ = writeln!(md, "{}", table.markdown());
    let _ = writeln!(
        md,
        "{} requests: {} answered 5xx, {} carried another session's data, {} timed out; {} panics and {} session keys in the servers' logs; servers up afterwards: {}; real sessions intact: {} of {}.\n",
        report.requests,
        report.server_errors,
        report.crossed_sessions,
        report.timeouts,
        report.panics.len(),
        report.session_keys_in_logs,
        report.server_alive_after,
        report.sessions_intact,
        report.real_sessions,
    );
}

fn faults(md: &mut String, report: &DiskFaultReport) {
    let _ = writeln!(md, "## Faults on disk ([disk-faults.md](disk-faults.md))\n");
    let _ = writeln!(md, "{}\n", report.provenance);
    let mut table = Table::new([
        "damaged record",
        "GET /counter",
        "POST /counter",
        "POST /login",
    ]);
    for v in &report.corrupt_record.victims {
        table.row([&v.damage, &v.read, &v.increment, &v.login_again]);
    }
    let _ = writeln!(md, "{}", table.markdown());
    let corrupt = &report.corrupt_record;
    let _ = writeln!(
        md,
        "Other sessions intact: {} of {}; `LoadError::Deserialization` warnings: {}.\n",
        corrupt.others_intact, corrupt.others, corrupt.deserialization_warnings,
    );
    match (&report.full_disk, &report.full_disk_skipped) {
        (Some(full), _) => {
            let _ = writeln!(
                md,
                "Full disk: first failing request answered {}; acknowledged sessions intact after freeing space / after a restart: {} / {} of {}; writes worked again {} after freeing space. Readable while the disk was full: {} (not required).\n",
                full.first_failure.as_deref().unwrap_or("—"),
                full.intact_after_free,
                full.intact_after_restart,
                full.acknowledged,
                full.recovered_after_s
                    .map_or("never".to_owned(), |s| format!("{s:.2} s")),
                full.intact_while_full,
            );
        }
        (None, why) => {
            let _ = writeln!(
                md,
                "Full disk: skipped ({}).\n",
                why.as_deref().unwrap_or("no reason recorded")
            );
        }
    }
}

fn soak(md: &mut String, runs: &[RunReport], soak_dir: &Path, dir: &Path) {
    let _ = writeln!(
        md,
        "## Soak ([{0}/latest.md]({0}/latest.md))\n",
        relative(soak_dir, dir)
    );
    let _ = writeln!(md, "Every soak run kept in `{}` is listed, failing ones included. RSS is the server's, sampled once a second; the spread is (max − min) / min over the measured phase.\n", relative(soak_dir, dir));
    let mut table = Table::new([
        "command",
        "date",
        "store",
        "sessions",
        "warm-up / measured (s)",
        "requests",
        "req/s",
        "errors",
        "violations",
        "verified",
        "server RSS, measured phase: first · min · max · last (MB)",
        "spread",
        "verdict",
    ]);
    let mb = |b: u64| b as f64 / 1e6;
    for run in runs {
        let rss = run
            .measured_rss()
            .map_or("—".to_owned(), |(first, min, max, last)| {
                format!(
                    "{:.0} · {:.0} · {:.0} · {:.0}",
                    mb(first),
                    mb(min),
                    mb(max),
                    mb(last)
                )
            });
        let spread = run.server_rss_spread.map_or("—".to_owned(), |s| {
            format!(
                "{:.1} %{}",
                s * 100.0,
                run.max_rss_spread
                    .map_or(String::new(), |l| format!(" (limit {:.0} %)", l * 100.0))
            )
        });
        table.row([
            format!("`{}`", run.command),
            run.date.clone(),
            run.label().to_owned(),
            run.sessions.to_string(),
            format!("{:.0} / {:.0}", run.warmup_s, run.duration_s),
            run.requests.to_string(),
            format!("{:.0}", run.throughput_rps),
            run.total_errors.to_string(),
            run.total_violations.to_string(),
            run.distinct_sessions.to_string(),
            rss,
            spread,
            if run.clean() { "pass" } else { "**fail**" }.to_owned(),
        ]);
    }
    let _ = writeln!(md, "{}", table.markdown());
    if let Some(newest) = runs.last() {
        let _ = writeln!(
            md,
            "Machine: {}. The newest run:\n\n![soak: throughput, latency and server memory]({}/latest.svg)\n",
            newest.machine,
            relative(soak_dir, dir)
        );
    }
}

/// Every `run-*.json` in `dir`, oldest first (the name ends in the run's Unix time).
fn soak_runs(dir: &Path) -> anyhow::Result<Vec<RunReport>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("{}: {e} (run the soak first)", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("run-") && n.ends_with(".json"))
        })
        .collect();
    paths.sort();
    anyhow::ensure!(!paths.is_empty(), "no run-*.json in {}", dir.display());
    paths.iter().map(|p| read_json(p)).collect()
}

/// `path` relative to `base` when it lies under it (for links in the Markdown).
fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}
