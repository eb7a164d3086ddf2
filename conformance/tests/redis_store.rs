//! Certifies actix-session's `RedisSessionStore` against a real `redis-server` that each test
//! starts on a free loopback port and stops afterwards. Without the binary the tests print why
//! they did not run, unless `CONFORMANCE_REQUIRE_REDIS` is set (CI sets it), when they fail.

use conformance::{
    certified::{RedisHarness, REDIS_KNOWN_FINDINGS},
    Property,
};

fn certify(property: Property) {
    match RedisHarness::start() {
        Ok(harness) => conformance::assert_property(&harness, property, REDIS_KNOWN_FINDINGS),
        Err(why) if std::env::var_os("CONFORMANCE_REQUIRE_REDIS").is_some() => {
            panic!("CONFORMANCE_REQUIRE_REDIS is set but no Redis server could be started: {why}")
        }
        Err(why) => println!("SKIPPED redis {property}: {why}"),
    }
}

#[test]
fn model_based() {
    certify(Property::ModelBased);
}

#[test]
fn state_round_trip() {
    certify(Property::StateRoundTrip);
}

#[test]
fn keys() {
    certify(Property::Keys);
}

#[test]
fn ttl_edges() {
    certify(Property::TtlEdges);
}

#[test]
fn concurrency() {
    certify(Property::Concurrency);
}

#[test]
fn http_workflow() {
    certify(Property::HttpWorkflow);
}

#[test]
fn http_expiry() {
    certify(Property::HttpExpiry);
}

#[test]
fn http_session_update() {
    certify(Property::HttpSessionUpdate);
}
