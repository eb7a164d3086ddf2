//! The reference store passes every property.
session_store_conformance::conformance_tests!(session_store_conformance::MemoryHarness::new());
