//! The reliability tools: what the sled store and the example server keep when things go
//! wrong, each a subcommand that writes its own JSON and Markdown into `results/`.
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

/// The provenance line of a reliability report: this command, build, machine and date.
fn provenance() -> String {
    reports::Provenance::now(std::env::args().collect::<Vec<_>>().join(" ")).markdown()
}
