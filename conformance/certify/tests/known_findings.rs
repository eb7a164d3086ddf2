//! A known finding excuses only the failure it describes. A store that fails the finding's
//! property for another reason fails the test, and a finding that stops reproducing fails it
//! too, so the list cannot go stale.

use session_store_conformance::{
    check, KnownFinding, MemoryHarness, Property, Report, SuiteConfig, Verdict, Violation,
};
use testbed::mutants::{Mutant, MutantHarness};

/// A finding on `lifecycle` of the given kind.
const fn lifecycle_finding(violation: Violation) -> KnownFinding {
    KnownFinding {
        id: "T1",
        property: Property::Lifecycle,
        violation,
        observed: "",
        explanation: "a finding declared by this test",
        consequence: "none: a test of the matching",
    }
}

/// `lifecycle` on a store whose `update` keeps the old state, with `known` declared.
fn lifecycle_of_stale_updates(known: &[KnownFinding]) -> Report {
    let harness = MutantHarness::new(Mutant::UpdateKeepsOldState);
    check(
        &harness,
        Property::Lifecycle,
        &SuiteConfig::default(),
        known,
    )
}

/// The finding PostgreSQL's store has (`update` of a dead key returns it), declared for a store
/// whose `update` instead keeps the old state.
#[test]
fn a_finding_does_not_excuse_another_failure_of_its_property() {
    let known = [lifecycle_finding(Violation::DeadKeyReturned)];
    let report = lifecycle_of_stale_updates(&known);
    match report.verdict(&known) {
        Verdict::Fails(why) => assert!(
            why.contains(Violation::WrongState.describe()),
            "fails, but not for the store's own defect: {why}"
        ),
        other => panic!("a finding excused a failure it does not describe: {other:?}"),
    }
}

/// The same store, with its own defect declared: excused, and reported as seen.
#[test]
fn a_finding_excuses_the_failure_it_describes() {
    let known = [lifecycle_finding(Violation::WrongState)];
    let report = lifecycle_of_stale_updates(&known);
    assert!(
        matches!(report.verdict(&known), Verdict::Known),
        "expected the declared finding to excuse the failure: {}",
        report.summary()
    );
    assert!(report.known.iter().any(|seen| seen.finding == known[0]));
}

/// A correct store with a finding declared: the finding no longer reproduces, so it fails.
#[test]
fn a_finding_that_no_longer_reproduces_fails() {
    let known = [lifecycle_finding(Violation::DeadKeyReturned)];
    let report = check(
        &MemoryHarness::new(),
        Property::Lifecycle,
        &SuiteConfig::default(),
        &known,
    );
    match report.verdict(&known) {
        Verdict::Fails(why) => assert!(why.contains("no longer reproduces"), "{why}"),
        other => panic!("a stale finding passed: {other:?}"),
    }
}

/// After a failure a known finding excuses, `races` checks every round that follows: the
/// finding is seen in many rounds, not only the first of each phase.
#[test]
fn races_go_on_after_an_excused_failure() {
    let known = [KnownFinding {
        id: "T2",
        property: Property::Races,
        violation: Violation::WrongState,
        observed: "was written back",
        explanation: "update_ttl writes an older state back (declared by this test)",
        consequence: "none: a test of the matching",
    }];
    let report = check(
        &MutantHarness::new(Mutant::UpdateTtlReadModifyWrite),
        Property::Races,
        &SuiteConfig::default(),
        &known,
    );
    assert!(
        matches!(report.verdict(&known), Verdict::Known),
        "{}",
        report.summary()
    );
    let times = report.known.first().map_or(0, |seen| seen.times);
    assert!(
        times > 2,
        "the finding was seen {times} times: rounds after the first excused one went unchecked"
    );
}
