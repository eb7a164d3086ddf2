//! What is on disk: reopening, corruption, size limits, key collisions and durability.

mod common;

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use actix_session::storage::{LoadError, SaveError, SessionStore, UpdateError};
use actix_session_sled::{Durability, SledSessionStore};
use common::*;

#[actix_rt::test]
async fn sessions_survive_drop_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sessions");
    let (a, b) = {
        let store = SledSessionStore::open(&path).unwrap();
        let a = store.save(state(&[("who", "\"a\"")]), &DAY).await.unwrap();
        let b = store.save(state(&[("who", "\"b\"")]), &DAY).await.unwrap();
        store.delete(&b).await.unwrap();
        (a, b)
    }; // the last handle drops here and flushes
    let store = SledSessionStore::open(&path).unwrap();
    assert_eq!(
        store.load(&a).await.unwrap(),
        Some(state(&[("who", "\"a\"")]))
    );
    assert_eq!(store.load(&b).await.unwrap(), None);
    assert_consistent(&store);
}

#[cfg(unix)]
#[test]
fn the_data_directory_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/sessions");
    let _store = SledSessionStore::open(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
}

#[actix_rt::test]
async fn every_write_durability_works_end_to_end() {
    let f = fixture_with(|b| b.durability(Durability::EveryWrite));
    assert_eq!(f.store.durability(), Durability::EveryWrite);
    let key = f.store.save(state(&[("a", "b")]), &DAY).await.unwrap();
    let key = f
        .store
        .update(key, state(&[("a", "c")]), &DAY)
        .await
        .unwrap();
    f.store.update_ttl(&key, &DAY).await.unwrap();
    assert_eq!(
        f.store.load(&key).await.unwrap(),
        Some(state(&[("a", "c")]))
    );
    f.store.delete(&key).await.unwrap();
    assert_eq!(f.store.load(&key).await.unwrap(), None);
}

#[actix_rt::test]
async fn a_corrupted_record_is_a_deserialization_error_and_others_still_work() {
    let f = fixture();
    let victim = f.store.save(state(&[("n", "1")]), &DAY).await.unwrap();
    let bystander = f.store.save(state(&[("n", "2")]), &DAY).await.unwrap();
    let data = f.db.open_tree("sessions").unwrap();
    let good = data.get(victim.as_ref()).unwrap().unwrap().to_vec();

    let mut garbled_state = good.clone();
    let last = garbled_state.len() - 1;
    garbled_state.truncate(last); // the state is cut short
    let mut bad_version = good.clone();
    bad_version[0] = 0xEE;
    for corrupt in [garbled_state, bad_version, vec![], vec![1, 2, 3]] {
        data.insert(victim.as_ref(), corrupt).unwrap();
        // Written behind the store's back: its cache must be told.
        f.store.forget_cached(victim.as_ref());
        match f.store.load(&victim).await {
            Err(LoadError::Deserialization(_)) => {}
            other => panic!("expected LoadError::Deserialization, got {other:?}"),
        }
        assert_eq!(
            f.store.load(&bystander).await.unwrap(),
            Some(state(&[("n", "2")]))
        );
    }
    assert_eq!(f.store.verify().unwrap().corrupt_records, 1);

    // Updating the unreadable session moves the state to a new key, as for a vanished one.
    let moved = f
        .store
        .update(copy(&victim), state(&[("n", "3")]), &DAY)
        .await
        .unwrap();
    assert_ne!(moved, victim);
    assert_eq!(
        f.store.load(&moved).await.unwrap(),
        Some(state(&[("n", "3")]))
    );
    // update_ttl and delete of it do not fail either.
    f.store.update_ttl(&victim, &DAY).await.unwrap();
    f.store.delete(&victim).await.unwrap();
    assert_eq!(f.store.load(&victim).await.unwrap(), None);
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn an_oversized_state_is_refused_and_nothing_is_written() {
    let f = fixture_with(|b| b.max_state_bytes(1024));
    let key = f.store.save(state(&[("small", "1")]), &DAY).await.unwrap();
    let before = f.store.verify().unwrap();
    let big = state(&[("big", &"x".repeat(2000))]);

    match f.store.save(big.clone(), &DAY).await {
        Err(SaveError::Serialization(e)) => {
            let message = format!("{e}");
            assert!(
                message.contains("limit of 1024 bytes"),
                "unclear message: {message}"
            );
        }
        other => panic!("expected SaveError::Serialization, got {other:?}"),
    }
    match f.store.update(copy(&key), big, &DAY).await {
        Err(UpdateError::Serialization(_)) => {}
        other => panic!("expected UpdateError::Serialization, got {other:?}"),
    }
    assert_eq!(f.store.verify().unwrap(), before, "nothing was written");
    assert_eq!(
        f.store.load(&key).await.unwrap(),
        Some(state(&[("small", "1")]))
    );
    // Exactly at the limit is accepted.
    let fits = state(&[("k", &"y".repeat(1024 - 6))]);
    assert!(f.store.save(fits, &DAY).await.is_ok());
}

#[actix_rt::test]
async fn a_forced_key_collision_is_retried_with_a_new_key() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    // Keys: "dup", "dup", "dup", "fresh-3", "fresh-4", ...
    let f = fixture_with(move |b| {
        b.key_generator(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let key = if n < 3 {
                "dup".to_owned()
            } else {
                format!("fresh-{n}")
            };
            key.try_into().unwrap()
        })
    });
    let first = f
        .store
        .save(state(&[("owner", "first")]), &DAY)
        .await
        .unwrap();
    assert_eq!(first.as_ref(), "dup");
    let second = f
        .store
        .save(state(&[("owner", "second")]), &DAY)
        .await
        .unwrap();
    assert_eq!(second.as_ref(), "fresh-3", "two colliding keys skipped");
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    assert_eq!(
        f.store.load(&first).await.unwrap(),
        Some(state(&[("owner", "first")])),
        "never clobbered"
    );
    assert_eq!(
        f.store.load(&second).await.unwrap(),
        Some(state(&[("owner", "second")]))
    );
    let report = f.store.verify().unwrap();
    assert_eq!(
        (report.faults(), report.index_entries),
        (0, 2),
        "{report:?}"
    );
}

#[actix_rt::test]
async fn a_generator_that_only_collides_is_an_error_not_a_hang() {
    let f = fixture_with(|b| b.key_generator(|| "same".to_owned().try_into().unwrap()));
    f.store.save(state(&[("a", "b")]), &DAY).await.unwrap();
    match f.store.save(state(&[("a", "c")]), &DAY).await {
        Err(SaveError::Other(e)) => assert!(format!("{e}").contains("unused session key")),
        other => panic!("expected SaveError::Other, got {other:?}"),
    }
    assert_consistent(&f.store);
}
