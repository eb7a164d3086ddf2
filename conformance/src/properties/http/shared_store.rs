//! A `SessionStore` over an `Arc<S>`, so that one store can sit behind every server worker.

use std::sync::Arc;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as Ttl;

use crate::model::State;

pub(crate) struct SharedStore<S>(pub Arc<S>);

impl<S> Clone for SharedStore<S> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<S: SessionStore> SessionStore for SharedStore<S> {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        self.0.load(key).await
    }

    async fn save(&self, state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        self.0.save(state, ttl).await
    }

    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        self.0.update(key, state, ttl).await
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        self.0.update_ttl(key, ttl).await
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        self.0.delete(key).await
    }
}
