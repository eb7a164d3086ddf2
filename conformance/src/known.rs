//! Known findings: failures the suite finds in code that is not the store author's to fix
//! today, kept visible. Each names exactly what it expects to observe, so it excuses only that
//! failure, and its test fails once the failure stops reproducing.

use crate::{
    check::{Report, Verdict},
    failure::{Failure, Violation},
    Property,
};

/// A failure kept visible instead of failing the build: it must reproduce in `property` on
/// every run, and it excuses only failures of kind `violation` whose detail contains
/// `observed`, in whichever property they appear. Any other failure still fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFinding {
    /// The property in which it reproduces every run (a deterministic one, ideally).
    pub property: Property,
    /// The kind of failure it is.
    pub violation: Violation,
    /// Text the failure's detail contains; empty matches any failure of that kind.
    pub observed: &'static str,
    /// What is wrong, in a sentence or two.
    pub explanation: &'static str,
    /// What it means for a web application, in one line.
    pub consequence: &'static str,
}

impl KnownFinding {
    /// Whether `failure` is this finding.
    pub fn matches(&self, failure: &Failure) -> bool {
        failure.violation == self.violation && failure.detail.contains(self.observed)
    }
}

/// Findings in actix-session's middleware itself, which every store shows at the HTTP level.
/// [`check`](crate::check) always counts them as known.
pub const MIDDLEWARE_KNOWN_FINDINGS: &[KnownFinding] = &[KnownFinding {
    property: Property::HttpSessionUpdate,
    violation: Violation::ChangeNotSaved,
    observed: "Session::update",
    explanation: "actix-session 0.11's `Session::update` replaces the value but does not mark the \
                  session `Changed` (unlike `insert`), so the middleware never saves it",
    consequence: "a handler that changes the session only through `Session::update` loses the \
                  change when the request ends",
}];

/// Checks one property and panics with the reason if the store breaks it. A finding in
/// `known` (or in [`MIDDLEWARE_KNOWN_FINDINGS`]) is printed instead of failing; if a finding
/// listed for this property stops reproducing, the test fails so that it is removed.
pub fn assert_property<H: crate::Harness>(harness: &H, property: Property, known: &[KnownFinding]) {
    let report = crate::check(harness, property, &harness.config(), known);
    println!("{}", report.summary());
    match report.verdict(known) {
        Verdict::Holds | Verdict::Known | Verdict::NotApplicable(_) => {}
        Verdict::Fails(why) => panic!("{why}"),
    }
}

/// One `#[test]` per property for the harness expression given (evaluated once per test), and
/// optionally a slice of known findings.
///
/// ```ignore
/// conformance::conformance_tests!(MyHarness::new());
/// conformance::conformance_tests!(MyHarness::new(), MY_KNOWN_FINDINGS);
/// ```
#[macro_export]
macro_rules! conformance_tests {
    ($harness:expr) => {
        $crate::conformance_tests!($harness, &[]);
    };
    ($harness:expr, $known:expr) => {
        $crate::conformance_tests!(@each $harness, $known;
            model_based ModelBased, lifecycle Lifecycle, expiry Expiry, ttl_edges TtlEdges,
            state_round_trip StateRoundTrip, size_limits SizeLimits, keys Keys,
            capacity Capacity, interleaving Interleaving, races Races, concurrency Concurrency,
            damaged_records DamagedRecords, http_workflow HttpWorkflow, http_expiry HttpExpiry,
            http_session_update HttpSessionUpdate);
    };
    (@each $harness:expr, $known:expr; $($test:ident $property:ident),* $(,)?) => {$(
        #[test]
        fn $test() {
            $crate::assert_property(&$harness, $crate::Property::$property, $known);
        }
    )*};
}

impl Report {
    /// The verdict on this report, given the findings the caller declared known.
    pub fn verdict(&self, known: &[KnownFinding]) -> Verdict {
        let name = &self.store;
        let property = self.property;
        if let crate::Outcome::Fail(failure) = &self.outcome {
            return Verdict::Fails(format!("{name} breaks {property}:\n{failure}"));
        }
        let expected = known
            .iter()
            .chain(MIDDLEWARE_KNOWN_FINDINGS)
            .filter(|f| f.property == property);
        for finding in expected {
            if !self.known.iter().any(|seen| &seen.finding == finding) {
                return Verdict::Fails(format!(
                    "{name}: the known finding on {property} no longer reproduces ({}); \
                     remove it from the list",
                    finding.explanation
                ));
            }
        }
        match &self.outcome {
            crate::Outcome::NotApplicable(why) => Verdict::NotApplicable(why.clone()),
            _ if self.known.is_empty() => Verdict::Holds,
            _ => Verdict::Known,
        }
    }
}
