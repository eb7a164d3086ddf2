//! Certifies `SledSessionStore`: on disk in a temp dir, clock controlled, sweep and damage hook.
session_store_conformance::conformance_tests!(testbed::certified::SledHarness::new());
