//! The reference store: the model as a real store, a map behind a mutex. It is certified like
//! any other store, it is the in-memory ceiling the load generator compares server-side stores
//! against, and this project's broken stores are built on it.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::{SystemTime, UNIX_EPOCH},
};

use actix_session::storage::{
    generate_session_key, LoadError, SaveError, SessionKey, SessionStore, UpdateError,
};
use actix_web::cookie::time::Duration as Ttl;

use crate::{
    clock::ManualClock,
    harness::{Capabilities, Clock, Harness, StateLimit, Subject},
    model::State,
};

/// The largest state (JSON text bytes) the memory store keeps.
pub const MEMORY_MAX_STATE_BYTES: usize = 64 * 1024;

/// A session's state and its expiry, in milliseconds since the epoch.
type Entry = (State, u64);

/// An in-memory `SessionStore`. Clones share one map.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    sessions: Arc<Mutex<HashMap<String, Entry>>>,
    clock: Option<ManualClock>,
}

impl MemoryStore {
    /// A store on the wall clock, for servers.
    pub fn with_system_clock() -> Self {
        Self {
            sessions: Arc::default(),
            clock: None,
        }
    }

    /// A store whose time is `clock`'s.
    pub fn with_clock(clock: ManualClock) -> Self {
        Self {
            sessions: Arc::default(),
            clock: Some(clock),
        }
    }

    /// Removes expired sessions; returns how many.
    pub fn sweep(&self) -> usize {
        let now = self.now_ms();
        let mut sessions = self.entries();
        let before = sessions.len();
        sessions.retain(|_, (_, expires)| *expires > now);
        before - sessions.len()
    }

    /// Number of sessions held, expired or not.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether it holds no session at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The store's time, in milliseconds since the epoch.
    #[doc(hidden)]
    pub fn now_ms(&self) -> u64 {
        match &self.clock {
            Some(clock) => clock.now_ms(),
            None => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        }
    }

    /// `now + ttl` in milliseconds; zero or negative is `now` (expired), too large saturates.
    #[doc(hidden)]
    pub fn expiry(&self, ttl: &Ttl) -> u64 {
        let ms = u64::try_from(ttl.whole_milliseconds().max(0)).unwrap_or(u64::MAX);
        self.now_ms().saturating_add(ms)
    }

    /// Refuses a state whose JSON text is over [`MEMORY_MAX_STATE_BYTES`].
    #[doc(hidden)]
    pub fn check_size(state: &State) -> Result<(), anyhow::Error> {
        let size = serde_json::to_string(state)?.len();
        if size > MEMORY_MAX_STATE_BYTES {
            anyhow::bail!(
                "session state is {size} bytes, over the limit of {MEMORY_MAX_STATE_BYTES}"
            );
        }
        Ok(())
    }

    // Hidden from the docs, public for one user: the broken stores of this project's own tests
    // (crate `testbed`) are this store with one defect, and need its parts. Not part of the
    // suite's API; they may change in any release.

    /// The map itself: session key to state and expiry (milliseconds since the epoch).
    #[doc(hidden)]
    pub fn entries(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.lock()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The state of a live session.
    #[doc(hidden)]
    pub fn live_state(&self, key: &str) -> Option<State> {
        let now = self.now_ms();
        self.lock()
            .get(key)
            .filter(|(_, expires)| *expires > now)
            .map(|(state, _)| state.clone())
    }

    /// Inserts under a fresh key that is not in use.
    #[doc(hidden)]
    pub fn insert_fresh(&self, state: State, expires: u64) -> SessionKey {
        let mut sessions = self.lock();
        loop {
            let key = generate_session_key();
            if !sessions.contains_key(key.as_ref()) {
                sessions.insert(key.as_ref().to_owned(), (state, expires));
                return key;
            }
        }
    }
}

impl SessionStore for MemoryStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        Ok(self.live_state(session_key.as_ref()))
    }

    async fn save(&self, session_state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        Self::check_size(&session_state).map_err(SaveError::Serialization)?;
        Ok(self.insert_fresh(session_state, self.expiry(ttl)))
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: State,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        Self::check_size(&session_state).map_err(UpdateError::Serialization)?;
        let now = self.now_ms();
        let expires = self.expiry(ttl);
        {
            let mut sessions = self.lock();
            if let Some(entry) = sessions
                .get_mut(session_key.as_ref())
                .filter(|(_, e)| *e > now)
            {
                *entry = (session_state, expires);
                return Ok(session_key);
            }
        }
        Ok(self.insert_fresh(session_state, expires))
    }

    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        let now = self.now_ms();
        let expires = self.expiry(ttl);
        if let Some(entry) = self
            .lock()
            .get_mut(session_key.as_ref())
            .filter(|(_, e)| *e > now)
        {
            entry.1 = expires;
        }
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        self.lock().remove(session_key.as_ref());
        Ok(())
    }
}

/// The reference store's capabilities, on `clock`: every promise, a 64 KiB limit on JSON text,
/// millisecond TTLs.
pub fn memory_capabilities(clock: &ManualClock) -> Capabilities {
    let clock = clock.clone();
    Capabilities {
        clock: Clock::controlled(move |by| clock.advance(by)),
        max_state: Some(StateLimit::json_text(MEMORY_MAX_STATE_BYTES)),
        ttl_resolution: std::time::Duration::from_millis(1),
        ..Capabilities::default()
    }
}

/// The harness of the reference store itself: one clock shared by the stores it makes, a
/// sweep on each.
#[derive(Debug, Clone)]
pub struct MemoryHarness {
    clock: ManualClock,
}

impl MemoryHarness {
    /// A harness with its own clock.
    pub fn new() -> Self {
        Self {
            clock: ManualClock::starting_now(),
        }
    }
}

impl Default for MemoryHarness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness for MemoryHarness {
    type Store = MemoryStore;

    fn name(&self) -> String {
        "memory (reference)".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        memory_capabilities(&self.clock)
    }

    async fn fresh(&self) -> anyhow::Result<Subject<MemoryStore>> {
        let store = MemoryStore::with_clock(self.clock.clone());
        let sweeper = store.clone();
        Ok(Subject::new(store).with_sweep(move || {
            let removed = sweeper.sweep();
            async move { Ok(removed) }
        }))
    }
}
