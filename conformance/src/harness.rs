//! What a store author hands the suite: how to make a fresh store, what the store promises, and
//! the controls the suite may use on it.

use std::{any::Any, fmt, future::Future, pin::Pin, sync::Arc, time::Duration};

use crate::{config::SuiteConfig, front::Ecosystem, State};

/// A boxed future on the caller's thread (store futures need not be `Send`).
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// How the suite gets stores. Implement it in your tests and call
/// [`conformance_tests!`](crate::conformance_tests). Implement it in your library (or a
/// `publish = false` crate of your workspace) instead when a load binary shares it: a test's
/// dev-dependencies are not visible to a binary.
///
/// # How the suite calls it
/// - [`Harness::fresh`] is called once per generated case (`model_based`: once per case, so
///   `cases` times plus up to a few hundred shrinking runs on a failure) and once or a few times
///   per deterministic property. Within one property the calls are sequential, from one thread,
///   on a Tokio multi-thread runtime of two workers that lives as long as the property.
/// - `cargo test` runs properties in parallel, each with its own harness value: the test macro
///   evaluates the harness expression once per test. So `fresh` may run on several threads at
///   once across harness values, never twice at once on one value.
/// - The suite takes several handles on the subject's store, as actix-web's factory makes one
///   per worker: one per server worker (two) at the HTTP level, a few in `model_based`, one per
///   thread in `races` and `concurrency`. Handles must share their sessions.
/// - Every subject is torn down when the property is done with it (see
///   [`Subject::with_teardown`]), also when the property failed; not after a panic in the store.
pub trait Harness: Send + Sync + 'static {
    /// The store under test: any actix-session `SessionStore`.
    type Store: Ecosystem;

    /// A short name for reports.
    fn name(&self) -> String;

    /// What the store promises, and how its clock moves.
    fn capabilities(&self) -> Capabilities;

    /// How hard to try; the default reads the environment (see [`SuiteConfig`]). A store that
    /// is slow per operation can lower its costs here.
    fn config(&self) -> SuiteConfig {
        SuiteConfig::default()
    }

    /// A fresh, empty store and its controls.
    fn fresh(&self) -> impl Future<Output = anyhow::Result<Subject<Self::Store>>>;

    /// Where `cargo test` writes the certification report of this store (Markdown and JSON,
    /// see [`matrix`](crate::matrix)), or `None` for no report. The default reads the
    /// directory from `CONFORMANCE_REPORT`.
    fn report_dir(&self) -> Option<std::path::PathBuf> {
        std::env::var_os("CONFORMANCE_REPORT")
            .filter(|dir| !dir.is_empty())
            .map(std::path::PathBuf::from)
    }
}

/// How a store's record is damaged by [`Subject::with_damage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// The stored record is replaced by bytes (or a value) the store cannot decode.
    Overwritten,
    /// The stored record is cut short. Where the storage refuses an incomplete value (a JSON
    /// column, say), the harness stores the nearest thing it accepts, and says which in its docs.
    Truncated,
}

type SweepFn = Box<dyn Fn() -> LocalFuture<anyhow::Result<Option<usize>>>>;
type DamageFn = Box<dyn Fn(String, Damage) -> LocalFuture<anyhow::Result<()>>>;
type TeardownFn = Box<dyn FnOnce() -> LocalFuture<anyhow::Result<()>>>;

/// A fresh, empty store and the controls the suite may use on it. A control a store lacks
/// narrows the properties that need it to "not applicable", with the reason.
pub struct Subject<S> {
    /// The store under test.
    pub store: S,
    /// Another handle on the same sessions.
    another: Arc<dyn Fn() -> S + Send + Sync>,
    sweep: Option<SweepFn>,
    damage: Option<DamageFn>,
    teardown: Option<TeardownFn>,
    guard: Option<Box<dyn Any>>,
}

impl<S: Clone + Send + Sync + 'static> Subject<S> {
    /// A subject whose further handles are clones of `store`, with no sweep, damage hook,
    /// teardown or guard.
    pub fn new(store: S) -> Self {
        let original = store.clone();
        Self::with_handles(store, move || original.clone())
    }
}

impl<S> Subject<S> {
    /// A subject for a store that is not `Clone`: `another` makes a further handle on the same
    /// sessions, as your application's `HttpServer` factory does for each worker.
    pub fn with_handles(store: S, another: impl Fn() -> S + Send + Sync + 'static) -> Self {
        Self {
            store,
            another: Arc::new(another),
            sweep: None,
            damage: None,
            teardown: None,
            guard: None,
        }
    }

