//! actix-session's own stores on the same workload: the cookie store (no server-side state) and
//! the Redis store on a real `redis-server` started here on a free loopback port.

use actix_session::storage::{CookieSessionStore, RedisSessionStore, SessionKey, SessionStore};
use benches::{
    fixtures::{mix, realistic_state, run, session_counts, DAY},
    output::Extra,
};
use criterion::{BatchSize, BenchmarkId, Criterion};
use futures_util::future::join_all;
use testbed::servers::RedisServer;

/// Redis runs at most this many sessions: beyond it each N costs a minute of loading and the
/// per-operation cost is the loopback round trip, which does not depend on N.
const REDIS_MAX_N: usize = 100_000;

pub fn bench(c: &mut Criterion, extra: &mut Extra) {
    cookie(c);
    match RedisServer::start() {
        Ok(server) => {
            extra.redis_skipped = None;
            redis(c, &server);
        }
        Err(why) => {
            println!("SKIPPED the Redis benchmarks: {why}");
            extra.redis_skipped = Some(why.to_string());
        }
    }
}

/// The cookie store keeps nothing server-side, so N does not apply: measured once.
fn cookie(c: &mut Criterion) {
    let store = CookieSessionStore::default();
    let state = realistic_state(11);
    let key = run(store.save(state.clone(), &DAY)).expect("save");
    let mut group = c.benchmark_group("cookie_store");
    group.bench_function("load", |b| b.iter(|| run(store.load(&key)).expect("load")));
    group.bench_function("save", |b| {
        b.iter_batched(
            || state.clone(),
            |s| run(store.save(s, &DAY)).expect("save"),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn redis(c: &mut Criterion, server: &RedisServer) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let store = runtime
        .block_on(RedisSessionStore::new(server.url()))
        .expect("connecting to redis-server");
    let mut keys: Vec<String> = Vec::new();
    for n in session_counts().into_iter().filter(|&n| n <= REDIS_MAX_N) {
        // Load concurrently: the connection pipelines the commands.
        while keys.len() < n {
            let batch = (n - keys.len()).min(1_000);
            let start = keys.len() as u64;
            let saved = runtime.block_on(join_all(
                (0..batch as u64).map(|i| store.save(realistic_state(start + i), &DAY)),
            ));
            keys.extend(saved.into_iter().map(|k| String::from(k.expect("save"))));
        }
        let session_keys: Vec<SessionKey> = keys
            .iter()
            .map(|k| k.clone().try_into().expect("key"))
            .collect();
        let pick = move |i: u64| (mix(i) % n as u64) as usize;
        let state = realistic_state(11);
        let mut group = c.benchmark_group("redis_store");
        let mut i = 0u64; // kept across samples: every iteration takes a fresh key
        group.bench_function(BenchmarkId::new("load", n), |b| {
            b.to_async(&runtime).iter(|| {
                i += 1;
                let key = &session_keys[pick(i)];
                let store = &store;
                async move { store.load(key).await.expect("load").expect("live") }
            })
        });
        group.bench_function(BenchmarkId::new("save", n), |b| {
            b.to_async(&runtime).iter(|| {
                let state = state.clone();
                let store = &store;
                async move { store.save(state, &DAY).await.expect("save") }
            })
        });
        let mut i = 0u64; // kept across samples: every iteration takes a fresh key
        group.bench_function(BenchmarkId::new("update", n), |b| {
            b.to_async(&runtime).iter(|| {
                i += 1;
                let key: SessionKey = keys[pick(i)].clone().try_into().expect("key");
                let state = state.clone();
                let store = &store;
                async move { store.update(key, state, &DAY).await.expect("update") }
            })
        });
        group.finish();
    }
}
