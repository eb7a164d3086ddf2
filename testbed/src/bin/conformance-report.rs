//! Runs every property on every certified store and every mutant, and writes the certification
//! matrix.
//!
//! ```text
//! cargo run --release -p testbed --bin conformance-report [-- OUTPUT.md]
//! ```
//! Default output: `results/conformance.md`. Honours the suite's knobs (`PROPTEST_CASES`,
//! `CONFORMANCE_KEYS`, ...). Exits 1 if a store breaks a property outside its known findings, a
//! known finding no longer reproduces, or a mutant escapes.

use std::{fmt::Write as _, time::Duration};

use conformance::{
    check, Harness, KnownFinding, MemoryHarness, Outcome, Property, Report, SuiteConfig, Verdict,
    MIDDLEWARE_KNOWN_FINDINGS,
};
use reports::{Provenance, Table};
use testbed::{
    certified::{
        Cookie09Harness, CookieHarness, PostgresHarness, RedisHarness, SledHarness,
        POSTGRES_KNOWN_FINDINGS, REDIS_KNOWN_FINDINGS,
    },
    mutants::{Mutant, MutantHarness},
};

/// How often a race-based mutant must be caught in a row.
const RACE_REPEATS: usize = 20;

struct StoreRun {
    name: String,
    capabilities: String,
    known: &'static [KnownFinding],
    reports: Vec<Report>,
}

fn certify<H: Harness>(harness: &H, known: &'static [KnownFinding]) -> StoreRun {
    let reports = Property::ALL
        .into_iter()
        .map(|property| {
            let report = check(harness, property, &harness.config(), known);
            eprintln!("{}", report.summary());
            report
        })
        .collect();
    let c = harness.capabilities();
    StoreRun {
        name: harness.name(),
        capabilities: format!(
            "{} | {} | {} | {:?} | {:?} | {} | {}",
            c.invalidates,
            c.enforces_ttl,
            c.update_keeps_key,
            c.clock,
            c.ttl_resolution,
            c.max_state.map_or("none".to_owned(), |l| format!(
                "{} ({:?})",
                l.bytes, l.measure
            )),
            c.key_shape
                .as_ref()
                .map_or("carries the state".to_owned(), |k| format!(
                    "{} chars",
                    k.len
                )),
        ),
        known,
        reports,
    }
}

