//! Correct stores that a careless suite would fail must pass: a false alarm costs a store
//! author as much as a missed bug.

use session_store_conformance::{check, Outcome, Property, SuiteConfig};
use testbed::sound::CoherentCacheHarness;

/// A read cache that every write keeps right serves the owner's own intact state after its
/// record is damaged underneath: harmless, so `damaged_records` passes it; and the cache did
/// answer over damaged records, so the situation was reached, not avoided.
#[test]
fn a_coherent_read_cache_over_a_damaged_record_passes() {
    let harness = CoherentCacheHarness::new();
    let report = check(
        &harness,
        Property::DamagedRecords,
        &SuiteConfig::default(),
        &[],
    );
    assert!(
        matches!(report.outcome, Outcome::Pass { .. }),
        "a false alarm: {}",
        report.summary()
    );
    assert!(
        harness.served_over_damage() > 0,
        "the property never loaded a damaged record through the cache, so it proves nothing"
    );
}
