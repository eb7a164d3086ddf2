//! Two round trips where one atomic operation was needed, each with an `.await` between them (a
//! backend without a conditional write), and SQL-style updates without an expiry condition:
//! - `update_ttl` reads the record, then writes it back whole with the new TTL, so an `update`
//!   that lands in between is overwritten by the older state;
//! - `update` checks that the session is live, then writes it unconditionally, so a `delete`
//!   that lands in between is undone;
//! - `update` and `update_ttl` match the key alone, like `UPDATE .. WHERE key = $1` without
//!   `AND expires > NOW()`: an expired session comes back (found on the real clock only).

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as Ttl;
use session_store_conformance::{MemoryStore, State};

use super::Mutant;

/// The reference store with one of these defects.
#[derive(Debug, Clone)]
pub struct RacyStore {
    mutant: Mutant,
    backend: MemoryStore,
}

impl RacyStore {
    pub fn new(mutant: Mutant, backend: MemoryStore) -> Self {
        Self { mutant, backend }
    }

    pub fn backend(&self) -> &MemoryStore {
        &self.backend
    }

    /// A round trip to the backend.
    async fn round_trip() {
        tokio::task::yield_now().await;
    }
}

impl SessionStore for RacyStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        self.backend.load(key).await
    }

    async fn save(&self, state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        self.backend.save(state, ttl).await
    }

    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        match self.mutant {
            Mutant::UpdateChecksThenWrites => {
                MemoryStore::check_size(&state).map_err(UpdateError::Serialization)?;
                if self.backend.live_state(key.as_ref()).is_none() {
                    return Ok(self.backend.insert_fresh(state, self.backend.expiry(ttl)));
                }
                Self::round_trip().await;
                let expires = self.backend.expiry(ttl);
                self.backend
                    .entries()
                    .insert(key.as_ref().to_owned(), (state, expires));
                Ok(key)
            }
            Mutant::SqlUpdateNoExpiryCheck => {
                MemoryStore::check_size(&state).map_err(UpdateError::Serialization)?;
                let expires = self.backend.expiry(ttl);
                let mut sessions = self.backend.entries();
                if let Some(entry) = sessions.get_mut(key.as_ref()) {
                    *entry = (state, expires);
                    return Ok(key);
                }
                drop(sessions);
                Ok(self.backend.insert_fresh(state, expires))
            }
            _ => self.backend.update(key, state, ttl).await,
        }
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        match self.mutant {
            Mutant::UpdateTtlReadModifyWrite => {
                let Some(state) = self.backend.live_state(key.as_ref()) else {
                    return Ok(());
                };
                Self::round_trip().await;
                let expires = self.backend.expiry(ttl);
                self.backend
                    .entries()
                    .insert(key.as_ref().to_owned(), (state, expires));
                Ok(())
            }
            Mutant::SqlUpdateNoExpiryCheck => {
                let expires = self.backend.expiry(ttl);
                if let Some(entry) = self.backend.entries().get_mut(key.as_ref()) {
                    entry.1 = expires;
                }
                Ok(())
            }
            _ => self.backend.update_ttl(key, ttl).await,
        }
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        self.backend.delete(key).await
    }
}
