//! A full disk: the example server (sled, `EveryWrite`, so a write is acknowledged only once it
//! is on disk) runs on a small tmpfs; a filler file takes the free space; logins go on until
//! one fails; the filler is removed; logins go on again. Needs permission to mount a tmpfs
//! (root); elsewhere it is skipped with the reason printed.
//!
//! Passes when the failing request is answered 500 (not a hang, not a crash), every session
//! acknowledged before, during and after is still there (before and after a restart), and
//! writes succeed again once space is freed.

use std::{
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};
use session_store_conformance::fixtures::Tmpfs;

use crate::{
    engine::{
        client::Target,
        phases,
        sessions::ClientSession,
        stats::{Recorder, Shared},
    },
    server::{
        builtin::Backend,
        child::{ServerChild, ServerSpec},
    },
};

/// Size of the tmpfs, in MiB.
pub const TMPFS_MIB: u64 = 32;
/// Free space left beside the filler file, for the server to fill.
pub const LEFT_FREE: u64 = 512 * 1024;
/// Logins tried while filling before giving up on ever seeing a failure.
const MAX_FILL_LOGINS: u64 = 200_000;
/// How long writes may take to work again once space is freed.
const RECOVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FullDiskOutcome {
    /// Sessions acknowledged (200) before the disk filled, including those of the filling phase.
    pub acknowledged: u64,
    /// Answers to the logins once the disk was full, status → count.
    pub while_full: std::collections::BTreeMap<String, u64>,
    /// Status of the first failing request.
    pub first_failure: Option<String>,
    /// Acknowledged sessions that read back intact while the disk was full / after freeing /
    /// after a restart.
    pub intact_while_full: u64,
    pub intact_after_free: u64,
    pub intact_after_restart: u64,
    /// Logins tried after freeing space until one succeeded, and how long that took.
    pub logins_to_recover: u64,
    pub recovered_after_s: Option<f64>,
    /// Sessions written after freeing space that read back after the restart.
    pub written_after_free: u64,
    pub written_after_free_intact: u64,
}

impl FullDiskOutcome {
    /// Reads while the disk is full are reported, not required: the store serves what its
    /// record cache holds while the database is closed, and the rest only once it reopens.
    pub fn passed(&self) -> bool {
        self.first_failure.as_deref() == Some("500")
            && self.intact_after_free == self.acknowledged
            && self.intact_after_restart == self.acknowledged
            && self.recovered_after_s.is_some()
            && self.written_after_free_intact == self.written_after_free
    }
}

/// `Err(reason)` when a tmpfs cannot be mounted here.
pub async fn run(work: &Path) -> anyhow::Result<Result<FullDiskOutcome, String>> {
    let mount = match Tmpfs::mount(&work.join("tmpfs"), TMPFS_MIB) {
        Ok(mount) => mount,
        Err(reason) => return Ok(Err(reason)),
    };
    let data_dir = mount.path().join("db");
    // The same cookie key across the restart, so that the old cookies still open.
    let key_file = work.join("full-disk.key");
    crate::server::cookies::write_key_file(&key_file, &actix_web::cookie::Key::generate())?;
    let spec = ServerSpec {
        data_dir: Some(data_dir.clone()),
        key_file: Some(key_file),
        every_write: true,
        log: Some((work.join("full-disk.log"), "warn".to_owned())),
        ..ServerSpec::builtin(Backend::Sled)
    };
    let mut server = ServerChild::spawn(&spec)?;
    crate::engine::run::wait_until_up(&server.base_url).await?;
    let target = Target::new(&server.base_url, true)?;
    let shared = Arc::new(Shared::new());
    let mut recorder = Recorder::new(shared.clone());
    let mut conn = target.connect();

    // Sessions stored while there is room.
    let mut acknowledged: Vec<ClientSession> = Vec::new();
    let mut indices = 0u32..;
    let mut next_user = move || {
        let index = indices.next().unwrap_or(u32::MAX);
        (index, crate::engine::sessions::user_name(index))
    };
    for _ in 0..100 {
        let (index, user) = next_user();
        let result = conn.login(&user, &mut recorder, Instant::now()).await;
        let cookie = result.map_err(|(_, why)| anyhow::anyhow!("login before filling: {why}"))?;
        acknowledged.push(ClientSession::new(index, &cookie));
    }

    // Take the free space, then log in until a write fails.
    let filler = mount.fill("filler", LEFT_FREE)?;
    let mut while_full = std::collections::BTreeMap::new();
    let mut first_failure = None;
    for _ in 0..MAX_FILL_LOGINS {
        let (index, user) = next_user();
        let result = conn.login(&user, &mut recorder, Instant::now()).await;
        match result {
            Ok(cookie) if first_failure.is_none() => {
                acknowledged.push(ClientSession::new(index, &cookie))
            }
            Ok(_) => *while_full.entry("200".to_owned()).or_insert(0) += 1,
            Err((_, why)) => {
                let status = status_of(&why);
                *while_full.entry(status.clone()).or_insert(0) += 1;
                if first_failure.is_none() {
                    first_failure = Some(status);
                }
            }
        }
        // A few more once full: does every write fail the same way?
        if first_failure.is_some() && while_full.values().sum::<u64>() >= 20 {
            break;
        }
    }
    let intact_while_full = intact(&target, &acknowledged, &shared).await;

    // Free the space: writes must work again.
    std::fs::remove_file(&filler)?;
    let freed = Instant::now();
    let mut logins_to_recover = 0;
    let mut recovered_after_s = None;
    let mut written_after_free = Vec::new();
    while freed.elapsed() < RECOVERY {
        logins_to_recover += 1;
        let (index, user) = next_user();
        let result = conn.login(&user, &mut recorder, Instant::now()).await;
        if let Ok(cookie) = result {
            recovered_after_s.get_or_insert(freed.elapsed().as_secs_f64());
            written_after_free.push(ClientSession::new(index, &cookie));
            if written_after_free.len() >= 100 {
                break;
            }
        } else if recovered_after_s.is_none() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let intact_after_free = intact(&target, &acknowledged, &shared).await;

    // And after a restart, everything acknowledged is on disk.
    server.stop();
    let server = ServerChild::spawn(&spec)?;
    crate::engine::run::wait_until_up(&server.base_url).await?;
    let target = Target::new(&server.base_url, true)?;
    let intact_after_restart = intact(&target, &acknowledged, &shared).await;
    let written_after_free_intact = intact(&target, &written_after_free, &shared).await;
    drop(server);
    Ok(Ok(FullDiskOutcome {
        acknowledged: acknowledged.len() as u64,
        while_full,
        first_failure,
        intact_while_full,
        intact_after_free,
        intact_after_restart,
        logins_to_recover,
        recovered_after_s,
        written_after_free: written_after_free.len() as u64,
        written_after_free_intact,
    }))
}

/// The status named in a failed login's description (`... status 500 ...`), or its kind.
fn status_of(why: &str) -> String {
    why.split("status ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map_or_else(|| why.to_owned(), str::to_owned)
}

/// How many of `sessions` read back exactly.
async fn intact(target: &Target, sessions: &[ClientSession], shared: &Arc<Shared>) -> u64 {
    phases::count_intact(target, vec![sessions.to_vec()], shared).await
}
