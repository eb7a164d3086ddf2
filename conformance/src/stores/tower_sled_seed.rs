//! `tower-sessions-sled-store` 0.2.0, as published (on tower-sessions 0.14, through the suite's
//! `V0_14` adapter): one sled tree in a temp dir, the whole record MessagePack-encoded under the
//! id's 16 big-endian bytes; its sweep (`delete_expired`) and a damage hook that rewrites the
//! tree's value.

use tower_sessions_core::ExpiredDeletion as _;
use tower_sessions_sled_store::SledStore;

use crate::{
    compat::V0_14, Capabilities, Damage, Harness, KnownFinding, Property, Subject, Tower, Violation,
};

/// A fresh sled database in a temp dir per case.
#[derive(Debug, Clone, Copy, Default)]
pub struct TowerSledSeedHarness;

/// What the suite finds in tower-sessions-sled-store 0.2.0.
pub const SLED_SEED_KNOWN_FINDINGS: &[KnownFinding] = &[
    KnownFinding {
        id: "S1",
        property: Property::Expiry,
        violation: Violation::ExpiredServed,
        observed: "",
        explanation: "`load` never looks at `expiry_date`: an expired record is returned until \
                      `delete_expired` removes it",
        consequence: "an expired session is served, with all its data, until the next sweep; \
                      without a sweep task, forever",
    },
    KnownFinding {
        id: "S2",
        property: Property::HttpExpiry,
        violation: Violation::Http,
        observed: "the cookie of an expired session",
        explanation: "the same, behind the middleware: `Session` does not check the loaded \
                      record's expiry either",
        consequence: "a user whose session expired is still logged in with the old cookie",
    },
    KnownFinding {
        id: "S3",
        property: Property::Lifecycle,
        violation: Violation::CrossedSession,
        observed: "create with the key of a live session kept that key",
        explanation: "no `create`: the trait's default is a plain `save`, so an id that is \
                      already taken is overwritten (the collision handling of tower-sessions \
                      issue #180 is missing)",
        consequence: "with random 128-bit ids a collision is practically impossible; with ids \
                      from anywhere else, one user's new session replaces another's",
    },
    KnownFinding {
        id: "S4",
        property: Property::Races,
        violation: Violation::CrossedSession,
        observed: "two creates under one key both kept it",
        explanation: "the same default `create`, raced: both creates write the one id",
        consequence: "as S3",
    },
    KnownFinding {
        id: "S5",
        property: Property::DamagedRecords,
        violation: Violation::DamagedRecord,
        observed: "the sweep failed on a damaged record",
        explanation: "`delete_expired` decodes every record and returns at the first one that \
                      does not decode, with an error",
        consequence: "one damaged record stops every later sweep: expired sessions pile up \
                      (and, with S1, are served) until someone removes the record by hand",
    },
];

impl Harness for TowerSledSeedHarness {
    type Store = Tower<V0_14<SledStore>>;

    fn name(&self) -> String {
        "tower sled (tower-sessions-sled-store 0.2.0)".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::tower()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        let dir = tempfile::tempdir()?;
        let db = sled::open(dir.path())?;
        let tree = db.open_tree("session")?;
        let store = V0_14(SledStore::new(tree.clone()));
        let swept = store.clone();
        Ok(Subject::new(Tower::new(store))
            .with_uncounted_sweep(move || {
                let store = swept.clone();
                async move { Ok(store.delete_expired().await?) }
            })
            .with_damage(move |key, how| {
                let result = damage(&tree, &key, how);
                async move { result }
            })
            .with_guard((db, dir)))
    }
}

fn damage(tree: &sled::Tree, key: &str, how: Damage) -> anyhow::Result<()> {
    let id: tower_sessions_core::session::Id = key.parse()?;
    let at = id.0.to_be_bytes();
    let record = tree
        .get(at)?
        .ok_or_else(|| anyhow::anyhow!("no record to damage"))?;
    let damaged = match how {
        Damage::Overwritten => vec![0xC1; record.len()],
        Damage::Truncated => record[..record.len() / 2].to_vec(),
    };
    tree.insert(at, damaged)?;
    Ok(())
}
