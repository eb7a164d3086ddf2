//! The record cache: bounded by its configured size, shared and coherent across clones, and
//! never serving what sled no longer holds (after a delete, an expiry, a sweep). The
//! conformance suite checks the same through the middleware with two workers.

mod common;

use actix_session::storage::SessionStore;
use common::*;

#[actix_rt::test]
async fn the_cache_stays_within_its_size_and_loses_no_session() {
    let f = fixture_with(|b| b.cache_bytes(64 * 1024));
    let mut saved = Vec::new();
    for i in 0..5_000 {
        let value = i.to_string();
        let key = f.store.save(state(&[("i", &value)]), &DAY).await.unwrap();
        saved.push((key, value));
        assert!(
            f.store.cached_bytes() <= 64 * 1024,
            "the cache grew past its size"
        );
    }
    // Evicted copies are only copies: every session still loads, from sled.
    for (key, value) in &saved {
        assert_eq!(
            f.store.load(key).await.unwrap(),
            Some(state(&[("i", value)]))
        );
    }
    assert!(f.store.cached_bytes() <= 64 * 1024);
}

#[actix_rt::test]
async fn clones_share_one_coherent_cache() {
    let f = fixture();
    let (a, b) = (f.store.clone(), f.store.clone());
    let key = a.save(state(&[("n", "1")]), &DAY).await.unwrap();
    assert_eq!(b.load(&key).await.unwrap(), Some(state(&[("n", "1")])));
    let key = a.update(key, state(&[("n", "2")]), &DAY).await.unwrap();
    assert_eq!(b.load(&key).await.unwrap(), Some(state(&[("n", "2")])));
    b.update_ttl(&key, &DAY).await.unwrap();
    assert_eq!(a.load(&key).await.unwrap(), Some(state(&[("n", "2")])));
    a.delete(&key).await.unwrap();
    assert_eq!(b.load(&key).await.unwrap(), None);
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn a_cached_session_expires_and_a_sweep_leaves_no_stale_copy() {
    let f = fixture();
    let short = f
        .store
        .save(
            state(&[("ttl", "short")]),
            &actix_web::cookie::time::Duration::seconds(10),
        )
        .await
        .unwrap();
    let long = f.store.save(state(&[("ttl", "long")]), &DAY).await.unwrap();
    assert!(f.store.load(&short).await.unwrap().is_some()); // now cached
    f.clock.advance(secs(11));
    assert_eq!(
        f.store.load(&short).await.unwrap(),
        None,
        "a cached copy outlived its TTL"
    );
    assert_eq!(f.store.sweep_expired().unwrap(), 1);
    assert_eq!(f.store.load(&short).await.unwrap(), None);
    // update of the swept key saves anew; the old key stays dead.
    let moved = f
        .store
        .update(copy(&short), state(&[("ttl", "again")]), &DAY)
        .await
        .unwrap();
    assert_ne!(moved, short);
    assert_eq!(f.store.load(&short).await.unwrap(), None);
    assert_eq!(
        f.store.load(&long).await.unwrap(),
        Some(state(&[("ttl", "long")]))
    );
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn with_the_cache_off_everything_still_works() {
    let f = fixture_with(|b| b.cache_bytes(0));
    let key = f.store.save(state(&[("n", "1")]), &DAY).await.unwrap();
    let key = f
        .store
        .update(key, state(&[("n", "2")]), &DAY)
        .await
        .unwrap();
    assert_eq!(
        f.store.load(&key).await.unwrap(),
        Some(state(&[("n", "2")]))
    );
    assert_eq!(f.store.cached_bytes(), 0);
    f.store.delete(&key).await.unwrap();
    assert_eq!(f.store.load(&key).await.unwrap(), None);
}

#[actix_rt::test]
async fn a_record_written_behind_the_stores_back_is_seen_once_forgotten() {
    let f = fixture();
    let key = f.store.save(state(&[("n", "1")]), &DAY).await.unwrap();
    assert!(f.store.load(&key).await.unwrap().is_some());
    let data =
        f.db.open_tree(actix_session_sled::DEFAULT_DATA_TREE)
            .unwrap();
    data.remove(key.as_ref()).unwrap();
    // The cache holds what the store wrote...
    assert!(f.store.load(&key).await.unwrap().is_some());
    // ...until told that something else wrote its tree.
    f.store.forget_cached(key.as_ref());
    assert_eq!(f.store.load(&key).await.unwrap(), None);
}
