//! Writes `results/bench.md`, `results/bench.json` and `results/bench.svg` from the last
//! `cargo bench` run:
//!
//! ```text
//! cargo bench && cargo run -p benches --bin report
//! ```

use std::path::PathBuf;

use benches::{output::criterion_dir, plot, report::Report};

fn main() -> anyhow::Result<()> {
    let results = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../results");
    std::fs::create_dir_all(&results)?;
    let command = std::env::var("BENCH_COMMAND").unwrap_or_else(|_| "cargo bench".to_owned());
    let report = Report::gather(&criterion_dir(), &command);
    if report.session_counts.is_empty() {
        anyhow::bail!(
            "no benchmark results in {}: run `cargo bench` first",
            criterion_dir().display()
        );
    }
    plot::draw(&report, &results.join("bench.svg"))?;
    let markdown = report.markdown("bench.svg");
    reports::write_report(&results, "bench", &report, &markdown)?;
    println!("{markdown}");
    Ok(())
}
