//! Certifies `SledSessionStore`: on disk in a temp dir, clock controlled, sweep and damage hook.
conformance::conformance_tests!(testbed::certified::SledHarness::new());
