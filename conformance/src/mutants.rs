//! Deliberately broken stores. Each breaks one contract; the suite must fail every one of them,
//! or the suite itself is defective. Each is the reference [`MemoryStore`] with one defect.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as Ttl;
use rand::distr::{Alphanumeric, SampleString};

use crate::{
    harness::{Capabilities, Harness, Subject},
    memory::{memory_capabilities, MemoryStore},
    model::State,
};

/// One defect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutant {
    /// `load` serves expired sessions.
    IgnoresTtl,
    /// `update` of a live session keeps the old state.
    UpdateKeepsOldState,
    /// `update` of a vanished or expired key writes it back under the same key.
    UpdateResurrects,
    /// `update_ttl` brings back an expired or missing session.
    UpdateTtlResurrects,
    /// `delete` does nothing.
    DeleteDoesNothing,
    /// `save` draws from four keys and overwrites whatever is there.
    SaveOverwrites,
    /// `load` matches on the first 32 characters of the key.
    NearMissKey,
    /// The sweep removes sessions that expire within the next minute.
    SweepDeletesLive,
    /// Entries with empty values are dropped.
    LosesEmptyValues,
    /// Non-ASCII characters become `?`.
    MangleUnicode,
    /// Keys are a zero-padded counter.
    PredictableKeys,
    /// Keys are 16 characters long.
    ShortKeys,
    /// `update` merges the new state into the old instead of replacing it.
    UpdateMerges,
    /// TTL arithmetic panics on negative or huge TTLs.
    TtlOverflowPanics,
    /// A TTL of zero or less means "never expires".
    ZeroTtlLives,
    /// `update` writes one field at a time, so racing updates interleave.
    TornUpdate,
    /// No size limit: an oversized state is accepted.
    IgnoresSizeLimit,
}

impl Mutant {
    /// Every mutant.
    pub const ALL: [Mutant; 17] = [
        Mutant::IgnoresTtl,
        Mutant::UpdateKeepsOldState,
        Mutant::UpdateResurrects,
        Mutant::UpdateTtlResurrects,
        Mutant::DeleteDoesNothing,
        Mutant::SaveOverwrites,
        Mutant::NearMissKey,
        Mutant::SweepDeletesLive,
        Mutant::LosesEmptyValues,
        Mutant::MangleUnicode,
        Mutant::PredictableKeys,
        Mutant::ShortKeys,
        Mutant::UpdateMerges,
        Mutant::TtlOverflowPanics,
        Mutant::ZeroTtlLives,
        Mutant::TornUpdate,
        Mutant::IgnoresSizeLimit,
    ];
}

/// A [`MemoryStore`] with one defect.
#[derive(Debug)]
pub struct MutantStore {
    mutant: Mutant,
    inner: MemoryStore,
    counter: AtomicU64,
}

impl MutantStore {
    fn new(mutant: Mutant) -> Self {
        Self {
            mutant,
            inner: MemoryStore::with_manual_clock(),
            counter: AtomicU64::new(0),
        }
    }

    fn sweep(&self) -> usize {
        if self.mutant != Mutant::SweepDeletesLive {
            return self.inner.sweep();
        }
        let horizon = self.inner.now_ms() + 60_000;
        let mut sessions = self.inner.lock();
        let before = sessions.len();
        sessions.retain(|_, (_, expires)| *expires > horizon);
        before - sessions.len()
    }

    fn expiry(&self, ttl: &Ttl) -> u64 {
        match self.mutant {
            Mutant::TtlOverflowPanics => {
                let ms = u64::try_from(ttl.whole_milliseconds()).expect("negative TTL");
                self.inner.now_ms().checked_add(ms).expect("TTL overflow")
            }
            Mutant::ZeroTtlLives if !ttl.is_positive() => u64::MAX,
            _ => self.inner.expiry(ttl),
        }
    }

    fn distort(&self, mut state: State) -> State {
        match self.mutant {
            Mutant::LosesEmptyValues => state.retain(|_, v| !v.is_empty()),
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
                self.inner.lock().insert(key.clone(), (state, expires));
                key.try_into().expect("short key")
            }
            None => self.inner.insert_fresh(state, expires),
        }
    }

    fn check_size(&self, state: &State) -> Result<(), anyhow::Error> {
        if self.mutant == Mutant::IgnoresSizeLimit {
            return Ok(());
        }
        MemoryStore::check_size(state)
    }
}

impl SessionStore for MutantStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let key = session_key.as_ref();
        match self.mutant {
            Mutant::IgnoresTtl => Ok(self.inner.lock().get(key).map(|(s, _)| s.clone())),
            Mutant::NearMissKey if key.len() >= 32 => {
                let now = self.inner.now_ms();
                let sessions = self.inner.lock();
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
        let live = self.inner.live_state(&key);
        match (self.mutant, live) {
            (Mutant::UpdateResurrects, _) => {
                self.inner.lock().insert(key, (state, expires));
                Ok(session_key)
            }
            (Mutant::UpdateKeepsOldState, Some(old)) => {
                self.inner.lock().insert(key, (old, expires));
                Ok(session_key)
            }
            (Mutant::UpdateMerges, Some(mut old)) => {
                old.extend(state);
                self.inner.lock().insert(key, (old, expires));
                Ok(session_key)
            }
            (Mutant::TornUpdate, Some(_)) => {
                // One field per lock, with a pause between: other writers get in.
                self.inner
                    .lock()
                    .insert(key.clone(), (State::new(), expires));
                for (field, value) in state {
                    std::thread::sleep(Duration::from_micros(50));
                    if let Some((s, _)) = self.inner.lock().get_mut(&key) {
                        s.insert(field, value);
                    }
                }
                Ok(session_key)
            }
            (_, Some(_)) => {
                self.inner.lock().insert(key, (state, expires));
                Ok(session_key)
            }
            (_, None) => Ok(self.insert(state, expires)),
        }
    }

    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        let expires = self.expiry(ttl);
        if self.mutant == Mutant::UpdateTtlResurrects {
            let mut sessions = self.inner.lock();
            let entry = sessions.entry(session_key.as_ref().to_owned()).or_default();
            entry.1 = expires;
            return Ok(());
        }
        self.inner.update_ttl(session_key, ttl).await
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        if self.mutant != Mutant::DeleteDoesNothing {
            self.inner.lock().remove(session_key.as_ref());
        }
        Ok(())
    }
}

/// A harness for one mutant, declaring the capabilities of the store it breaks.
#[derive(Debug, Clone, Copy)]
pub struct MutantHarness(pub Mutant);

impl Harness for MutantHarness {
    type Store = MutantStore;

    fn name(&self) -> String {
        format!("mutant {:?}", self.0)
    }

    fn capabilities(&self) -> Capabilities {
        memory_capabilities()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<MutantStore>> {
        let subject = Subject::new(MutantStore::new(self.0));
        let (clock, sweep) = (subject.store.clone(), subject.store.clone());
        Ok(subject
            .with_clock(move |by| clock.inner.advance(by))
            .with_sweep(move || Ok(sweep.sweep())))
    }
}
