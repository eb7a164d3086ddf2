//! A read cache in front of the record store, kept right or kept wrong. Kept right (every write
//! refreshes the cached copy, every delete drops it), it serves the owner's own intact state
//! when the record underneath is damaged: harmless, and the suite must not fail it. Kept wrong,
//! it is a "resilience" fallback: the copy of the last state *loaded* is served whenever the
//! record does not decode, but writes never refresh it, so a damaged record brings back an
//! older state of the session.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex, MutexGuard,
    },
};

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as Ttl;
use session_store_conformance::{Damage, MemoryStore, State};

use super::records::RecordStore;

/// The cached copy of a session: its state and expiry (ms since the epoch).
type Copy = (State, u64);

#[derive(Debug, Clone)]
pub struct CachedRecordStore {
    records: RecordStore,
    copies: Arc<Mutex<HashMap<String, Copy>>>,
    /// Whether writes refresh the copies.
    coherent: bool,
    /// Loads answered from a copy while the record underneath did not decode.
    served_over_damage: Arc<AtomicUsize>,
}

impl CachedRecordStore {
    /// A cache every write keeps right.
    pub fn coherent(records: RecordStore) -> Self {
        Self::new(records, true)
    }

    /// A fallback copy of the last state loaded, never refreshed by a write.
    pub fn stale_fallback(records: RecordStore) -> Self {
        Self::new(records, false)
    }

    fn new(records: RecordStore, coherent: bool) -> Self {
        Self {
            records,
            copies: Arc::default(),
            coherent,
            served_over_damage: Arc::default(),
        }
    }

    pub fn backend(&self) -> &MemoryStore {
        self.records.backend()
    }

    /// The damage hook: damages the record, never the cached copy.
    pub fn damage(&self, key: &str, how: Damage) -> anyhow::Result<()> {
        self.records.damage(key, how)
    }

    /// How many loads a copy answered while the record underneath was damaged.
    pub fn served_over_damage(&self) -> usize {
        self.served_over_damage.load(Ordering::SeqCst)
    }

    fn copies(&self) -> MutexGuard<'_, HashMap<String, Copy>> {
        self.copies.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn remember(&self, key: &str, state: &State, ttl: &Ttl) {
        if self.coherent {
            let expires = self.backend().expiry(ttl);
            self.copies()
                .insert(key.to_owned(), (state.clone(), expires));
        }
    }
}

impl SessionStore for CachedRecordStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        let copy = self.copies().get(key.as_ref()).cloned();
        if let (true, Some((state, expires))) = (self.coherent, &copy) {
            if *expires <= self.backend().now_ms() {
                return Ok(None);
            }
            if self.records.is_damaged(key.as_ref()) {
                self.served_over_damage.fetch_add(1, Ordering::SeqCst);
            }
            return Ok(Some(state.clone()));
        }
        match self.records.load(key).await {
            Ok(Some(state)) => {
                if !self.coherent {
                    self.copies()
                        .insert(key.as_ref().to_owned(), (state.clone(), u64::MAX));
                }
                Ok(Some(state))
            }
            Err(LoadError::Deserialization(e)) => match copy {
                Some((state, _)) => {
                    self.served_over_damage.fetch_add(1, Ordering::SeqCst);
                    Ok(Some(state))
                }
                None => Err(LoadError::Deserialization(e)),
            },
            other => other,
        }
    }

    async fn save(&self, state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        let key = self.records.save(state.clone(), ttl).await?;
        self.remember(key.as_ref(), &state, ttl);
        Ok(key)
    }

    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        let old = key.as_ref().to_owned();
        let new = self.records.update(key, state.clone(), ttl).await?;
        if self.coherent {
            self.copies().remove(&old);
        }
        self.remember(new.as_ref(), &state, ttl);
        Ok(new)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        self.records.update_ttl(key, ttl).await?;
        if self.coherent {
            let expires = self.backend().expiry(ttl);
            let now = self.backend().now_ms();
            if let Some(copy) = self.copies().get_mut(key.as_ref()) {
                if copy.1 > now {
                    copy.1 = expires;
                }
            }
        }
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        self.records.delete(key).await?;
        self.copies().remove(key.as_ref());
        Ok(())
    }
}
