//! A full disk: a write fails with an error (never a panic), nothing acknowledged is lost, and
//! the store works again once space is freed, without its user reopening it. Runs on a small
//! tmpfs, so it needs root; elsewhere it says that it skipped and why.

mod common;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use actix_session::storage::{SaveError, SessionKey, SessionStore};
use actix_session_sled::{Durability, SledSessionStore};
use common::*;
use session_store_conformance::fixtures::Tmpfs;

/// A 16 MiB tmpfs under `dir`, or `None` (the reason printed) where none can be mounted.
fn mount_small_tmpfs(dir: &Path) -> Option<Tmpfs> {
    match Tmpfs::mount(&dir.join("tmpfs"), 16) {
        Ok(mount) => Some(mount),
        Err(reason) => {
            eprintln!("SKIPPED the full-disk test: {reason}");
            None
        }
    }
}

/// A state of about a kilobyte, so that the disk fills in a few thousand saves.
fn big_state() -> HashMap<String, String> {
    let padded = format!("\"{}\"", "x".repeat(1_000));
    state(&[("pad", padded.as_str())])
}

/// What filling the disk left.
struct Filled {
    /// Every session whose save was acknowledged.
    saved: Vec<SessionKey>,
    /// The file that took most of the room; removing it frees the disk.
    filler: PathBuf,
    /// The error of the first save that failed.
    failure: SaveError,
}

/// Saves 50 sessions, fills most of `mount` with a file, then saves until a save fails.
async fn fill_until_a_save_fails(
    store: &SledSessionStore,
    mount: &Tmpfs,
    big: &HashMap<String, String>,
) -> Filled {
    let mut saved = Vec::new();
    for _ in 0..50 {
        saved.push(store.save(big.clone(), &DAY).await.unwrap());
    }
    let filler = mount.fill("filler", 256 * 1024).unwrap();
    for _ in 0..100_000 {
        match store.save(big.clone(), &DAY).await {
            Ok(key) => saved.push(key),
            Err(failure) => {
                return Filled {
                    saved,
                    filler,
                    failure,
                }
            }
        }
    }
    panic!("the disk never filled up");
}

#[actix_rt::test]
async fn a_full_disk_fails_writes_loses_nothing_and_recovers_once_space_is_freed() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mount) = mount_small_tmpfs(dir.path()) else {
        return;
    };
    let path = mount.path().join("sessions");
    let store = SledSessionStore::builder_at(&path)
        .unwrap()
        .durability(Durability::EveryWrite)
        .build()
        .unwrap();
    let big = big_state();
    let Filled {
        mut saved,
        filler,
        failure,
    } = fill_until_a_save_fails(&store, &mount, &big).await;
    assert!(matches!(failure, SaveError::Other(_)), "{failure:?}");
    // While the disk is full the database is closed for reopening; what the store acknowledged
    // is still served, from its record cache.
    for key in &saved {
        assert_eq!(store.load(key).await.unwrap(), Some(big.clone()));
    }

    std::fs::remove_file(filler).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let after = loop {
        match store.save(big.clone(), &DAY).await {
            Ok(key) => break key,
            Err(_) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(error) => panic!("writes did not work again after space was freed: {error}"),
        }
    };
    saved.push(after);
    for key in &saved {
        assert_eq!(store.load(key).await.unwrap(), Some(big.clone()));
    }

    drop(store);
    let store = SledSessionStore::open(&path).unwrap();
    for key in &saved {
        assert_eq!(store.load(key).await.unwrap(), Some(big.clone()));
    }
    assert_consistent(&store);
}

/// What sled 0.34 itself does after a failed write, seen through a store over a `Db` of the
/// caller's (which the store cannot reopen) with its record cache off: reads mostly keep working
/// (a read that must first rewrite its page fails too), and writes keep failing, even once space
/// is freed, until the caller reopens the directory.
#[actix_rt::test]
async fn over_a_callers_db_reads_keep_working_and_writes_keep_failing_after_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mount) = mount_small_tmpfs(dir.path()) else {
        return;
    };
    let path = mount.path().join("sessions");
    let db = actix_session_sled::sled_config(&path).open().unwrap();
    // No record cache: every load goes to sled.
    let store = SledSessionStore::builder(db)
        .durability(Durability::EveryWrite)
        .cache_bytes(0)
        .build()
        .unwrap();
    let big = big_state();
    let Filled { saved, filler, .. } = fill_until_a_save_fails(&store, &mount, &big).await;
    let mut readable = 0;
    let mut errors = 0;
    for key in &saved {
        match store.load(key).await {
            Ok(Some(state)) => {
                assert_eq!(state, big);
                readable += 1;
            }
            Ok(None) => panic!("an acknowledged session vanished"),
            Err(_) => errors += 1,
        }
    }
    println!(
        "readable while full: {readable} of {}, {errors} failed",
        saved.len()
    );
    assert!(readable > 0, "sled served no read after the I/O error");
    std::fs::remove_file(filler).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        store.save(big.clone(), &DAY).await.is_err(),
        "sled keeps refusing writes on this Db once one has failed"
    );
    assert_eq!(store.load(&saved[0]).await.unwrap(), Some(big.clone()));
}
