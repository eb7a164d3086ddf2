//! `cargo bench`: every store this project measures, through the generic groups (actix-session:
//! the sled store, the in-memory map, actix-session's cookie and Redis stores, and the published
//! PostgreSQL store; tower-sessions: the sled store's tower front, tower-sessions' MemoryStore,
//! and the published moka, sqlx (SQLite, PostgreSQL) and sled stores; Redis and PostgreSQL on
//! servers started here on free loopback ports), then sled's own group. `BENCH_MAX_N=10000` caps N for a quick run, `BENCH_STORES=sled,sled-only`
//! runs only those groups; `cargo bench -p benches -- --test` runs every benchmark once (the CI
//! smoke). `cargo run -p benches --bin report` then
//! writes `results/bench.md`, `.json` and `.svg`.

use std::time::Duration;

use benches::{
    fixtures::{session_counts, PEER_MAX_N},
    generic::{bench_store, Options},
    output::Extra,
    sled_only,
    store_ops::Benched,
    tower_sweep,
};
use criterion::Criterion;
use session_store_conformance::{
    fixtures::required,
    stores::{
        CookieHarness, PostgresHarness, RedisHarness, TowerMemoryHarness, TowerMokaHarness,
        TowerPostgresHarness, TowerSledSeedHarness, TowerSqliteHarness,
    },
    Harness, MemoryHarness,
};
use testbed::certified::{SledHarness, SledTowerHarness};

/// Loading a store over the network with a million sessions takes minutes, and its cost per
/// operation is the round trip, which does not depend on N.
const NETWORK_MAX_N: usize = 100_000;
/// tower-sessions-sqlx-store on SQLite writes a transaction per save: filling it is slow, and
/// its cost per operation is the file's, which hardly depends on N at this size.
const SQLITE_MAX_N: usize = 10_000;

fn measure<H: Harness>(c: &mut Criterion, extra: &mut Extra, harness: &H, label: &str, max: usize)
where
    H::Store: Benched,
{
    if !wanted(label) {
        return;
    }
    match bench_store(c, harness, &Options::new(label, max)) {
        Ok(counts) => {
            extra.stores.push((label.to_owned(), harness.name()));
            for n in counts {
                extra
                    .measured
                    .entry(label.to_owned())
                    .or_default()
                    .insert(n);
            }
        }
        Err(e) => panic!("benchmarking {label}: {e:#}"),
    }
}

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    let mut extra = Extra::default();
    let c = &mut criterion;
    // The two stores measured to 10,000,000 sessions: how every cost grows with N.
    measure(c, &mut extra, &SledHarness::new(), "sled", usize::MAX);
    measure(c, &mut extra, &MemoryHarness::new(), "memory", usize::MAX);
    // The cookie store keeps nothing server-side: N does not apply, measured once.
    measure(c, &mut extra, &CookieHarness, "cookie", 1_000);
    if wanted("redis") {
        match RedisHarness::start() {
            Ok(redis) => measure(c, &mut extra, &redis, "redis", NETWORK_MAX_N),
            Err(why) => skip(&mut extra, "redis", why),
        }
    }
    if wanted("postgres") {
        match PostgresHarness::start() {
            Ok(postgres) => measure(c, &mut extra, &postgres, "postgres", NETWORK_MAX_N),
            Err(why) => skip(&mut extra, "postgres", why),
        }
    }
    // tower-sessions: the same groups through the other ecosystem's trait.
    measure(
        c,
        &mut extra,
        &SledTowerHarness::new(),
        "tower-sled",
        PEER_MAX_N,
    );
    measure(
        c,
        &mut extra,
        &TowerMemoryHarness,
        "tower-memory",
        PEER_MAX_N,
    );
    // Unbounded: a benchmark of what the store costs, not of its evictions (finding K1).
    let moka = TowerMokaHarness::with_capacity(None);
    measure(c, &mut extra, &moka, "tower-moka", PEER_MAX_N);
    measure(
        c,
        &mut extra,
        &TowerSledSeedHarness,
        "tower-sled-seed",
        PEER_MAX_N,
    );
    measure(
        c,
        &mut extra,
        &TowerSqliteHarness,
        "tower-sqlite",
        SQLITE_MAX_N,
    );
    if wanted("tower-postgres") {
        match TowerPostgresHarness::start() {
            Ok(postgres) => measure(c, &mut extra, &postgres, "tower-postgres", NETWORK_MAX_N),
            Err(why) => skip(&mut extra, "tower-postgres", why),
        }
    }
    if wanted("sled-only") {
        for n in session_counts() {
            sled_only::bench(c, n, &mut extra).expect("sled's own benchmarks");
        }
    }
    if wanted("tower-sweep") {
        for n in session_counts().into_iter().filter(|&n| n <= PEER_MAX_N) {
            tower_sweep::bench(c, n).expect("the tower sweep");
        }
    }
    if wanted("sled-only") {
        // Last: the first sled transaction in a process changes how every later operation locks.
        sled_only::protocols(c).expect("the write protocols");
    }
    if let Err(e) = extra.save() {
        eprintln!("could not save the extra measurements: {e:#}");
    }
    criterion.final_summary();
}

/// Whether `BENCH_STORES` (a comma-separated list of labels, `sled-only` for sled's own group;
/// default: everything) asks for `label`.
fn wanted(label: &str) -> bool {
    std::env::var("BENCH_STORES").map_or(true, |list| list.split(',').any(|l| l.trim() == label))
}

/// A store whose server could not start: skipped with the reason, unless `CONFORMANCE_REQUIRE`
/// names it (CI), when the run fails.
fn skip(extra: &mut Extra, label: &str, why: impl std::fmt::Display) {
    if required(label) {
        panic!("CONFORMANCE_REQUIRE names {label}, but its server could not be started: {why}");
    }
    println!("SKIPPED the {label} benchmarks: {why}");
    extra.skipped.insert(label.to_owned(), why.to_string());
}
