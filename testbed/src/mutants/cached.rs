//! Caching mistakes: a read cache per handle (each clone of the store, so each actix worker, has
//! its own, and never hears of the others' writes), and storage that is itself a bounded cache.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
};

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as Ttl;
use session_store_conformance::{MemoryStore, State};

/// How many sessions the bounded store keeps.
const CAPACITY: usize = 10_000;

#[derive(Debug)]
enum Cache {
    /// Key to (state, expiry), private to this handle.
    PerHandle(Mutex<HashMap<String, (State, u64)>>),
    /// Keys in the order they were written, shared; the oldest go first.
    Bounded(Arc<Mutex<VecDeque<String>>>),
}

/// A store over the reference store with a cache in front.
#[derive(Debug)]
pub struct CachedStore {
    backend: MemoryStore,
    cache: Cache,
}

impl Clone for CachedStore {
    fn clone(&self) -> Self {
        let cache = match &self.cache {
            // "Each worker gets its own cache, so workers never contend for a lock."
            Cache::PerHandle(_) => Cache::PerHandle(Mutex::default()),
            Cache::Bounded(order) => Cache::Bounded(order.clone()),
        };
        Self {
            backend: self.backend.clone(),
            cache,
        }
    }
}

impl CachedStore {
    pub fn per_handle(backend: MemoryStore) -> Self {
        Self {
            backend,
            cache: Cache::PerHandle(Mutex::default()),
        }
    }

    pub fn bounded(backend: MemoryStore) -> Self {
        Self {
            backend,
            cache: Cache::Bounded(Arc::default()),
        }
    }

    pub fn backend(&self) -> &MemoryStore {
        &self.backend
    }

    /// Remembers what was just written under `key`.
    fn wrote(&self, key: &str, state: &State, ttl: &Ttl) {
        match &self.cache {
            Cache::PerHandle(cache) => {
                let expires = self.backend.expiry(ttl);
                lock(cache).insert(key.to_owned(), (state.clone(), expires));
            }
            Cache::Bounded(order) => {
                let mut order = lock(order);
                order.push_back(key.to_owned());
                while order.len() > CAPACITY {
                    if let Some(oldest) = order.pop_front() {
                        self.backend.entries().remove(&oldest);
                    }
                }
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl SessionStore for CachedStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        if let Cache::PerHandle(cache) = &self.cache {
            let now = self.backend.now_ms();
            if let Some((state, expires)) = lock(cache).get(key.as_ref()) {
                return Ok((*expires > now).then(|| state.clone()));
            }
            let state = self.backend.load(key).await?;
            if let Some(state) = &state {
                let expires = self
                    .backend
                    .entries()
                    .get(key.as_ref())
                    .map_or(0, |(_, e)| *e);
                lock(cache).insert(key.as_ref().to_owned(), (state.clone(), expires));
            }
            return Ok(state);
        }
        self.backend.load(key).await
    }

    async fn save(&self, state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        let key = self.backend.save(state.clone(), ttl).await?;
        self.wrote(key.as_ref(), &state, ttl);
        Ok(key)
    }

    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        let old = key.as_ref().to_owned();
        let key = self.backend.update(key, state.clone(), ttl).await?;
        if let Cache::PerHandle(cache) = &self.cache {
            lock(cache).remove(&old);
        }
        self.wrote(key.as_ref(), &state, ttl);
        Ok(key)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        self.backend.update_ttl(key, ttl).await?;
        if let Cache::PerHandle(cache) = &self.cache {
            let (now, expires) = (self.backend.now_ms(), self.backend.expiry(ttl));
            if let Some(entry) = lock(cache).get_mut(key.as_ref()).filter(|(_, e)| *e > now) {
                entry.1 = expires;
            }
        }
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        self.backend.delete(key).await?;
        if let Cache::PerHandle(cache) = &self.cache {
            lock(cache).remove(key.as_ref());
        }
        Ok(())
    }
}
