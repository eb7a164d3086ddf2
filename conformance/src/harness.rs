//! What a store author hands the suite: a way to make fresh stores, and what those stores can do.

use std::{future::Future, sync::Arc, time::Duration};

use actix_session::storage::SessionStore;

/// Moves a store's clock forward.
pub type AdvanceClock = Box<dyn Fn(Duration) + Send + Sync>;
/// Removes expired sessions now and returns how many it removed.
pub type SweepNow = Box<dyn Fn() -> anyhow::Result<usize> + Send + Sync>;

/// A fresh, empty store and the controls the suite may use on it.
pub struct Subject<S> {
    /// The store under test. Shared by the suite's threads and server workers.
    pub store: Arc<S>,
    /// Present when [`Capabilities::controlled_clock`] is true.
    pub advance_clock: Option<AdvanceClock>,
    /// Present when [`Capabilities::sweep`] is true.
    pub sweep: Option<SweepNow>,
    /// Kept alive as long as the subject (a temp dir, a server prefix, ...).
    pub guard: Option<Box<dyn std::any::Any + Send + Sync>>,
}

impl<S> Subject<S> {
    /// A subject with no clock, sweep or guard.
    pub fn new(store: S) -> Self {
        Self {
            store: Arc::new(store),
            advance_clock: None,
            sweep: None,
            guard: None,
        }
    }

    /// Adds clock control.
    pub fn with_clock(mut self, advance: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        self.advance_clock = Some(Box::new(advance));
        self
    }

    /// Adds a sweep.
    pub fn with_sweep(
        mut self,
        sweep: impl Fn() -> anyhow::Result<usize> + Send + Sync + 'static,
    ) -> Self {
        self.sweep = Some(Box::new(sweep));
        self
    }

    /// Keeps `guard` alive with the subject.
    pub fn with_guard(mut self, guard: impl std::any::Any + Send + Sync) -> Self {
        self.guard = Some(Box::new(guard));
        self
    }
}

/// The shape of keys a store issues, when they are credentials (random and opaque).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyShape {
    /// Exact key length in bytes.
    pub len: usize,
    /// Every character a key may contain; a good generator uses all of them evenly.
    pub alphabet: &'static str,
}

impl KeyShape {
    /// actix-session's `generate_session_key`: 64 characters from `[A-Za-z0-9]`.
    pub fn actix_default() -> Self {
        Self {
            len: 64,
            alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        }
    }
}

/// What a store can do. A property that needs a capability the store lacks is reported as
/// "not applicable", with the reason, rather than passed.
#[derive(Debug, Clone)]
pub struct Capabilities {
    /// `delete`, and `update` of a dead key, make the old key load nothing server-side.
    /// False for stores that keep state in the key itself (the cookie store).
    pub invalidates: bool,
    /// The store expires sessions by their TTL on its own.
    pub enforces_ttl: bool,
    /// [`Subject::advance_clock`] is present: the suite can expire sessions without sleeping.
    pub controlled_clock: bool,
    /// [`Subject::sweep`] is present.
    pub sweep: bool,
    /// `update` of a live session returns the same key.
    pub update_keeps_key: bool,
    /// The largest state (its JSON text length) the store promises to keep, if it has a limit.
    pub max_state_bytes: Option<usize>,
    /// The keys it issues, when they are random credentials; `None` when keys carry the state.
    pub key_shape: Option<KeyShape>,
    /// TTL resolution: TTLs in the suite are whole multiples of this (Redis: one second).
    pub ttl_resolution: Duration,
}

impl Default for Capabilities {
    /// A server-side store with the actix-session key generator and a real clock.
    fn default() -> Self {
        Self {
            invalidates: true,
            enforces_ttl: true,
            controlled_clock: false,
            sweep: false,
            update_keeps_key: true,
            max_state_bytes: None,
            key_shape: Some(KeyShape::actix_default()),
            ttl_resolution: Duration::from_secs(1),
        }
    }
}

/// How the suite gets stores. Implement it in your tests and call [`crate::conformance_tests!`].
pub trait Harness: Send + Sync + 'static {
    /// The store under test.
    type Store: SessionStore + Send + Sync + 'static;

    /// A short name for reports.
    fn name(&self) -> String;

    /// What the store can do.
    fn capabilities(&self) -> Capabilities;

    /// A fresh, empty store; called once per test case, on a Tokio runtime.
    fn fresh(&self) -> impl Future<Output = anyhow::Result<Subject<Self::Store>>>;
}
