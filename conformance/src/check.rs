//! Checking one property: the run, its report, and the context every property runs in.

use std::{
    cell::RefCell,
    collections::HashMap,
    fmt::{self, Write as _},
    future::Future,
    panic::AssertUnwindSafe,
    time::{Duration, Instant},
};

use proptest::{
    strategy::Strategy,
    test_runner::{TestCaseError, TestError, TestRunner},
};

use crate::{
    config::SuiteConfig,
    failure::{anyhow_causes, Failure, Violation},
    front::Ecosystem,
    harness::{Capabilities, Harness, Subject},
    known::KnownFinding,
    properties, Property,
};

/// The result of checking one property on one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Held over this many cases or checks (failures excused by known findings included; see
    /// [`Report::known`]).
    Pass {
        /// Generated cases, or deterministic checks, that ran.
        cases: u32,
    },
    /// Broken, and no known finding excuses it.
    Fail(Failure),
    /// Does not apply to this store, and why.
    NotApplicable(String),
}

/// A known finding seen while checking a property.
#[derive(Debug, Clone)]
pub struct Observed {
    /// The finding.
    pub finding: KnownFinding,
    /// How many failures it excused.
    pub times: usize,
    /// The first of them.
    pub example: Failure,
}

/// Behaviour outside what actix-session's middleware can hand a store (a session key with a
/// NUL byte, say), probed and reported, never failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advisory {
    /// What was probed, and why the middleware cannot produce it.
    pub probe: String,
    /// What the store did.
    pub observed: String,
}

/// Everything one check of one property found.
#[derive(Debug, Clone)]
pub struct Report {
    /// The store's name.
    pub store: String,
    /// The store's ecosystem (`actix-session`, `tower-sessions`).
    pub ecosystem: &'static str,
    /// The findings in the ecosystem's own middleware, which every store of it shows.
    pub middleware: &'static [KnownFinding],
    /// The property checked.
    pub property: Property,
    /// Whether it held.
    pub outcome: Outcome,
    /// Known findings that excused failures along the way.
    pub known: Vec<Observed>,
    /// Probes beyond the contract, reported only.
    pub advisories: Vec<Advisory>,
    /// Wall time of the check.
    pub elapsed: Duration,
}

/// The verdict on a report, given the findings its caller declared known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The property holds.
    Holds,
    /// It holds except for known findings, each of which reproduced.
    Known,
    /// It does not apply, and why.
    NotApplicable(String),
    /// It fails, or a known finding no longer reproduces; the message says which.
    Fails(String),
}

impl Report {
    /// A few lines for a test log: the outcome, the known findings seen, the advisories.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{}: {} ({:.1} s): ",
            self.store,
            self.property,
            self.elapsed.as_secs_f64()
        );
        let _ = match &self.outcome {
            Outcome::Pass { cases } => write!(text, "holds over {cases} cases"),
            Outcome::Fail(failure) => write!(text, "FAILS: {failure}"),
            Outcome::NotApplicable(why) => write!(text, "not applicable: {why}"),
        };
        for seen in &self.known {
            let _ = write!(
                text,
                "\n  KNOWN FINDING ({} times): {}\n    consequence: {}\n    observed: {}",
                seen.times, seen.finding.explanation, seen.finding.consequence, seen.example
            );
        }
        for advisory in &self.advisories {
            let _ = write!(
                text,
                "\n  advisory: {}: {}",
                advisory.probe, advisory.observed
            );
        }
        text
    }
}

