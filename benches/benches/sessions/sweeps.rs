//! Sweeping k expired sessions among N live: our index beside the full-scan design.

use actix_session_sled::Clock;
use benches::{baselines::full_scan_sweep, fixtures::Populated};
use criterion::{BatchSize, BenchmarkId, Criterion};

pub fn bench(c: &mut Criterion, n: usize, p: &Populated, data: &sled::Tree) {
    for k in [100, 1_000] {
        let mut group = c.benchmark_group(format!("sweep_{k}"));
        group.bench_function(BenchmarkId::new("store", n), |b| {
            b.iter_batched(
                || drop(p.expire(k)),
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
            || drop(p.expire(1_000)),
            |()| {
                let removed = full_scan_sweep(data, p.clock.now_ms()).expect("full scan");
                assert_eq!(removed, 1_000);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}
