//! Runs every property on every certified store and every mutant, and writes the certification
//! matrix.
//!
//! ```text
//! cargo run --release -p testbed --bin conformance-report [-- OUTPUT.md]
//! ```
//! Default output: `results/conformance.md`. Honours the suite's knobs (`PROPTEST_CASES`,
//! `CONFORMANCE_KEYS`, ...). Exits 1 if a store breaks a property outside its known findings, a
//! known finding no longer reproduces, or a mutant escapes.

use std::fmt::Write as _;

use reports::{Provenance, Table};
use session_store_conformance::{
    check, fixtures,
    matrix::{self, StoreVerdicts},
    stores::{
        CookieHarness, PostgresHarness, RedisHarness, TowerMemoryHarness, TowerMokaHarness,
        TowerPostgresHarness, TowerSledSeedHarness, TowerSqliteHarness, MOKA_KNOWN_FINDINGS,
        POSTGRES_KNOWN_FINDINGS, REDIS_KNOWN_FINDINGS, SLED_SEED_KNOWN_FINDINGS,
        TOWER_POSTGRES_KNOWN_FINDINGS, TOWER_SQLITE_KNOWN_FINDINGS,
    },
    Harness, KnownFinding, MemoryHarness, Property, SuiteConfig,
};
use testbed::{
    catch::{catches, runs, Broken, RACE_REPEATS},
    certified::{Cookie09Harness, SledHarness, SledTowerHarness},
    mutants::Mutant,
    tower_mutants::TowerMutant,
};

/// Every property on a harness of its own, as `cargo test` checks them (one harness per test:
/// a harness's controlled clock is not moved by another property).
fn certify<H: Harness>(make: impl Fn() -> H, known: &[KnownFinding]) -> StoreVerdicts {
    let reports: Vec<_> = Property::ALL
        .into_iter()
        .map(|property| {
            let harness = make();
            let report = check(&harness, property, &harness.config(), known);
            eprintln!("{}", report.summary());
            report
        })
        .collect();
    StoreVerdicts::new(&make(), known, &reports)
}

fn main() {
    let output = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "results/conformance.md".to_owned());
    let provenance = Provenance::now("cargo run --release -p testbed --bin conformance-report");
    let config = SuiteConfig::default();
    let mut stores = vec![
        certify(MemoryHarness::new, &[]),
        certify(SledHarness::new, &[]),
        certify(|| CookieHarness, &[]),
        certify(|| Cookie09Harness, &[]),
        certify(|| TowerMemoryHarness, &[]),
        certify(SledTowerHarness::new, &[]),
        certify(TowerMokaHarness::default, MOKA_KNOWN_FINDINGS),
        certify(|| TowerSqliteHarness, TOWER_SQLITE_KNOWN_FINDINGS),
        certify(|| TowerSledSeedHarness, SLED_SEED_KNOWN_FINDINGS),
    ];
    let mut missing = Vec::new();
    // One server each, shared by the harnesses of every property (namespaces keep them apart).
    match fixtures::redis() {
        Ok(redis) => stores.push(certify(
            || RedisHarness::connect(redis.url()),
            REDIS_KNOWN_FINDINGS,
        )),
        Err(why) => missing.push(format!("Redis was not certified in this run: {why}.")),
    }
    match fixtures::postgres() {
        Ok(postgres) => {
            stores.push(certify(
                || PostgresHarness::connect(postgres.url()),
                POSTGRES_KNOWN_FINDINGS,
            ));
            stores.push(certify(
                || TowerPostgresHarness::connect(postgres.url()),
                TOWER_POSTGRES_KNOWN_FINDINGS,
            ));
        }
        Err(why) => missing.push(format!("PostgreSQL was not certified in this run: {why}.")),
    }
    let mutants: Vec<MutantRun> = Mutant::ALL
        .into_iter()
        .map(|m| run_mutant("actix", m))
        .chain(TowerMutant::ALL.into_iter().map(|m| run_mutant("tower", m)))
        .collect();

    let mut md = String::new();
    let _ = writeln!(md, "# Conformance matrix\n\n{}\n", provenance.markdown());
    let _ = writeln!(
        md,
        "Knobs: {} generated cases per generated property (sequences of up to {} operations), \
         {} fresh keys, {} live sessions, {} futures on one thread, {} racing pairs per race; \
         mutants: 64 cases, 20,000 keys and sessions.\n",
        config.cases,
        config.max_ops,
        config.keys,
        config.sessions,
        config.in_flight,
        config.race_rounds
    );
    for note in &missing {
        let _ = writeln!(md, "**{note}**\n");
    }
    let failures = matrix::render(&mut md, &stores);
    let _ = writeln!(
        md,
        "Reproduce a finding with `CONFORMANCE_REQUIRE=all cargo test -p conformance --test \
         <store>_store <property> -- --nocapture`.\n"
    );
    let escaped = write_mutants(&mut md, &mutants);

    if let Some(parent) = std::path::Path::new(&output).parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let json = std::path::Path::new(&output).with_extension("json");
    if let Err(e) = reports::write_json(&json, &stores) {
        eprintln!("cannot write {}: {e}", json.display());
        std::process::exit(1);
    }
    if let Err(e) = std::fs::write(&output, &md) {
        eprintln!("cannot write {output}: {e}");
        std::process::exit(1);
    }
    println!("{md}");
    if failures + escaped > 0 {
        eprintln!("{failures} unexpected failures, {escaped} mutants escaped");
        std::process::exit(1);
    }
}

struct MutantRun {
    /// The ecosystem and the mutant.
    name: String,
    must: Property,
    /// Every property that failed it.
    caught_by: Vec<Property>,
    /// Catches by its own property, out of the runs made.
    repeated: (usize, usize),
}

fn run_mutant<B: Broken>(ecosystem: &str, broken: B) -> MutantRun {
    let caught_by: Vec<Property> = Property::ALL
        .into_iter()
        .filter(|&p| catches(broken, p, 1).0 == 1)
        .collect();
    let runs = runs(broken);
    let (caught, _) = catches(broken, broken.caught_by(), runs);
    eprintln!(
        "mutant {broken:?}: caught by {caught_by:?}; {caught} of {runs} by {}",
        broken.caught_by()
    );
    MutantRun {
        name: format!("{ecosystem}: {broken:?}"),
        must: broken.caught_by(),
        caught_by,
        repeated: (caught, runs),
    }
}

fn write_mutants(md: &mut String, mutants: &[MutantRun]) -> usize {
    let escaped = mutants
        .iter()
        .filter(|m| m.repeated.0 < m.repeated.1)
        .count();
    let mut table = Table::new([
        "mutant",
        "must be caught by",
        "caught (runs)",
        "caught by (all properties)",
    ]);
    for run in mutants {
        let all: Vec<String> = run.caught_by.iter().map(|p| p.to_string()).collect();
        table.row([
            run.name.clone(),
            run.must.to_string(),
            format!("{} of {}", run.repeated.0, run.repeated.1),
            if all.is_empty() {
                "**NOT CAUGHT**".to_owned()
            } else {
                all.join(", ")
            },
        ]);
    }
    let _ = writeln!(
        md,
        "## Mutants: {} of {} caught every time\n\nDeliberately broken stores \
         (`testbed/src/mutants/` for actix-session, `testbed/src/tower_mutants/` for tower-sessions), each with one defect written the way a careful author ships \
         it. A mutant whose defect needs operations to interleave is checked {RACE_REPEATS} times \
         by its property.\n\n{}",
        mutants.len() - escaped,
        mutants.len(),
        table.markdown()
    );
    escaped
}