    /// A sweep the suite may run at any moment: it removes expired sessions and returns how
    /// many it removed. It must never remove a live session.
    pub fn with_sweep<F, Fut>(mut self, sweep: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = anyhow::Result<usize>> + 'static,
    {
        self.sweep = Some(Box::new(move || {
            let swept = sweep();
            Box::pin(async move { swept.await.map(Some) })
        }));
        self
    }

    /// A sweep that does not say how many sessions it removed (tower-sessions'
    /// `ExpiredDeletion::delete_expired`). It must never remove a live session.
    pub fn with_uncounted_sweep<F, Fut>(mut self, sweep: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = anyhow::Result<()>> + 'static,
    {
        self.sweep = Some(Box::new(move || {
            let swept = sweep();
            Box::pin(async move { swept.await.map(|()| None) })
        }));
        self
    }

    /// A hook that damages the stored record of the session `key` (the key as the store issued
    /// it). With it, `damaged_records` checks that a damaged record loads as nothing or as
    /// `LoadError::Deserialization`, that its owner can start afresh, and that no other session
    /// is touched.
    pub fn with_damage<F, Fut>(mut self, damage: F) -> Self
    where
        F: Fn(String, Damage) -> Fut + 'static,
        Fut: Future<Output = anyhow::Result<()>> + 'static,
    {
        self.damage = Some(Box::new(move |key, how| Box::pin(damage(key, how))));
        self
    }

    /// Runs when the suite is done with this store, also after a failure: drop a namespace,
    /// close a pool. A teardown error is reported only when the property itself held.
    pub fn with_teardown<F, Fut>(mut self, teardown: F) -> Self
    where
        F: FnOnce() -> Fut + 'static,
        Fut: Future<Output = anyhow::Result<()>> + 'static,
    {
        self.teardown = Some(Box::new(move || Box::pin(teardown())));
        self
    }

    /// Keeps `guard` (a temp dir, say) alive until the subject is torn down.
    pub fn with_guard(mut self, guard: impl Any) -> Self {
        self.guard = Some(Box::new(guard));
        self
    }

    /// Another handle on the store's sessions.
    pub fn handle(&self) -> S {
        (self.another)()
    }

    /// A maker of further handles that can go to other threads, for a server's workers.
    pub fn handles(&self) -> impl Fn() -> S + Send + Sync + Clone + 'static
    where
        S: 'static,
    {
        let another = self.another.clone();
        move || another()
    }

    /// Whether the harness gave the subject a sweep.
    pub fn has_sweep(&self) -> bool {
        self.sweep.is_some()
    }

    /// Runs the harness's sweep, if it gave one: the number of expired sessions removed, when
    /// the sweep counts them.
    pub fn sweep(&self) -> Option<LocalFuture<anyhow::Result<Option<usize>>>> {
        self.sweep.as_ref().map(|sweep| sweep())
    }

    pub(crate) fn damage(&self, key: &str, how: Damage) -> Option<LocalFuture<anyhow::Result<()>>> {
        self.damage
            .as_ref()
            .map(|damage| damage(key.to_owned(), how))
    }

    /// Tears the subject down: the teardown hook first, then the store and the guard are
    /// dropped.
    pub async fn tear_down(mut self) -> anyhow::Result<()> {
        let result = match self.teardown.take() {
            Some(teardown) => teardown().await,
            None => Ok(()),
        };
        drop(self);
        result
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
    /// tower-sessions' `Id`: 22 characters of URL-safe base64 (128 random bits), drawn by its
    /// `Session`, not by the store.
    pub fn tower_id() -> Self {
        Self {
            len: 22,
            alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        }
    }

    /// actix-session's `generate_session_key`: 64 characters from `[A-Za-z0-9]`.
    pub fn actix_default() -> Self {
        Self {
            len: 64,
            alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        }
    }
}

/// How a state's size is measured against [`StateLimit::bytes`].
#[derive(Clone, Copy)]
pub enum Measure {
    /// The length in bytes of the state's JSON text, `serde_json::to_string(&state)` (what the
    /// cookie store keeps).
    JsonText,
    /// The store's own measure, for example its encoded record; it must grow with the state.
    Custom(fn(&State) -> usize),
}

impl Measure {
    /// The size of `state` by this measure.
    pub fn of(&self, state: &State) -> usize {
        match self {
            Measure::JsonText => serde_json::to_string(state).map_or(usize::MAX, |s| s.len()),
            Measure::Custom(measure) => measure(state),
        }
    }
}

impl fmt::Debug for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Measure::JsonText => "JSON text bytes",
            Measure::Custom(_) => "the store's own measure",
        })
    }
}

