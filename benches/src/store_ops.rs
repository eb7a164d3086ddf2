//! A store's operations as the generic benchmarks call them, for both ecosystems: each store's
//! own trait, called directly, so that nothing but the store runs in the timed path (the
//! suite's engine translates states to text and back, which a benchmark must not count).
//!
//! | benchmark | actix-session | tower-sessions |
//! |---|---|---|
//! | save | `save(state, ttl)` | `create(&mut Record { id: Id::default(), .. })` |
//! | load | `load(&key)` | `load(&id)` |
//! | update | `update(key, state, ttl)` | `save(&Record { id, .. })` |
//! | update_ttl | `update_ttl(&key, ttl)` | none (not measured) |
//! | delete | `delete(&key)` | `delete(&id)` |
//!
//! The choice goes through the suite's `Ecosystem::Front` marker, as the load generator's
//! example server does.

use std::{collections::HashMap, future::Future};

use actix_session::storage::{generate_session_key, LoadError, SessionKey, SessionStore};
use session_store_conformance::{ActixFront, Ecosystem, Tower, TowerFront};
use time::Duration as Ttl;
use tower_sessions_core::{
    session::{Id, Record},
    session_store::Error as TowerError,
    SessionStore as TowerStore,
};

use crate::fixtures::realistic_state;

/// A store the generic benchmarks measure: any actix-session store, any tower-sessions store in
/// the suite's `Tower`.
pub trait Benched: Ecosystem {
    type Ops: Ops<Self>;
}

impl<S: Ecosystem> Benched for S
where
    S::Front: Ops<S>,
{
    type Ops = S::Front;
}

/// The operations of one front on its stores.
pub trait Ops<S> {
    /// A session's key as the store takes it.
    type Key: Send + Sync + 'static;
    /// A session's state as the store takes it.
    type State: Clone + Send + 'static;

    /// The i-th realistic state (the same values in both ecosystems).
    fn state(i: u64) -> Self::State;
    /// A well-formed key of no session.
    fn missing_key() -> Self::Key;
    /// A copy of `key` (actix-session's `SessionKey` is not `Clone`).
    fn owned(key: &Self::Key) -> Self::Key;
    fn save(store: &S, state: Self::State, ttl: Ttl) -> impl Future<Output = Self::Key>;
    /// Whether the session `key` loaded; panics on an error other than an undecodable key.
    fn load(store: &S, key: &Self::Key) -> impl Future<Output = bool>;
    fn update(store: &S, key: Self::Key, state: Self::State, ttl: Ttl) -> impl Future<Output = ()>;
    /// `None` where the ecosystem has no such operation.
    fn update_ttl(store: &S, key: &Self::Key, ttl: Ttl) -> Option<impl Future<Output = ()>>;
    fn delete(store: &S, key: &Self::Key) -> impl Future<Output = ()>;
}

impl<S: SessionStore + Ecosystem> Ops<S> for ActixFront {
    type Key = SessionKey;
    type State = HashMap<String, String>;

    fn state(i: u64) -> Self::State {
        realistic_state(i)
    }

    fn missing_key() -> SessionKey {
        generate_session_key()
    }

    fn owned(key: &SessionKey) -> SessionKey {
        SessionKey::try_from(key.as_ref().to_owned()).expect("a key the store issued")
    }

    async fn save(store: &S, state: Self::State, ttl: Ttl) -> SessionKey {
        SessionStore::save(store, state, &ttl).await.expect("save")
    }

    async fn load(store: &S, key: &SessionKey) -> bool {
        match SessionStore::load(store, key).await {
            Ok(state) => state.is_some(),
            // The cookie store, whose keys are the state: a key that does not decode.
            Err(LoadError::Deserialization(_)) => false,
            Err(e) => panic!("load failed: {e}"),
        }
    }

    async fn update(store: &S, key: SessionKey, state: Self::State, ttl: Ttl) {
        SessionStore::update(store, key, state, &ttl)
            .await
            .expect("update");
    }

    fn update_ttl(store: &S, key: &SessionKey, ttl: Ttl) -> Option<impl Future<Output = ()>> {
        Some(async move {
            SessionStore::update_ttl(store, key, &ttl)
                .await
                .expect("update_ttl")
        })
    }

    async fn delete(store: &S, key: &SessionKey) {
        SessionStore::delete(store, key).await.expect("delete");
    }
}

impl<S: TowerStore + Clone> Ops<Tower<S>> for TowerFront {
    type Key = Id;
    type State = HashMap<String, serde_json::Value>;

    fn state(i: u64) -> Self::State {
        realistic_state(i)
            .into_iter()
            .map(|(field, text)| {
                let value = serde_json::from_str(&text).expect("the fixture's values are JSON");
                (field, value)
            })
            .collect()
    }

    fn missing_key() -> Id {
        Id::default()
    }

    fn owned(id: &Id) -> Id {
        *id
    }

    async fn save(store: &Tower<S>, data: Self::State, ttl: Ttl) -> Id {
        let mut record = Record {
            id: Id::default(),
            data,
            expiry_date: store.now().saturating_add(ttl),
        };
        store.store().create(&mut record).await.expect("create");
        record.id
    }

    async fn load(store: &Tower<S>, id: &Id) -> bool {
        match store.store().load(id).await {
            Ok(record) => record.is_some(),
            Err(TowerError::Decode(_)) => false,
            Err(e) => panic!("load failed: {e}"),
        }
    }

    async fn update(store: &Tower<S>, id: Id, data: Self::State, ttl: Ttl) {
        let record = Record {
            id,
            data,
            expiry_date: store.now().saturating_add(ttl),
        };
        store.store().save(&record).await.expect("save");
    }

    fn update_ttl(_: &Tower<S>, _: &Id, _: Ttl) -> Option<impl Future<Output = ()>> {
        None::<std::future::Ready<()>>
    }

    async fn delete(store: &Tower<S>, id: &Id) {
        store.store().delete(id).await.expect("delete");
    }
}
