//! `loadgen reliability`: `reliability.md`, the summary of the reliability runs, built from the
//! JSON each of them wrote (crash, hostile input, disk faults, the soak), so every figure in it
//! comes from a run and carries that run's command, machine and date.

use std::{fmt::Write as _, path::Path, process::ExitCode};

use serde_json::Value;

use crate::cli::ReliabilityArgs;

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

fn read(path: &Path) -> anyhow::Result<Value> {
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e} (run the test that writes it first)",
            path.display()
        )
    })?;
    Ok(serde_json::from_slice(&bytes)?)
}

fn text(v: &Value, pointer: &str) -> String {
    match v.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "—".to_owned(),
        Some(other) => other.to_string(),
    }
}

fn number(v: &Value, pointer: &str) -> f64 {
    v.pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or(f64::NAN)
}

fn summarise(dir: &Path, soak_dir: &Path) -> anyhow::Result<String> {
    let mut md = String::new();
    let _ = writeln!(md, "# Reliability\n");
    let _ = writeln!(md, "What the sled store and the example server keep when things go wrong. Each section is one run; its command, build, machine and date are beside it, and its own report is linked. Regenerate this page with `cargo run --release -p loadgen -- reliability` after the runs.\n");

    let crash = read(&dir.join("crash.json"))?;
    let _ = writeln!(md, "## Kill cycles ([crash.md](crash.md))\n");
    let _ = writeln!(md, "{}\n", text(&crash, "/0/provenance"));
    let _ = writeln!(md, "| durability | kill cycles | acknowledged writes | lost | most lost in one cycle | verify faults | failed opens |\n|---|---|---|---|---|---|---|");
    for mode in crash.as_array().into_iter().flatten() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            text(mode, "/durability"),
            text(mode, "/cycles"),
            text(mode, "/acknowledged_writes"),
            text(mode, "/lost_writes"),
            text(mode, "/max_lost_in_a_cycle"),
            text(mode, "/verify_faults"),
            mode.pointer("/open_failures")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        );
    }

    let hostile = read(&dir.join("hostile.json"))?;
    let _ = writeln!(
        md,
        "\n## Hostile input over HTTP ([hostile.md](hostile.md))\n"
    );
    let _ = writeln!(md, "{}\n", text(&hostile, "/provenance"));
    let _ = writeln!(md, "| attack | requests | outcomes |\n|---|---|---|");
    if let Some(Value::Object(attacks)) = hostile.pointer("/by_attack") {
        for (attack, o) in attacks {
            let outcomes: Vec<String> = o
                .pointer("/outcomes")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            let _ = writeln!(
                md,
                "| {attack} | {} | {} |",
                text(o, "/requests"),
                outcomes.join(", ")
            );
        }
    }
    let _ = writeln!(
        md,
        "\n{} requests: {} answered 5xx, {} carried another session's data, {} timed out; {} panics and {} session keys in the servers' logs; servers up afterwards: {}; real sessions intact: {} of {}.\n",
        text(&hostile, "/requests"),
        text(&hostile, "/server_errors"),
        text(&hostile, "/crossed_sessions"),
        text(&hostile, "/timeouts"),
        hostile.pointer("/panics").and_then(Value::as_array).map_or(0, Vec::len),
        text(&hostile, "/session_keys_in_logs"),
        text(&hostile, "/server_alive_after"),
        text(&hostile, "/sessions_intact"),
        text(&hostile, "/real_sessions"),
    );

    let faults = read(&dir.join("disk-faults.json"))?;
    let _ = writeln!(md, "## Faults on disk ([disk-faults.md](disk-faults.md))\n");
    let _ = writeln!(md, "{}\n", text(&faults, "/provenance"));
    let _ = writeln!(
        md,
        "| damaged record | GET /counter | POST /counter | POST /login |\n|---|---|---|---|"
    );
    for v in faults
        .pointer("/corrupt_record/victims")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            text(v, "/damage"),
            text(v, "/read"),
            text(v, "/increment"),
            text(v, "/login_again")
        );
    }
    let _ = writeln!(
        md,
        "\nOther sessions intact: {} of {}; `LoadError::Deserialization` warnings: {}.\n",
        text(&faults, "/corrupt_record/others_intact"),
        text(&faults, "/corrupt_record/others"),
        text(&faults, "/corrupt_record/deserialization_warnings"),
    );
    if faults.pointer("/full_disk").is_some_and(|v| !v.is_null()) {
        let _ = writeln!(
            md,
            "Full disk: first failing request answered {}; acknowledged sessions intact after freeing space / after a restart: {} / {} of {}; writes worked again {:.2} s after freeing space. Readable while the disk was full: {} (sled 0.34 refuses reads too after an I/O error, until the store can reopen it; not required).\n",
            text(&faults, "/full_disk/first_failure"),
            text(&faults, "/full_disk/intact_after_free"),
            text(&faults, "/full_disk/intact_after_restart"),
            text(&faults, "/full_disk/acknowledged"),
            number(&faults, "/full_disk/recovered_after_s"),
            text(&faults, "/full_disk/intact_while_full"),
        );
    } else {
        let _ = writeln!(
            md,
            "Full disk: skipped ({}).\n",
            text(&faults, "/full_disk_skipped")
        );
    }

    let runs = soak_runs(soak_dir)?;
    let _ = writeln!(
        md,
        "## Soak ([{0}/latest.md]({0}/latest.md))\n",
        relative(soak_dir, dir)
    );
    let _ = writeln!(md, "Every soak run kept in `{}` is listed, failing ones included. RSS is the server's, sampled once a second; the spread is (max − min) / min over the measured phase.\n", relative(soak_dir, dir));
    let _ = writeln!(md, "| command | date | sessions | warm-up / measured (s) | requests | req/s | errors | violations | verified | server RSS, measured phase: first · min · max · last (MB) | spread | verdict |\n|---|---|---|---|---|---|---|---|---|---|---|---|");
    for soak in &runs {
        let rss: Vec<f64> = soak
            .pointer("/server_rss_samples")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|s| number(s, "/second") >= 0.0)
            .map(|s| number(s, "/bytes") / 1e6)
            .collect();
        let (min, max) = rss
            .iter()
            .fold((f64::MAX, 0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        let spread = number(soak, "/server_rss_spread");
        let limit = number(soak, "/max_rss_spread");
        let clean = text(soak, "/total_errors") == "0"
            && text(soak, "/total_violations") == "0"
            && text(soak, "/distinct_sessions") == text(soak, "/sessions")
            && (limit.is_nan() || spread <= limit);
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {:.0} / {:.0} | {} | {:.0} | {} | {} | {} | {:.0} · {:.0} · {:.0} · {:.0} | {:.1} %{} | {} |",
            text(soak, "/command"),
            text(soak, "/date"),
            text(soak, "/sessions"),
            number(soak, "/warmup_s"),
            number(soak, "/duration_s"),
            text(soak, "/requests"),
            number(soak, "/throughput_rps"),
            text(soak, "/total_errors"),
            text(soak, "/total_violations"),
            text(soak, "/distinct_sessions"),
            rss.first().copied().unwrap_or(f64::NAN),
            min,
            max,
            rss.last().copied().unwrap_or(f64::NAN),
            spread * 100.0,
            if limit.is_nan() { String::new() } else { format!(" (limit {:.0} %)", limit * 100.0) },
            if clean { "pass" } else { "**fail**" }
        );
    }
    if let Some(newest) = runs.last() {
        let _ = writeln!(
            md,
            "\nMachine: {}. The newest run:\n\n![soak: throughput, latency and server memory]({}/latest.svg)\n",
            text(newest, "/machine"),
            relative(soak_dir, dir)
        );
    }

    let _ = writeln!(md, "## Security checks\n");
    let _ = writeln!(md, "- `cargo test -p loadgen --test no_session_keys_in_logs`: the example server and a load run against it, both at `RUST_LOG=trace`; their logs hold none of the store's keys and no 64-character alphanumeric token (the shape of a session key).");
    let _ = writeln!(md, "- `cargo test -p actix-session-sled --test persistence`: the data directory is created with mode 0700.");
    Ok(md)
}

/// Every `run-*.json` in `dir`, oldest first (the name ends in the run's Unix time).
fn soak_runs(dir: &Path) -> anyhow::Result<Vec<Value>> {
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
    paths.iter().map(|p| read(p)).collect()
}

/// `path` relative to `base` when it lies under it (for links in the Markdown).
fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}
