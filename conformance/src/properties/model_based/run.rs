//! One generated sequence against one store and the reference model: each step run, judged,
//! and recorded for the failure's account.

use std::{
    cell::Cell,
    future::Future,
    time::{Duration, Instant},
};

use crate::front::Ecosystem;

use super::fewest::{StepKeys, Trace};
use crate::{
    failure::{Failure, Violation},
    harness::{Capabilities, Subject},
    model::{Ended, Expect, Liveness, Model, Span, State},
    ops::{KeyRef, Op, StepText},
    properties::call::{self, Seen},
};

/// One sequence against one store.
pub(super) struct Run<'a, S> {
    /// Whether a known finding excuses a failure (then the model follows the store instead).
    excused: &'a dyn Fn(&Failure) -> bool,
    caps: &'a Capabilities,
    model: Model,
    handles: Vec<S>,
    started: Instant,
    /// Model time with a controlled clock.
    now_ms: u64,
    /// Real waiting done so far by this property, across cases.
    waited: &'a Cell<Duration>,
    budget: Duration,
    /// What each step did so far, for the failure's account.
    pub steps: Vec<String>,
    /// Which keys each step used and issued, for removing steps without renumbering keys.
    pub trace: Trace,
}

impl<'a, S: Ecosystem> Run<'a, S> {
    pub fn new(
        excused: &'a dyn Fn(&Failure) -> bool,
        caps: &'a Capabilities,
        handles: Vec<S>,
        waited: &'a Cell<Duration>,
        budget: Duration,
    ) -> Self {
        Self {
            excused,
            caps,
            model: Model::new(caps),
            handles,
            started: Instant::now(),
            now_ms: 0,
            waited,
            budget,
            steps: Vec::new(),
            trace: Trace::default(),
        }
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Runs `future` and returns when it ran on the model's timeline.
    async fn timed<T>(&self, future: impl Future<Output = T>) -> (T, Span) {
        if self.caps.clock.is_controlled() {
            return (future.await, Span::at(self.now_ms));
        }
        let start = self.elapsed_ms();
        let output = future.await;
        (
            output,
            Span {
                start,
                end: self.elapsed_ms(),
            },
        )
    }

    /// The key `key` refers to now, its place among the keys issued, and how a reader
    /// should call it.
    fn resolve(&self, key: &KeyRef) -> (String, Option<usize>, String) {
        match key {
            KeyRef::Issued(n) if !self.model.issued.is_empty() => {
                let index = n % self.model.issued.len();
                let name = StepText::issued(index);
                (self.model.issued[index].clone(), Some(index), name)
            }
            _ => (
                S::CONTRACT.never_issued[0].to_owned(),
                None,
                "a key never issued".to_owned(),
            ),
        }
    }

    /// How a reader should call `key` (after the step that issued it).
    fn name_of(&self, key: &str) -> String {
        match self.model.issued.iter().position(|k| k == key) {
            Some(index) => StepText::issued(index),
            None => "a key never issued".to_owned(),
        }
    }

    pub async fn apply(&mut self, subject: &Subject<S>, op: &Op) -> Result<(), Failure> {
        let key = op.key().map(|key| self.resolve(key));
        let text = StepText::new(op, key.as_ref().map(|(_, _, name)| name.as_str()));
        self.steps
            .push(format!("  {}. {text}", self.steps.len() + 1));
        let issued_before = self.model.issued.len();
        let used = key.as_ref().and_then(|(_, index, _)| *index);
        let result = self.perform(subject, op, key.map(|(key, _, _)| key)).await;
        let issued = (self.model.issued.len() > issued_before).then_some(issued_before);
        self.trace.steps.push(StepKeys { used, issued });
        // Name what a write returned, once the model knows it.
        if let Ok(Some(returned)) = &result {
            let name = self.name_of(returned);
            if let Some(line) = self.steps.last_mut() {
                line.push_str(&format!(" -> {name}"));
            }
        }
        result.map(drop)
    }

    fn unique_keys(&self) -> bool {
        self.caps.key_shape.is_some()
    }

    /// Runs one step; a write returns the key it returned.
    async fn perform(
        &mut self,
        subject: &Subject<S>,
        op: &Op,
        key: Option<String>,
    ) -> Result<Option<String>, Failure> {
        let key = key.unwrap_or_default();
        match op {
            Op::Save {
                handle,
                state,
                ttl_s,
            } => {
                let store = &self.handles[*handle];
                let (key, span) = self
                    .timed(call::save(store, state.clone(), call::secs(*ttl_s)))
                    .await;
                let key = key?;
                if self.unique_keys() && self.model.was_issued(&key) {
                    return Err(Failure::new(
                        Violation::WeakKeys,
                        "save returned a key it had issued before",
                    ));
                }
                self.model.saved(&key, state.clone(), ttl_s * 1000, span);
                return Ok(Some(key));
            }
            Op::Load { handle, .. } => self.load(*handle, &key).await?,
            Op::Update {
                handle,
                state,
                ttl_s,
                ..
            } => return self.update(*handle, &key, state, *ttl_s).await,
            Op::UpdateTtl { handle, ttl_s, .. } => {
                let store = &self.handles[*handle];
                let (result, span) = self
                    .timed(call::update_ttl(store, &key, call::secs(*ttl_s)))
                    .await;
                result?;
                self.model.ttl_updated(&key, ttl_s * 1000, span);
            }
            Op::Delete { handle, .. } => {
                call::delete(&self.handles[*handle], &key).await?;
                self.model.deleted(&key);
            }
            Op::AdvanceClock { secs } => {
                if self.caps.clock.advance(Duration::from_secs(*secs)) {
                    self.now_ms += secs * 1000;
                }
            }
            Op::Wait { ms } => {
                let wait = Duration::from_millis(*ms);
                // Beyond the budget a wait is skipped: the model follows real time either way.
                if self.waited.get() + wait <= self.budget {
                    self.waited.set(self.waited.get() + wait);
                    tokio::time::sleep(wait).await;
                }
            }
            Op::Sweep => self.sweep(subject).await?,
        }
        Ok(None)
    }

    async fn load(&mut self, handle: usize, key: &str) -> Result<(), Failure> {
        let (seen, span) = self.timed(call::load(&self.handles[handle], key)).await;
        let seen = seen?;
        let expect = self.model.expect_load(key, span);
        judge(&self.model, key, &expect, &seen)?;
        if !matches!(expect, Expect::Absent(_)) {
            self.model.loaded(key, span, matches!(seen, Seen::State(_)));
        }
        Ok(())
    }

    async fn update(
        &mut self,
        handle: usize,
        old: &str,
        state: &State,
        ttl_s: i64,
    ) -> Result<Option<String>, Failure> {
        let store = &self.handles[handle];
        let (new, span) = self
            .timed(call::update(store, old, state.clone(), call::secs(ttl_s)))
            .await;
        let new = new?;
        match self.model.liveness(old, span) {
            Liveness::Live if self.caps.update_keeps_key && new != old => {
                return Err(Failure::new(
                    Violation::LiveKeyChanged,
                    "update of a live session returned a new key",
                ));
            }
            // tower-sessions' `save` writes the record as given, under its key, dead or not.
            Liveness::Dead(_) if S::CONTRACT.update_upserts && new == old => {}
            Liveness::Dead(why) if self.caps.invalidates && new == old => {
                let what = match why {
                    Ended::Deleted => "a deleted key",
                    Ended::Expired => "an expired key",
                    Ended::Moved => "a key the session had moved away from",
                    Ended::NeverIssued => "a key the store never issued",
                };
                let (failure, holds_write) = call::dead_key_outcome(store, old, state, what).await;
                if !(self.excused)(&failure) {
                    return Err(failure);
                }
                // A known finding: follow what the store did, and go on.
                if holds_write {
                    self.model.saved(old, state.clone(), ttl_s * 1000, span);
                }
                return Ok(Some(new));
            }
            _ => {}
        }
        if self.unique_keys() && new != old && self.model.was_issued(&new) {
            return Err(Failure::new(
                Violation::WeakKeys,
                "update moved the session to a key issued before",
            ));
        }
        self.model
            .updated(old, &new, state.clone(), ttl_s * 1000, span);
        Ok(Some(new))
    }

    async fn sweep(&mut self, subject: &Subject<S>) -> Result<(), Failure> {
        let Some(sweep) = subject.sweep() else {
            return Ok(());
        };
        let (removed, span) = self.timed(sweep).await;
        let removed = removed.map_err(|e| {
            Failure::new(
                Violation::Error,
                format!("sweep: {}", crate::failure::anyhow_causes(&e)),
            )
        })?;
        let (most, live) = self.model.swept(span);
        if let Some(removed) = removed.filter(|&removed| removed > most) {
            return Err(Failure::new(
                Violation::SweepCount,
                format!(
                    "the sweep reported {removed} sessions removed; at most {most} had expired"
                ),
            ));
        }
        // A sweep that removes a live session is caught here, not by luck of a later load.
        for key in live {
            self.load(0, &key)
                .await
                .map_err(|f| f.at("a live session, loaded right after the sweep"))?;
        }
        Ok(())
    }
}

/// Compares what `load(key)` showed with what the model allows, naming what went wrong.
fn judge(model: &Model, key: &str, expect: &Expect, seen: &Seen) -> Result<(), Failure> {
    let got = match seen {
        Seen::Error(why) => return Err(Failure::new(Violation::Error, format!("load: {why}"))),
        Seen::Nothing | Seen::Undecodable(_) => {
            return match expect {
                Expect::State(want) => Err(Failure::new(
                    Violation::LostSession,
                    format!("a live session holding {want:?} loaded {seen:?}"),
                )),
                _ => Ok(()),
            };
        }
        Seen::State(got) => got,
    };
    let crossed = |got: &State| {
        model
            .owner_of(got, key)
            .filter(|_| !model.wrote_before(key, got))
            .map(|_| {
                Failure::new(
                    Violation::CrossedSession,
                    format!("the key loaded {got:?}, which is another session's state"),
                )
            })
    };
    match expect {
        Expect::State(want) | Expect::AbsentOr(want) if want == got => Ok(()),
        Expect::State(want) | Expect::AbsentOr(want) => Err(crossed(got).unwrap_or_else(|| {
            let stale = if model.wrote_before(key, got) {
                " (an older state of this session)"
            } else {
                ""
            };
            Failure::new(
                Violation::WrongState,
                format!("the session should hold {want:?}, it loaded {got:?}{stale}"),
            )
        })),
        Expect::Absent(why) => Err(crossed(got).unwrap_or_else(|| match why {
            Ended::NeverIssued => Failure::new(
                Violation::CrossedSession,
                format!("a key the store never issued loaded {got:?}"),
            ),
            Ended::Deleted => Failure::new(
                Violation::Revived,
                format!("a deleted session loaded {got:?}"),
            ),
            Ended::Moved => Failure::new(
                Violation::Revived,
                format!("the key a session was moved away from by update loaded {got:?}"),
            ),
            Ended::Expired => match model.touched_after_end(key) {
                Some(op) => Failure::new(
                    Violation::Revived,
                    format!("an expired session loaded {got:?} again after {op} of its key"),
                ),
                None => Failure::new(
                    Violation::ExpiredServed,
                    format!("a session past its TTL loaded {got:?}"),
                ),
            },
        })),
    }
}
