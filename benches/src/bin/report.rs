//! Writes `results/bench.md`, `results/bench.json` and `results/bench.svg` from the last
//! `cargo bench` run:
//!
//! ```text
//! cargo bench && cargo run -p benches --bin report
//! ```
//!
//! A name as the argument writes `results/<name>.*` instead, for a run of some groups alone (the
//! growth to 10,000,000 sessions of the sled store and the in-memory map):
//!
//! ```text
//! BENCH_STORES=sled,memory,sled-only CRITERION_HOME=$PWD/target/criterion-growth cargo bench
//! CRITERION_HOME=$PWD/target/criterion-growth cargo run -p benches --bin report -- growth
//! ```

use std::path::PathBuf;

use benches::{output::criterion_dir, plot, report::Report};

fn main() -> anyhow::Result<()> {
    let results = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../results");
    std::fs::create_dir_all(&results)?;
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench".to_owned());
    anyhow::ensure!(
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
        "the report's name is letters, digits and dashes, not {name:?}"
    );
    let command = std::env::var("BENCH_COMMAND").unwrap_or_else(|_| "cargo bench".to_owned());
    let report = Report::gather(&criterion_dir(), &command);
    if report.session_counts.is_empty() {
        anyhow::bail!(
            "no benchmark results in {}: run `cargo bench` first",
            criterion_dir().display()
        );
    }
    let plot_file = format!("{name}.svg");
    plot::draw(&report, &results.join(&plot_file))?;
    let markdown = report.markdown(&plot_file);
    reports::write_report(&results, &name, &report, &markdown)?;
    println!("{markdown}");
    Ok(())
}