/// The largest state a store keeps: a state of at most `bytes` (by `measure`) is stored, a
/// larger one is refused with a `Serialization` error and changes nothing.
#[derive(Debug, Clone, Copy)]
pub struct StateLimit {
    /// The limit, inclusive.
    pub bytes: usize,
    /// How a state is measured.
    pub measure: Measure,
}

impl StateLimit {
    /// A limit on the state's JSON text length.
    pub fn json_text(bytes: usize) -> Self {
        Self {
            bytes,
            measure: Measure::JsonText,
        }
    }
}

/// How time moves for the stores a harness makes.
#[derive(Clone, Default)]
pub enum Clock {
    /// The store reads the real clock. The suite expires sessions by waiting: TTLs of one or
    /// two [`Capabilities::ttl_resolution`] and real waits within
    /// [`SuiteConfig::wait_budget`] per property.
    #[default]
    Real,
    /// The suite moves time for every store the harness makes (one clock shared by all of
    /// them), so it can test expiry to the millisecond and TTLs of years without waiting.
    Controlled(Arc<dyn Fn(Duration) + Send + Sync>),
}

impl Clock {
    /// A controlled clock: `advance(by)` moves the time of every store the harness makes.
    pub fn controlled(advance: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        Clock::Controlled(Arc::new(advance))
    }

    /// Whether the suite controls it.
    pub fn is_controlled(&self) -> bool {
        matches!(self, Clock::Controlled(_))
    }

    /// Moves a controlled clock; `false` for the real one.
    pub(crate) fn advance(&self, by: Duration) -> bool {
        match self {
            Clock::Controlled(advance) => {
                advance(by);
                true
            }
            Clock::Real => false,
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Clock::Real => "real",
            Clock::Controlled(_) => "controlled",
        })
    }
}

/// What a store promises. A property that needs a promise the store does not make is reported
/// as "not applicable", with the reason, never passed silently.
#[derive(Debug, Clone)]
pub struct Capabilities {
    /// `delete`, and `update` of a dead key, make the old key load nothing server-side.
    /// False for stores that keep the state in the key itself (the cookie store).
    pub invalidates: bool,
    /// The store expires sessions by their TTL on its own.
    pub enforces_ttl: bool,
    /// `update` of a live session returns the same key.
    pub update_keeps_key: bool,
    /// The largest state the store keeps, if it has a limit.
    pub max_state: Option<StateLimit>,
    /// The keys it issues, when they are random credentials; `None` when keys carry the state.
    pub key_shape: Option<KeyShape>,
    /// How time moves for the store.
    pub clock: Clock,
    /// The store's unit of time: it may round a TTL down to a whole number of these, and
    /// expire a session up to one of them early. The suite's TTLs are whole multiples of it
    /// (Redis and SQL stores: one second).
    pub ttl_resolution: Duration,
}

impl Default for Capabilities {
    /// A server-side store with the actix-session key generator, a real clock and TTLs in whole
    /// seconds.
    fn default() -> Self {
        Self {
            invalidates: true,
            enforces_ttl: true,
            update_keeps_key: true,
            max_state: None,
            key_shape: Some(KeyShape::actix_default()),
            clock: Clock::Real,
            ttl_resolution: Duration::from_secs(1),
        }
    }
}

impl Capabilities {
    /// A tower-sessions store on the real clock that keeps expiry dates to the millisecond or
    /// better: the defaults, with tower-sessions' key shape.
    pub fn tower() -> Self {
        Self {
            key_shape: Some(KeyShape::tower_id()),
            ttl_resolution: Duration::from_millis(1),
            ..Self::default()
        }
    }

    /// The TTL resolution in whole milliseconds, at least one.
    pub(crate) fn resolution_ms(&self) -> u64 {
        u64::try_from(self.ttl_resolution.as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// The smallest whole multiple of the resolution that is at least `secs` seconds, in
    /// seconds (never below one second).
    pub(crate) fn ttl_secs_at_least(&self, secs: i64) -> i64 {
        let resolution = i64::try_from(self.resolution_ms().div_ceil(1000)).unwrap_or(i64::MAX);
        let resolution = resolution.max(1);
        let units = (secs.max(1) + resolution - 1) / resolution;
        units.saturating_mul(resolution)
    }
}
