//! Harnesses for the stores this project certifies: our sled store, actix-session's cookie
//! store (0.11, and 0.9 through the suite's adapter) and Redis store, and the published
//! `actix-session-sqlx-postgres` (0.10, through the adapter) on a real PostgreSQL. The reference
//! in-memory store's harness is `conformance::MemoryHarness`.

mod cookie;
mod postgres;
mod redis;
mod sled;

pub use self::{
    cookie::{cookie_capabilities, Cookie09Harness, CookieHarness, COOKIE_MAX_STATE_BYTES},
    postgres::{PostgresHarness, POSTGRES_KNOWN_FINDINGS},
    redis::{RedisHarness, REDIS_KNOWN_FINDINGS},
    sled::SledHarness,
};

use conformance::{Harness, KnownFinding, Property};

use crate::servers::{required, Unavailable};

/// Certifies one property of a store that needs a server: runs it if `start` brings the server
/// up; otherwise skips visibly, with the reason, unless `TESTBED_REQUIRE` names the server (CI
/// sets it), when the test fails.
pub fn certify_or_skip<H: Harness>(
    server: &str,
    start: impl FnOnce() -> Result<H, Unavailable>,
    property: Property,
    known: &[KnownFinding],
) {
    match start() {
        Ok(harness) => conformance::assert_property(&harness, property, known),
        Err(why) if required(server) => {
            panic!("TESTBED_REQUIRE names {server}, but the server could not be started: {why}")
        }
        Err(why) => println!("SKIPPED {server} {property}: {why}"),
    }
}

/// One `#[test]` per property for a store on a server started by `$start` (an expression of
/// type `Result<impl Harness, Unavailable>`, evaluated once per test), skipped visibly when the
/// server cannot start (see [`certify_or_skip`]).
#[macro_export]
macro_rules! certify_on_server {
    ($server:literal, $start:expr, $known:expr) => {
        $crate::certify_on_server!(@each $server, $start, $known;
            model_based ModelBased, lifecycle Lifecycle, expiry Expiry, ttl_edges TtlEdges,
            state_round_trip StateRoundTrip, size_limits SizeLimits, keys Keys,
            capacity Capacity, interleaving Interleaving, races Races, concurrency Concurrency,
            damaged_records DamagedRecords, http_workflow HttpWorkflow, http_expiry HttpExpiry,
            http_session_update HttpSessionUpdate);
    };
    (@each $server:literal, $start:expr, $known:expr; $($test:ident $property:ident),* $(,)?) => {$(
        #[test]
        fn $test() {
            $crate::certified::certify_or_skip(
                $server,
                || $start,
                ::conformance::Property::$property,
                $known,
            );
        }
    )*};
}
