//! The suite's teeth: every deliberately broken store must fail at least one property.

use conformance::{
    check,
    mutants::{Mutant, MutantHarness},
    Outcome, Property, SuiteConfig, MIDDLEWARE_KNOWN_FINDINGS,
};

/// Runs every property on the mutant and returns the ones it failed, with why. Properties that
/// fail on every store (upstream middleware findings) cannot tell a mutant apart and do not count.
fn failures(mutant: Mutant) -> Vec<(Property, String)> {
    // Fewer cases than a certification run: a mutant that survives 64 cases is a suite defect
    // just the same, and this keeps 17 mutants inside the time budget.
    let config = SuiteConfig {
        cases: 64,
        keys: 20_000,
        ..SuiteConfig::default()
    };
    Property::ALL
        .into_iter()
        .filter(|p| !MIDDLEWARE_KNOWN_FINDINGS.iter().any(|f| f.property == *p))
        .filter_map(
            |property| match check(&MutantHarness(mutant), property, &config) {
                Outcome::Fail(why) => Some((property, why)),
                _ => None,
            },
        )
        .collect()
}

macro_rules! mutant_is_caught {
    ($($test:ident => $mutant:ident),* $(,)?) => {$(
        #[test]
        fn $test() {
            let caught = failures(Mutant::$mutant);
            assert!(!caught.is_empty(), "the suite passed the broken store {:?}", Mutant::$mutant);
            for (property, why) in &caught {
                let first_line = why.lines().next().unwrap_or_default();
                println!("{:?} caught by {property}: {first_line}", Mutant::$mutant);
            }
        }
    )*};
}

mutant_is_caught! {
    ignores_ttl => IgnoresTtl,
    update_keeps_old_state => UpdateKeepsOldState,
    update_resurrects => UpdateResurrects,
    update_ttl_resurrects => UpdateTtlResurrects,
    delete_does_nothing => DeleteDoesNothing,
    save_overwrites => SaveOverwrites,
    near_miss_key => NearMissKey,
    sweep_deletes_live => SweepDeletesLive,
    loses_empty_values => LosesEmptyValues,
    mangle_unicode => MangleUnicode,
    predictable_keys => PredictableKeys,
    short_keys => ShortKeys,
    update_merges => UpdateMerges,
    ttl_overflow_panics => TtlOverflowPanics,
    zero_ttl_lives => ZeroTtlLives,
    torn_update => TornUpdate,
    ignores_size_limit => IgnoresSizeLimit,
}

#[test]
fn every_mutant_has_a_test() {
    assert_eq!(
        Mutant::ALL.len(),
        17,
        "add a mutant_is_caught! line for each new mutant"
    );
}
