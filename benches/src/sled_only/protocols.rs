//! The two crash-safe write protocols on their own, from 1, 2 and 4 threads: ordered plain
//! writes (an index insert, then a record compare-and-swap: what the store does) and one sled
//! transaction over both trees (what it does not do: sled 0.34 serialises transactions
//! process-wide).
//!
//! Run it last: after the first sled transaction in a process, every plain operation in it takes
//! the shared side of sled's global lock.

use std::{
    thread,
    time::{Duration, Instant},
};

use criterion::{BenchmarkId, Criterion, Throughput};

use super::{baselines::transactional_save, Populated};
use crate::fixtures::{raw_key, realistic_state, session_counts};

/// Runs `iters` calls of `write(i)` spread over `threads` threads; returns the wall time.
fn spread(iters: u64, threads: usize, write: impl Fn(u64) + Sync) -> Duration {
    let per_thread = iters.div_ceil(threads as u64);
    let started = Instant::now();
    thread::scope(|scope| {
        for t in 0..threads as u64 {
            let write = &write;
            scope.spawn(move || {
                for i in 0..per_thread {
                    write(t * per_thread + i);
                }
            });
        }
    });
    started
        .elapsed()
        .mul_f64(iters as f64 / (per_thread * threads as u64) as f64)
}

pub fn bench(c: &mut Criterion) -> anyhow::Result<()> {
    let n = session_counts()
        .into_iter()
        .filter(|&n| n <= 100_000)
        .max()
        .unwrap_or(1_000);
    let populated = Populated::new(n, realistic_state)?;
    let data = populated.db.open_tree("protocol_data")?;
    let index = populated.db.open_tree("protocol_index")?;
    let record = vec![1u8; 17 + 230];
    let entry = |i: u64| {
        let mut e = i.to_be_bytes().to_vec();
        e.extend_from_slice(&raw_key(i));
        e
    };
    let mut group = c.benchmark_group("write_protocol");
    group.throughput(Throughput::Elements(1));
    // Offset the raw keys per benchmark so that no insert finds its key taken.
    let mut offset = 0u64;
    // One save of raw key `i` by each protocol.
    let ordered_writes = |i: u64| {
        index.insert(entry(i), &[]).expect("index");
        let _ = data
            .compare_and_swap(raw_key(i), None::<&[u8]>, Some(record.as_slice()))
            .expect("cas");
    };
    let transaction = |i: u64| {
        transactional_save(&data, &index, &raw_key(i), &entry(i), &record).expect("transaction");
    };
    let protocols: [(&str, &(dyn Fn(u64) + Sync)); 2] = [
        ("ordered_writes", &ordered_writes),
        ("transaction", &transaction),
    ];
    for (name, save) in protocols {
        for threads in [1, 2, 4] {
            offset += 1 << 40;
            group.bench_function(BenchmarkId::new(name, threads), |b| {
                b.iter_custom(|iters| {
                    offset += iters;
                    let base = offset;
                    spread(iters, threads, |i| save(base + i))
                })
            });
        }
    }
    group.finish();
    Ok(())
}
