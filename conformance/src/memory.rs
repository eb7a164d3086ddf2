//! The reference model as a real store: a map behind a mutex, with a clock the suite controls.
//! It is certified like any other store and is the base the broken stores are built on.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard,
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use actix_session::storage::{
    generate_session_key, LoadError, SaveError, SessionKey, SessionStore, UpdateError,
};
use actix_web::cookie::time::Duration as Ttl;

use crate::{
    harness::{Capabilities, Harness, Subject},
    model::State,
};

/// The largest state (JSON text bytes) the memory store keeps.
pub const MEMORY_MAX_STATE_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone)]
enum Clock {
    Manual(Arc<AtomicU64>),
    System,
}

/// An in-memory `SessionStore`. Clones share one map.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    sessions: Arc<Mutex<HashMap<String, (State, u64)>>>,
    clock: Clock,
}

impl MemoryStore {
    /// A store whose time moves only with [`MemoryStore::advance`].
    pub fn with_manual_clock() -> Self {
        Self {
            sessions: Arc::default(),
            clock: Clock::Manual(Arc::new(AtomicU64::new(1_000_000))),
        }
    }

    /// A store on the wall clock, for servers.
    pub fn with_system_clock() -> Self {
        Self {
            sessions: Arc::default(),
            clock: Clock::System,
        }
    }

    /// Moves a manual clock forward (no effect on the system clock).
    pub fn advance(&self, by: Duration) {
        if let Clock::Manual(now) = &self.clock {
            now.fetch_add(
                u64::try_from(by.as_millis()).unwrap_or(u64::MAX),
                Ordering::SeqCst,
            );
        }
    }

    /// Removes expired sessions; returns how many.
    pub fn sweep(&self) -> usize {
        let now = self.now_ms();
        let mut sessions = self.lock();
        let before = sessions.len();
        sessions.retain(|_, (_, expires)| *expires > now);
        before - sessions.len()
    }

    /// Number of sessions held, expired or not.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether it holds no session at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn now_ms(&self) -> u64 {
        match &self.clock {
            Clock::Manual(now) => now.load(Ordering::SeqCst),
            Clock::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, HashMap<String, (State, u64)>> {
        self.sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `now + ttl`; zero or negative is `now` (expired), too large saturates.
    pub(crate) fn expiry(&self, ttl: &Ttl) -> u64 {
        let ms = u64::try_from(ttl.whole_milliseconds().max(0)).unwrap_or(u64::MAX);
        self.now_ms().saturating_add(ms)
    }

    pub(crate) fn live_state(&self, key: &str) -> Option<State> {
        let now = self.now_ms();
        self.lock()
            .get(key)
            .filter(|(_, expires)| *expires > now)
            .map(|(state, _)| state.clone())
    }

    pub(crate) fn check_size(state: &State) -> Result<(), anyhow::Error> {
        let size = serde_json::to_string(state)?.len();
        if size > MEMORY_MAX_STATE_BYTES {
            anyhow::bail!(
                "session state is {size} bytes, over the limit of {MEMORY_MAX_STATE_BYTES}"
            );
        }
        Ok(())
    }

    /// Inserts under a fresh key that is not in use.
    pub(crate) fn insert_fresh(&self, state: State, expires: u64) -> SessionKey {
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

/// The reference store's capabilities: everything, with a controlled clock and a sweep.
pub fn memory_capabilities() -> Capabilities {
    Capabilities {
        controlled_clock: true,
        sweep: true,
        max_state_bytes: Some(MEMORY_MAX_STATE_BYTES),
        ttl_resolution: Duration::from_millis(1),
        ..Capabilities::default()
    }
}

/// The harness of the reference store itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemoryHarness;

impl Harness for MemoryHarness {
    type Store = MemoryStore;

    fn name(&self) -> String {
        "memory (reference)".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        memory_capabilities()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<MemoryStore>> {
        let store = MemoryStore::with_manual_clock();
        let (clock, sweep) = (store.clone(), store.clone());
        Ok(Subject::new(store)
            .with_clock(move |by| clock.advance(by))
            .with_sweep(move || Ok(sweep.sweep())))
    }
}
