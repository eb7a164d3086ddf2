//! The reference store passes every property.
conformance::conformance_tests!(conformance::MemoryHarness::new());
