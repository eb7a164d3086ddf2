//! The properties the suite checks, each runnable on its own.

mod call;
mod capacity;
mod concurrency;
mod damaged;
mod expiry;
#[cfg(feature = "actix")]
pub(crate) mod http;
mod interleaving;
mod keys;
mod lifecycle;
mod model_based;
mod races;
mod round_trip;
mod size_limits;
#[cfg(feature = "tower")]
pub(crate) mod tower_http;
mod ttl_edges;

use std::fmt;

use crate::{
    check::Ctx,
    front::{Ecosystem, HttpScenario},
    harness::Harness,
    Outcome,
};

/// A promise a store must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Property {
    /// Random sequences of every operation, spread over several clones of the store, agree with
    /// the reference model.
    ModelBased,
    /// Each clause of the contract, step by step: updates and TTL changes of deleted,
    /// never-issued and live keys, deletes of missing keys.
    Lifecycle,
    /// Sessions live until their TTL and not after, for TTLs from a second to thirty years, on
    /// a controlled or the real clock; an expired session stays dead whatever touches it.
    Expiry,
    /// Zero, negative and huge TTLs: no panic, no overflow; zero or less means expired.
    TtlEdges,
    /// States as the middleware makes them (any field name, JSON text values) come back exactly.
    StateRoundTrip,
    /// The declared size limit holds in bytes: at the limit stored, just over it refused, for
    /// `save` and `update`, in ASCII and in 2-, 3- and 4-byte UTF-8.
    SizeLimits,
    /// Fresh keys are distinct, well-formed random credentials; keys the store never issued
    /// load nothing.
    Keys,
    /// After many live sessions are saved, every one loads with its own state.
    Capacity,
    /// Many requests' futures on one thread, each on its own session, lose and re-apply nothing.
    Interleaving,
    /// Racing `update`s against `update_ttl` and `delete` of one session keep its last write
    /// and keep a deleted key dead.
    Races,
    /// Threads on distinct sessions lose nothing; racing updates of one session never mix.
    Concurrency,
    /// A damaged record loads as nothing, never a panic or another session; its owner starts
    /// afresh and other sessions are untouched.
    DamagedRecords,
    /// Behind `SessionMiddleware` with two workers, each with its own clone of the store:
    /// login, reads, changes, renew, logout and replays, moved between workers.
    HttpWorkflow,
    /// Behind the middleware: an expired session starts fresh and its cookie never brings it
    /// back.
    HttpExpiry,
    /// Behind the middleware: a change made only with `Session::update` is saved.
    HttpSessionUpdate,
}

impl Property {
    /// Every property, in report order.
    pub const ALL: [Property; 15] = [
        Property::ModelBased,
        Property::Lifecycle,
        Property::Expiry,
        Property::TtlEdges,
        Property::StateRoundTrip,
        Property::SizeLimits,
        Property::Keys,
        Property::Capacity,
        Property::Interleaving,
        Property::Races,
        Property::Concurrency,
        Property::DamagedRecords,
        Property::HttpWorkflow,
        Property::HttpExpiry,
        Property::HttpSessionUpdate,
    ];

    /// The name used for the test function and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Property::ModelBased => "model_based",
            Property::Lifecycle => "lifecycle",
            Property::Expiry => "expiry",
            Property::TtlEdges => "ttl_edges",
            Property::StateRoundTrip => "state_round_trip",
            Property::SizeLimits => "size_limits",
            Property::Keys => "keys",
            Property::Capacity => "capacity",
            Property::Interleaving => "interleaving",
            Property::Races => "races",
            Property::Concurrency => "concurrency",
            Property::DamagedRecords => "damaged_records",
            Property::HttpWorkflow => "http_workflow",
            Property::HttpExpiry => "http_expiry",
            Property::HttpSessionUpdate => "http_session_update",
        }
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Runs one property.
pub(crate) fn run<H: Harness>(ctx: &Ctx<'_, H>, property: Property) -> Outcome {
    match property {
        Property::ModelBased => model_based::check(ctx),
        Property::Lifecycle => lifecycle::check(ctx),
        Property::Expiry => expiry::check(ctx),
        Property::TtlEdges => ttl_edges::check(ctx),
        Property::StateRoundTrip => round_trip::check(ctx),
        Property::SizeLimits => size_limits::check(ctx),
        Property::Keys => keys::check(ctx),
        Property::Capacity => capacity::check(ctx),
        Property::Interleaving => interleaving::check(ctx),
        Property::Races => races::check(ctx),
        Property::Concurrency => concurrency::check(ctx),
        Property::DamagedRecords => damaged::check(ctx),
        Property::HttpWorkflow => H::Store::http(ctx, HttpScenario::Workflow),
        Property::HttpExpiry => H::Store::http(ctx, HttpScenario::Expiry),
        Property::HttpSessionUpdate => H::Store::http(ctx, HttpScenario::SessionUpdate),
    }
}

/// The outcome of a deterministic property made of `checks` independent steps.
pub(crate) fn steps_outcome(result: Result<u32, crate::Failure>) -> Outcome {
    match result {
        Ok(checks) => Outcome::Pass { cases: checks },
        Err(failure) => Outcome::Fail(failure),
    }
}
