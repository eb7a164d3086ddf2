//! The properties the suite checks, each runnable on its own, and their outcomes.

mod concurrency;
mod http;
mod keys;
mod model_based;
mod round_trip;
mod ttl_edges;

use std::{fmt, future::Future, panic::AssertUnwindSafe, time::Duration};

use actix_session::storage::{LoadError, SessionKey};
use actix_web::cookie::time::Duration as Ttl;

use crate::{harness::Harness, model::State};

/// A contract a store must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Property {
    /// Random sequences of every operation agree with the reference model.
    ModelBased,
    /// Arbitrary states (unicode, empty strings, many entries, large values) come back exactly;
    /// an oversized state is refused without touching what is stored.
    StateRoundTrip,
    /// Fresh keys are distinct and well-formed; bogus keys load nothing.
    Keys,
    /// Zero, negative and huge TTLs: no panic, no overflow, zero means expired.
    TtlEdges,
    /// Concurrent use loses nothing and never mixes two states.
    Concurrency,
    /// Behind `SessionMiddleware` over HTTP: login, reads, changes, renew, logout, tampered
    /// cookies and an oversized state, under both cookie securities and TTL policies.
    HttpWorkflow,
    /// Behind the middleware: an expired session starts fresh.
    HttpExpiry,
    /// Behind the middleware: a change made only with `Session::update` is saved.
    HttpSessionUpdate,
}

impl Property {
    /// Every store-level property, in report order.
    pub const ALL: [Property; 8] = [
        Property::ModelBased,
        Property::StateRoundTrip,
        Property::Keys,
        Property::TtlEdges,
        Property::Concurrency,
        Property::HttpWorkflow,
        Property::HttpExpiry,
        Property::HttpSessionUpdate,
    ];

    /// The name used for the test function and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Property::ModelBased => "model_based",
            Property::StateRoundTrip => "state_round_trip",
            Property::Keys => "keys",
            Property::TtlEdges => "ttl_edges",
            Property::Concurrency => "concurrency",
            Property::HttpWorkflow => "http_workflow",
            Property::HttpExpiry => "http_expiry",
            Property::HttpSessionUpdate => "http_session_update",
        }
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The result of checking one property on one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Held over this many generated cases (1 for deterministic checks).
    Pass { cases: u32 },
    /// Broken; the message says how (for generated cases, the shrunk sequence).
    Fail(String),
    /// Does not apply to this store, and why.
    NotApplicable(String),
}

/// How hard to try.
#[derive(Debug, Clone)]
pub struct SuiteConfig {
    /// Generated cases per property (`PROPTEST_CASES`, default 256).
    pub cases: u32,
    /// Longest generated operation sequence (default 50).
    pub max_ops: usize,
    /// Fresh keys drawn by the key property (`CONFORMANCE_KEYS`, default 100,000).
    pub keys: usize,
}

impl Default for SuiteConfig {
    fn default() -> Self {
        let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
        Self {
            cases: env("PROPTEST_CASES").map_or(256, |n: usize| n as u32),
            max_ops: 50,
            keys: env("CONFORMANCE_KEYS").unwrap_or(100_000),
        }
    }
}

/// Checks one property of the stores `harness` makes.
pub fn check<H: Harness>(harness: &H, property: Property, config: &SuiteConfig) -> Outcome {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Outcome::Fail(format!("cannot start a Tokio runtime: {e}")),
    };
    let run = AssertUnwindSafe(|| match property {
        Property::ModelBased => model_based::check(harness, config, &runtime),
        Property::StateRoundTrip => round_trip::check(harness, config, &runtime),
        Property::Keys => keys::check(harness, config, &runtime),
        Property::TtlEdges => ttl_edges::check(harness, &runtime),
        Property::Concurrency => concurrency::check(harness, &runtime),
        Property::HttpWorkflow => http::check(harness, http::Scenario::Workflow, &runtime),
        Property::HttpExpiry => http::check(harness, http::Scenario::Expiry, &runtime),
        Property::HttpSessionUpdate => {
            http::check(harness, http::Scenario::SessionUpdate, &runtime)
        }
    });
    let outcome = std::panic::catch_unwind(run).unwrap_or_else(|panic| {
        Outcome::Fail(format!("the store panicked: {}", panic_message(&panic)))
    });
    runtime.shutdown_timeout(Duration::from_secs(5));
    outcome
}

pub(crate) use crate::environment::panic_message;

/// A proptest runner for `config.cases` cases that leaves no regression files behind in the
/// store author's tree.
pub(crate) fn runner(config: &SuiteConfig) -> proptest::test_runner::TestRunner {
    proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: config.cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    })
}

/// Runs a future to completion on the suite's runtime, turning a panic into an error.
pub(crate) fn block_on<F: Future>(
    runtime: &tokio::runtime::Runtime,
    future: F,
) -> Result<F::Output, String> {
    std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(future)))
        .map_err(|panic| format!("the store panicked: {}", panic_message(&panic)))
}

/// What a `load` showed, with "nothing" covering both `Ok(None)` and a key the store cannot
/// decode (the middleware treats both as "no session").
#[derive(Debug, PartialEq)]
pub(crate) enum Seen {
    Nothing,
    State(State),
    Error(String),
}

pub(crate) fn seen(result: Result<Option<State>, LoadError>) -> Seen {
    match result {
        Ok(None) | Err(LoadError::Deserialization(_)) => Seen::Nothing,
        Ok(Some(state)) => Seen::State(state),
        Err(LoadError::Other(e)) => Seen::Error(format!("{e:#}")),
    }
}

pub(crate) fn session_key(text: &str) -> SessionKey {
    text.to_owned()
        .try_into()
        .unwrap_or_else(|_| "invalid".to_owned().try_into().expect("short key"))
}

pub(crate) fn ttl_secs(secs: i64) -> Ttl {
    Ttl::seconds(secs)
}
