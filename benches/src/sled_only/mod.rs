//! What only the sled store has: sled itself underneath it. Raw sled get and insert of the same
//! bytes (the floors of load and save), the raw operations a sweep cannot avoid (its floor), the
//! full-scan sweep of the tower-sessions-sled-store design, the two crash-safe write protocols
//! side by side, the 16 KiB-state case, and the bytes a session takes on disk.

mod baselines;
mod populated;
mod protocols;

use actix_session::storage::{SessionKey, SessionStore};
use actix_session_sled::{internals::decode_record, Clock};
use criterion::{BatchSize, BenchmarkId, Criterion};

use self::baselines::full_scan_sweep;
pub use self::populated::Populated;
pub use self::protocols::bench as protocols;
use crate::{
    fixtures::{large_state, mix, raw_key, realistic_state, run, state_bytes, DAY, PEER_MAX_N},
    output::Extra,
};

/// The N at which the large-state case runs.
const LARGE_STATE_N: usize = 10_000;
/// Length of an index entry's time prefix (big-endian milliseconds).
const INDEX_TIME_LEN: usize = 8;

/// sled's own benchmarks with `n` live sessions.
pub fn bench(c: &mut Criterion, n: usize, extra: &mut Extra) -> anyhow::Result<()> {
    let p = Populated::new(n, realistic_state)?;
    extra.state_bytes = state_bytes(&realistic_state(7));
    extra.disk_bytes.insert(n, p.disk_bytes()?);
    let record = p
        .data()?
        .get(p.keys[0].as_bytes())?
        .ok_or_else(|| anyhow::anyhow!("a saved session has no record"))?
        .to_vec();
    extra.record_bytes = record.len();
    raw_get(c, n, &p)?;
    sweep_floor(c, n, &p)?;
    // Last for this N: the full scan deletes records without their index entries, and the
    // raw inserts grow a tree of their own. Past PEER_MAX_N a full scan takes half a minute
    // per sweep, and its growth is already plain: linear in N.
    if n <= PEER_MAX_N {
        full_scan(c, n, &p)?;
    } else {
        println!(
            "not measured: the full-scan sweep at N = {n} (linear in N; measured to {PEER_MAX_N})"
        );
    }
    raw_insert(c, n, &p, &record)?;
    if n == LARGE_STATE_N {
        large(c, n)?;
    }
    Ok(())
}

/// The floor of `load`: the same record fetched and decoded straight from sled.
fn raw_get(c: &mut Criterion, n: usize, p: &Populated) -> anyhow::Result<()> {
    let data = p.data()?;
    let pick = |i: u64| (mix(i) % n as u64) as usize;
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
    Ok(())
}

/// The floor of `save`: raw inserts of the same record bytes.
fn raw_insert(c: &mut Criterion, n: usize, p: &Populated, record: &[u8]) -> anyhow::Result<()> {
    let raw = p.db.open_tree("raw_insert")?;
    let mut group = c.benchmark_group("raw_insert");
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("sled", n), |b| {
        b.iter(|| {
            i += 1;
            raw.insert(raw_key(i), record).expect("insert")
        })
    });
    group.finish();
    Ok(())
}

/// The floor of the sweep of 1,000 expired sessions: what no sweep can avoid, per expired
/// session one get of its record and the removal of the record and of its index entry, on the
/// store's own trees. The store's sweep (`sweep_1000/sled/N`, in the generic group) is measured
/// against it.
fn sweep_floor(c: &mut Criterion, n: usize, p: &Populated) -> anyhow::Result<()> {
    let (data, index) = (p.data()?, p.index()?);
    let mut group = c.benchmark_group("raw_sweep_floor_1000");
    group.sample_size(10);
    group.bench_function(BenchmarkId::new("sled", n), |b| {
        b.iter_batched(
            || {
                drop(p.expire(1_000));
                // The expired sessions' entries are the first of the time-ordered index.
                let now = p.clock.now_ms().to_be_bytes();
                index
                    .range(..now.as_slice())
                    .keys()
                    .map(|entry| entry.expect("an index entry").to_vec())
                    .collect::<Vec<_>>()
            },
            |entries| {
                assert_eq!(entries.len(), 1_000);
                for entry in entries {
                    let key = &entry[INDEX_TIME_LEN..];
                    data.get(key).expect("get");
                    data.remove(key).expect("remove the record");
                    index.remove(&entry).expect("remove the entry");
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    Ok(())
}

/// The full-scan sweep (read and decode every record) of 1,000 expired among `n`.
fn full_scan(c: &mut Criterion, n: usize, p: &Populated) -> anyhow::Result<()> {
    let data = p.data()?;
    let mut group = c.benchmark_group("full_scan_sweep_1000");
    group.sample_size(10);
    group.bench_function(BenchmarkId::new("full_scan", n), |b| {
        b.iter_batched(
            || drop(p.expire(1_000)),
            |()| {
                let removed = full_scan_sweep(&data, p.clock.now_ms()).expect("full scan");
                assert_eq!(removed, 1_000);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    Ok(())
}

/// A 16 KiB state: load, save and update on a store of its own.
fn large(c: &mut Criterion, n: usize) -> anyhow::Result<()> {
    let p = Populated::new(n, large_state)?;
    let keys: Vec<SessionKey> = p
        .keys
        .iter()
        .map(|k| SessionKey::try_from(k.clone()).expect("a key"))
        .collect();
    let pick = move |i: u64| (mix(i) % n as u64) as usize;
    let state = large_state(3);
    let mut group = c.benchmark_group("large_state");
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("load", n), |b| {
        b.iter(|| {
            i += 1;
            run(p.store.load(&keys[pick(i)]))
                .expect("load")
                .expect("live")
        })
    });
    group.bench_function(BenchmarkId::new("save", n), |b| {
        b.iter_batched(
            || state.clone(),
            |s| run(p.store.save(s, &DAY)).expect("save"),
            BatchSize::SmallInput,
        )
    });
    let mut i = 0u64; // kept across samples: every iteration takes a fresh key
    group.bench_function(BenchmarkId::new("update", n), |b| {
        b.iter_batched(
            || {
                i += 1;
                (keys[pick(i)].as_ref().to_owned(), state.clone())
            },
            |(k, s)| {
                let k = SessionKey::try_from(k).expect("a key");
                run(p.store.update(k, s, &DAY)).expect("update")
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
    Ok(())
}
