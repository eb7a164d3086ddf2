//! Criterion benchmarks of any `SessionStore`, given the same [`Harness`] the conformance suite
//! takes: load (live, missing, expired), save, update, update_ttl and delete with N live
//! sessions, concurrent saves from 1, 2 and 4 threads, and the sweep of 1,000 expired sessions
//! where the harness gives one and a clock the bench can move.
//!
//! ```ignore
//! let harness = MyHarness::new();
//! let mut criterion = criterion::Criterion::default().configure_from_args();
//! benches::generic::bench_store(&mut criterion, &harness, &Options::new("mine", 100_000))?;
//! ```
//!
//! Every operation is timed inside one `block_on` of a loop of `iters` calls, its inputs (states,
//! keys) made beforehand in untimed batches, so a figure is the store's cost per call and
//! nothing else. Results are criterion's, under `<operation>/<label>/<N>`.

use std::{
    future::Future,
    time::{Duration, Instant},
};

use actix_session::storage::{generate_session_key, SessionKey, SessionStore};
use criterion::{BenchmarkId, Criterion, Throughput};
use futures_util::{stream, StreamExt as _};
use session_store_conformance::{Harness, Subject};

use crate::fixtures::{mix, realistic_state, session_counts, State, DAY};

/// Inputs are made in untimed batches of this many.
const BATCH: u64 = 1_024;
/// Sessions saved at once while filling a store.
const FILL_IN_FLIGHT: usize = 64;

/// How to benchmark one store.
#[derive(Debug, Clone)]
pub struct Options {
    /// The store's name in benchmark ids (short, no spaces).
    pub label: String,
    /// The largest N for this store (loading a slow store with a million sessions takes long;
    /// a store whose cost does not depend on N needs only the smallest).
    pub max_sessions: usize,
}

impl Options {
    pub fn new(label: impl Into<String>, max_sessions: usize) -> Self {
        Self {
            label: label.into(),
            max_sessions,
        }
    }
}

/// A runtime for store futures: two workers, so that the I/O of network stores keeps running
/// while the bench thread blocks on a future, and threads of concurrent saves share it.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime")
}

/// Benchmarks every operation of the stores `harness` makes at each N up to
/// `options.max_sessions` (and `BENCH_MAX_N`); returns the N measured.
pub fn bench_store<H: Harness>(
    c: &mut Criterion,
    harness: &H,
    options: &Options,
) -> anyhow::Result<Vec<usize>>
where
    H::Store: SessionStore,
{
    let runtime = runtime();
    let counts: Vec<usize> = session_counts()
        .into_iter()
        .filter(|&n| n <= options.max_sessions)
        .collect();
    for &n in &counts {
        let filled = runtime.block_on(Filled::new(harness, n))?;
        let bench = Bench {
            c: &mut *c,
            runtime: &runtime,
            label: &options.label,
            n,
        };
        bench.run(harness, &filled);
        runtime.block_on(filled.subject.tear_down())?;
    }
    if let Some(&n) = counts.iter().filter(|&&n| n <= 100_000).max() {
        let filled = runtime.block_on(Filled::new(harness, n))?;
        concurrent_saves(c, &runtime, &options.label, &filled.subject);
        runtime.block_on(filled.subject.tear_down())?;
    }
    Ok(counts)
}

/// A fresh store holding `n` live sessions.
pub struct Filled<S> {
    pub subject: Subject<S>,
    pub keys: Vec<SessionKey>,
}

impl<S: SessionStore> Filled<S> {
    /// A fresh store of `harness` filled with `n` realistic sessions, saved `FILL_IN_FLIGHT`
    /// at a time.
    pub async fn new<H: Harness<Store = S>>(harness: &H, n: usize) -> anyhow::Result<Self> {
        let subject = harness.fresh().await?;
        let store = &subject.store;
        let saved: Vec<anyhow::Result<SessionKey>> = stream::iter(0..n as u64)
            .map(|i| async move { Ok(store.save(realistic_state(i), &DAY).await?) })
            .buffer_unordered(FILL_IN_FLIGHT)
            .collect()
            .await;
        let keys = saved.into_iter().collect::<anyhow::Result<_>>()?;
        Ok(Self { subject, keys })
    }