fn main() {
    let output = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "results/conformance.md".to_owned());
    let provenance = Provenance::now("cargo run --release -p testbed --bin conformance-report");
    let config = SuiteConfig::default();
    let mut stores = vec![
        certify(&MemoryHarness::new(), &[]),
        certify(&SledHarness::new(), &[]),
        certify(&CookieHarness, &[]),
        certify(&Cookie09Harness, &[]),
    ];
    let mut missing = Vec::new();
    match RedisHarness::start() {
        Ok(harness) => stores.push(certify(&harness, REDIS_KNOWN_FINDINGS)),
        Err(why) => missing.push(format!("Redis was not certified in this run: {why}.")),
    }
    match PostgresHarness::start() {
        Ok(harness) => stores.push(certify(&harness, POSTGRES_KNOWN_FINDINGS)),
        Err(why) => missing.push(format!("PostgreSQL was not certified in this run: {why}.")),
    }
    let mutants: Vec<MutantRun> = Mutant::ALL.into_iter().map(run_mutant).collect();

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
    let failures = write_matrix(&mut md, &stores);
    write_findings(&mut md, &stores);
    write_capabilities(&mut md, &stores);
    let escaped = write_mutants(&mut md, &mutants);

    if let Some(parent) = std::path::Path::new(&output).parent() {
        let _ = std::fs::create_dir_all(parent);
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

/// The matrix itself; returns how many cells fail.
fn write_matrix(md: &mut String, stores: &[StoreRun]) -> usize {
    let mut header = vec!["store".to_owned()];
    header.extend(Property::ALL.iter().map(|p| p.to_string()));
    header.push("time".to_owned());
    let mut table = Table::new(header);
    let mut reasons: Vec<String> = Vec::new();
    let mut failures = 0;
    for store in stores {
        let mut row = vec![store.name.clone()];
        for report in &store.reports {
            row.push(match report.verdict(store.known) {
                Verdict::Holds => "holds".to_owned(),
                Verdict::Known => format!("known: {}", finding_ids(store, report).join(", ")),
                Verdict::NotApplicable(why) => {
                    let n = reasons.iter().position(|r| r == &why).unwrap_or_else(|| {
                        reasons.push(why.clone());
                        reasons.len() - 1
                    });
                    format!("n/a ({})", letter(n))
                }
                Verdict::Fails(why) => {
                    failures += 1;
                    format!("**FAILS**: {}", why.lines().nth(1).unwrap_or(&why))
                }
            });
        }
        let total: Duration = store.reports.iter().map(|r| r.elapsed).sum();
        row.push(format!("{:.0} s", total.as_secs_f64()));
        table.row(row);
    }
    let _ = writeln!(
        md,
        "## Certification\n\nEach cell: the property holds; holds except for the known findings \
         named (each reproduced in this run); does not apply, and why; or fails. The time is the \
         suite's wall time on that store.\n\n{}",
        table.markdown()
    );
    for (n, why) in reasons.iter().enumerate() {
        let _ = writeln!(md, "- n/a ({}): {why}", letter(n));
    }
    md.push('\n');
    failures
}

fn letter(n: usize) -> char {
    char::from(b'a' + u8::try_from(n % 26).unwrap_or(0))
}

/// The identifiers of the findings a report met: M (middleware), R (Redis), P (PostgreSQL).
fn finding_ids(store: &StoreRun, report: &Report) -> Vec<String> {
    report
        .known
        .iter()
        .map(|seen| finding_id(store, &seen.finding))
        .collect()
}

fn finding_id(store: &StoreRun, finding: &KnownFinding) -> String {
    if let Some(i) = MIDDLEWARE_KNOWN_FINDINGS.iter().position(|f| f == finding) {
        return format!("M{}", i + 1);
    }
    let prefix = if std::ptr::eq(store.known, POSTGRES_KNOWN_FINDINGS) {
        "P"
    } else {
        "R"
    };
    let i = store.known.iter().position(|f| f == finding).unwrap_or(0);
    format!("{prefix}{}", i + 1)
}

fn write_findings(md: &mut String, stores: &[StoreRun]) {
    let _ = writeln!(
        md,
        "## Known findings\n\nKept as tests: each must reproduce, in the property named, on every \
         run, and excuses only the failure it describes. Reproduce one with `TESTBED_REQUIRE=all \
         cargo test -p conformance --test <store>_store <property> -- --nocapture`.\n"
    );
    let mut table = Table::new([
        "id",
        "store",
        "property",
        "what is wrong",
        "what it means for a web app",
    ]);
    for (i, finding) in MIDDLEWARE_KNOWN_FINDINGS.iter().enumerate() {
        table.row([
            format!("M{}", i + 1),
            "every store (actix-session's middleware)".to_owned(),
            finding.property.to_string(),
            finding.explanation.to_owned(),
            finding.consequence.to_owned(),
        ]);
    }
    for store in stores.iter().filter(|s| !s.known.is_empty()) {
        for finding in store.known {
            table.row([
                finding_id(store, finding),
                store.name.clone(),
                finding.property.to_string(),
                finding.explanation.to_owned(),
                finding.consequence.to_owned(),
            ]);
        }
    }
    let _ = writeln!(md, "{}", table.markdown());
    let mut advisories = Table::new([
        "store",
        "probe (beyond what the middleware can send)",
        "what the store did",
    ]);
    for store in stores {
        for report in &store.reports {
            for advisory in &report.advisories {
                advisories.row([store.name.as_str(), &advisory.probe, &advisory.observed]);
            }
        }
    }
    if !advisories.is_empty() {
        let _ = writeln!(
            md,
            "### Advisories\n\nReported, never failed: inputs actix-session's middleware cannot \
             hand a store.\n\n{}",
            advisories.markdown()
        );
    }
}

fn write_capabilities(md: &mut String, stores: &[StoreRun]) {
    let mut table = Table::new([
        "store",
        "invalidates",
        "enforces TTL",
        "update keeps key",
        "clock",
        "TTL resolution",
        "max state (bytes)",
        "key shape",
    ]);
    for store in stores {
        let mut row = vec![store.name.clone()];
        row.extend(store.capabilities.split(" | ").map(str::to_owned));
        table.row(row);
    }
    let _ = writeln!(
        md,
        "## Capabilities declared\n\nA promise or control a store lacks narrows a property to \
         \"not applicable\"; it never passes it silently.\n\n{}",
        table.markdown()
    );
}

struct MutantRun {
    mutant: Mutant,
    /// Every property that failed it.
    caught_by: Vec<Property>,
    /// Catches by its own property, out of the runs made.
    repeated: (usize, usize),
}

fn mutant_config() -> SuiteConfig {
    SuiteConfig {
        cases: 64,
        keys: 20_000,
        sessions: 20_000,
        ..SuiteConfig::default()
    }
}

fn run_mutant(mutant: Mutant) -> MutantRun {
    let config = mutant_config();
    let harness = MutantHarness::new(mutant);
    let caught_by: Vec<Property> = Property::ALL
        .into_iter()
        .filter(|&p| matches!(check(&harness, p, &config, &[]).outcome, Outcome::Fail(_)))
        .collect();
    let runs = if mutant.is_race() { RACE_REPEATS } else { 1 };
    let caught = (0..runs)
        .filter(|_| {
            matches!(
                check(
                    &MutantHarness::new(mutant),
                    mutant.caught_by(),
                    &config,
                    &[]
                )
                .outcome,
                Outcome::Fail(_)
            )
        })
        .count();
    eprintln!(
        "mutant {mutant:?}: caught by {caught_by:?}; {caught} of {runs} by {}",
        mutant.caught_by()
    );
    MutantRun {
        mutant,
        caught_by,
        repeated: (caught, runs),
    }
}

/// The mutants' table; returns how many escaped their property at least once.
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
            format!("{:?}", run.mutant),
            run.mutant.caught_by().to_string(),
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
         (`testbed/src/mutants/`), each with one defect written the way a careful author ships \
         it. A mutant whose defect needs operations to interleave is checked {RACE_REPEATS} times \
         by its property.\n\n{}",
        mutants.len() - escaped,
        mutants.len(),
        table.markdown()
    );
    escaped
}