/// Checks one property of the stores `harness` makes. Failures matching `known` (or
/// [`MIDDLEWARE_KNOWN_FINDINGS`](crate::MIDDLEWARE_KNOWN_FINDINGS) for actix-session) are excused
/// and listed in the report; anything else fails.
pub fn check<H: Harness>(
    harness: &H,
    property: Property,
    config: &SuiteConfig,
    known: &[KnownFinding],
) -> Report {
    let started = Instant::now();
    let known: Vec<KnownFinding> = known
        .iter()
        .chain(H::Store::CONTRACT.middleware_findings)
        .cloned()
        .collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return Report {
                store: harness.name(),
                ecosystem: H::Store::CONTRACT.name,
                middleware: H::Store::CONTRACT.middleware_findings,
                property,
                outcome: Outcome::Fail(Failure::new(
                    Violation::Harness,
                    format!("cannot start a Tokio runtime: {e}"),
                )),
                known: Vec::new(),
                advisories: Vec::new(),
                elapsed: started.elapsed(),
            }
        }
    };
    let ctx = Ctx {
        harness,
        caps: harness.capabilities(),
        config,
        runtime: &runtime,
        known,
        observed: RefCell::default(),
        advisories: RefCell::default(),
        teardown_failure: RefCell::default(),
    };
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| properties::run(&ctx, property)))
        .unwrap_or_else(|panic| {
            Outcome::Fail(Failure::new(Violation::Panic, panic_message(&panic)))
        });
    let outcome = match (outcome, ctx.teardown_failure.take()) {
        (Outcome::Pass { .. }, Some(failure)) => Outcome::Fail(failure),
        (outcome, _) => outcome,
    };
    let report = Report {
        store: harness.name(),
        ecosystem: H::Store::CONTRACT.name,
        middleware: H::Store::CONTRACT.middleware_findings,
        property,
        outcome,
        known: ctx.observed.take(),
        advisories: ctx.advisories.take(),
        elapsed: started.elapsed(),
    };
    drop(ctx);
    runtime.shutdown_timeout(Duration::from_secs(5));
    report
}

/// The message of a caught panic, or `(no message)`.
pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// Runs the independent checks of a deterministic property: a failure a known finding excuses
/// lets the next check run; any other ends the property, named after its check. A panic in one
/// check is that check's failure.
pub(crate) struct Steps<'c, 'a, H: Harness> {
    ctx: &'c Ctx<'a, H>,
    count: u32,
}

impl<H: Harness> Steps<'_, '_, H> {
    pub async fn run(
        &mut self,
        name: &str,
        check: impl Future<Output = Result<(), Failure>>,
    ) -> Result<(), Failure> {
        use futures_util::FutureExt as _;
        self.count += 1;
        let result = AssertUnwindSafe(check)
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| Err(Failure::new(Violation::Panic, panic_message(&panic))));
        match result {
            Err(failure) if !self.ctx.excused(&failure) => Err(failure.at(name)),
            _ => Ok(()),
        }
    }

    /// How many checks ran.
    pub fn count(&self) -> u32 {
        self.count
    }
}

/// What every property runs with: the harness, its capabilities and knobs, the runtime, and
/// the findings seen so far. Public only because [`Ecosystem`](crate::Ecosystem)'s hidden
/// methods name it.
pub struct Ctx<'a, H: Harness> {
    pub(crate) harness: &'a H,
    pub(crate) caps: Capabilities,
    pub(crate) config: &'a SuiteConfig,
    pub(crate) runtime: &'a tokio::runtime::Runtime,
    known: Vec<KnownFinding>,
    observed: RefCell<Vec<Observed>>,
    advisories: RefCell<Vec<Advisory>>,
    teardown_failure: RefCell<Option<Failure>>,
}

