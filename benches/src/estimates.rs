//! Reading criterion's estimates back from its output directory.

use std::path::Path;

use serde::Deserialize;

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

/// The median time per iteration, in nanoseconds, of benchmark `group/id` (criterion's
/// `target/criterion/<group>/<id>/new/estimates.json`), if it ran.
pub fn median_ns(criterion_dir: &Path, group: &str, id: &str) -> Option<f64> {
    let path = criterion_dir
        .join(group)
        .join(id)
        .join("new")
        .join("estimates.json");
    let bytes = std::fs::read(path).ok()?;
    let estimates: Estimates = serde_json::from_slice(&bytes).ok()?;
    Some(estimates.median.point_estimate)
}
