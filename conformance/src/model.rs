//! The reference model: what a correct store may answer, given the operations so far.
//!
//! Time is in milliseconds on the model's own timeline. With a controlled clock it moves only
//! when the suite moves the store's clock, so every answer is exact. With the real clock each
//! operation happened at some instant within the `Span` measured around it, so a session's
//! expiry is known only within a window, and a load inside that window may find the session or
//! not; the model then learns from what it saw (a session seen gone stays gone).

use std::collections::{HashMap, HashSet};

use crate::harness::Capabilities;

/// A session's state as actix-session hands it to a store: field name to JSON text.
pub type State = HashMap<String, String>;

/// When an operation ran, on the model's timeline: at some instant in `[start, end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: u64,
    pub end: u64,
}

impl Span {
    pub fn at(ms: u64) -> Self {
        Self { start: ms, end: ms }
    }
}

/// Why a key holds no session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    Deleted,
    Expired,
    /// `update` moved the session to another key (stores whose keys carry the state).
    Moved,
    NeverIssued,
}

/// What `load(key)` may answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expect {
    /// Exactly this state.
    State(State),
    /// Nothing.
    Absent(Ended),
    /// Nothing, or this key's own state (near its expiry on a real clock; or a store that
    /// cannot invalidate). Never another session's state.
    AbsentOr(State),
}

/// Whether a key's session is live when an operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Liveness {
    Live,
    Uncertain,
    Dead(Ended),
}

#[derive(Debug, Clone)]
struct Entry {
    state: State,
    /// The session is certainly live before this instant.
    live_before: u64,
    /// The session is certainly gone from this instant.
    dead_from: u64,
    /// An `update_ttl` found it near its expiry: it may have been dead already.
    maybe_dead: bool,
}

/// The model of a store: every key it issued and what each holds.
#[derive(Debug)]
pub(crate) struct Model {
    enforces_ttl: bool,
    invalidates: bool,
    /// A store may expire a session up to this much (less a millisecond) early.
    resolution_ms: u64,
    /// Slack after an expiry before the session must be gone (clock skew on a real clock).
    margin_ms: u64,
    /// Sessions that have not been deleted or swept (expired ones included until a sweep).
    sessions: HashMap<String, Entry>,
    ended: HashMap<String, Ended>,
    /// Keys issued, in order; operations refer to them by position.
    pub issued: Vec<String>,
    issued_set: HashSet<String>,
    /// Every state written to each key, for telling a stale read from a crossed one.
    history: HashMap<String, Vec<State>>,
    /// Keys whose session was touched (update_ttl, update) after it ended.
    touched_dead: HashMap<String, &'static str>,
}

impl Model {
    /// An empty model of a store with these capabilities.
    pub fn new(caps: &Capabilities) -> Self {
        let controlled = caps.clock.is_controlled();
        Self {
            enforces_ttl: caps.enforces_ttl,
            invalidates: caps.invalidates,
            resolution_ms: caps.resolution_ms(),
            margin_ms: if controlled { 0 } else { REAL_CLOCK_MARGIN_MS },
            sessions: HashMap::new(),
            ended: HashMap::new(),
            issued: Vec::new(),
            issued_set: HashSet::new(),
            history: HashMap::new(),
            touched_dead: HashMap::new(),
        }
    }

    /// Whether `key` was issued before.
    pub fn was_issued(&self, key: &str) -> bool {
        self.issued_set.contains(key)
    }

    fn window(&self, span: Span, ttl_ms: i64) -> (u64, u64) {
        if !self.enforces_ttl {
            return (u64::MAX, u64::MAX);
        }
        let Ok(ttl) = u64::try_from(ttl_ms) else {
            return (0, span.end.saturating_add(self.margin_ms));
        };
        if ttl == 0 {
            return (0, span.end.saturating_add(self.margin_ms));
        }
        let live_before = span
            .start
            .saturating_add(ttl)
            .saturating_sub(self.resolution_ms - 1);
        let dead_from = span.end.saturating_add(ttl).saturating_add(self.margin_ms);
        (live_before, dead_from)
    }

    /// Whether `key` is live at `span`.
    pub fn liveness(&self, key: &str, span: Span) -> Liveness {
        let Some(entry) = self.sessions.get(key) else {
            return Liveness::Dead(self.ended.get(key).copied().unwrap_or(Ended::NeverIssued));
        };
        if span.start >= entry.dead_from {
            Liveness::Dead(Ended::Expired)
        } else if span.end < entry.live_before && !entry.maybe_dead {
            Liveness::Live
        } else {
            Liveness::Uncertain
        }
    }

    /// What `load(key)` may answer at `span`.
    pub fn expect_load(&self, key: &str, span: Span) -> Expect {
        match self.liveness(key, span) {
            Liveness::Live => Expect::State(self.sessions[key].state.clone()),
            Liveness::Uncertain => Expect::AbsentOr(self.sessions[key].state.clone()),
            Liveness::Dead(why) => match self.history.get(key).and_then(|h| h.last()) {
                Some(last) if !self.invalidates => Expect::AbsentOr(last.clone()),
                _ => Expect::Absent(why),
            },
        }
    }