impl<H: Harness> Ctx<'_, H> {
    /// Whether a known finding excuses `failure`; if so it is recorded.
    pub(crate) fn excused(&self, failure: &Failure) -> bool {
        let Some(finding) = self.known.iter().find(|f| f.matches(failure)) else {
            return false;
        };
        let mut observed = self.observed.borrow_mut();
        match observed.iter_mut().find(|seen| &seen.finding == finding) {
            Some(seen) => seen.times += 1,
            None => observed.push(Observed {
                finding: finding.clone(),
                times: 1,
                example: failure.clone(),
            }),
        }
        true
    }

    /// The clauses of the store's ecosystem that differ between ecosystems.
    pub(crate) fn contract(&self) -> crate::front::Contract {
        <H::Store as crate::front::Ecosystem>::CONTRACT
    }

    /// `result`, with a failure a known finding excuses turned into `Ok`: for a loop whose
    /// later rounds must still be checked after an excused one.
    pub(crate) fn unless_excused(&self, result: Result<(), Failure>) -> Result<(), Failure> {
        match result {
            Err(failure) if self.excused(&failure) => Ok(()),
            other => other,
        }
    }

    /// A counter of independent checks, for a deterministic property.
    pub(crate) fn steps(&self) -> Steps<'_, '_, H> {
        Steps {
            ctx: self,
            count: 0,
        }
    }

    /// Records behaviour outside the contract.
    pub(crate) fn advise(&self, probe: impl Into<String>, observed: impl Into<String>) {
        let advisory = Advisory {
            probe: probe.into(),
            observed: observed.into(),
        };
        let mut advisories = self.advisories.borrow_mut();
        if !advisories.contains(&advisory) {
            advisories.push(advisory);
        }
    }

    /// Runs `future` on the property's runtime from this thread; a panic becomes a failure.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> Result<F::Output, Failure> {
        std::panic::catch_unwind(AssertUnwindSafe(|| self.runtime.block_on(future)))
            .map_err(|panic| Failure::new(Violation::Panic, panic_message(&panic)))
    }

    /// A fresh store.
    pub(crate) async fn fresh(&self) -> Result<Subject<H::Store>, Failure> {
        self.harness.fresh().await.map_err(|e| {
            Failure::new(
                Violation::Harness,
                format!("could not make a store: {}", anyhow_causes(&e)),
            )
        })
    }

    /// Tears a subject down, remembering a failure to report if the property holds.
    pub(crate) async fn tear_down(&self, subject: Subject<H::Store>) {
        if let Err(e) = subject.tear_down().await {
            self.teardown_failure.borrow_mut().get_or_insert_with(|| {
                Failure::new(
                    Violation::Harness,
                    format!("teardown failed: {}", anyhow_causes(&e)),
                )
            });
        }
    }

    /// Makes a fresh store, runs `body` on it on the property's runtime, and tears it down.
    pub(crate) fn with_store<T>(
        &self,
        body: impl AsyncFnOnce(&Subject<H::Store>) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        self.block_on(async {
            let subject = self.fresh().await?;
            let result = body(&subject).await;
            self.tear_down(subject).await;
            result
        })?
    }

    /// Runs `test` on generated inputs. A failure a known finding excuses ends its case; any
    /// other is shrunk to the smallest input that still fails, which the failure shows.
    pub(crate) fn generated<S>(
        &self,
        strategy: S,
        test: impl Fn(S::Value) -> Result<(), Failure>,
    ) -> Outcome
    where
        S: Strategy,
        S::Value: fmt::Debug,
    {
        match self.search(strategy, test) {
            Ok(cases) => Outcome::Pass { cases },
            Err(Found::Counterexample(failure, input)) => Outcome::Fail(Failure {
                detail: format!(
                    "{}\nthe smallest input that shows it:\n{input:#?}",
                    failure.detail
                ),
                ..failure
            }),
            Err(Found::Aborted(failure)) => Outcome::Fail(failure),
        }
    }

    /// Runs `test` on generated inputs, as [`Ctx::generated`] does, and returns the number of
    /// cases that held, or the failure with the smallest input proptest shrank it to.
    pub(crate) fn search<S>(
        &self,
        strategy: S,
        test: impl Fn(S::Value) -> Result<(), Failure>,
    ) -> Result<u32, Found<S::Value>>
    where
        S: Strategy,
        S::Value: fmt::Debug,
    {
        let mut runner = TestRunner::new(proptest::test_runner::Config {
            cases: self.config.cases,
            // Leave no regression files in the store author's tree.
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        });
        let failures: RefCell<HashMap<String, Failure>> = RefCell::default();
        let result = runner.run(&strategy, |input| match test(input) {
            Ok(()) => Ok(()),
            Err(failure) if self.excused(&failure) => Ok(()),
            Err(failure) => {
                let message = failure.to_string();
                failures.borrow_mut().insert(message.clone(), failure);
                Err(TestCaseError::fail(message))
            }
        });
        match result {
            Ok(()) => Ok(self.config.cases),
            Err(TestError::Fail(reason, input)) => {
                let failure = failures
                    .borrow_mut()
                    .remove(reason.message())
                    .unwrap_or_else(|| Failure::new(Violation::Harness, reason.message()));
                Err(Found::Counterexample(failure, input))
            }
            Err(TestError::Abort(reason)) => Err(Found::Aborted(Failure::new(
                Violation::Harness,
                format!("generation stopped: {}", reason.message()),
            ))),
        }
    }
}

/// What a search of generated inputs found.
pub(crate) enum Found<V> {
    /// A failure, and the smallest input proptest shrank it to.
    Counterexample(Failure, V),
    /// Generation itself stopped.
    Aborted(Failure),
}
