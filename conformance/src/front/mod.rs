//! The fronts: how the engine (the model, the properties, the failures, the reports) reaches a
//! store of each ecosystem. A front translates the engine's five operations into the
//! ecosystem's trait, says which clauses of the contract differ, and runs the HTTP properties
//! behind the ecosystem's own middleware. Everything else is shared.
//!
//! [`Ecosystem`] is implemented for every actix-session `SessionStore` (feature `actix`, on by
//! default). Its methods are the suite's own business: they are hidden, and the trait is not
//! meant to be implemented outside this crate.

#[cfg(feature = "actix")]
mod actix;
#[cfg(feature = "tower")]
mod tower;

#[cfg(feature = "tower")]
pub use self::tower::Tower;

use std::future::Future;

use time::Duration as Ttl;

use crate::{check::Ctx, failure::Failure, harness::Harness, model::State, Outcome};

/// A store the suite can certify: every actix-session `SessionStore` (feature `actix`), and
/// every tower-sessions `SessionStore` wrapped in `Tower` (feature `tower`).
pub trait Ecosystem: Sized + Send + Sync + 'static {
    /// The clauses of this ecosystem's contract that differ between ecosystems.
    #[doc(hidden)]
    const CONTRACT: Contract;

    /// Which front this store goes through ([`ActixFront`] or [`TowerFront`]): a tool generic
    /// over every store (the load generator's example server) implements a trait of its own for
    /// each front type and reaches the store's own trait through it, which a blanket impl per
    /// ecosystem could not (coherence cannot tell `Tower<S>` from an actix-session store).
    type Front;

    /// What `load(key)` showed.
    #[doc(hidden)]
    fn load(&self, key: &str) -> impl Future<Output = Result<Seen, Failure>>;

    /// A new session holding `state` for `ttl`; its key.
    #[doc(hidden)]
    fn save(&self, state: State, ttl: Ttl) -> impl Future<Output = Result<String, Failure>>;

    /// Writes `state` and `ttl` to the session `key`; the key the session has afterwards.
    #[doc(hidden)]
    fn update(
        &self,
        key: &str,
        state: State,
        ttl: Ttl,
    ) -> impl Future<Output = Result<String, Failure>>;

    /// Gives the session `key` a new TTL.
    #[doc(hidden)]
    fn update_ttl(&self, key: &str, ttl: Ttl) -> impl Future<Output = Result<(), Failure>>;

    /// Ends the session `key`.
    #[doc(hidden)]
    fn delete(&self, key: &str) -> impl Future<Output = Result<(), Failure>>;

    /// A new session holding `state` for `ttl`, asked for under the key `key` (tower-sessions'
    /// `create`, whose caller picks the id); the key it got. `None` where the store always
    /// picks its keys itself (actix-session).
    #[doc(hidden)]
    fn create_at(
        &self,
        key: &str,
        state: State,
        ttl: Ttl,
    ) -> impl Future<Output = Option<Result<String, Failure>>>;

    /// Runs an HTTP property behind this ecosystem's middleware.
    #[doc(hidden)]
    fn http<H: Harness<Store = Self>>(ctx: &Ctx<'_, H>, scenario: HttpScenario) -> Outcome;
}

/// The front of every actix-session `SessionStore`: `Ecosystem::Front` of those stores.
#[derive(Debug, Clone, Copy)]
pub struct ActixFront;

/// The front of every tower-sessions `SessionStore` in `Tower`: `Ecosystem::Front` of those.
#[derive(Debug, Clone, Copy)]
pub struct TowerFront;

/// The clauses of a contract that differ between ecosystems.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contract {
    /// The ecosystem's name, for messages.
    pub name: &'static str,
    /// Values reach the store as JSON text written by the middleware (actix-session), so a
    /// store may be probed with text that is not JSON.
    pub text_values: bool,
    /// Two well-formed keys no store issues in a test: a key of a session that never existed.
    pub never_issued: [&'static str; 2],
    /// `update` of a key with no live session stores the state under that same key
    /// (tower-sessions' `save`, an upsert), instead of moving it to a new key and leaving the
    /// old one dead (actix-session).
    pub update_upserts: bool,
    /// The store has an operation that changes only a session's TTL (actix-session's
    /// `update_ttl`; tower-sessions has none).
    pub update_ttl: bool,
    /// The store draws its keys itself (actix-session), so their shape and spread are its
    /// own; tower-sessions' `Session` draws them and the store only keeps them apart.
    pub store_draws_keys: bool,
    /// Findings in the ecosystem's middleware, which every store of it shows.
    pub middleware_findings: &'static [crate::KnownFinding],
}

/// What a `load` showed.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    Nothing,
    /// The store could not decode the record (`LoadError::Deserialization`): the middleware
    /// starts an empty session.
    Undecodable(String),
    State(State),
    /// Any other error: the middleware answers 500.
    Error(String),
}

/// Which set of HTTP scenarios to run.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpScenario {
    Workflow,
    Expiry,
    SessionUpdate,
}
