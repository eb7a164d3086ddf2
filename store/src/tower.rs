//! `tower_sessions_core::SessionStore` and `ExpiredDeletion` for [`SledSessionStore`] (feature
//! `tower`): the same engine as the actix-session front (the time-ordered index, the ordered
//! crash-safe writes, the record cache, the reopen after an I/O error), behind tower-sessions'
//! trait.
//!
//! - `create` stores the record under its id only if no record holds that id (live, expired
//!   or undecodable); otherwise it draws a new id and tries again (at most eight ids).
//! - `save` writes the record as given, under its id: a live session is rewritten in place
//!   (compare-and-swap), a missing, expired or undecodable one is replaced.
//! - `load` returns `None` for a missing **or expired** record, swept or not; a record that does
//!   not decode is `Error::Decode`. Its `expiry_date` comes back to the millisecond.
//! - `delete` removes the record and its index entry.
//! - `delete_expired` is the index sweep: its cost is what has expired, whatever lives.
//!
//! Values are kept as their JSON text (the record format is the actix front's), so every value
//! `serde_json` holds comes back equal.

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::Value;
use time::OffsetDateTime;
use tower_sessions_core::{
    session::{Id, Record},
    session_store::{Error as TowerError, ExpiredDeletion, Result},
    SessionStore,
};

use crate::{
    handles::Trees,
    index,
    record::{decode_header, SessionState},
    store::{Expiry, Rewrite, MAX_KEY_ATTEMPTS},
    Error, SledSessionStore,
};

fn tower_error(error: Error) -> TowerError {
    match error {
        Error::CorruptRecord(_) => TowerError::Decode(error.to_string()),
        Error::StateTooLarge { .. } => TowerError::Encode(error.to_string()),
        _ => TowerError::Backend(error.to_string()),
    }
}

/// Each value as its JSON text.
fn state_of(data: &HashMap<String, Value>) -> SessionState {
    data.iter()
        .map(|(field, value)| (field.clone(), value.to_string()))
        .collect()
}

fn data_of(state: SessionState) -> Result<HashMap<String, Value>> {
    state
        .into_iter()
        .map(|(field, text)| {
            serde_json::from_str(&text)
                .map(|value| (field, value))
                .map_err(|e| TowerError::Decode(format!("a stored value is not JSON: {e}")))
        })
        .collect()
}

/// Milliseconds since the Unix epoch, 0 for any earlier date.
fn millis(date: OffsetDateTime) -> u64 {
    u64::try_from(date.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
}

/// The date of `ms`, the latest date `time` holds for anything later.
fn date(ms: u64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::PrimitiveDateTime::MAX.assume_utc())
}

impl SledSessionStore {
    /// Replaces a record under `key` that holds no live session (missing, expired or
    /// undecodable) with `state`, expiring at `expires_at_ms`. `Ok(false)`: the key holds a
    /// live session (the caller rewrites it instead). Index entry first, then the record, then
    /// the old entry goes, as every write does.
    fn replace_dead(
        &self,
        inner: &Trees,
        key: &[u8],
        state: &[u8],
        expires_at_ms: u64,
    ) -> std::result::Result<bool, Error> {
        self.under_lock(key, || loop {
            let current = self.current(inner, key)?;
            let old = current
                .as_deref()
                .and_then(|bytes| decode_header(bytes).ok());
            if old.is_some_and(|h| !h.is_expired(self.now_ms())) {
                return Ok(false);
            }
            let (_, fresh) = Self::file_fresh(inner, key, state, expires_at_ms)?;
            match inner
                .data
                .compare_and_swap(key, current.as_ref(), Some(fresh.clone()))?
            {
                Ok(()) => {
                    self.inner.cache.put(key, fresh, inner.generation);
                    if let Some(old) = old.filter(|h| h.indexed_at_ms != expires_at_ms) {
                        inner
                            .index
                            .remove(index::entry_key(old.indexed_at_ms, key))?;
                    }
                    return Ok(true);
                }
                // Changed under us (a store over the same `Db`): decide again from sled.
                Err(_) => self.inner.cache.forget(key),
            }
        })
    }
}

#[async_trait]
impl SessionStore for SledSessionStore {
    async fn create(&self, session_record: &mut Record) -> Result<()> {
        let state = self
            .encode_state(&state_of(&session_record.data))
            .map_err(tower_error)?;
        let expiry = Expiry::At(millis(session_record.expiry_date));
        let created = self.with_trees(|inner| {
            for _ in 0..MAX_KEY_ATTEMPTS {
                let key = session_record.id.to_string();
                if self.insert_new(inner, key.as_bytes(), &state, expiry)? {
                    return Ok(key);
                }
                session_record.id = Id::default();
            }
            Err(Error::KeyCollision {
                attempts: MAX_KEY_ATTEMPTS,
            })
        });
        let key = created.map_err(tower_error)?;
        self.persist(key.as_bytes()).await.map_err(tower_error)
    }

    async fn save(&self, session_record: &Record) -> Result<()> {
        let state = self
            .encode_state(&state_of(&session_record.data))
            .map_err(tower_error)?;
        let key = session_record.id.to_string();
        let at = millis(session_record.expiry_date);
        loop {
            if self
                .rewrite(key.as_bytes(), Expiry::At(at), Some(&state))
                .map_err(tower_error)?
                == Rewrite::Done
            {
                break;
            }
            let replaced = self
                .with_trees(|inner| self.replace_dead(inner, key.as_bytes(), &state, at))
                .map_err(tower_error)?;
            if replaced {
                break;
            }
        }
        self.persist(key.as_bytes()).await.map_err(tower_error)
    }

    async fn load(&self, session_id: &Id) -> Result<Option<Record>> {
        let Some((expires_at_ms, state)) = self
            .load_live(session_id.to_string().as_bytes())
            .map_err(tower_error)?
        else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *session_id,
            data: data_of(state)?,
            expiry_date: date(expires_at_ms),
        }))
    }

    async fn delete(&self, session_id: &Id) -> Result<()> {
        let key = session_id.to_string();
        self.remove(key.as_bytes()).map_err(tower_error)?;
        self.persist(key.as_bytes()).await.map_err(tower_error)
    }
}

#[async_trait]
impl ExpiredDeletion for SledSessionStore {
    /// The index sweep: visits only what has expired.
    async fn delete_expired(&self) -> Result<()> {
        self.sweep_expired().map(drop).map_err(tower_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_to_the_millisecond_and_saturate() {
        let now = OffsetDateTime::now_utc();
        let back = date(millis(now));
        assert!((now - back).abs() < time::Duration::milliseconds(1));
        assert_eq!(
            millis(OffsetDateTime::UNIX_EPOCH - time::Duration::days(1)),
            0
        );
        assert_eq!(date(u64::MAX), time::PrimitiveDateTime::MAX.assume_utc());
    }
}
