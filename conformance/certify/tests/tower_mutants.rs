//! The tower front's teeth: every deliberately broken tower-sessions store is failed by the
//! property that must catch it, on every run; a race-based one 20 times in a row.

use testbed::{catch::assert_caught, tower_mutants::TowerMutant};

macro_rules! tower_mutant_is_caught {
    ($($test:ident => $mutant:ident),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                assert_caught(TowerMutant::$mutant);
            }
        )*

        #[test]
        fn every_tower_mutant_has_a_test() {
            let tested = [$(TowerMutant::$mutant),*];
            for mutant in TowerMutant::ALL {
                assert!(tested.contains(&mutant), "add a line for {mutant:?}");
            }
        }
    };
}

tower_mutant_is_caught! {
    load_ignores_expiry => LoadIgnoresExpiry,
    create_overwrites => CreateOverwrites,
    create_checks_then_inserts => CreateChecksThenInserts,
    sweep_aborts_on_bad_record => SweepAbortsOnBadRecord,
    lossy_numbers => LossyNumbers,
    per_handle_cache => PerHandleCache,
    write_behind_resurrects => WriteBehindResurrects,
}
