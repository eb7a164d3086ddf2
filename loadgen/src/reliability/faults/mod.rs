//! `loadgen disk-faults`: the example server on a damaged and on a full disk.
//!
//! See `corrupt.rs` (records damaged in the tree) and `full_disk.rs` (a tmpfs filled up, then
//! freed). Writes `disk-faults.json` and `disk-faults.md`.

mod corrupt;
mod full_disk;

use std::{fmt::Write as _, process::ExitCode};

use serde::{Deserialize, Serialize};

use crate::cli::DiskFaultArgs;
use corrupt::CorruptOutcome;
use full_disk::FullDiskOutcome;

#[derive(Debug, Serialize, Deserialize)]
pub struct DiskFaultReport {
    pub corrupt_record: CorruptOutcome,
    pub full_disk: Option<FullDiskOutcome>,
    /// Why the full-disk test did not run, when it did not.
    pub full_disk_skipped: Option<String>,
    pub provenance: String,
}

pub fn main(args: &DiskFaultArgs) -> ExitCode {
    if let Err(code) = super::check_results(&args.results) {
        return code;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("loadgen disk-faults: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let report = match runtime.block_on(run()) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("loadgen disk-faults: {e:#}");
            return ExitCode::from(2);
        }
    };
    let markdown = markdown(&report);
    eprint!("{markdown}");
    let verdict = if !report.corrupt_record.passed() {
        Err("a damaged record was mishandled (see disk-faults.md)".to_owned())
    } else if !report
        .full_disk
        .as_ref()
        .is_none_or(FullDiskOutcome::passed)
    {
        Err("the full disk lost or refused what it must not (see disk-faults.md)".to_owned())
    } else {
        Ok(match &report.full_disk_skipped {
            Some(why) => format!("damaged records handled; the full-disk test was skipped: {why}"),
            None => "damaged records handled; a full disk lost nothing".to_owned(),
        })
    };
    super::finish(&args.results, "disk-faults", &report, &markdown, verdict)
}

async fn run() -> anyhow::Result<DiskFaultReport> {
    let work = tempfile::Builder::new()
        .prefix("loadgen-disk-faults-")
        .tempdir()?;
    eprintln!("disk-faults: damaging records in the tree");
    let corrupt_record = corrupt::run(work.path()).await?;
    eprintln!("disk-faults: filling the disk");
    let (full_disk, full_disk_skipped) = match full_disk::run(work.path()).await? {
        Ok(outcome) => (Some(outcome), None),
        Err(reason) => {
            eprintln!("disk-faults: SKIPPED the full-disk test: {reason}");
            (None, Some(reason))
        }
    };
    Ok(DiskFaultReport {
        corrupt_record,
        full_disk,
        full_disk_skipped,
        provenance: crate::reliability::provenance(),
    })
}

fn markdown(report: &DiskFaultReport) -> String {
    let mut md = String::new();
    let verdict = |passed: bool| if passed { "pass" } else { "**FAIL**" };
    let _ = writeln!(md, "# Disk faults\n\n{}\n", report.provenance);
    let c = &report.corrupt_record;
    let _ = writeln!(
        md,
        "## A corrupted record: {}\n\nThe server wrote sessions and stopped; records were damaged in the sled tree; the server started again on the same directory.\n",
        verdict(c.passed())
    );
    let _ = writeln!(
        md,
        "| damage | GET /counter | POST /counter | POST /login |\n|---|---|---|---|"
    );
    for v in &c.victims {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            v.damage, v.read, v.increment, v.login_again
        );
    }
    let _ = writeln!(
        md,
        "\nOther sessions intact: {} of {}. `LoadError::Deserialization` warnings logged: {}. Session keys in the logs: {}.\n",
        c.others_intact, c.others, c.deserialization_warnings, if c.key_in_logs { "**yes**" } else { "none" }
    );
    match (&report.full_disk, &report.full_disk_skipped) {
        (Some(f), _) => {
            let _ = writeln!(
                md,
                "## A full disk: {}\n\nThe server (sled, `EveryWrite`) on a {} MiB tmpfs; a filler file took the free space but {} KiB; logins until one failed; the filler removed; logins again; a restart.\n",
                verdict(f.passed()),
                full_disk::TMPFS_MIB,
                full_disk::LEFT_FREE / 1024
            );
            let statuses: Vec<String> = f
                .while_full
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            let _ = writeln!(md, "| check | result |\n|---|---|");
            let _ = writeln!(
                md,
                "| sessions acknowledged before the disk was full | {} |",
                f.acknowledged
            );
            let _ = writeln!(
                md,
                "| first failing request | {} |",
                f.first_failure
                    .as_deref()
                    .unwrap_or("none (the disk never filled)")
            );
            let _ = writeln!(md, "| logins once full | {} |", statuses.join(", "));
            let _ = writeln!(
                md,
                "| acknowledged sessions intact after freeing / after a restart | {} / {} |",
                f.intact_after_free, f.intact_after_restart
            );
            let _ = writeln!(md, "| acknowledged sessions readable while the disk was full (reported, not required: served from the store's record cache while the database is closed) | {} |", f.intact_while_full);
            let _ = writeln!(
                md,
                "| writes after freeing space | {}; {} login(s) failed before the first success |",
                f.recovered_after_s
                    .map_or("**never worked again**".to_owned(), |s| format!(
                        "worked again {s:.2} s after the filler was removed"
                    )),
                f.logins_to_recover.saturating_sub(f.written_after_free)
            );
            let _ = writeln!(
                md,
                "| sessions written after freeing, intact after the restart | {} of {} |",
                f.written_after_free_intact, f.written_after_free
            );
        }
        (None, reason) => {
            let _ = writeln!(
                md,
                "## A full disk: skipped\n\n{}\n",
                reason.as_deref().unwrap_or("not run")
            );
        }
    }
    md
}
