//! Certifies `tower-sessions-sled-store` 0.2.0, the published sled store of tower-sessions (on
//! tower-sessions 0.14, through the suite's adapter), on sled in a temp dir.
use session_store_conformance::stores::{TowerSledSeedHarness, SLED_SEED_KNOWN_FINDINGS};

session_store_conformance::conformance_tests!(TowerSledSeedHarness, SLED_SEED_KNOWN_FINDINGS);
