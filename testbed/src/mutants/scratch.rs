//! A per-thread scratch buffer kept across an `.await`: the state is encoded into the thread's
//! reusable buffer (one allocation saved per request), the write to the backend awaits, and the
//! buffer is read back afterwards, by which time another request's future on the same worker
//! thread may have encoded its own state into it.

use std::cell::RefCell;

use actix_session::storage::{
    generate_session_key, LoadError, SaveError, SessionKey, SessionStore, UpdateError,
};
use actix_web::cookie::time::Duration as Ttl;
use session_store_conformance::{MemoryStore, State};

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(4096));
}

/// The reference store, written through a per-thread encoding buffer.
#[derive(Debug, Clone)]
pub struct ScratchStore {
    backend: MemoryStore,
}

impl ScratchStore {
    pub fn new(backend: MemoryStore) -> Self {
        Self { backend }
    }

    pub fn backend(&self) -> &MemoryStore {
        &self.backend
    }

    async fn write(&self, key: &str, state: &State, ttl: &Ttl) -> anyhow::Result<()> {
        SCRATCH.with(|buffer| {
            let mut buffer = buffer.borrow_mut();
            buffer.clear();
            serde_json::to_writer(&mut *buffer, state)
        })?;
        tokio::task::yield_now().await; // the backend write is asynchronous
        let encoded = SCRATCH.with(|buffer| buffer.borrow().clone());
        let stored: State = serde_json::from_slice(&encoded)?;
        let expires = self.backend.expiry(ttl);
        self.backend
            .entries()
            .insert(key.to_owned(), (stored, expires));
        Ok(())
    }
}

impl SessionStore for ScratchStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        self.backend.load(key).await
    }

    async fn save(&self, state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        MemoryStore::check_size(&state).map_err(SaveError::Serialization)?;
        let key = generate_session_key();
        self.write(key.as_ref(), &state, ttl)
            .await
            .map_err(SaveError::Other)?;
        Ok(key)
    }

    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        MemoryStore::check_size(&state).map_err(UpdateError::Serialization)?;
        let key = if self.backend.live_state(key.as_ref()).is_some() {
            key
        } else {
            generate_session_key()
        };
        self.write(key.as_ref(), &state, ttl)
            .await
            .map_err(UpdateError::Other)?;
        Ok(key)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        self.backend.update_ttl(key, ttl).await
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        self.backend.delete(key).await
    }
}
