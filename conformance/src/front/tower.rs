//! The tower-sessions front: the engine's operations on a `tower_sessions_core::SessionStore`.
//!
//! | engine | tower-sessions |
//! |---|---|
//! | `save(state, ttl)` | `create(&mut Record { id: Id::default(), data, expiry_date: now + ttl })`, then the id it kept |
//! | `create_at(key, ..)` | `create` of a record whose id is `key` (it must not overwrite a session already there) |
//! | `load(key)` | `load(&id)`: `Error::Decode` is a record that does not decode, any other error a failure |
//! | `update(key, state, ttl)` | `save(&Record { id: key, .. })`, an upsert: the key stays |
//! | `delete(key)` | `delete(&id)` |
//! | `update_ttl` | none: tower-sessions saves the whole record |
//!
//! A state's values are JSON text in the engine; here they are the `serde_json::Value`s that
//! text means, and what a store loads is turned back into text, so a value that does not
//! survive the store shows as another text. Expiry dates are `now + ttl`, saturating at the
//! latest date `time` represents, as `Session` computes them; `now` is the harness's clock.

use std::{fmt, sync::Arc};

use time::{Duration as Ttl, OffsetDateTime};
use tower_sessions_core::{
    session::{Id, Record},
    session_store::Error,
    SessionStore,
};

use super::{Contract, Ecosystem, HttpScenario, Seen};
use crate::{
    check::Ctx,
    failure::{Failure, Violation},
    harness::Harness,
    model::State,
    Outcome,
};

/// A tower-sessions store, as the suite certifies it (feature `tower`): use
/// `type Store = Tower<YourStore>` in your harness, `Tower::new(store)` in its `fresh`, and
/// [`Capabilities::tower`](crate::Capabilities::tower). Further handles (`Subject::new`) are
/// clones of your store, as two instances of an application would hold. A store on
/// tower-sessions 0.14 goes through `compat::V0_14` (feature `tower-sessions-0_14`).
///
/// # The contract it is held to
/// Derived from tower-sessions' `session_store.rs`, `session.rs`, its `MemoryStore` and the sqlx
/// stores, clause by clause:
/// - `create` never overwrites an existing record: an id that is taken gets a fresh one, never
///   someone else's session (tower-sessions issue #180).
/// - `save` persists the record as given, under its id, whether a session lives there or not.
/// - `load` never returns a record whose `expiry_date` has passed (`Session` does not check it).
/// - `delete` removes the record; deleting a missing one is fine.
/// - `delete_expired` (`ExpiredDeletion`, where the store has it; `Subject::with_uncounted_sweep`)
///   removes the expired, never a live one, and does not stop at a record it cannot decode.
/// - `Record.data` round-trips every JSON value tower-sessions can hold: nested objects and
///   arrays, `u64` and negative integers, any finite float, unicode keys.
/// - The store is `Send + Sync`, shared by every request of every thread.
///
/// A record that does not decode may be `Error::Decode` (the properties accept it as the actix
/// front accepts `LoadError::Deserialization`); any other error on a `load` is a failure.
#[derive(Clone)]
pub struct Tower<S> {
    store: S,
    now: Arc<dyn Fn() -> OffsetDateTime + Send + Sync>,
}

impl<S> Tower<S> {
    /// `store`, on the real clock (`OffsetDateTime::now_utc()`, what tower-sessions reads).
    pub fn new(store: S) -> Self {
        Self::with_clock(store, OffsetDateTime::now_utc)
    }

    /// `store`, whose time is `now`: the clock a harness moves (`Clock::Controlled`) must be
    /// the one the store reads, and the one expiry dates are computed from.
    pub fn with_clock(store: S, now: impl Fn() -> OffsetDateTime + Send + Sync + 'static) -> Self {
        Self {
            store,
            now: Arc::new(now),
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The store's time now: the harness's clock (`with_clock`), else the real one. An
    /// expiry date of `now() + ttl` is what `Session` would write at this moment.
    pub fn now(&self) -> OffsetDateTime {
        (self.now)()
    }

    fn expiry(&self, ttl: Ttl) -> OffsetDateTime {
        self.now().saturating_add(ttl)
    }
}

impl<S: fmt::Debug> fmt::Debug for Tower<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Tower").field(&self.store).finish()
    }
}

