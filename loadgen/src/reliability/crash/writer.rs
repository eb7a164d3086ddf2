//! The writer of a kill cycle, through either front of the store, and how the driver reads back
//! what it wrote. Keys are derived from the cycle and the index, so no key crosses the pipe.

use std::{
    collections::HashMap,
    path::Path,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use actix_session::storage::{SessionKey, SessionStore as ActixStore};
use actix_session_sled::{Durability, SledSessionStore};
use actix_web::cookie::time::Duration as Ttl;
use rand::{rngs::SmallRng, Rng, SeedableRng};
use tower_sessions_core::{
    session::{Id, Record},
    SessionStore as TowerStore,
};

/// Which front of the store a writer goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Front {
    /// actix-session's `save` (a key from the store's key generator) and `update`.
    Actix,
    /// tower-sessions' `create` (the caller's id) and `save`.
    Tower,
}

impl Front {
    pub const ALL: [Front; 2] = [Front::Actix, Front::Tower];

    pub fn name(self) -> &'static str {
        match self {
            Front::Actix => "actix",
            Front::Tower => "tower",
        }
    }
}

/// The actix key of session `index` written in `cycle`: 64 alphanumeric characters, like real
/// keys.
pub fn crash_key(cycle: u64, index: u64) -> String {
    format!("crash{cycle:09}x{index:049}")
}

/// The tower id of session `index` written in `cycle`: distinct for every cycle and index.
fn crash_id(cycle: u64, index: u64) -> Id {
    Id((i128::from(cycle) << 64) | i128::from(index) | (1 << 126))
}

fn state(value: u64) -> HashMap<String, String> {
    HashMap::from([("v".to_owned(), value.to_string())])
}

/// The writer child: writes until killed, printing `ack INDEX VALUE` after each write returns.
pub fn writer(
    dir: &Path,
    cycle: u64,
    durability: Durability,
    seed: u64,
    front: Front,
) -> anyhow::Result<()> {
    let db = actix_session_sled::sled_config(dir).open()?;
    let next = Arc::new(AtomicU64::new(0));
    let keys = next.clone();
    let store = SledSessionStore::builder(db)
        .durability(durability)
        .key_generator(move || {
            crash_key(cycle, keys.fetch_add(1, Ordering::SeqCst))
                .try_into()
                .expect("a 64-character key")
        })
        .build()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut values: Vec<u64> = Vec::new();
    let mut out = std::io::stdout().lock();
    loop {
        use std::io::Write;
        let (index, value) = if values.is_empty() || rng.random_bool(0.4) {
            let index = values.len() as u64;
            runtime.block_on(create(&store, front, cycle, index, &next))?;
            values.push(0);
            (index, 0)
        } else {
            let index = rng.random_range(0..values.len());
            let value = values[index] + 1;
            runtime.block_on(update(&store, front, cycle, index as u64, value))?;
            values[index] = value;
            (index as u64, value)
        };
        writeln!(out, "ack {index} {value}")?;
        out.flush()?;
    }
}

async fn create(
    store: &SledSessionStore,
    front: Front,
    cycle: u64,
    index: u64,
    next: &AtomicU64,
) -> anyhow::Result<()> {
    match front {
        Front::Actix => {
            let key = ActixStore::save(store, state(0), &Ttl::days(1)).await?;
            let issued = next.load(Ordering::SeqCst) - 1;
            anyhow::ensure!(
                issued == index && key.as_ref() == crash_key(cycle, index),
                "save issued an unexpected key"
            );
        }
        Front::Tower => {
            let mut record = record(cycle, index, 0)?;
            TowerStore::create(store, &mut record).await?;
            anyhow::ensure!(
                record.id == crash_id(cycle, index),
                "create moved a fresh id"
            );
        }
    }
    Ok(())
}

async fn update(
    store: &SledSessionStore,
    front: Front,
    cycle: u64,
    index: u64,
    value: u64,
) -> anyhow::Result<()> {
    match front {
        Front::Actix => {
            let key: SessionKey = crash_key(cycle, index).try_into()?;
            let returned = ActixStore::update(store, key, state(value), &Ttl::days(1)).await?;
            anyhow::ensure!(
                returned.as_ref() == crash_key(cycle, index),
                "update moved a live session"
            );
        }
        Front::Tower => TowerStore::save(store, &record(cycle, index, value)?).await?,
    }
    Ok(())
}

fn record(cycle: u64, index: u64, value: u64) -> anyhow::Result<Record> {
    Ok(Record {
        id: crash_id(cycle, index),
        data: HashMap::from([("v".to_owned(), serde_json::Value::from(value))]),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::days(1),
    })
}

/// The value session `index` of `cycle` holds in the reopened store, read through `front`.
pub async fn stored_value(
    store: &SledSessionStore,
    front: Front,
    cycle: u64,
    index: u64,
) -> Result<Option<u64>, String> {
    let failed = |e: &dyn std::fmt::Display| format!("load failed: {e}");
    Ok(match front {
        Front::Actix => {
            let key: SessionKey = crash_key(cycle, index)
                .try_into()
                .map_err(|e| format!("{e}"))?;
            ActixStore::load(store, &key)
                .await
                .map_err(|e| failed(&e))?
                .and_then(|s| s.get("v").and_then(|v| v.parse::<u64>().ok()))
        }
        Front::Tower => TowerStore::load(store, &crash_id(cycle, index))
            .await
            .map_err(|e| failed(&e))?
            .and_then(|r| r.data.get("v").and_then(serde_json::Value::as_u64)),
    })
}
