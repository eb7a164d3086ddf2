//! Failures are fast and precise: a counted loop stops at the first failing operation, every
//! failure names its phase, and a generated failure shrinks to the fewest steps, with keys
//! named by when they were issued.

use session_store_conformance::{check, Outcome, Property, SuiteConfig};
use testbed::mutants::{Mutant, MutantHarness};

fn failure_of(mutant: Mutant, property: Property) -> String {
    let report = check(
        &MutantHarness::new(mutant),
        property,
        &SuiteConfig::default(),
        &[],
    );
    match report.outcome {
        Outcome::Fail(failure) => failure.to_string(),
        other => panic!("{mutant:?} passed {property}: {other:?}"),
    }
}

/// The steps a `model_based` failure lists.
fn listed_steps(failure: &str) -> Vec<&str> {
    failure
        .lines()
        .skip_while(|line| !line.starts_with("the steps"))
        .skip(1)
        .collect()
}

/// A store whose `update` keeps the old state needs three steps to show it: save, update, and
/// a read (a load, or a sweep, which loads every session it must leave). Whatever sequence
/// proptest first found, the report lists exactly those, on each of 20 runs (each from its own
/// random seed).
#[test]
fn model_based_shrinks_to_the_fewest_steps() {
    for _ in 0..20 {
        fewest_steps_once();
    }
}

fn fewest_steps_once() {
    let failure = failure_of(Mutant::UpdateKeepsOldState, Property::ModelBased);
    let steps = listed_steps(&failure);
    assert_eq!(steps.len(), 3, "not the fewest steps:\n{failure}");
    assert!(steps[0].ends_with("-> the 1st key issued"), "{failure}");
    assert!(steps[1].contains("update the 1st key issued"), "{failure}");
    assert!(
        steps[2].contains("load the 1st key issued") || steps[2].ends_with("sweep"),
        "{failure}"
    );
}

mod failing_saves {
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };

    use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
    use actix_web::cookie::time::Duration as Ttl;
    use session_store_conformance::{
        memory_capabilities, Capabilities, Harness, ManualClock, MemoryStore, State, Subject,
    };

    /// The reference store, except that every `save` fails (a full disk, a dead server); it
    /// counts the saves it was asked for.
    #[derive(Debug, Clone)]
    pub struct FailingSaves {
        inner: MemoryStore,
        pub saves: Arc<AtomicUsize>,
    }

    impl SessionStore for FailingSaves {
        async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
            self.inner.load(key).await
        }

        async fn save(&self, _: State, _: &Ttl) -> Result<SessionKey, SaveError> {
            self.saves.fetch_add(1, Ordering::SeqCst);
            Err(SaveError::Other(anyhow::anyhow!("the disk is full")))
        }

        async fn update(
            &self,
            key: SessionKey,
            state: State,
            ttl: &Ttl,
        ) -> Result<SessionKey, UpdateError> {
            self.inner.update(key, state, ttl).await
        }

        async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
            self.inner.update_ttl(key, ttl).await
        }

        async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
            self.inner.delete(key).await
        }
    }

    #[derive(Debug)]
    pub struct FailingSavesHarness {
        clock: ManualClock,
        pub saves: Arc<AtomicUsize>,
    }

    impl FailingSavesHarness {
        pub fn new() -> Self {
            Self {
                clock: ManualClock::starting_now(),
                saves: Arc::default(),
            }
        }
    }

    impl Harness for FailingSavesHarness {
        type Store = FailingSaves;

        fn name(&self) -> String {
            "every save fails".to_owned()
        }

        fn capabilities(&self) -> Capabilities {
            memory_capabilities(&self.clock)
        }

        async fn fresh(&self) -> anyhow::Result<Subject<FailingSaves>> {
            Ok(Subject::new(FailingSaves {
                inner: MemoryStore::with_clock(self.clock.clone()),
                saves: self.saves.clone(),
            }))
        }
    }
}

/// `capacity` and `keys` ask for 100,000 saves; when the first one fails, they stop there (at
/// most the saves already in flight are made), and say which phase and which save.
#[test]
fn counted_loops_stop_at_the_first_failing_save() {
    use std::sync::atomic::Ordering;

    for (property, phase, most) in [
        (Property::Capacity, "saving 100000 sessions: save #", 64),
        (Property::Keys, "drawing 100000 fresh keys: save #0", 1),
    ] {
        let harness = failing_saves::FailingSavesHarness::new();
        let config = SuiteConfig {
            keys: 100_000,
            sessions: 100_000,
            in_flight: 64,
            ..SuiteConfig::default()
        };
        let report = check(&harness, property, &config, &[]);
        let Outcome::Fail(failure) = &report.outcome else {
            panic!("{property} passed a store whose saves all fail");
        };
        let saves = harness.saves.load(Ordering::SeqCst);
        assert!(
            saves <= most,
            "{property} made {saves} saves after the first one failed"
        );
        assert!(
            failure.detail.contains(phase),
            "{property}: the failure does not name its phase: {failure}"
        );
    }
}

/// `concurrency` says which of its two phases broke: here the first, where each thread writes
/// sessions of its own (a store whose updates keep the old state fails it on every run).
#[test]
fn concurrency_names_its_phase() {
    let failure = failure_of(Mutant::UpdateKeepsOldState, Property::Concurrency);
    assert!(
        failure.contains("4 threads, each writing 50 sessions of its own"),
        "{failure}"
    );
}