/// The session's data for a state of JSON text.
fn data(state: State) -> Result<std::collections::HashMap<String, serde_json::Value>, Failure> {
    state
        .into_iter()
        .map(|(field, text)| {
            serde_json::from_str(&text)
                .map(|value| (field, value))
                .map_err(|e| {
                    Failure::new(
                        Violation::Harness,
                        format!("the suite wrote a value that is not JSON ({e}): {text:?}"),
                    )
                })
        })
        .collect()
}

/// A record's data as a state of JSON text.
fn state(record: &Record) -> State {
    record
        .data
        .iter()
        .map(|(field, value)| {
            let text = serde_json::to_string(value).unwrap_or_else(|e| format!("<{e}>"));
            (field.clone(), text)
        })
        .collect()
}

fn id(key: &str) -> Result<Id, Failure> {
    key.parse().map_err(|_| {
        Failure::new(
            Violation::Harness,
            format!("the suite used {key:?}, which is not a tower-sessions id"),
        )
    })
}

fn failed(what: &str, error: Error) -> Failure {
    Failure::new(Violation::Error, format!("{what}: {error}"))
}

impl<S: SessionStore + Clone> Ecosystem for Tower<S> {
    type Front = super::TowerFront;

    const CONTRACT: Contract = Contract {
        name: "tower-sessions",
        text_values: false,
        // Id(0) and Id(1): well-formed, and drawn by `Id::default()` once in 2^127.
        never_issued: ["AAAAAAAAAAAAAAAAAAAAAA", "AQAAAAAAAAAAAAAAAAAAAA"],
        update_upserts: true,
        update_ttl: false,
        store_draws_keys: false,
        middleware_findings: &[],
    };

    async fn load(&self, key: &str) -> Result<Seen, Failure> {
        // A cookie that is not an id never reaches a store: the middleware starts afresh.
        let Ok(id) = key.parse::<Id>() else {
            return Ok(Seen::Nothing);
        };
        Ok(match self.store.load(&id).await {
            Ok(None) => Seen::Nothing,
            Ok(Some(record)) => Seen::State(state(&record)),
            Err(e @ Error::Decode(_)) => Seen::Undecodable(e.to_string()),
            Err(e) => Seen::Error(e.to_string()),
        })
    }

    async fn save(&self, state: State, ttl: Ttl) -> Result<String, Failure> {
        let mut record = Record {
            id: Id::default(),
            data: data(state)?,
            expiry_date: self.expiry(ttl),
        };
        self.store
            .create(&mut record)
            .await
            .map_err(|e| failed(&format!("create (TTL {ttl})"), e))?;
        Ok(record.id.to_string())
    }

    async fn update(&self, key: &str, state: State, ttl: Ttl) -> Result<String, Failure> {
        let record = Record {
            id: id(key)?,
            data: data(state)?,
            expiry_date: self.expiry(ttl),
        };
        self.store
            .save(&record)
            .await
            .map_err(|e| failed(&format!("save (TTL {ttl})"), e))?;
        Ok(key.to_owned())
    }

    async fn update_ttl(&self, _key: &str, _ttl: Ttl) -> Result<(), Failure> {
        Err(Failure::new(
            Violation::Harness,
            "tower-sessions has no update_ttl; the suite should not have asked",
        ))
    }

    async fn delete(&self, key: &str) -> Result<(), Failure> {
        self.store
            .delete(&id(key)?)
            .await
            .map_err(|e| failed("delete", e))
    }

    async fn create_at(
        &self,
        key: &str,
        state: State,
        ttl: Ttl,
    ) -> Option<Result<String, Failure>> {
        let created = async {
            let mut record = Record {
                id: id(key)?,
                data: data(state)?,
                expiry_date: self.expiry(ttl),
            };
            self.store
                .create(&mut record)
                .await
                .map_err(|e| failed("create", e))?;
            Ok(record.id.to_string())
        };
        Some(created.await)
    }

    fn http<H: Harness<Store = Self>>(ctx: &Ctx<'_, H>, scenario: HttpScenario) -> Outcome {
        crate::properties::tower_http::check(ctx, scenario)
    }
}
