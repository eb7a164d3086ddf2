//! Sweeping k expired sessions among N live: our index beside the full-scan design.

use actix_session::storage::SessionStore;
use actix_session_sled::Clock;
use actix_web::cookie::time::Duration as Ttl;
use benches::{
    baselines::full_scan_sweep,
    fixtures::{realistic_state, run, Populated},
};
use criterion::{BatchSize, BenchmarkId, Criterion};

/// Saves `k` sessions that expire in a second, then moves the clock past them.
fn expire(p: &Populated, k: usize) {
    let state = realistic_state(5);
    for _ in 0..k {
        run(p.store.save(state.clone(), &Ttl::seconds(1))).expect("save");
    }
    p.clock.advance(std::time::Duration::from_secs(2));
}

pub fn bench(c: &mut Criterion, n: usize, p: &Populated, data: &sled::Tree) {
    for k in [100, 1_000] {
        let mut group = c.benchmark_group(format!("sweep_{k}"));
        group.bench_function(BenchmarkId::new("store", n), |b| {
            b.iter_batched(
                || expire(p, k),
                |()| {
                    let removed = p.store.sweep_expired().expect("sweep");
                    assert_eq!(
                        removed, k,
                        "the sweep must remove exactly the expired sessions"
                    );
                },
                BatchSize::PerIteration,
            )
        });
        group.finish();
    }
    // Last for this N: the full scan deletes records without their index entries.
    let mut group = c.benchmark_group("full_scan_sweep_1000");
    group.sample_size(10);
    group.bench_function(BenchmarkId::new("full_scan", n), |b| {
        b.iter_batched(
            || expire(p, 1_000),
            |()| {
                let removed = full_scan_sweep(data, p.clock.now_ms()).expect("full scan");
                assert_eq!(removed, 1_000);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}
