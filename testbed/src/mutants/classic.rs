//! The reference [`MemoryStore`] with one defect in its own logic: expiry, keys, updates,
//! encoding, TTL arithmetic, the size check.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as Ttl;
use rand::distr::{Alphanumeric, SampleString};
use session_store_conformance::{MemoryStore, State, MEMORY_MAX_STATE_BYTES};

use super::Mutant;

/// Thirty days in seconds: memcached's line between a relative TTL and a UNIX timestamp.
const THIRTY_DAYS_S: i64 = 30 * 86_400;

/// A [`MemoryStore`] with one defect.
#[derive(Debug, Clone)]
pub struct ClassicStore {
    mutant: Mutant,
    inner: MemoryStore,
    counter: Arc<AtomicU64>,
}

impl ClassicStore {
    pub fn new(mutant: Mutant, inner: MemoryStore) -> Self {
        Self {
            mutant,
            inner,
            counter: Arc::default(),
        }
    }

    pub fn backend(&self) -> &MemoryStore {
        &self.inner
    }

    pub fn sweep(&self) -> usize {
        if self.mutant != Mutant::SweepDeletesLive {
            return self.inner.sweep();
        }
        let horizon = self.inner.now_ms() + 60_000;
        let mut sessions = self.inner.entries();
        let before = sessions.len();
        sessions.retain(|_, (_, expires)| *expires > horizon);
        before - sessions.len()
    }

    fn expiry(&self, ttl: &Ttl) -> u64 {
        let now = self.inner.now_ms();
        match self.mutant {
            Mutant::TtlOverflowPanics => {
                let ms = u64::try_from(ttl.whole_milliseconds()).expect("negative TTL");
                now.checked_add(ms).expect("TTL overflow")
            }
            Mutant::ZeroTtlLives if !ttl.is_positive() => u64::MAX,
            Mutant::TtlMillisInU32 => {
                // "No session lives for more than a few weeks": the TTL fits in 32 bits...
                let ms = ttl.whole_milliseconds().max(0) as u32;
                now + u64::from(ms)
            }
            Mutant::LongTtlAsTimestamp => {
                // memcached's rule: an expiry beyond 30 days is an absolute UNIX time.
                let secs = ttl.whole_seconds().max(0);
                let ms = u64::try_from(secs).unwrap_or(0).saturating_mul(1000);
                if secs > THIRTY_DAYS_S {
                    ms
                } else {
                    now + ms
                }
            }
            _ => self.inner.expiry(ttl),
        }
    }

    fn distort(&self, mut state: State) -> State {
        match self.mutant {
            Mutant::LosesNullValues => state.retain(|_, v| v != "null"),
            Mutant::MangleUnicode => {
                let ascii = |s: &String| {
                    s.chars()
                        .map(|c| if c.is_ascii() { c } else { '?' })
                        .collect()
                };
                state = state.iter().map(|(k, v)| (ascii(k), ascii(v))).collect();
            }
            _ => {}
        }
        state
    }

    fn key(&self) -> Option<String> {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        match self.mutant {
            Mutant::SaveOverwrites => Some(format!("{:0>64}", n % 4)),
            Mutant::PredictableKeys => Some(format!("{n:0>64}")),
            Mutant::ShortKeys => Some(Alphanumeric.sample_string(&mut rand::rng(), 16)),
            _ => None,
        }
    }

    fn insert(&self, state: State, expires: u64) -> SessionKey {
        match self.key() {
            Some(key) => {
                self.inner.entries().insert(key.clone(), (state, expires));
                key.try_into().expect("short key")
            }
            None => self.inner.insert_fresh(state, expires),
        }
    }

    /// One field per write, as a store of hashes would (HSET per field), awaiting each: another
    /// request's update gets in between.
    async fn write_field_by_field(&self, key: &str, state: State, expires: u64) {
        self.inner
            .entries()
            .insert(key.to_owned(), (State::new(), expires));
        for (field, value) in state {
            tokio::task::yield_now().await;
            if let Some((s, _)) = self.inner.entries().get_mut(key) {
                s.insert(field, value);
            }
        }
    }

