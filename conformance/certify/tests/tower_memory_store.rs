//! Certifies tower-sessions' own `MemoryStore`, as published, through the suite's tower front.
session_store_conformance::conformance_tests!(
    session_store_conformance::stores::TowerMemoryHarness
);
