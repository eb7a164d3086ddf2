//! `cargo bench`: SledSessionStore with N live sessions beside raw sled, a full-scan sweep, and
//! the cookie and Redis stores, all in one run. `BENCH_MAX_N=10000` caps N for a quick run;
//! `cargo bench -p benches -- --test` runs every benchmark once (the CI smoke).
//! `cargo run -p benches --bin report` then writes `results/bench.md`, `.json` and `.svg`.

mod concurrency;
mod peers;
mod store_ops;
mod sweeps;

use std::time::Duration;

use benches::{fixtures::session_counts, output::Extra};
use criterion::Criterion;

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    let mut extra = Extra::load();
    for n in session_counts() {
        store_ops::bench(&mut criterion, n, &mut extra);
    }
    peers::bench(&mut criterion, &mut extra);
    // Last: the first sled transaction in a process changes how every later operation locks.
    concurrency::bench(&mut criterion);
    if let Err(e) = extra.save() {
        eprintln!("could not save the extra measurements: {e:#}");
    }
    criterion.final_summary();
}