    /// Learns from a load at `span` that found the session (`true`) or nothing.
    pub fn loaded(&mut self, key: &str, span: Span, found: bool) {
        let Some(entry) = self.sessions.get_mut(key) else {
            return;
        };
        if found {
            entry.maybe_dead = false;
            entry.live_before = entry.live_before.max(span.start);
        } else if span.end < entry.dead_from {
            // Gone before its window closed: it expired (a correct store never brings it back).
            entry.dead_from = span.end;
            entry.live_before = entry.live_before.min(span.end);
        }
    }

    /// Records a session saved under `key` at `span`.
    pub fn saved(&mut self, key: &str, state: State, ttl_ms: i64, span: Span) {
        let (live_before, dead_from) = self.window(span, ttl_ms);
        self.history
            .entry(key.to_owned())
            .or_default()
            .push(state.clone());
        self.sessions.insert(
            key.to_owned(),
            Entry {
                state,
                live_before,
                dead_from,
                maybe_dead: false,
            },
        );
        self.ended.remove(key);
        self.touched_dead.remove(key);
        if self.issued_set.insert(key.to_owned()) {
            self.issued.push(key.to_owned());
        }
    }

    /// Records `update(old) -> new` at `span`, after the caller checked the keys.
    pub fn updated(&mut self, old: &str, new: &str, state: State, ttl_ms: i64, span: Span) {
        if old != new {
            match self.liveness(old, span) {
                Liveness::Live => self.end(old, Ended::Moved),
                // The store saw it gone: it had expired.
                Liveness::Uncertain => self.end_expired(old, span),
                Liveness::Dead(_) => {
                    self.touched_dead.insert(old.to_owned(), "update");
                }
            }
        }
        self.saved(new, state, ttl_ms, span);
    }

    /// Records `update_ttl(key)` at `span`: extends a live session, never revives a dead one.
    pub fn ttl_updated(&mut self, key: &str, ttl_ms: i64, span: Span) {
        let liveness = self.liveness(key, span);
        if let Liveness::Dead(_) = liveness {
            self.touched_dead.insert(key.to_owned(), "update_ttl");
            return;
        }
        let (live_before, dead_from) = self.window(span, ttl_ms);
        if let Some(entry) = self.sessions.get_mut(key) {
            entry.live_before = live_before;
            entry.dead_from = dead_from;
            entry.maybe_dead = liveness == Liveness::Uncertain;
        }
    }

    /// Records `delete(key)`.
    pub fn deleted(&mut self, key: &str) {
        if self.sessions.contains_key(key) || self.was_issued(key) {
            self.end(key, Ended::Deleted);
        }
    }

    fn end(&mut self, key: &str, why: Ended) {
        self.sessions.remove(key);
        self.ended.insert(key.to_owned(), why);
    }

    fn end_expired(&mut self, key: &str, span: Span) {
        if let Some(entry) = self.sessions.get_mut(key) {
            entry.dead_from = entry.dead_from.min(span.end);
            entry.live_before = entry.live_before.min(span.end);
        }
    }

    /// A sweep ran at `span`. Returns the most sessions it may have removed, and the keys that
    /// must still be live; the expired sessions leave the model.
    pub fn swept(&mut self, span: Span) -> (usize, Vec<String>) {
        let mut most = 0;
        let mut live = Vec::new();
        for (key, entry) in &self.sessions {
            if span.end < entry.live_before && !entry.maybe_dead {
                live.push(key.clone());
            } else {
                most += 1;
            }
        }
        let gone: Vec<String> = self
            .sessions
            .iter()
            .filter(|(_, e)| span.start >= e.dead_from)
            .map(|(k, _)| k.clone())
            .collect();
        for key in gone {
            self.end(&key, Ended::Expired);
        }
        live.sort();
        (most, live)
    }

    /// Which operation touched the ended session `key` after it ended, if any.
    pub fn touched_after_end(&self, key: &str) -> Option<&'static str> {
        self.touched_dead.get(key).copied()
    }

    /// Whether `state` was written to `key` at some point.
    pub fn wrote_before(&self, key: &str, state: &State) -> bool {
        self.history.get(key).is_some_and(|h| h.contains(state))
    }

    /// Another key whose current state is `state`.
    pub fn owner_of(&self, state: &State, not: &str) -> Option<&str> {
        self.sessions
            .iter()
            .find(|(key, entry)| key.as_str() != not && &entry.state == state)
            .map(|(key, _)| key.as_str())
    }
}

/// How long after its expiry window a session on the real clock must be gone: the store's clock
/// and the suite's may disagree by a little.
pub(crate) const REAL_CLOCK_MARGIN_MS: u64 = 250;