    fn check_size(&self, state: &State) -> Result<(), anyhow::Error> {
        let json = serde_json::to_string(state)?;
        let too_large = match self.mutant {
            Mutant::IgnoresSizeLimit => false,
            Mutant::SizeLimitInChars => json.chars().count() > MEMORY_MAX_STATE_BYTES,
            Mutant::SizeLimitExclusive => json.len() >= MEMORY_MAX_STATE_BYTES,
            _ => json.len() > MEMORY_MAX_STATE_BYTES,
        };
        if too_large {
            anyhow::bail!("session state of {} bytes is too large", json.len());
        }
        Ok(())
    }
}

impl SessionStore for ClassicStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let key = session_key.as_ref();
        match self.mutant {
            Mutant::IgnoresTtl | Mutant::ServedUntilSwept => {
                Ok(self.inner.entries().get(key).map(|(s, _)| s.clone()))
            }
            Mutant::NearMissKey if key.len() >= 32 => {
                let now = self.inner.now_ms();
                let sessions = self.inner.entries();
                Ok(sessions
                    .iter()
                    .find(|(k, (_, e))| k.get(..32) == key.get(..32) && *e > now)
                    .map(|(_, (s, _))| s.clone()))
            }
            _ => self.inner.load(session_key).await,
        }
    }

    async fn save(&self, session_state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
        self.check_size(&session_state)
            .map_err(SaveError::Serialization)?;
        Ok(self.insert(self.distort(session_state), self.expiry(ttl)))
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: State,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        self.check_size(&session_state)
            .map_err(UpdateError::Serialization)?;
        let state = self.distort(session_state);
        let expires = self.expiry(ttl);
        let key = session_key.as_ref().to_owned();
        if self.mutant == Mutant::TornUpdate && self.inner.live_state(&key).is_some() {
            self.write_field_by_field(&key, state, expires).await;
            return Ok(session_key);
        }
        let now = self.inner.now_ms();
        // Check and write under one lock: the defect is the mutant's, not a race of the base.
        let mut sessions = self.inner.entries();
        let live = sessions
            .get(&key)
            .filter(|(_, e)| *e > now)
            .map(|(s, _)| s.clone());
        match (self.mutant, live) {
            (Mutant::UpdateResurrects, _) => {
                sessions.insert(key, (state, expires));
                Ok(session_key)
            }
            (Mutant::UpdateKeepsOldState, Some(old)) => {
                sessions.insert(key, (old, expires));
                Ok(session_key)
            }
            // "Nothing changed, so skip the write": the TTL the update carries is lost too.
            (Mutant::UpdateSkipsUnchangedState, Some(old)) if old == state => Ok(session_key),
            (Mutant::UpdateMerges, Some(mut old)) => {
                old.extend(state);
                sessions.insert(key, (old, expires));
                Ok(session_key)
            }
            (_, Some(_)) => {
                sessions.insert(key, (state, expires));
                Ok(session_key)
            }
            (_, None) => {
                drop(sessions);
                Ok(self.insert(state, expires))
            }
        }
    }

    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        let expires = self.expiry(ttl);
        let now = self.inner.now_ms();
        let mut sessions = self.inner.entries();
        if self.mutant == Mutant::UpdateTtlResurrects {
            let entry = sessions.entry(session_key.as_ref().to_owned()).or_default();
            entry.1 = expires;
        } else if let Some(entry) = sessions
            .get_mut(session_key.as_ref())
            .filter(|(_, e)| *e > now)
        {
            entry.1 = expires;
        }
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        if self.mutant != Mutant::DeleteDoesNothing {
            self.inner.entries().remove(session_key.as_ref());
        }
        Ok(())
    }
}
