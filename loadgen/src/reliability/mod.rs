//! The reliability tools: what the sled store and the example server keep when things go
//! wrong, each a subcommand that writes its own JSON and Markdown into `--results` (default
//! `target/loadgen`), then ends with the paths written and one PASS / FAIL line.
//!
//! - [`crash`]: SIGKILL a writer at random moments, reopen, verify, count lost writes.
//! - [`hostile`]: malformed, tampered, oversized and near-miss cookies over raw HTTP.
//! - [`faults`]: damaged records on disk, and a full disk.
//! - [`summary`]: `reliability.md` from those runs and the soak runs.

pub mod crash;
pub mod faults;
pub mod hostile;
pub mod summary;
mod wire;

use std::{path::Path, process::ExitCode};

/// Refuses a `--results` directory that cannot be written before any work is done.
fn check_results(dir: &Path) -> Result<(), ExitCode> {
    crate::cli::checks::writable_dir("--results", dir)
        .map_err(|message| crate::cli::checks::refuse(&message))
}

/// Writes `<stem>.json` and `<stem>.md` into `dir`, prints where they went and the verdict, and
/// returns the exit status: 0 passed, 1 failed, 2 the report could not be written.
fn finish(
    dir: &Path,
    stem: &str,
    value: &impl serde::Serialize,
    markdown: &str,
    verdict: Result<String, String>,
) -> ExitCode {
    if let Err(e) = reports::write_report(dir, stem, value, markdown) {
        eprintln!(
            "loadgen {stem}: cannot write the results in {}: {e:#}",
            dir.display()
        );
        return ExitCode::from(2);
    }
    let written = [
        dir.join(format!("{stem}.md")),
        dir.join(format!("{stem}.json")),
    ];
    crate::report::close(&written, &verdict);
    ExitCode::from(if verdict.is_ok() { 0 } else { 1 })
}

/// The provenance line of a reliability report: this command, build, machine and date.
fn provenance() -> String {
    reports::Provenance::now(std::env::args().collect::<Vec<_>>().join(" ")).markdown()
}