    /// The i-th pseudo-random live key.
    fn pick(&self, i: u64) -> &SessionKey {
        &self.keys[(mix(i) % self.keys.len() as u64) as usize]
    }
}

/// Saves `k` sessions that expire in a second, then lets them expire: moves the harness's
/// clock, or waits on the real one.
pub async fn expire<H: Harness>(
    harness: &H,
    store: &H::Store,
    k: usize,
) -> anyhow::Result<Vec<SessionKey>>
where
    H::Store: SessionStore,
{
    let state = realistic_state(5);
    let mut keys = Vec::with_capacity(k);
    for _ in 0..k {
        keys.push(
            store
                .save(
                    state.clone(),
                    &actix_web::cookie::time::Duration::seconds(1),
                )
                .await?,
        );
    }
    let caps = harness.capabilities();
    if !caps.clock.is_controlled() {
        tokio::time::sleep(Duration::from_millis(1_400)).await;
    } else if let session_store_conformance::Clock::Controlled(advance) = &caps.clock {
        advance(Duration::from_secs(2));
    }
    Ok(keys)
}

/// Whether a `load` found no session: nothing, or a key that does not decode (the cookie store,
/// whose keys are the state).
fn loads_nothing(result: Result<Option<State>, actix_session::storage::LoadError>) -> bool {
    match result {
        Ok(state) => state.is_none(),
        Err(actix_session::storage::LoadError::Deserialization(_)) => true,
        Err(e) => panic!("load failed: {e}"),
    }
}

/// Times `iters` calls of `op`, each given `input(i)`; the inputs are made in untimed batches.
fn timed<I, F, Fut>(
    runtime: &tokio::runtime::Runtime,
    iters: u64,
    mut input: impl FnMut(u64) -> I,
    mut op: F,
) -> Duration
where
    F: FnMut(I) -> Fut,
    Fut: Future,
{
    let mut total = Duration::ZERO;
    let mut done = 0;
    while done < iters {
        // Made outside the runtime: making an input may itself run a store future.
        let batch: Vec<I> = (done..(done + BATCH).min(iters)).map(&mut input).collect();
        done += batch.len() as u64;
        total += runtime.block_on(async {
            let started = Instant::now();
            for item in batch {
                op(item).await;
            }
            started.elapsed()
        });
    }
    total
}

struct Bench<'a> {
    c: &'a mut Criterion,
    runtime: &'a tokio::runtime::Runtime,
    label: &'a str,
    n: usize,
}

