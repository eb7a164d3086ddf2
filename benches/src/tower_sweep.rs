//! The expiry sweep as a tower-sessions application runs it, `ExpiredDeletion::delete_expired`,
//! with N live sessions and 1,000 expired ones each time: the published
//! tower-sessions-sled-store 0.2.0 (a scan that decodes every record) against this project's sled
//! store behind the same trait (the index sweep), in the same run, on the same records.

use std::collections::HashMap;

use actix_session_sled::SledSessionStore;
use criterion::{BatchSize, BenchmarkId, Criterion};
use session_store_conformance::compat::V0_14;
use time::{Duration, OffsetDateTime};
use tower_sessions_core::{
    session::{Id, Record},
    ExpiredDeletion, SessionStore,
};
use tower_sessions_sled_store::SledStore;

use crate::fixtures::realistic_state;

/// The sweep, with `n` live sessions in each store.
pub fn bench(c: &mut Criterion, n: usize) -> anyhow::Result<()> {
    let runtime = crate::generic::runtime();
    let dir = tempfile::tempdir()?;
    let seed_db = sled::open(dir.path().join("seed"))?;
    let seed = V0_14(SledStore::new(seed_db.open_tree("session")?));
    let ours = SledSessionStore::open(dir.path().join("ours"))?;
    runtime.block_on(async {
        for i in 0..n as u64 {
            create(&seed, i, Duration::days(1)).await?;
            create(&ours, i, Duration::days(1)).await?;
        }
        anyhow::Ok(())
    })?;
    let mut group = c.benchmark_group("tower_sweep_1000");
    group.sample_size(10);
    // Fresh ids for the expired sessions of every iteration.
    let mut next = n as u64;
    let mut expire_1000 = |store: &dyn Fn(u64) -> anyhow::Result<()>| {
        for _ in 0..1_000 {
            next += 1;
            store(next).expect("an expired session");
        }
    };
    group.bench_function(BenchmarkId::new("seed", n), |b| {
        b.iter_batched(
            || expire_1000(&|i| runtime.block_on(create(&seed, i, Duration::days(-1)))),
            |()| runtime.block_on(seed.delete_expired()).expect("sweep"),
            BatchSize::PerIteration,
        )
    });
    group.bench_function(BenchmarkId::new("ours", n), |b| {
        b.iter_batched(
            || expire_1000(&|i| runtime.block_on(create(&ours, i, Duration::days(-1)))),
            |()| runtime.block_on(ours.delete_expired()).expect("sweep"),
            BatchSize::PerIteration,
        )
    });
    group.finish();
    Ok(())
}

/// Session `i` with a realistic state, expiring `ttl` from now (already, for a negative one).
async fn create<S: SessionStore>(store: &S, i: u64, ttl: Duration) -> anyhow::Result<()> {
    let data: HashMap<String, serde_json::Value> = realistic_state(i)
        .into_iter()
        .map(|(field, text)| Ok((field, serde_json::from_str(&text)?)))
        .collect::<anyhow::Result<_>>()?;
    let mut record = Record {
        id: Id(i128::from(i) + 1),
        data,
        expiry_date: OffsetDateTime::now_utc() + ttl,
    };
    store.create(&mut record).await?;
    Ok(())
}
