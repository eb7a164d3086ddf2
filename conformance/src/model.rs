//! The reference model: what a correct store must answer, given the operations so far.

use std::collections::{HashMap, HashSet};

/// A session's state as actix-session hands it to a store.
pub type State = HashMap<String, String>;

#[derive(Debug, Clone)]
struct Entry {
    state: State,
    /// Model time (ms) at which the session expires; `None` when the store does not enforce TTLs.
    expires_at: Option<u64>,
}

/// What `load(key)` may answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Exactly this state.
    State(State),
    /// Nothing.
    Absent,
    /// Nothing, or this key's own last state (stores that cannot invalidate). Never another
    /// session's state.
    AbsentOr(State),
}

/// The model of a store: every key it issued and what each holds.
#[derive(Debug, Default)]
pub struct Model {
    now_ms: u64,
    enforces_ttl: bool,
    invalidates: bool,
    live: HashMap<String, Entry>,
    /// Keys issued, in order; operations refer to them by position.
    pub issued: Vec<String>,
    issued_set: HashSet<String>,
    /// Last state of keys that are dead, for stores that cannot invalidate.
    last_state: HashMap<String, State>,
}

impl Model {
    /// An empty model of a store with these capabilities.
    pub fn new(enforces_ttl: bool, invalidates: bool) -> Self {
        Self {
            enforces_ttl,
            invalidates,
            ..Self::default()
        }
    }

    fn expiry(&self, ttl_ms: i64) -> Option<u64> {
        self.enforces_ttl.then(|| {
            self.now_ms
                .saturating_add(u64::try_from(ttl_ms).unwrap_or(0))
        })
    }

    fn is_live(&self, key: &str) -> bool {
        self.live
            .get(key)
            .is_some_and(|e| e.expires_at.is_none_or(|at| at > self.now_ms))
    }

    /// Whether `key` was issued before.
    pub fn was_issued(&self, key: &str) -> bool {
        self.issued_set.contains(key)
    }

    /// Records a session saved under a key the store returned.
    pub fn saved(&mut self, key: &str, state: State, ttl_ms: i64) {
        let entry = Entry {
            state: state.clone(),
            expires_at: self.expiry(ttl_ms),
        };
        self.live.insert(key.to_owned(), entry);
        self.last_state.insert(key.to_owned(), state);
        if self.issued_set.insert(key.to_owned()) {
            self.issued.push(key.to_owned());
        }
    }

    /// What `update(key, ..)` must do: `true` when `key` is live (update in place), `false`
    /// when the store must save under a new key.
    pub fn update_in_place(&self, key: &str) -> bool {
        self.is_live(key)
    }

    /// Records `update(old) -> new`.
    pub fn updated(&mut self, old: &str, new: &str, state: State, ttl_ms: i64) {
        // A store that moves a live session to a new key (state kept in the key) leaves the
        // old key behind; an expired old key stays stored until a sweep removes it.
        if old != new && self.is_live(old) {
            self.kill(old);
        }
        self.saved(new, state, ttl_ms);
    }

    /// Records `update_ttl(key)`: extends a live session, never revives a dead one.
    pub fn ttl_updated(&mut self, key: &str, ttl_ms: i64) {
        if self.is_live(key) {
            let expires_at = self.expiry(ttl_ms);
            if let Some(entry) = self.live.get_mut(key) {
                entry.expires_at = expires_at;
            }
        }
    }

    /// Records `delete(key)`.
    pub fn deleted(&mut self, key: &str) {
        self.kill(key);
    }

    fn kill(&mut self, key: &str) {
        self.live.remove(key);
    }

    /// Moves model time forward.
    pub fn advance(&mut self, ms: u64) {
        self.now_ms = self.now_ms.saturating_add(ms);
    }

    /// Records a sweep; returns how many sessions it must have removed (expired, not deleted).
    pub fn swept(&mut self) -> usize {
        let now = self.now_ms;
        let before = self.live.len();
        self.live
            .retain(|_, e| e.expires_at.is_none_or(|at| at > now));
        before - self.live.len()
    }

    /// What `load(key)` may answer now.
    pub fn expect_load(&self, key: &str) -> Expect {
        if self.is_live(key) {
            return Expect::State(self.live[key].state.clone());
        }
        match self.last_state.get(key) {
            Some(state) if !self.invalidates => Expect::AbsentOr(state.clone()),
            _ => Expect::Absent,
        }
    }
}
