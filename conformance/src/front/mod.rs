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

use std::future::Future;

use time::Duration as Ttl;

use crate::{check::Ctx, failure::Failure, harness::Harness, model::State, Outcome};

/// A store the suite can certify: every actix-session `SessionStore`.
pub trait Ecosystem: Sized + Send + Sync + 'static {
    /// The clauses of this ecosystem's contract that differ between ecosystems.
    #[doc(hidden)]
    const CONTRACT: Contract;

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

    /// Runs an HTTP property behind this ecosystem's middleware.
    #[doc(hidden)]
    fn http<H: Harness<Store = Self>>(ctx: &Ctx<'_, H>, scenario: HttpScenario) -> Outcome;
}

/// The clauses of a contract that differ between ecosystems.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contract {
    /// The ecosystem's name, for messages.
    pub name: &'static str,
    /// Values reach the store as JSON text written by the middleware (actix-session), so a
    /// store may be probed with text that is not JSON.
    pub text_values: bool,
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
