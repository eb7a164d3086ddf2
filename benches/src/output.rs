//! Where criterion writes its estimates and where the benches keep what criterion does not
//! measure (disk bytes, state sizes).

use std::{collections::BTreeMap, path::PathBuf};

use serde::{Deserialize, Serialize};

/// The workspace's target directory (`CARGO_TARGET_DIR`, or `target/` at the workspace root).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    )
}

/// Criterion's output directory.
pub fn criterion_dir() -> PathBuf {
    std::env::var_os("CRITERION_HOME").map_or_else(|| target_dir().join("criterion"), PathBuf::from)
}

/// Measurements made beside criterion's, per number of live sessions.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Extra {
    /// Disk bytes of the data directory after a flush, by N.
    pub disk_bytes: BTreeMap<usize, u64>,
    /// Payload bytes (keys and values) of the realistic state.
    pub state_bytes: usize,
    /// Encoded record bytes of the realistic state in the store.
    pub record_bytes: usize,
    /// Each store measured, in the order measured: (label, name).
    pub stores: Vec<(String, String)>,
    /// The N each store was measured at, by label.
    pub measured: BTreeMap<String, std::collections::BTreeSet<usize>>,
    /// Stores not measured, by label: why.
    pub skipped: BTreeMap<String, String>,
}

impl Extra {
    fn path() -> PathBuf {
        criterion_dir().join("sessions-extra.json")
    }

    /// What an earlier run wrote, or nothing.
    pub fn load() -> Self {
        std::fs::read(Self::path())
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Writes it beside criterion's output.
    pub fn save(&self) -> anyhow::Result<()> {
        std::fs::create_dir_all(criterion_dir())?;
        std::fs::write(Self::path(), serde_json::to_vec_pretty(self)?)?;
        Ok(())
    }
}
