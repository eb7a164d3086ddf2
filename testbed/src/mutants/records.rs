//! A store of encoded records (an 8-byte expiry, then the state as JSON), so that a record can
//! be damaged, with the mistakes authors make around a record that does not decode: a decode
//! that panics, a decode into a reused per-thread state that keeps the previous session's
//! contents on failure, and a `delete` that decodes the record first and gives up on it.

use std::{
    cell::RefCell,
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
};

use actix_session::storage::{
    generate_session_key, LoadError, SaveError, SessionKey, SessionStore, UpdateError,
};
use actix_web::cookie::time::Duration as Ttl;
use session_store_conformance::{Damage, MemoryStore, State};

use super::Mutant;

thread_local! {
    /// The state most recently decoded on this thread, reused to save an allocation.
    static DECODED: RefCell<State> = RefCell::new(State::new());
}

/// Encoded records in a map, on the reference store's clock.
#[derive(Debug, Clone)]
pub struct RecordStore {
    /// The defect, or none.
    mutant: Option<Mutant>,
    clock: MemoryStore,
    records: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

fn encode(state: &State, expires: u64) -> Vec<u8> {
    let mut record = expires.to_be_bytes().to_vec();
    record.extend(serde_json::to_vec(state).unwrap_or_default());
    record
}

fn decode(record: &[u8]) -> anyhow::Result<(State, u64)> {
    let (expires, state) = record
        .split_first_chunk::<8>()
        .ok_or_else(|| anyhow::anyhow!("a record of {} bytes is too short", record.len()))?;
    Ok((serde_json::from_slice(state)?, u64::from_be_bytes(*expires)))
}

impl RecordStore {
    pub fn new(mutant: Option<Mutant>, clock: MemoryStore) -> Self {
        Self {
            mutant,
            clock,
            records: Arc::default(),
        }
    }

    pub fn backend(&self) -> &MemoryStore {
        &self.clock
    }

    fn records(&self) -> MutexGuard<'_, HashMap<String, Vec<u8>>> {
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The damage hook.
    pub fn damage(&self, key: &str, how: Damage) -> anyhow::Result<()> {
        let mut records = self.records();
        let record = records
            .get_mut(key)
            .ok_or_else(|| anyhow::anyhow!("no record to damage"))?;
        match how {
            Damage::Overwritten => record.fill(0xA5),
            Damage::Truncated => record.truncate(record.len() / 2),
        }
        Ok(())
    }

    /// Decodes a record the way this store's author did.
    fn read(&self, record: &[u8]) -> anyhow::Result<(State, u64)> {
        match self.mutant {
            Some(Mutant::PanicsOnDamagedRecord) => {
                Ok(decode(record).expect("a stored record decodes"))
            }
            Some(Mutant::DamagedRecordServesScratch) => {
                let expires = record
                    .first_chunk::<8>()
                    .map_or(u64::MAX, |b| u64::from_be_bytes(*b));
                let state = DECODED.with(|decoded| {
                    let mut decoded = decoded.borrow_mut();
                    if let Ok((state, _)) = decode(record) {
                        *decoded = state;
                    }
                    decoded.clone()
                });
                Ok((state, expires))
            }
            _ => decode(record),
        }
    }

    fn live(&self, key: &str) -> anyhow::Result<Option<State>> {
        let Some(record) = self.records().get(key).cloned() else {
            return Ok(None);
        };
        let (state, expires) = self.read(&record)?;
        Ok((expires > self.clock.now_ms()).then_some(state))
    }

    /// Whether `key` has a record that does not decode.
    pub fn is_damaged(&self, key: &str) -> bool {
        self.records()
            .get(key)
            .is_some_and(|record| decode(record).is_err())
    }

    fn insert_fresh(&self, state: &State, expires: u64) -> SessionKey {
        let mut records = self.records();
        loop {
            let key = generate_session_key();
            if !records.contains_key(key.as_ref()) {
                records.insert(key.as_ref().to_owned(), encode(state, expires));
                return key;
            }
        }
    }
}

impl SessionStore for RecordStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        self.live(key.as_ref()).map_err(LoadError::Deserialization)
    }

    async fn save(&self, state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        MemoryStore::check_size(&state).map_err(SaveError::Serialization)?;
        Ok(self.insert_fresh(&state, self.clock.expiry(ttl)))
    }

    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        MemoryStore::check_size(&state).map_err(UpdateError::Serialization)?;
        let (now, expires) = (self.clock.now_ms(), self.clock.expiry(ttl));
        let mut records = self.records();
        // A record that does not decode is overwritten in place: its owner's key stays valid.
        let in_place = match records.get(key.as_ref()) {
            Some(record) => self.read(record).map_or(true, |(_, e)| e > now),
            None => false,
        };
        if in_place {
            records.insert(key.as_ref().to_owned(), encode(&state, expires));
            return Ok(key);
        }
        drop(records);
        Ok(self.insert_fresh(&state, expires))
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        let (now, expires) = (self.clock.now_ms(), self.clock.expiry(ttl));
        let mut records = self.records();
        let live = records
            .get(key.as_ref())
            .and_then(|record| self.read(record).ok())
            .filter(|(_, e)| *e > now);
        if let Some((state, _)) = live {
            records.insert(key.as_ref().to_owned(), encode(&state, expires));
        }
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        if self.mutant == Some(Mutant::DeleteDecodesFirst) {
            // The expiry is needed to find the session's index entry.
            if let Some(record) = self.records().get(key.as_ref()).cloned() {
                let (_, _expires) = decode(&record)?;
            }
        }
        self.records().remove(key.as_ref());
        Ok(())
    }
}
