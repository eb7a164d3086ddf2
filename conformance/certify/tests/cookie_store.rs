//! Certifies actix-session's `CookieSessionStore` (no invalidation, no TTL, state in the key),
//! and the same store of actix-session 0.9 through the suite's 0.9 adapter.
session_store_conformance::conformance_tests!(session_store_conformance::stores::CookieHarness);

mod actix_session_0_9 {
    session_store_conformance::conformance_tests!(testbed::certified::Cookie09Harness);
}
