//! Certifies actix-session's `RedisSessionStore` against a real `redis-server` that each test
//! starts on a free loopback port and stops afterwards. Without the binary each test prints why
//! it did not run, unless `TESTBED_REQUIRE` names redis (CI sets it), when it fails.
testbed::certify_on_server!(
    "redis",
    testbed::certified::RedisHarness::start(),
    testbed::certified::REDIS_KNOWN_FINDINGS
);
