//! Group commit: writes queue up, and the first writer to arrive becomes the leader that applies
//! the whole queue in one batch while the others wait. The defect: the leader copies the queue,
//! writes it, and after its flush clears the queue, dropping the writes that arrived during the
//! flush; their writers were told they were saved.

use std::sync::{Arc, Mutex};

use actix_session::storage::{
    generate_session_key, LoadError, SaveError, SessionKey, SessionStore, UpdateError,
};
use actix_web::cookie::time::Duration as Ttl;
use session_store_conformance::{MemoryStore, State};

#[derive(Debug, Clone)]
enum Write {
    Put(String, State, u64),
    Expire(String, u64),
    Remove(String),
}

#[derive(Debug, Default)]
struct Queue {
    pending: Vec<Write>,
    leader: bool,
}

/// The reference store behind a group-committing write queue.
#[derive(Debug, Clone)]
pub struct BatchedStore {
    backend: MemoryStore,
    queue: Arc<Mutex<Queue>>,
}

impl BatchedStore {
    pub fn new(backend: MemoryStore) -> Self {
        Self {
            backend,
            queue: Arc::default(),
        }
    }

    pub fn backend(&self) -> &MemoryStore {
        &self.backend
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `write` and returns once it is (believed to be) applied.
    async fn commit(&self, write: Write) {
        let leads = {
            let mut queue = self.queue();
            queue.pending.push(write);
            !std::mem::replace(&mut queue.leader, true)
        };
        if !leads {
            // A follower: the leader's batch will carry our write.
            while self.queue().leader {
                tokio::task::yield_now().await;
            }
            return;
        }
        tokio::task::yield_now().await; // let the batch fill up
        let batch = self.queue().pending.clone();
        self.apply(batch);
        tokio::task::yield_now().await; // the flush
        let mut queue = self.queue();
        queue.pending.clear(); // everything queued meanwhile is gone too
        queue.leader = false;
    }

    fn apply(&self, batch: Vec<Write>) {
        let now = self.backend.now_ms();
        let mut sessions = self.backend.entries();
        for write in batch {
            match write {
                Write::Put(key, state, expires) => {
                    sessions.insert(key, (state, expires));
                }
                Write::Expire(key, expires) => {
                    if let Some(entry) = sessions.get_mut(&key).filter(|(_, e)| *e > now) {
                        entry.1 = expires;
                    }
                }
                Write::Remove(key) => {
                    sessions.remove(&key);
                }
            }
        }
    }
}

impl SessionStore for BatchedStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        self.backend.load(key).await
    }

    async fn save(&self, state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        MemoryStore::check_size(&state).map_err(SaveError::Serialization)?;
        let key = generate_session_key();
        let expires = self.backend.expiry(ttl);
        self.commit(Write::Put(key.as_ref().to_owned(), state, expires))
            .await;
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
        let expires = self.backend.expiry(ttl);
        self.commit(Write::Put(key.as_ref().to_owned(), state, expires))
            .await;
        Ok(key)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        let expires = self.backend.expiry(ttl);
        self.commit(Write::Expire(key.as_ref().to_owned(), expires))
            .await;
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        self.commit(Write::Remove(key.as_ref().to_owned())).await;
        Ok(())
    }
}
