//! A tower-sessions store of encoded records (JSON of the whole `Record`, so a record can be
//! damaged), with a sweep, on the real clock; each mutant gives it one defect.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, MutexGuard},
};

use async_trait::async_trait;
use session_store_conformance::Damage;
use time::OffsetDateTime;
use tower_sessions_core::{
    session::{Id, Record},
    session_store::{Error, ExpiredDeletion, Result},
    SessionStore,
};

use super::TowerMutant;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

fn encode(record: &Record) -> Result<Vec<u8>> {
    serde_json::to_vec(record).map_err(|e| Error::Encode(e.to_string()))
}

fn decode(bytes: &[u8]) -> Result<Record> {
    serde_json::from_slice(bytes).map_err(|e| Error::Decode(e.to_string()))
}

/// The records, and writes not yet among them: "saves are batched; the batch is written on
/// the next write" (`WriteBehindResurrects` only).
#[derive(Debug, Default)]
struct Stored {
    records: HashMap<Id, Vec<u8>>,
    pending: Vec<Record>,
    /// Deleted ids hidden from loads until the next flush, which clears them (the defect: the
    /// batch still holds the deleted record and writes it back).
    tombstones: HashSet<Id>,
}

impl Stored {
    fn flush(&mut self) {
        for record in self.pending.drain(..) {
            if let Ok(bytes) = encode(&record) {
                self.records.insert(record.id, bytes);
            }
        }
        self.tombstones.clear();
    }

    fn exists(&self, id: &Id) -> bool {
        self.records.contains_key(id) || self.pending.iter().any(|r| r.id == *id)
    }
}

#[derive(Debug)]
pub struct TowerMutantStore {
    mutant: TowerMutant,
    stored: Arc<Mutex<Stored>>,
    /// A read cache; per handle for `PerHandleCache` (see `Clone`).
    cache: Arc<Mutex<HashMap<Id, Record>>>,
}

impl Clone for TowerMutantStore {
    fn clone(&self) -> Self {
        let cache = if self.mutant == TowerMutant::PerHandleCache {
            // "Each worker keeps its own cache, so workers never contend for a lock."
            Arc::default()
        } else {
            self.cache.clone()
        };
        Self {
            mutant: self.mutant,
            stored: self.stored.clone(),
            cache,
        }
    }
}

impl TowerMutantStore {
    pub fn new(mutant: TowerMutant) -> Self {
        Self {
            mutant,
            stored: Arc::default(),
            cache: Arc::default(),
        }
    }

    /// The damage hook: the batch is written first, then the record's bytes are damaged.
    pub fn damage(&self, key: &str, how: Damage) -> anyhow::Result<()> {
        let id: Id = key.parse()?;
        lock(&self.cache).remove(&id);
        let mut stored = lock(&self.stored);
        stored.flush();
        let record = stored
            .records
            .get_mut(&id)
            .ok_or_else(|| anyhow::anyhow!("no record to damage"))?;
        match how {
            Damage::Overwritten => record.fill(b'#'),
            Damage::Truncated => record.truncate(record.len() / 2),
        }
        Ok(())
    }

    /// Writes `record`, into `stored` (whose lock the caller holds).
    fn put(&self, stored: &mut Stored, record: &Record) -> Result<()> {
        let mut record = record.clone();
        if self.mutant == TowerMutant::LossyNumbers {
            // "Numbers are numbers": every one goes through an f64.
            for value in record.data.values_mut() {
                lossy(value);
            }
        }
        if self.mutant == TowerMutant::WriteBehindResurrects {
            stored.flush();
            stored.pending.push(record);
            return Ok(());
        }
        let bytes = encode(&record)?;
        lock(&self.cache).insert(record.id, record.clone());
        stored.records.insert(record.id, bytes);
        Ok(())
    }
}

fn lossy(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                *value = serde_json::Value::from(x);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(lossy),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(lossy),
        _ => {}
    }
}

impl TowerMutantStore {
    /// The record under `id`, expired or not: from the cache, the batch, or decoded.
    fn find(&self, id: &Id) -> Result<Option<Record>> {
        if let Some(record) = lock(&self.cache).get(id).cloned() {
            return Ok(Some(record));
        }
        let bytes = {
            let stored = lock(&self.stored);
            if stored.tombstones.contains(id) {
                return Ok(None);
            }
            if let Some(record) = stored.pending.iter().rev().find(|r| r.id == *id) {
                return Ok(Some(record.clone()));
            }
            match stored.records.get(id) {
                Some(bytes) => bytes.clone(),
                None => return Ok(None),
            }
        };
        let record = decode(&bytes)?;
        lock(&self.cache).insert(record.id, record.clone());
        Ok(Some(record))
    }
}

fn live(record: Record) -> Option<Record> {
    (record.expiry_date > OffsetDateTime::now_utc()).then_some(record)
}

#[async_trait]
impl SessionStore for TowerMutantStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        match self.mutant {
            // The trait's default `create`: a plain save, collisions and all.
            TowerMutant::CreateOverwrites => return self.put(&mut lock(&self.stored), record),
            TowerMutant::CreateChecksThenInserts => {
                // "SELECT, then INSERT": another create gets in between.
                while lock(&self.stored).exists(&record.id) {
                    record.id = Id::default();
                }
                tokio::task::yield_now().await;
                return self.put(&mut lock(&self.stored), record);
            }
            _ => {}
        }
        let mut stored = lock(&self.stored);
        while stored.exists(&record.id) {
            record.id = Id::default();
        }
        self.put(&mut stored, record)
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.put(&mut lock(&self.stored), record)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(record) = self.find(id)? else {
            return Ok(None);
        };
        if self.mutant == TowerMutant::LoadIgnoresExpiry {
            // "The sweep removes expired sessions."
            return Ok(Some(record));
        }
        Ok(live(record))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        lock(&self.cache).remove(id);
        let mut stored = lock(&self.stored);
        stored.records.remove(id);
        if self.mutant == TowerMutant::WriteBehindResurrects {
            stored.tombstones.insert(*id);
        } else {
            stored.pending.retain(|r| r.id != *id);
        }
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for TowerMutantStore {
    async fn delete_expired(&self) -> Result<()> {
        let now = OffsetDateTime::now_utc();
        let mut stored = lock(&self.stored);
        stored.flush();
        let mut expired = Vec::new();
        for (id, bytes) in stored.records.iter() {
            match decode(bytes) {
                Ok(record) if record.expiry_date <= now => expired.push(*id),
                Ok(_) => {}
                // "A record that does not decode is an error": the sweep of all the others ends.
                Err(e) if self.mutant == TowerMutant::SweepAbortsOnBadRecord => return Err(e),
                // One that does not decode is left for its owner to overwrite.
                Err(_) => {}
            }
        }
        for id in expired {
            stored.records.remove(&id);
        }
        lock(&self.cache).retain(|_, record| record.expiry_date > now);
        Ok(())
    }
}
