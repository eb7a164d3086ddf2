//! Whether the suite catches a broken store: every mutant, of either ecosystem, is checked the
//! same way by the tests and by the certification matrix.

use session_store_conformance::{check, Harness, Outcome, Property, SuiteConfig};

use crate::{
    mutants::{Mutant, MutantHarness},
    tower_mutants::{TowerMutant, TowerMutantHarness},
};

/// How often a race-based mutant must be caught in a row.
pub const RACE_REPEATS: usize = 20;

/// Cheaper than a certification run (fewer cases, 20,000 keys and sessions): a mutant that
/// survives this is a suite defect just the same.
pub fn mutant_config() -> SuiteConfig {
    SuiteConfig {
        cases: 64,
        keys: 20_000,
        sessions: 20_000,
        ..SuiteConfig::default()
    }
}

/// A deliberately broken store.
pub trait Broken: Copy + std::fmt::Debug {
    type Harness: Harness;
    /// A harness that makes it.
    fn harness(self) -> Self::Harness;
    /// The property that must catch it on every run.
    fn caught_by(self) -> Property;
    /// Whether its defect needs operations to interleave.
    fn is_race(self) -> bool;
}

impl Broken for Mutant {
    type Harness = MutantHarness;
    fn harness(self) -> MutantHarness {
        MutantHarness::new(self)
    }
    fn caught_by(self) -> Property {
        Mutant::caught_by(self)
    }
    fn is_race(self) -> bool {
        Mutant::is_race(self)
    }
}

impl Broken for TowerMutant {
    type Harness = TowerMutantHarness;
    fn harness(self) -> TowerMutantHarness {
        TowerMutantHarness(self)
    }
    fn caught_by(self) -> Property {
        TowerMutant::caught_by(self)
    }
    fn is_race(self) -> bool {
        TowerMutant::is_race(self)
    }
}

/// How many of `runs` checks of `property`, each on a fresh harness, failed `broken`; and the
/// first line of the first failure.
pub fn catches<B: Broken>(broken: B, property: Property, runs: usize) -> (usize, Option<String>) {
    let mut caught = 0;
    let mut first = None;
    for _ in 0..runs {
        let report = check(&broken.harness(), property, &mutant_config(), &[]);
        if let Outcome::Fail(failure) = report.outcome {
            caught += 1;
            first.get_or_insert_with(|| {
                failure
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            });
        }
    }
    (caught, first)
}

/// The runs a catch needs: 20 for a race-based mutant, else one.
pub fn runs<B: Broken>(broken: B) -> usize {
    if broken.is_race() {
        RACE_REPEATS
    } else {
        1
    }
}

/// Panics unless `broken` is caught by its property on every run.
pub fn assert_caught<B: Broken>(broken: B) {
    let property = broken.caught_by();
    let runs = runs(broken);
    let (caught, first) = catches(broken, property, runs);
    if let Some(first) = &first {
        println!("{broken:?} caught by {property}: {first}");
    }
    assert_eq!(
        caught, runs,
        "the suite passed the broken store {broken:?}: {property} caught it {caught} of {runs} \
         times"
    );
    println!("{broken:?}: caught {runs} of {runs} times");
}
