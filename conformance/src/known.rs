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
    /// A short id for reports and test output, unique within the store's list (`P1`, `R2`;
    /// `M1` and on are the middleware's own, [`MIDDLEWARE_KNOWN_FINDINGS`]).
    pub id: &'static str,
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

/// Findings in actix-session's middleware itself, which every actix-session store shows at the
/// HTTP level. [`check`](crate::check) always counts them as known for such a store.
pub const MIDDLEWARE_KNOWN_FINDINGS: &[KnownFinding] = &[KnownFinding {
    id: "M1",
    property: Property::HttpSessionUpdate,
    violation: Violation::ChangeNotSaved,
    observed: "Session::update",
    explanation: "actix-session 0.11's `Session::update` replaces the value but does not mark the \
                  session `Changed` (unlike `insert`), so the middleware never saves it",
    consequence: "a handler that changes the session only through `Session::update` loses the \
                  change when the request ends",
}];

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
            .chain(self.middleware)
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
