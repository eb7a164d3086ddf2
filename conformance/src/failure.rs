//! What a failing property reports: which promise broke, and precisely how.

use std::fmt;

/// The kind of broken promise. A [`KnownFinding`](crate::KnownFinding) names one, so it excuses
/// only that failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Violation {
    /// The harness could not make or tear down a store: no verdict on the store.
    Harness,
    /// The store panicked.
    Panic,
    /// An operation that must succeed returned an error (the detail carries its causes).
    Error,
    /// A live session loaded nothing: lost, evicted, or expired before its TTL.
    LostSession,
    /// A session loaded a state other than the last one written to it (stale, merged, torn or
    /// mangled).
    WrongState,
    /// A key loaded a session that is not its own: another session's state, or any state for
    /// a key the store never issued.
    CrossedSession,
    /// A session loaded after its TTL ran out.
    ExpiredServed,
    /// A session that had ended (deleted, or expired and then touched) loaded again.
    Revived,
    /// `update` of a dead key (deleted, expired or never issued) returned that same key.
    DeadKeyReturned,
    /// `update` of a live session returned another key, though the store keeps keys.
    LiveKeyChanged,
    /// A key was issued twice, or keys are short, uneven or predictable.
    WeakKeys,
    /// A state within the declared limit was refused, or one over it was accepted or changed
    /// the stored session.
    SizeLimit,
    /// A sweep reported removing more sessions than had expired.
    SweepCount,
    /// A damaged record loaded as something other than nothing, or kept its owner out.
    DamagedRecord,
    /// Behind the middleware: a status, cookie or session other than the contract's.
    Http,
    /// Behind the middleware: a change made in a handler was not saved.
    ChangeNotSaved,
}

impl Violation {
    /// A short description, used as the failure's first words.
    pub fn describe(self) -> &'static str {
        match self {
            Violation::Harness => "the harness failed",
            Violation::Panic => "the store panicked",
            Violation::Error => "an operation failed",
            Violation::LostSession => "a live session was lost",
            Violation::WrongState => "a session holds the wrong state",
            Violation::CrossedSession => "a key served a session not its own",
            Violation::ExpiredServed => "an expired session was served",
            Violation::Revived => "an ended session came back",
            Violation::DeadKeyReturned => "update of a dead key returned that key",
            Violation::LiveKeyChanged => "update of a live session changed its key",
            Violation::WeakKeys => "keys are not unique, random credentials",
            Violation::SizeLimit => "the size limit does not hold",
            Violation::SweepCount => "the sweep miscounted",
            Violation::DamagedRecord => "a damaged record was mishandled",
            Violation::Http => "behind the middleware, the contract broke",
            Violation::ChangeNotSaved => "a change made in a handler was not saved",
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A broken promise and what was observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Which promise.
    pub violation: Violation,
    /// What happened, with the store's errors and their causes, and the input that shows it.
    pub detail: String,
}

impl Failure {
    /// A failure of kind `violation`.
    pub fn new(violation: Violation, detail: impl Into<String>) -> Self {
        Self {
            violation,
            detail: detail.into(),
        }
    }

    /// The same failure, its detail prefixed with where it happened.
    pub fn at(mut self, context: impl fmt::Display) -> Self {
        self.detail = format!("{context}: {}", self.detail);
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.violation, self.detail)
    }
}

/// An error and its whole chain of causes, `outer: cause: root cause`, without repeats.
pub fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(error) = next {
        let text = error.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        next = error.source();
    }
    parts.join(": ")
}

/// An `anyhow::Error` and its chain of causes.
pub fn anyhow_causes(error: &anyhow::Error) -> String {
    causes(error.as_ref())
}
