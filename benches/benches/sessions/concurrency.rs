//! Saves from 1, 2 and 4 threads at once: the store, and the two crash-safe write protocols on
//! their own (ordered plain writes, which the store uses, and one sled transaction).

use std::{
    thread,
    time::{Duration, Instant},
};

use actix_session::storage::SessionStore;
use benches::{
    baselines::transactional_save,
    fixtures::{raw_key, realistic_state, run, session_counts, Populated, DAY},
};
use criterion::{BenchmarkId, Criterion, Throughput};

/// Runs `iters` calls of `save(i)` spread over `threads` threads; returns the wall time.
fn spread(iters: u64, threads: usize, save: impl Fn(u64) + Sync) -> Duration {
    let per_thread = iters.div_ceil(threads as u64);
    let started = Instant::now();
    thread::scope(|scope| {
        for t in 0..threads as u64 {
            let save = &save;
            scope.spawn(move || {
                for i in 0..per_thread {
                    save(t * per_thread + i);
                }
            });
        }
    });
    started
        .elapsed()
        .mul_f64(iters as f64 / (per_thread * threads as u64) as f64)
}

pub fn bench(c: &mut Criterion) {
    let n = session_counts()
        .into_iter()
        .filter(|&n| n <= 100_000)
        .max()
        .unwrap_or(1_000);
    let populated = Populated::new(n, realistic_state).expect("populating");
    let state = realistic_state(3);
    let data = populated.db.open_tree("protocol_data").expect("tree");
    let index = populated.db.open_tree("protocol_index").expect("tree");
    let record = vec![1u8; 17 + 230];
    let entry = |i: u64| {
        let mut e = i.to_be_bytes().to_vec();
        e.extend_from_slice(&raw_key(i));
        e
    };

    let mut group = c.benchmark_group("concurrent_save");
    group.throughput(Throughput::Elements(1));
    for threads in [1, 2, 4] {
        group.bench_function(BenchmarkId::new("store", threads), |b| {
            b.iter_custom(|iters| {
                spread(iters, threads, |_| {
                    run(populated.store.save(state.clone(), &DAY)).expect("save");
                })
            })
        });
    }
    // Offset the raw keys per benchmark so that no insert finds its key taken.
    let mut offset = 0u64;
    for threads in [1, 2, 4] {
        offset += 1 << 40;
        group.bench_function(BenchmarkId::new("ordered_writes", threads), |b| {
            b.iter_custom(|iters| {
                offset += iters;
                let base = offset;
                spread(iters, threads, |i| {
                    let key = raw_key(base + i);
                    index.insert(entry(base + i), &[]).expect("index");
                    let _ = data
                        .compare_and_swap(key, None::<&[u8]>, Some(record.as_slice()))
                        .expect("cas");
                })
            })
        });
    }
    for threads in [1, 2, 4] {
        offset += 1 << 40;
        group.bench_function(BenchmarkId::new("transaction", threads), |b| {
            b.iter_custom(|iters| {
                offset += iters;
                let base = offset;
                spread(iters, threads, |i| {
                    let key = raw_key(base + i);
                    transactional_save(&data, &index, &key, &entry(base + i), &record)
                        .expect("transaction");
                })
            })
        });
    }
    group.finish();
}
