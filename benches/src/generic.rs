//! Criterion benchmarks of any session store of either ecosystem (an actix-session
//! `SessionStore`, a tower-sessions one in the suite's `Tower`), given the same [`Harness`] the
//! conformance suite takes: load (live, missing, expired), save, update, update_ttl (actix-session
//! only) and delete with N live sessions, concurrent saves from 1, 2 and 4 threads, and the sweep
//! of 1,000 expired sessions (and of 100,000 from N = 1,000,000 on) where the harness gives one
//! and a clock the bench can move.
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

use criterion::{BenchmarkId, Criterion, Throughput};
use futures_util::{stream, StreamExt as _};
use session_store_conformance::{Harness, Subject};

use crate::{
    fixtures::{mix, session_counts, DAY, LARGE_SWEEP_FROM_N},
    store_ops::{Benched, Ops},
};

/// A key of the store `S`, as its trait takes it.
type Key<S> = <<S as Benched>::Ops as Ops<S>>::Key;
/// A state of the store `S`, as its trait takes it.
type State<S> = <<S as Benched>::Ops as Ops<S>>::State;

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
    H::Store: Benched,
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
pub struct Filled<S: Benched> {
    pub subject: Subject<S>,
    pub keys: Vec<Key<S>>,
}

impl<S: Benched> Filled<S> {
    /// A fresh store of `harness` filled with `n` realistic sessions, saved `FILL_IN_FLIGHT`
    /// at a time.
    pub async fn new<H: Harness<Store = S>>(harness: &H, n: usize) -> anyhow::Result<Self> {
        let subject = harness.fresh().await?;
        let store = &subject.store;
        let keys = stream::iter(0..n as u64)
            .map(|i| S::Ops::save(store, S::Ops::state(i), DAY))
            .buffer_unordered(FILL_IN_FLIGHT)
            .collect()
            .await;
        Ok(Self { subject, keys })
    }

    /// The i-th pseudo-random live key.
    fn pick(&self, i: u64) -> &Key<S> {
        &self.keys[(mix(i) % self.keys.len() as u64) as usize]
    }
}

/// Saves `k` sessions that expire in a second, then lets them expire: moves the harness's
/// clock, or waits on the real one.
pub async fn expire<H: Harness>(
    harness: &H,
    store: &H::Store,
    k: usize,
) -> anyhow::Result<Vec<Key<H::Store>>>
where
    H::Store: Benched,
{
    let state = <H::Store as Benched>::Ops::state(5);
    let mut keys = Vec::with_capacity(k);
    for _ in 0..k {
        let ttl = time::Duration::seconds(1);
        keys.push(<H::Store as Benched>::Ops::save(store, state.clone(), ttl).await);
    }
    let caps = harness.capabilities();
    if !caps.clock.is_controlled() {
        tokio::time::sleep(Duration::from_millis(1_400)).await;
    } else if let session_store_conformance::Clock::Controlled(advance) = &caps.clock {
        advance(Duration::from_secs(2));
    }
    Ok(keys)
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
        H::Store: Benched,
    {
        type O<H> = <<H as Harness>::Store as Benched>::Ops;
        let store = &filled.subject.store;
        let state = O::<H>::state(11);
        // Leaves N as it is.
        self.one(
            "load_live",
            |i| filled.pick(i),
            |key| async move { assert!(O::<H>::load(store, key).await, "a live session") },
        );
        let misses: Vec<_> = (0..BATCH).map(|_| O::<H>::missing_key()).collect();
        self.one(
            "load_missing",
            |i| &misses[(i % BATCH) as usize],
            |key| async move { assert!(!O::<H>::load(store, key).await) },
        );
        let s = &state;
        self.one(
            "update",
            |i| (O::<H>::owned(filled.pick(i)), s.clone()),
            |(key, state)| O::<H>::update(store, key, state, DAY),
        );
        if O::<H>::update_ttl(store, filled.pick(0), DAY).is_some() {
            self.one(
                "update_ttl",
                |i| filled.pick(i),
                |key| async move {
                    if let Some(update) = O::<H>::update_ttl(store, key, DAY) {
                        update.await;
                    }
                },
            );
        }
        // Deletes what it saved beforehand, untimed: N stays.
        let runtime = self.runtime;
        self.one(
            "delete",
            |_| runtime.block_on(O::<H>::save(store, s.clone(), DAY)),
            |key| async move { O::<H>::delete(store, &key).await },
        );
        if harness.capabilities().enforces_ttl {
            let expired = runtime
                .block_on(expire(harness, store, BATCH as usize))
                .expect("expiring sessions");
            // A store that serves expired sessions (a known finding of some published stores)
            // has no cost of refusing one to measure.
            if runtime.block_on(O::<H>::load(store, &expired[0])) {
                println!(
                    "not measured: load_expired of {} at N = {}: the store serves expired \
                     sessions",
                    self.label, self.n
                );
            } else {
                self.one(
                    "load_expired",
                    |i| &expired[(i % BATCH) as usize],
                    |key| async move { assert!(!O::<H>::load(store, key).await) },
                );
            }
        }
        let controlled = harness.capabilities().clock.is_controlled();
        if let (true, Some(sweep)) = (controlled, filled.subject.sweep()) {
            runtime.block_on(sweep).expect("sweeping the expired set");
            self.sweep(harness, &filled.subject, 1_000);
            if self.n >= LARGE_SWEEP_FROM_N {
                self.sweep(harness, &filled.subject, 100_000);
            }
        }
        // Adds a session per call: last.
        self.one(
            "save",
            |_| s.clone(),
            |state| O::<H>::save(store, state, DAY),
        );
    }

    /// The sweep of `expired` expired sessions among N live (group `sweep_{expired}`); each
    /// sweep's expired set is made beforehand, untimed.
    fn sweep<H: Harness>(&mut self, harness: &H, subject: &Subject<H::Store>, expired: usize)
    where
        H::Store: Benched,
    {
        let id = self.id();
        let runtime = self.runtime;
        let mut g = self.c.benchmark_group(format!("sweep_{expired}"));
        g.sample_size(10);
        g.bench_function(id, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    runtime
                        .block_on(expire(harness, &subject.store, expired))
                        .expect("expiring sessions");
                    // A harness's sweep may do its work when called, not when awaited.
                    let started = Instant::now();
                    let sweep = subject.sweep().expect("a sweep");
                    let removed = runtime.block_on(sweep).expect("sweep");
                    total += started.elapsed();
                    if let Some(removed) = removed {
                        assert_eq!(
                            removed, expired,
                            "the sweep must remove exactly the expired"
                        );
                    }
                }
                total
            })
        });
        g.finish();
    }
}

/// Saves from 1, 2 and 4 threads at once, each with its own handle on the store.
fn concurrent_saves<S: Benched>(
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
                                let state = S::Ops::state(3);
                                let states: Vec<State<S>> =
                                    (0..per_thread).map(|_| state.clone()).collect();
                                let started = Instant::now();
                                for state in states {
                                    S::Ops::save(&store, state, DAY).await;
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
