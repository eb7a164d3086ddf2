//! Certifies actix-session's `CookieSessionStore` (no invalidation, no TTL, state in the key).
conformance::conformance_tests!(conformance::certified::CookieHarness);
