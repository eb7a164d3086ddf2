//! `actix_session::storage::SessionStore` for [`SledSessionStore`].
//!
//! Each method is a few microseconds of sled work done inline; under
//! [`Durability::EveryWrite`] the writing methods then await sled's asynchronous flush, so an
//! fsync never blocks the actix worker thread.

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as Ttl;

use crate::{
    record::SessionState,
    store::{Expiry, Rewrite, SledSessionStore},
    Error,
};

fn load_error(error: Error) -> LoadError {
    match error {
        Error::CorruptRecord(_) => LoadError::Deserialization(error.into()),
        _ => LoadError::Other(error.into()),
    }
}

fn save_error(error: Error) -> SaveError {
    match error {
        Error::StateTooLarge { .. } => SaveError::Serialization(error.into()),
        _ => SaveError::Other(error.into()),
    }
}

fn update_error(error: Error) -> UpdateError {
    match error {
        Error::StateTooLarge { .. } => UpdateError::Serialization(error.into()),
        _ => UpdateError::Other(error.into()),
    }
}

impl SessionStore for SledSessionStore {
    /// `Ok(None)` for a missing or expired session (expired ones are never served, swept or
    /// not); `LoadError::Deserialization` for a record that does not decode.
    async fn load(&self, session_key: &SessionKey) -> Result<Option<SessionState>, LoadError> {
        self.load_state(session_key.as_ref().as_bytes())
            .map_err(load_error)
    }

    /// Stores the state under a fresh key, retrying on the (astronomically rare) collision.
    /// A state over the size limit is `SaveError::Serialization` and nothing is written.
    async fn save(&self, session_state: SessionState, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        let state = self.encode_state(&session_state).map_err(save_error)?;
        let key = self.save_encoded(&state, ttl).map_err(save_error)?;
        self.persist(key.as_ref().as_bytes())
            .await
            .map_err(save_error)?;
        Ok(key)
    }

    /// Replaces state and expiry of a live session and returns its key. For a session that has
    /// vanished or expired, saves the state under a new key and returns that (the contract of
    /// actix-session's Redis store), so an expired key is never revived.
    async fn update(
        &self,
        session_key: SessionKey,
        session_state: SessionState,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        let state = self.encode_state(&session_state).map_err(update_error)?;
        let key_bytes = session_key.as_ref().as_bytes();
        let key = match self
            .rewrite(key_bytes, Expiry::After(ttl), Some(&state))
            .map_err(update_error)?
        {
            Rewrite::Done => session_key,
            Rewrite::NotLive => self.save_encoded(&state, ttl).map_err(update_error)?,
        };
        self.persist(key.as_ref().as_bytes())
            .await
            .map_err(update_error)?;
        Ok(key)
    }

    /// Extends a live session. A missing or expired session stays gone; that is not an error.
    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        let key = session_key.as_ref().as_bytes();
        if self.rewrite(key, Expiry::After(ttl), None)? == Rewrite::Done {
            self.persist(key).await?;
        }
        Ok(())
    }

    /// Removes the session and its index entry. Deleting a missing session is fine.
    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        let key = session_key.as_ref().as_bytes();
        self.remove(key)?;
        self.persist(key).await?;
        Ok(())
    }
}
