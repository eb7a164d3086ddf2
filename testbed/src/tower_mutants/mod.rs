//! Deliberately broken tower-sessions stores: the tower front's teeth. Each has one defect of a
//! bug class tower stores ship with, and the suite must fail every one of them every time.

mod store;

use session_store_conformance::{Capabilities, Harness, Property, Subject, Tower};
use tower_sessions_core::ExpiredDeletion as _;

pub use self::store::TowerMutantStore;

/// One defect of a tower-sessions store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TowerMutant {
    /// `load` returns a record whatever its `expiry_date` ("the sweep removes expired ones").
    LoadIgnoresExpiry,
    /// `create` is the trait's default: a plain `save`, which overwrites a session whose id it
    /// happens to draw.
    CreateOverwrites,
    /// `create` checks that the id is free, awaits, then inserts: a racing create gets in between.
    CreateChecksThenInserts,
    /// `delete_expired` stops with an error at the first record that does not decode.
    SweepAbortsOnBadRecord,
    /// Every JSON number goes through an `f64`: large integers and exact floats change.
    LossyNumbers,
    /// Each handle (each application instance) keeps its own read cache.
    PerHandleCache,
    /// Writes are batched and written on the next write; a delete only hides the id until then,
    /// so the next write of any session writes the deleted one back.
    WriteBehindResurrects,
}

impl TowerMutant {
    /// Every one.
    pub const ALL: [TowerMutant; 7] = [
        TowerMutant::LoadIgnoresExpiry,
        TowerMutant::CreateOverwrites,
        TowerMutant::CreateChecksThenInserts,
        TowerMutant::SweepAbortsOnBadRecord,
        TowerMutant::LossyNumbers,
        TowerMutant::PerHandleCache,
        TowerMutant::WriteBehindResurrects,
    ];

    /// The property that must catch it on every run.
    pub fn caught_by(self) -> Property {
        match self {
            TowerMutant::LoadIgnoresExpiry => Property::Expiry,
            TowerMutant::CreateOverwrites | TowerMutant::WriteBehindResurrects => {
                Property::Lifecycle
            }
            TowerMutant::CreateChecksThenInserts => Property::Races,
            TowerMutant::SweepAbortsOnBadRecord => Property::DamagedRecords,
            TowerMutant::LossyNumbers => Property::StateRoundTrip,
            TowerMutant::PerHandleCache => Property::HttpWorkflow,
        }
    }

    /// Whether its defect shows only when operations interleave (caught 20 times in a row).
    pub fn is_race(self) -> bool {
        self == TowerMutant::CreateChecksThenInserts
    }
}

/// A harness for one tower mutant: a fresh store per case, on the real clock, with its sweep
/// (`delete_expired`) and a damage hook.
#[derive(Debug, Clone, Copy)]
pub struct TowerMutantHarness(pub TowerMutant);

impl Harness for TowerMutantHarness {
    type Store = Tower<TowerMutantStore>;

    fn name(&self) -> String {
        format!("tower mutant {:?}", self.0)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::tower()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        let store = TowerMutantStore::new(self.0);
        let (swept, damaged) = (store.clone(), store.clone());
        Ok(Subject::new(Tower::new(store))
            .with_uncounted_sweep(move || {
                let store = swept.clone();
                async move { Ok(store.delete_expired().await?) }
            })
            .with_damage(move |key, how| {
                let result = damaged.damage(&key, how);
                async move { result }
            }))
    }
}