impl Bench<'_> {
    fn id(&self) -> BenchmarkId {
        BenchmarkId::new(self.label, self.n)
    }

    /// One benchmark: `iters` calls of `op` on inputs made by `input`.
    fn one<I, F, Fut>(&mut self, group: &str, mut input: impl FnMut(u64) -> I, mut op: F)
    where
        F: FnMut(I) -> Fut,
        Fut: Future,
    {
        let id = self.id();
        let runtime = self.runtime;
        let mut offset = 0u64; // kept across samples: every call takes fresh input
        let mut g = self.c.benchmark_group(group);
        g.bench_function(id, |b| {
            b.iter_custom(|iters| {
                let base = offset;
                offset += iters;
                timed(runtime, iters, |i| input(base + i), &mut op)
            })
        });
        g.finish();
    }

    fn run<H: Harness>(mut self, harness: &H, filled: &Filled<H::Store>)
    where
        H::Store: SessionStore,
    {
        let store = &filled.subject.store;
        let state = realistic_state(11);
        // Leaves N as it is.
        self.one(
            "load_live",
            |i| filled.pick(i),
            |key| async move {
                store
                    .load(key)
                    .await
                    .expect("load")
                    .expect("a live session")
            },
        );
        let misses: Vec<SessionKey> = (0..BATCH).map(|_| generate_session_key()).collect();
        self.one(
            "load_missing",
            |i| &misses[(i % BATCH) as usize],
            |key| async move {
                assert!(loads_nothing(store.load(key).await));
            },
        );
        let s = &state;
        self.one(
            "update",
            |i| (filled.pick(i).as_ref().to_owned(), s.clone()),
            |(key, state): (String, State)| async move {
                let key = SessionKey::try_from(key).expect("a key");
                store.update(key, state, &DAY).await.expect("update")
            },
        );
        self.one(
            "update_ttl",
            |i| filled.pick(i),
            |key| async move { store.update_ttl(key, &DAY).await.expect("update_ttl") },
        );
        // Deletes what it saved beforehand, untimed: N stays.
        let runtime = self.runtime;
        self.one(
            "delete",
            |_| runtime.block_on(store.save(s.clone(), &DAY)).expect("save"),
            |key| async move { store.delete(&key).await.expect("delete") },
        );
        if harness.capabilities().enforces_ttl {
            let expired = runtime
                .block_on(expire(harness, store, BATCH as usize))
                .expect("expiring sessions");
            self.one(
                "load_expired",
                |i| &expired[(i % BATCH) as usize],
                |key| async move {
                    assert!(loads_nothing(store.load(key).await));
                },
            );
        }
        let controlled = harness.capabilities().clock.is_controlled();
        if let (true, Some(sweep)) = (controlled, filled.subject.sweep()) {
            runtime.block_on(sweep).expect("sweeping the expired set");
            self.sweep(harness, &filled.subject);
        }
        // Adds a session per call: last.
        self.one(
            "save",
            |_| s.clone(),
            |state| async move { store.save(state, &DAY).await.expect("save") },
        );
    }

    /// The sweep of 1,000 expired sessions among N live; each sweep's expired set is made
    /// beforehand, untimed.
    fn sweep<H: Harness>(&mut self, harness: &H, subject: &Subject<H::Store>)
    where
        H::Store: SessionStore,
    {
        let id = self.id();
        let runtime = self.runtime;
        let mut g = self.c.benchmark_group("sweep_1000");
        g.sample_size(10);
        g.bench_function(id, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    runtime
                        .block_on(expire(harness, &subject.store, 1_000))
                        .expect("expiring sessions");
                    // A harness's sweep may do its work when called, not when awaited.
                    let started = Instant::now();
                    let sweep = subject.sweep().expect("a sweep");
                    let removed = runtime.block_on(sweep).expect("sweep");
                    total += started.elapsed();
                    if let Some(removed) = removed {
                        assert_eq!(removed, 1_000, "the sweep must remove exactly the expired");
                    }
                }
                total
            })
        });
        g.finish();
    }
}

/// Saves from 1, 2 and 4 threads at once, each with its own handle on the store.
fn concurrent_saves<S: SessionStore + Send + 'static>(
    c: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    label: &str,
    subject: &Subject<S>,
) {
    let mut group = c.benchmark_group("concurrent_save");
    group.throughput(Throughput::Elements(1));
    for threads in [1u64, 2, 4] {
        group.bench_function(BenchmarkId::new(label, threads), |b| {
            b.iter_custom(|iters| {
                let per_thread = iters.div_ceil(threads);
                let workers: Vec<_> = (0..threads)
                    .map(|_| {
                        let store = subject.handle();
                        let handle = runtime.handle().clone();
                        runtime.spawn_blocking(move || {
                            handle.block_on(async {
                                let state = realistic_state(3);
                                let states: Vec<State> =
                                    (0..per_thread).map(|_| state.clone()).collect();
                                let started = Instant::now();
                                for state in states {
                                    store.save(state, &DAY).await.expect("save");
                                }
                                started
                            })
                        })
                    })
                    .collect();
                let started: Vec<Instant> = runtime.block_on(async {
                    let mut all = Vec::new();
                    for worker in workers {
                        all.push(worker.await.expect("a saving thread"));
                    }
                    all
                });
                let first = started.iter().min().copied().unwrap_or_else(Instant::now);
                first
                    .elapsed()
                    .mul_f64(iters as f64 / (per_thread * threads) as f64)
            })
        });
    }
    group.finish();
}
