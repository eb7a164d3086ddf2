//! What `cargo test` runs: one property per test, its verdict printed where it shows, its row
//! written to the certification report when one is asked for, and the test failed only by a
//! broken promise or a finding that no longer reproduces.

use std::{fmt::Display, io::Write as _};

use crate::{
    check::{Report, Verdict},
    matrix, Harness, KnownFinding, Property,
};

/// Checks one property and panics with the reason if the store breaks it. A finding in
/// `known` (or in [`MIDDLEWARE_KNOWN_FINDINGS`](crate::MIDDLEWARE_KNOWN_FINDINGS)) is reported
/// instead of failing; if a finding listed for this property stops reproducing, the test fails
/// so that it is removed.
///
/// Every verdict other than a plain pass (not applicable, known findings, advisories) is
/// printed as one line on the terminal, also when `cargo test` captures the test's output. The
/// full summary goes to the captured output (`--nocapture` shows it). When
/// [`Harness::report_dir`] names a directory, the verdict is also added to the certification
/// report there (see [`matrix`]).
pub fn assert_property<H: Harness>(harness: &H, property: Property, known: &[KnownFinding]) {
    let report = crate::check(harness, property, &harness.config(), known);
    println!("{}", report.summary());
    let verdict = report.verdict(known);
    if let Some(line) = verdict_line(&report, &verdict) {
        visible(&line);
    }
    if let Some(dir) = harness.report_dir() {
        match matrix::record(&dir, harness, known, &report) {
            Ok(written) => println!("certification report: {}", written.display()),
            Err(e) => panic!(
                "cannot write the certification report in {}: {e:#}",
                dir.display()
            ),
        }
    }
    if let Verdict::Fails(why) = verdict {
        panic!("{why}");
    }
}

/// [`assert_property`] for a harness that needs a server: `start` brings it up (see
/// [`fixtures`](crate::fixtures)). When it cannot, the test prints `SKIPPED` with the reason on the terminal and
/// passes, unless `CONFORMANCE_REQUIRE` names `server` ([`required`]), when it fails.
pub fn assert_property_on_server<H: Harness, E: Display>(
    server: &str,
    start: impl FnOnce() -> Result<H, E>,
    property: Property,
    known: &[KnownFinding],
) {
    match start() {
        Ok(harness) => assert_property(&harness, property, known),
        Err(why) if required(server) => {
            panic!("CONFORMANCE_REQUIRE names {server}, but its harness could not start: {why}")
        }
        Err(why) => visible(&format!(
            "conformance: {server} {property}: SKIPPED: {why} (CONFORMANCE_REQUIRE={server} \
             fails instead)"
        )),
    }
}

/// Whether a test that needs `server` must fail rather than skip when it is unavailable:
/// `CONFORMANCE_REQUIRE` lists servers (`redis,postgres`) or says `all`.
pub fn required(server: &str) -> bool {
    std::env::var("CONFORMANCE_REQUIRE").is_ok_and(|list| {
        list.split(',')
            .map(str::trim)
            .any(|item| item == server || item == "all")
    })
}

/// The one line a verdict gets on the terminal, or `None` for a plain pass.
fn verdict_line(report: &Report, verdict: &Verdict) -> Option<String> {
    let head = format!("conformance: {} {}", report.store, report.property);
    let advisories = match report.advisories.len() {
        0 => String::new(),
        n => format!(
            "; {n} advisor{} (beyond what the middleware can send): {}",
            if n == 1 { "y" } else { "ies" },
            report.advisories[0].probe
        ),
    };
    match verdict {
        Verdict::Holds if advisories.is_empty() => None,
        Verdict::Holds => Some(format!("{head}: holds{advisories}")),
        Verdict::Known => {
            let ids: Vec<String> = report
                .known
                .iter()
                .map(|seen| {
                    let finding = &seen.finding;
                    let times = seen.times;
                    format!(
                        "{} (seen {times} times): {}",
                        finding.id, finding.explanation
                    )
                })
                .collect();
            Some(format!(
                "{head}: holds except known finding {}{advisories}",
                ids.join("; ")
            ))
        }
        Verdict::NotApplicable(why) => Some(format!("{head}: not applicable: {why}")),
        Verdict::Fails(_) => Some(format!("{head}: FAILS (see the panic below)")),
    }
}

/// Writes a line to the terminal itself. The test harness captures what `println!` and
/// `eprintln!` print, but not writes to the standard error stream's handle.
fn visible(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

/// One `#[test]` per property for a harness, with optional known findings.
///
/// ```ignore
/// // A store that needs nothing else: the harness expression, evaluated once per test.
/// session_store_conformance::conformance_tests!(MyHarness::new());
/// session_store_conformance::conformance_tests!(MyHarness::new(), MY_KNOWN_FINDINGS);
///
/// // A store on a server: an expression of type `Result<impl Harness, impl Display>`. When it
/// // is `Err`, each test prints SKIPPED with the reason, or fails if CONFORMANCE_REQUIRE
/// // names the server.
/// session_store_conformance::conformance_tests!(server "postgres", MyHarness::start());
/// session_store_conformance::conformance_tests!(server "postgres", MyHarness::start(), KNOWN);
/// ```
#[macro_export]
macro_rules! conformance_tests {
    (server $server:literal, $start:expr) => {
        $crate::conformance_tests!(server $server, $start, &[]);
    };
    (server $server:literal, $start:expr, $known:expr) => {
        $crate::conformance_tests!(@each
            (|property| $crate::assert_property_on_server($server, || $start, property, $known)));
    };
    ($harness:expr) => {
        $crate::conformance_tests!($harness, &[]);
    };
    ($harness:expr, $known:expr) => {
        $crate::conformance_tests!(@each
            (|property| $crate::assert_property(&$harness, property, $known)));
    };
    (@each $run:tt) => {
        $crate::conformance_tests!(@tests $run;
            model_based ModelBased, lifecycle Lifecycle, expiry Expiry, ttl_edges TtlEdges,
            state_round_trip StateRoundTrip, size_limits SizeLimits, keys Keys,
            capacity Capacity, interleaving Interleaving, races Races, concurrency Concurrency,
            damaged_records DamagedRecords, http_workflow HttpWorkflow, http_expiry HttpExpiry,
            http_session_update HttpSessionUpdate);
    };
    (@tests $run:tt; $($test:ident $property:ident),* $(,)?) => {$(
        #[test]
        fn $test() {
            let run = $run;
            run($crate::Property::$property);
        }
    )*};
}
