//! A small, honest session store: a map behind a mutex, expiry checked on every read, and the
//! harness that certifies it and drives its load runs.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use actix_session::storage::{
    generate_session_key, LoadError, SaveError, SessionKey, SessionStore, UpdateError,
};
use actix_web::cookie::time::Duration as Ttl;
use session_store_conformance::{Capabilities, Harness, Subject};

type State = HashMap<String, String>;

/// Sessions in memory; clones share them.
#[derive(Debug, Clone, Default)]
pub struct MyStore {
    sessions: Arc<Mutex<HashMap<String, (State, u128)>>>,
}

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

fn expiry(ttl: &Ttl) -> u128 {
    let ms = u128::try_from(ttl.whole_milliseconds()).unwrap_or(0);
    now_ms().saturating_add(ms)
}

impl MyStore {
    fn live(&self, key: &str) -> Option<State> {
        let sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let (state, expires) = sessions.get(key)?;
        (*expires > now_ms()).then(|| state.clone())
    }

    fn insert_new(&self, state: State, ttl: &Ttl) -> SessionKey {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let key = generate_session_key();
            if !sessions.contains_key(key.as_ref()) {
                sessions.insert(key.as_ref().to_owned(), (state, expiry(ttl)));
                return key;
            }
        }
    }
}

impl SessionStore for MyStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        Ok(self.live(key.as_ref()))
    }

    async fn save(&self, state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        Ok(self.insert_new(state, ttl))
    }

    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        match sessions.get_mut(key.as_ref()) {
            Some(entry) if entry.1 > now_ms() => {
                *entry = (state, expiry(ttl));
                Ok(key)
            }
            _ => {
                drop(sessions);
                Ok(self.insert_new(state, ttl)) // a dead key: a new session, never the old key
            }
        }
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = sessions.get_mut(key.as_ref()).filter(|e| e.1 > now_ms()) {
            entry.1 = expiry(ttl);
        }
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key.as_ref());
        Ok(())
    }
}

/// How the suite and the load generator get a fresh store.
pub struct MyHarness;

impl Harness for MyHarness {
    type Store = MyStore;

    fn name(&self) -> String {
        "my-store".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            ttl_resolution: Duration::from_millis(1),
            ..Capabilities::default()
        }
    }

    async fn fresh(&self) -> anyhow::Result<Subject<MyStore>> {
        Ok(Subject::new(MyStore::default()))
    }
}
