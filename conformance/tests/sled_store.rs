//! Certifies `SledSessionStore`: on disk in a temp dir, clock controlled, sweep exposed.
conformance::conformance_tests!(conformance::certified::SledHarness);
