//! Certifies `SledSessionStore` behind tower-sessions' trait (feature `tower`): on disk in a
//! temp dir, clock controlled, counted sweep and damage hook.
session_store_conformance::conformance_tests!(testbed::certified::SledTowerHarness::new());
