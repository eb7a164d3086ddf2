//! A full disk: a write fails with an error (never a panic), nothing acknowledged is lost, and
//! the store works again once space is freed, without its user reopening it. Runs on a small
//! tmpfs, so it needs root; elsewhere it says that it skipped and why.

mod common;

use std::time::{Duration, Instant};

use actix_session::storage::{SaveError, SessionStore};
use actix_session_sled::{Durability, SledSessionStore};
use common::*;
use testbed::tmpfs::Tmpfs;

#[actix_rt::test]
async fn a_full_disk_fails_writes_loses_nothing_and_recovers_once_space_is_freed() {
    let dir = tempfile::tempdir().unwrap();
    let mount = match Tmpfs::mount(&dir.path().join("tmpfs"), 16) {
        Ok(mount) => mount,
        Err(reason) => {
            eprintln!("SKIPPED the full-disk test: {reason}");
            return;
        }
    };
    let path = mount.path().join("sessions");
    let store = SledSessionStore::builder_at(&path)
        .unwrap()
        .durability(Durability::EveryWrite)
        .build()
        .unwrap();
    let padded = format!("\"{}\"", "x".repeat(1_000));
    let big = state(&[("pad", padded.as_str())]);
    let mut saved = Vec::new();
    for _ in 0..50 {
        saved.push(store.save(big.clone(), &DAY).await.unwrap());
    }

    let filler = mount.fill("filler", 256 * 1024).unwrap();
    let mut failure = None;
    for _ in 0..100_000 {
        match store.save(big.clone(), &DAY).await {
            Ok(key) => saved.push(key),
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    let failure = failure.expect("the disk never filled up");
    assert!(matches!(failure, SaveError::Other(_)), "{failure:?}");

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
