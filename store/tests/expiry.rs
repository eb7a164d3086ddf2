//! Expiry as `load`, `update` and `update_ttl` see it, with a clock the test controls.

mod common;

use actix_session::storage::SessionStore;
use actix_web::cookie::time::Duration as Ttl;
use common::*;

#[actix_rt::test]
async fn a_live_session_loads_its_state() {
    let f = fixture();
    let key = f.store.save(state(&[("n", "1")]), &DAY).await.unwrap();
    assert_eq!(
        f.store.load(&key).await.unwrap(),
        Some(state(&[("n", "1")]))
    );
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn an_expired_session_is_never_loaded_even_before_a_sweep() {
    let f = fixture();
    let key = f
        .store
        .save(state(&[("n", "1")]), &Ttl::seconds(10))
        .await
        .unwrap();
    f.clock.advance(secs(9));
    assert!(f.store.load(&key).await.unwrap().is_some());
    f.clock.advance(secs(1));
    assert_eq!(
        f.store.load(&key).await.unwrap(),
        None,
        "expired at exactly its TTL"
    );
    f.clock.advance(secs(3600));
    assert_eq!(f.store.load(&key).await.unwrap(), None);
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn zero_and_negative_ttls_mean_already_expired() {
    let f = fixture();
    for ttl in [Ttl::ZERO, Ttl::seconds(-5), Ttl::MIN] {
        let key = f.store.save(state(&[("a", "b")]), &ttl).await.unwrap();
        assert_eq!(f.store.load(&key).await.unwrap(), None, "ttl {ttl:?}");
    }
    let live = f.store.save(state(&[("a", "b")]), &DAY).await.unwrap();
    f.store.update_ttl(&live, &Ttl::ZERO).await.unwrap();
    assert_eq!(
        f.store.load(&live).await.unwrap(),
        None,
        "update_ttl(0) expires"
    );
    assert_eq!(f.store.sweep_expired().unwrap(), 4);
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn a_huge_ttl_saturates_instead_of_overflowing() {
    let f = fixture();
    let key = f.store.save(state(&[("a", "b")]), &Ttl::MAX).await.unwrap();
    f.clock.advance(secs(100 * 365 * 24 * 3600));
    assert!(f.store.load(&key).await.unwrap().is_some());
    let key = f
        .store
        .update(key, state(&[("a", "c")]), &Ttl::MAX)
        .await
        .unwrap();
    f.store.update_ttl(&key, &Ttl::MAX).await.unwrap();
    assert_eq!(
        f.store.load(&key).await.unwrap(),
        Some(state(&[("a", "c")]))
    );
    assert_eq!(f.store.sweep_expired().unwrap(), 0);
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn update_of_a_live_session_keeps_its_key_and_replaces_state() {
    let f = fixture();
    let key = f.store.save(state(&[("n", "1")]), &DAY).await.unwrap();
    let same = f
        .store
        .update(copy(&key), state(&[("m", "2")]), &DAY)
        .await
        .unwrap();
    assert_eq!(same, key);
    assert_eq!(
        f.store.load(&key).await.unwrap(),
        Some(state(&[("m", "2")]))
    );
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn update_after_expiry_returns_a_new_key_and_the_old_one_loads_nothing() {
    let f = fixture();
    let old = f
        .store
        .save(state(&[("n", "1")]), &Ttl::seconds(60))
        .await
        .unwrap();
    f.clock.advance(secs(61));
    let new = f
        .store
        .update(copy(&old), state(&[("n", "2")]), &Ttl::seconds(60))
        .await
        .unwrap();
    assert_ne!(new, old);
    assert_eq!(f.store.load(&old).await.unwrap(), None);
    assert_eq!(
        f.store.load(&new).await.unwrap(),
        Some(state(&[("n", "2")]))
    );
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn update_of_a_deleted_session_returns_a_new_key() {
    let f = fixture();
    let old = f.store.save(state(&[("n", "1")]), &DAY).await.unwrap();
    f.store.delete(&old).await.unwrap();
    let new = f
        .store
        .update(copy(&old), state(&[("n", "2")]), &DAY)
        .await
        .unwrap();
    assert_ne!(new, old);
    assert_eq!(f.store.load(&old).await.unwrap(), None);
    assert_eq!(
        f.store.load(&new).await.unwrap(),
        Some(state(&[("n", "2")]))
    );
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn update_ttl_extends_a_live_session() {
    let f = fixture();
    let key = f
        .store
        .save(state(&[("n", "1")]), &Ttl::seconds(60))
        .await
        .unwrap();
    f.clock.advance(secs(50));
    f.store.update_ttl(&key, &Ttl::seconds(60)).await.unwrap();
    f.clock.advance(secs(50));
    assert_eq!(
        f.store.load(&key).await.unwrap(),
        Some(state(&[("n", "1")]))
    );
    f.clock.advance(secs(10));
    assert_eq!(f.store.load(&key).await.unwrap(), None);
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn update_ttl_does_not_resurrect_an_expired_or_deleted_session() {
    let f = fixture();
    let expired = f
        .store
        .save(state(&[("n", "1")]), &Ttl::seconds(1))
        .await
        .unwrap();
    let deleted = f.store.save(state(&[("n", "2")]), &DAY).await.unwrap();
    f.store.delete(&deleted).await.unwrap();
    f.clock.advance(secs(2));
    f.store.update_ttl(&expired, &DAY).await.unwrap();
    f.store.update_ttl(&deleted, &DAY).await.unwrap();
    assert_eq!(f.store.load(&expired).await.unwrap(), None);
    assert_eq!(f.store.load(&deleted).await.unwrap(), None);
    let never = "never-issued".to_owned().try_into().unwrap();
    f.store.update_ttl(&never, &DAY).await.unwrap();
    assert_eq!(f.store.load(&never).await.unwrap(), None);
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn delete_removes_the_session_and_deleting_twice_is_fine() {
    let f = fixture();
    let key = f.store.save(state(&[("n", "1")]), &DAY).await.unwrap();
    f.store.delete(&key).await.unwrap();
    f.store.delete(&key).await.unwrap();
    assert_eq!(f.store.load(&key).await.unwrap(), None);
    let report = f.store.verify().unwrap();
    assert_eq!((report.records, report.index_entries), (0, 0));
}

#[actix_rt::test]
async fn shortening_a_session_files_it_earlier() {
    let f = fixture();
    let key = f.store.save(state(&[("n", "1")]), &DAY).await.unwrap();
    let key = f
        .store
        .update(key, state(&[("n", "2")]), &Ttl::seconds(5))
        .await
        .unwrap();
    f.clock.advance(secs(6));
    assert_eq!(f.store.load(&key).await.unwrap(), None);
    assert_eq!(
        f.store.sweep_expired().unwrap(),
        1,
        "swept at its new, earlier expiry"
    );
    let report = f.store.verify().unwrap();
    assert_eq!((report.records, report.index_entries), (0, 0), "{report:?}");
}
