//! Reporting: a run's record and summary, the comparison of backends, and their plots. The
//! provenance line, ratios, tables and plot style come from the workspace's `reports` crate.

pub mod compare;
pub mod plot;
mod run;
mod verdict;

pub use run::{Latency, Outcome, Point, RssSample, RunReport};
pub use verdict::close;

/// `release` or `debug`: the build this binary came from.
pub fn build_profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}
