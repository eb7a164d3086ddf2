//! A property-based conformance suite for any actix-session
//! [`SessionStore`](actix_session::storage::SessionStore).
//!
//! actix-session's own store tests are private to that crate, so a store author has had nothing
//! to run. This crate is that missing suite. Hand it a [`Harness`] (how to make a fresh store,
//! and what the store can do) and it checks:
//!
//! | property | what must hold |
//! |---|---|
//! | `model_based` | random sequences of save / load / update / update_ttl / delete / clock moves / sweeps agree with a reference model; a failure shrinks to a short readable sequence |
//! | `state_round_trip` | arbitrary states (unicode, empty strings, many entries, a value at the declared limit) come back exactly; an oversized state is refused and changes nothing |
//! | `keys` | 100,000 fresh keys are distinct, of the declared length and alphabet, evenly spread; bogus and near-miss keys load nothing |
//! | `ttl_edges` | zero, negative and huge TTLs: no panic, no overflow; zero or less means expired |
//! | `concurrency` | threads on distinct sessions lose nothing; racing updates of one session leave one written state, never a mix |
//! | `http_workflow` | behind `SessionMiddleware` on a real server: actix-session's acceptance scenarios (login, reads, changes, renew, purge, cookie attributes, TTL extension policy) under `Signed` and `Private` cookies, plus tampered and garbage cookies (fresh session, no 5xx) and an oversized state (500, stored session unchanged) |
//! | `http_expiry` | behind the middleware: an expired session starts fresh and its cookie never brings it back |
//! | `http_session_update` | behind the middleware: a change made only with `Session::update` is saved |
//!
//! A property that a store cannot support (server-side invalidation for the cookie store, a
//! controlled clock for Redis) is narrowed by its [`Capabilities`], never silently passed.
//!
//! # Run the suite on your store
//! ```ignore
//! // tests/conformance.rs
//! use conformance::{Capabilities, Harness, Subject};
//!
//! struct MyHarness;
//!
//! impl Harness for MyHarness {
//!     type Store = MyStore;
//!     fn name(&self) -> String { "my-store".into() }
//!     fn capabilities(&self) -> Capabilities {
//!         Capabilities { max_state_bytes: Some(16 * 1024), ..Capabilities::default() }
//!     }
//!     async fn fresh(&self) -> anyhow::Result<Subject<MyStore>> {
//!         Ok(Subject::new(MyStore::connect_to_a_fresh_namespace().await?))
//!     }
//! }
//!
//! conformance::conformance_tests!(MyHarness);
//! ```
//! Each property becomes its own `#[test]`, so a failure names the contract that broke.
//! `PROPTEST_CASES` raises the number of generated cases (default 256).

#[cfg(feature = "certified-stores")]
pub mod certified;
pub mod environment;
mod harness;
mod memory;
mod model;
pub mod mutants;
mod ops;
mod properties;
pub mod redis_server;
pub mod tmpfs;

pub use harness::{AdvanceClock, Capabilities, Harness, KeyShape, Subject, SweepNow};
pub use memory::{memory_capabilities, MemoryHarness, MemoryStore, MEMORY_MAX_STATE_BYTES};
pub use model::{Expect, Model, State};
pub use ops::{KeyRef, Op};
pub use properties::{check, Outcome, Property, SuiteConfig};

/// A failure the suite finds in a store that is not ours to fix (for example a bug in an
/// upstream store), kept visible: its test passes only while the failure still reproduces.
#[derive(Debug, Clone)]
pub struct KnownFinding {
    /// The property that fails.
    pub property: Property,
    /// Why it fails, in a sentence or two.
    pub explanation: &'static str,
}

/// Findings in actix-session's middleware itself, which every store shows at the HTTP level.
pub const MIDDLEWARE_KNOWN_FINDINGS: &[KnownFinding] = &[KnownFinding {
    property: Property::HttpSessionUpdate,
    explanation: "actix-session 0.11's `Session::update` replaces the value but does not mark the \
                  session `Changed` (unlike `insert`), so the middleware never saves it: a handler \
                  that only calls `update` loses its change",
}];

/// Checks one property and panics with the reason if the store breaks it. A property listed in
/// `known` must still fail (it is printed, not hidden); if it starts passing the test fails so
/// that the finding is removed.
pub fn assert_property<H: Harness>(harness: &H, property: Property, known: &[KnownFinding]) {
    let name = harness.name();
    let known = known
        .iter()
        .chain(MIDDLEWARE_KNOWN_FINDINGS)
        .find(|f| f.property == property);
    match (check(harness, property, &SuiteConfig::default()), known) {
        (Outcome::Pass { cases }, None) => println!("{name}: {property} holds ({cases} cases)"),
        (Outcome::Pass { .. }, Some(finding)) => panic!(
            "{name}: known finding on {property} no longer reproduces ({}); remove it from the list",
            finding.explanation
        ),
        (Outcome::Fail(why), Some(finding)) => {
            println!("{name}: KNOWN FINDING on {property}: {}\n  observed: {why}", finding.explanation)
        }
        (Outcome::Fail(why), None) => panic!("{name} breaks {property}:\n{why}"),
        (Outcome::NotApplicable(why), _) => println!("{name}: {property} not applicable: {why}"),
    }
}

/// One `#[test]` per property for the harness expression given, optionally with known findings.
#[macro_export]
macro_rules! conformance_tests {
    ($harness:expr) => {
        $crate::conformance_tests!($harness, &[]);
    };
    ($harness:expr, $known:expr) => {
        #[test]
        fn model_based() {
            $crate::assert_property(&$harness, $crate::Property::ModelBased, $known);
        }
        #[test]
        fn state_round_trip() {
            $crate::assert_property(&$harness, $crate::Property::StateRoundTrip, $known);
        }
        #[test]
        fn keys() {
            $crate::assert_property(&$harness, $crate::Property::Keys, $known);
        }
        #[test]
        fn ttl_edges() {
            $crate::assert_property(&$harness, $crate::Property::TtlEdges, $known);
        }
        #[test]
        fn concurrency() {
            $crate::assert_property(&$harness, $crate::Property::Concurrency, $known);
        }
        #[test]
        fn http_workflow() {
            $crate::assert_property(&$harness, $crate::Property::HttpWorkflow, $known);
        }
        #[test]
        fn http_expiry() {
            $crate::assert_property(&$harness, $crate::Property::HttpExpiry, $known);
        }
        #[test]
        fn http_session_update() {
            $crate::assert_property(&$harness, $crate::Property::HttpSessionUpdate, $known);
        }
    };
}
