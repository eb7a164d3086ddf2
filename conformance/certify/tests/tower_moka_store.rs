//! Certifies `tower-sessions-moka-store` 0.15 as its README configures it (capacity 2,000).
use session_store_conformance::stores::{TowerMokaHarness, MOKA_KNOWN_FINDINGS};

session_store_conformance::conformance_tests!(TowerMokaHarness::default(), MOKA_KNOWN_FINDINGS);
