//! Each store operation with N live sessions, beside raw sled get/insert of the same bytes.

use actix_session::storage::{generate_session_key, SessionKey, SessionStore};
use actix_session_sled::decode_record;
use benches::{
    fixtures::{large_state, mix, raw_key, realistic_state, run, state_bytes, Populated, DAY},
    output::Extra,
};
use criterion::{BatchSize, BenchmarkId, Criterion};

use crate::sweeps;

/// The N at which the large-state case runs (or the largest N below it).
const LARGE_STATE_N: usize = 10_000;

fn key(text: &str) -> SessionKey {
    text.to_owned().try_into().expect("valid key")
}

pub fn bench(c: &mut Criterion, n: usize, extra: &mut Extra) {
    let populated = Populated::new(n, realistic_state).expect("populating the store");
    let sample = realistic_state(7);
    extra.state_bytes = state_bytes(&sample);
    extra
        .disk_bytes
        .insert(n, populated.disk_bytes().expect("measuring disk use"));
    let data = populated.db.open_tree("sessions").expect("data tree");
    let record = data
        .get(populated.keys[0].as_bytes())
        .expect("read")
        .expect("a record")
        .to_vec();
    extra.record_bytes = record.len();
    // Order matters: `save` and `raw_insert` add a session per iteration (about 150k in two
    // seconds), so they run last, once every other benchmark has seen exactly N live sessions.
    read_only(c, n, &populated, &data);
    rewrites(c, n, &populated);
    sweeps::bench(c, n, &populated, &data);
    growing(c, n, &populated, &record);
    if n == LARGE_STATE_N {
        large(c, n);
    }
}

fn read_only(c: &mut Criterion, n: usize, p: &Populated, data: &sled::Tree) {
    let keys: Vec<SessionKey> = p.keys.iter().map(|k| key(k)).collect();
    let pick = move |i: u64| (mix(i) % n as u64) as usize;

    let mut group = c.benchmark_group("load_hit");
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("store", n), |b| {
        b.iter(|| {
            i += 1;
            run(p.store.load(&keys[pick(i)]))
                .expect("load")
                .expect("live")
        })
    });
    group.finish();

    // The floor: the same record fetched and decoded straight from sled.
    let mut group = c.benchmark_group("raw_get_decode");
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("sled", n), |b| {
        b.iter(|| {
            i += 1;
            let bytes = data
                .get(p.keys[pick(i)].as_bytes())
                .expect("get")
                .expect("present");
            decode_record(&bytes).expect("decode")
        })
    });
    group.finish();

    let misses: Vec<SessionKey> = (0..1024).map(|_| generate_session_key()).collect();
    let mut group = c.benchmark_group("load_miss");
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("store", n), |b| {
        b.iter(|| {
            i += 1;
            run(p.store.load(&misses[i as usize % misses.len()])).expect("load")
        })
    });
    group.finish();
}

/// Benchmarks that leave N as they found it.
fn rewrites(c: &mut Criterion, n: usize, p: &Populated) {
    let pick = move |i: u64| (mix(i) % n as u64) as usize;
    let state = realistic_state(11);

    let mut group = c.benchmark_group("update");
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("store", n), |b| {
        b.iter_batched(
            || {
                i += 1;
                (key(&p.keys[pick(i)]), state.clone())
            },
            |(k, s)| run(p.store.update(k, s, &DAY)).expect("update"),
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("update_ttl");
    let keys: Vec<SessionKey> = p.keys.iter().map(|k| key(k)).collect();
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("store", n), |b| {
        b.iter(|| {
            i += 1;
            run(p.store.update_ttl(&keys[pick(i)], &DAY)).expect("update_ttl")
        })
    });
    group.finish();

    let mut group = c.benchmark_group("delete");
    group.bench_function(BenchmarkId::new("store", n), |b| {
        b.iter_batched(
            || run(p.store.save(state.clone(), &DAY)).expect("save"),
            |k| run(p.store.delete(&k)).expect("delete"),
            BatchSize::SmallInput,
        )
    });
    group.finish();

    // Expired but not yet swept: load must check the expiry itself.
    let expired = p.expire(1024);
    let mut group = c.benchmark_group("load_expired");
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("store", n), |b| {
        b.iter(|| {
            i += 1;
            let loaded = run(p.store.load(&expired[i as usize % expired.len()])).expect("load");
            assert!(loaded.is_none());
        })
    });
    group.finish();
    p.store.sweep_expired().expect("sweeping the expired set");
}

/// Benchmarks that add a session per iteration.
fn growing(c: &mut Criterion, n: usize, p: &Populated, record: &[u8]) {
    let state = realistic_state(11);

    let mut group = c.benchmark_group("save");
    group.bench_function(BenchmarkId::new("store", n), |b| {
        b.iter_batched(
            || state.clone(),
            |s| run(p.store.save(s, &DAY)).expect("save"),
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let raw = p.db.open_tree("raw_insert").expect("raw tree");
    let mut group = c.benchmark_group("raw_insert");
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("sled", n), |b| {
        b.iter(|| {
            i += 1;
            raw.insert(raw_key(i), record).expect("insert")
        })
    });
    group.finish();
}

/// A 16 KiB state: load, save and update on a store of its own.
fn large(c: &mut Criterion, n: usize) {
    let populated = Populated::new(n, large_state).expect("populating the large-state store");
    let keys: Vec<SessionKey> = populated.keys.iter().map(|k| key(k)).collect();
    let pick = move |i: u64| (mix(i) % n as u64) as usize;
    let state = large_state(3);
    let mut group = c.benchmark_group("large_state");
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("load", n), |b| {
        b.iter(|| {
            i += 1;
            run(populated.store.load(&keys[pick(i)]))
                .expect("load")
                .expect("live")
        })
    });
    group.bench_function(BenchmarkId::new("save", n), |b| {
        b.iter_batched(
            || state.clone(),
            |s| run(populated.store.save(s, &DAY)).expect("save"),
            BatchSize::SmallInput,
        )
    });
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("update", n), |b| {
        b.iter_batched(
            || {
                i += 1;
                (key(&populated.keys[pick(i)]), state.clone())
            },
            |(k, s)| run(populated.store.update(k, s, &DAY)).expect("update"),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}
