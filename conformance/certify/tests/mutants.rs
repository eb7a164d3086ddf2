//! The suite's teeth: every deliberately broken store is failed by the property that must catch
//! it, on every run. A mutant whose defect needs operations to interleave is checked 20 times:
//! a catch that depends on scheduling luck is not a catch.

use testbed::{catch::assert_caught, mutants::Mutant};

macro_rules! mutant_is_caught {
    ($($test:ident => $mutant:ident),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                assert_caught(Mutant::$mutant);
            }
        )*

        #[test]
        fn every_mutant_has_a_test() {
            let tested = [$(Mutant::$mutant),*];
            for mutant in Mutant::ALL {
                assert!(tested.contains(&mutant), "add a mutant_is_caught! line for {mutant:?}");
            }
        }
    };
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
    loses_null_values => LosesNullValues,
    mangle_unicode => MangleUnicode,
    predictable_keys => PredictableKeys,
    short_keys => ShortKeys,
    update_merges => UpdateMerges,
    update_skips_unchanged_state => UpdateSkipsUnchangedState,
    ttl_overflow_panics => TtlOverflowPanics,
    zero_ttl_lives => ZeroTtlLives,
    torn_update => TornUpdate,
    ignores_size_limit => IgnoresSizeLimit,
    per_handle_cache => PerHandleCache,
    evicts_past_capacity => EvictsPastCapacity,
    ttl_millis_in_u32 => TtlMillisInU32,
    long_ttl_as_timestamp => LongTtlAsTimestamp,
    size_limit_in_chars => SizeLimitInChars,
    size_limit_exclusive => SizeLimitExclusive,
    thread_scratch_buffer => ThreadScratchBuffer,
    group_commit_drops_writes => GroupCommitDropsWrites,
    update_ttl_read_modify_write => UpdateTtlReadModifyWrite,
    update_checks_then_writes => UpdateChecksThenWrites,
    panics_on_damaged_record => PanicsOnDamagedRecord,
    damaged_record_serves_scratch => DamagedRecordServesScratch,
    delete_decodes_first => DeleteDecodesFirst,
    damaged_record_serves_stale_copy => DamagedRecordServesStaleCopy,
    sql_update_no_expiry_check => SqlUpdateNoExpiryCheck,
    served_until_swept => ServedUntilSwept,
}
