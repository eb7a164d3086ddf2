//! A corrupted record: the example server's sessions are written, the server stops, three
//! records are damaged in the tree, the server starts again on the same directory.
//!
//! Each damaged session must load as absent (401, never a 5xx) with actix-session's
//! "Invalid session state" warning in the log (the store's `LoadError::Deserialization`), its
//! owner must be able to log in afresh, and every other session must read as it was.

use std::{path::Path, sync::Arc};

use actix_session_sled::DEFAULT_DATA_TREE;
use actix_web::cookie::Key;
use serde::{Deserialize, Serialize};

use crate::{
    engine::{client::Target, phases, sessions::ClientSession, stats::Shared},
    reliability::wire::{self, RawConn},
    server::{
        builtin::Backend,
        child::{ServerChild, ServerSpec},
        cookies,
    },
};

/// Sessions written before the damage.
const SESSIONS: u64 = 200;
/// The warning actix-session logs when a store reports `LoadError::Deserialization`.
const WARNING: &str = "Invalid session state";

/// How one record was damaged, and what its owner then got.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Victim {
    pub damage: String,
    /// `GET /counter` with the old cookie (expected 401).
    pub read: String,
    /// `POST /counter` with the old cookie (expected 401).
    pub increment: String,
    /// `POST /login` with the old cookie (expected 200, a new session).
    pub login_again: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CorruptOutcome {
    pub victims: Vec<Victim>,
    pub others: u64,
    pub others_intact: u64,
    /// Lines of the restarted server's log with actix-session's warning.
    pub deserialization_warnings: u64,
    /// Whether any session key appears in the server's logs.
    pub key_in_logs: bool,
}

impl CorruptOutcome {
    pub fn passed(&self) -> bool {
        self.victims
            .iter()
            .all(|v| v.read == "401" && v.increment == "401" && v.login_again == "200")
            && self.others_intact == self.others
            && self.deserialization_warnings >= self.victims.len() as u64
            && !self.key_in_logs
    }
}

/// A change to a record's bytes.
type Damage = fn(&mut Vec<u8>);

/// The three kinds of damage, by name.
const DAMAGE: [(&str, Damage); 3] = [
    ("state bytes overwritten (header intact)", |record| {
        for byte in record.iter_mut().skip(17) {
            *byte = 0xFF;
        }
    }),
    ("unknown format version byte", |record| record[0] = 0xEE),
    ("record truncated to 5 bytes", |record| record.truncate(5)),
];

pub async fn run(work: &Path) -> anyhow::Result<CorruptOutcome> {
    let key = Key::generate();
    let key_file = work.join("corrupt.key");
    cookies::write_key_file(&key_file, &key)?;
    let data_dir = work.join("corrupt-db");
    let spec = |log: &str| ServerSpec {
        data_dir: Some(data_dir.clone()),
        key_file: Some(key_file.clone()),
        log: Some((work.join(log), "warn".to_owned())),
        ..ServerSpec::builtin(Backend::Sled)
    };

    // Write the sessions, then stop the server (it flushes on the way out).
    let mut server = ServerChild::spawn(&spec("corrupt-before.log"))?;
    crate::engine::run::wait_until_up(&server.base_url).await?;
    let target = Target::new(&server.base_url, true)?;
    let shared = Arc::new(Shared::new());
    let (shares, login) = phases::login(&target, SESSIONS, 4, &shared).await;
    anyhow::ensure!(
        login.count(false) + login.count(true) == 0,
        "logging sessions in failed"
    );
    server.stop();
    let mut sessions: Vec<ClientSession> = shares.into_iter().flatten().collect();
    sessions.sort_by_key(|s| s.index);

    // Damage the first three records in the tree.
    let victims: Vec<ClientSession> = sessions.drain(..DAMAGE.len()).collect();
    let mut keys = Vec::new();
    {
        let db = actix_session_sled::sled_config(&data_dir).open()?;
        let tree = db.open_tree(DEFAULT_DATA_TREE)?;
        for (victim, (_, damage)) in victims.iter().zip(DAMAGE) {
            let session_key =
                cookies::session_key(&victim.cookie.text(), &key, cookies::Security::Private)
                    .ok_or_else(|| anyhow::anyhow!("a cookie the server set does not verify"))?;
            let mut record = tree
                .get(session_key.as_bytes())?
                .ok_or_else(|| anyhow::anyhow!("a logged-in session has no record"))?
                .to_vec();
            damage(&mut record);
            tree.insert(session_key.as_bytes(), record)?;
            keys.push(session_key);
        }
        db.flush()?;
    }

    // Restart on the damaged directory.
    let mut server = ServerChild::spawn(&spec("corrupt-after.log"))?;
    crate::engine::run::wait_until_up(&server.base_url).await?;
    let target = Target::new(&server.base_url, true)?;
    let mut conn = RawConn::new(target.addr());
    let mut outcomes = Vec::new();
    for (victim, (damage, _)) in victims.iter().zip(DAMAGE) {
        let cookie = vec![format!("{}={}", cookies::NAME, victim.cookie.text()).into_bytes()];
        let mut statuses = Vec::new();
        for (method, path) in [
            ("GET", "/counter".to_owned()),
            ("POST", "/counter".to_owned()),
            ("POST", format!("/login?user={}", victim.user())),
        ] {
            let request = wire::request(method, &path, &cookie);
            statuses.push(conn.exchange(&request).await?.outcome());
        }
        outcomes.push(Victim {
            damage: damage.to_owned(),
            read: statuses[0].clone(),
            increment: statuses[1].clone(),
            login_again: statuses[2].clone(),
        });
    }
    let others = sessions.len() as u64;
    let others_intact = phases::count_intact(&target, vec![sessions], &shared).await;
    server.stop();

    let logs = ["corrupt-before.log", "corrupt-after.log"]
        .map(|name| std::fs::read_to_string(work.join(name)).unwrap_or_default());
    Ok(CorruptOutcome {
        victims: outcomes,
        others,
        others_intact,
        deserialization_warnings: logs[1].lines().filter(|l| l.contains(WARNING)).count() as u64,
        key_in_logs: keys
            .iter()
            .any(|k| logs.iter().any(|log| log.contains(k.as_str()))),
    })
}
