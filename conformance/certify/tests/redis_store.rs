//! Certifies actix-session's `RedisSessionStore` against a real `redis-server` that each test
//! starts on a free loopback port and stops afterwards. Without the binary each test prints why
//! it did not run, unless `CONFORMANCE_REQUIRE` names redis (CI sets it), when it fails.
use session_store_conformance::stores::{RedisHarness, REDIS_KNOWN_FINDINGS};

session_store_conformance::conformance_tests!(
    server "redis",
    RedisHarness::start(),
    REDIS_KNOWN_FINDINGS
);
