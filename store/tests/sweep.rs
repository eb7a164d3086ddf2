//! The sweep removes exactly the sessions whose stored expiry has passed.

mod common;

use std::time::Duration;

use actix_session::storage::SessionStore;
use actix_web::cookie::time::Duration as Ttl;
use common::*;

#[actix_rt::test]
async fn sweep_removes_exactly_the_expired_and_keeps_an_extended_one() {
    let f = fixture();
    let mut short = Vec::new();
    for i in 0..50 {
        short.push(
            f.store
                .save(state(&[("i", &i.to_string())]), &Ttl::seconds(60))
                .await
                .unwrap(),
        );
    }
    let mut long = Vec::new();
    for i in 0..30 {
        long.push(
            f.store
                .save(state(&[("i", &i.to_string())]), &Ttl::seconds(600))
                .await
                .unwrap(),
        );
    }
    // Extended after their index entries were written: filed at t+60, now expiring at t+90.
    let extended = short.split_off(40);
    f.clock.advance(secs(30));
    for key in &extended[..5] {
        f.store.update_ttl(key, &Ttl::seconds(60)).await.unwrap();
    }
    for key in &extended[5..] {
        let same = f
            .store
            .update(copy(key), state(&[("x", "y")]), &Ttl::seconds(60))
            .await
            .unwrap();
        assert_eq!(&same, key);
    }

    f.clock.advance(secs(31)); // t+61: the 40 unextended short sessions are due
    assert_eq!(f.store.sweep_expired().unwrap(), 40);
    for key in &short {
        assert_eq!(f.store.load(key).await.unwrap(), None);
    }
    for key in extended.iter().chain(&long) {
        assert!(
            f.store.load(key).await.unwrap().is_some(),
            "live session swept"
        );
    }
    assert_eq!(
        f.store.sweep_expired().unwrap(),
        0,
        "a second sweep finds nothing"
    );
    let report = f.store.verify().unwrap();
    assert_eq!(report.faults(), 0);
    assert_eq!(report.records, 40);
    assert_eq!(
        report.index_entries, 40,
        "extended sessions were refiled, not duplicated"
    );

    f.clock.advance(secs(30)); // t+91: the extended ones are due now
    assert_eq!(f.store.sweep_expired().unwrap(), 10);
    f.clock.advance(secs(600));
    assert_eq!(f.store.sweep_expired().unwrap(), 30);
    let report = f.store.verify().unwrap();
    assert_eq!((report.records, report.index_entries), (0, 0), "{report:?}");
}

#[actix_rt::test]
async fn a_sweep_visits_only_due_entries() {
    let f = fixture();
    for _ in 0..200 {
        f.store.save(state(&[("a", "b")]), &DAY).await.unwrap();
    }
    for _ in 0..7 {
        f.store
            .save(state(&[("a", "b")]), &Ttl::seconds(1))
            .await
            .unwrap();
    }
    f.clock.advance(secs(2));
    // Index entries are ordered by time: after the sweep, everything left is filed in the future.
    assert_eq!(f.store.sweep_expired().unwrap(), 7);
    let report = f.store.verify().unwrap();
    assert_eq!((report.records, report.index_entries), (200, 200));
}

#[actix_rt::test]
async fn the_background_sweeper_removes_expired_sessions_in_batches_and_stops_on_drop() {
    let f = fixture_with(|b| b.sweep_batch(16));
    for _ in 0..100 {
        f.store
            .save(state(&[("a", "b")]), &Ttl::seconds(1))
            .await
            .unwrap();
    }
    let live = f.store.save(state(&[("a", "b")]), &DAY).await.unwrap();
    f.clock.advance(secs(2));
    let sweeper = f.store.spawn_sweeper(Duration::from_millis(5));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while f.store.verify().unwrap().records > 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "sweeper made no progress"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(sweeper);
    assert!(f.store.load(&live).await.unwrap().is_some());
    // Stopped: a session expiring now stays on disk.
    f.store
        .save(state(&[("a", "b")]), &Ttl::seconds(1))
        .await
        .unwrap();
    f.clock.advance(secs(2));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(f.store.verify().unwrap().records, 2);
    assert_consistent(&f.store);
}

#[actix_rt::test]
async fn sweep_cleans_dangling_and_stale_index_entries() {
    let f = fixture();
    let key = f
        .store
        .save(state(&[("a", "b")]), &Ttl::seconds(10))
        .await
        .unwrap();
    // A crash between "index entry" and "record" leaves an entry without a record.
    let index = f.db.open_tree("sessions_by_expiry").unwrap();
    let mut dangling = (f.clock_now() + 5_000).to_be_bytes().to_vec();
    dangling.extend_from_slice(b"no-such-session");
    index.insert(&dangling, &[]).unwrap();
    // A stale entry: same session, filed under an earlier time than its record says.
    let mut stale = (f.clock_now() + 1_000).to_be_bytes().to_vec();
    stale.extend_from_slice(key.as_ref().as_bytes());
    index.insert(&stale, &[]).unwrap();
    let before = f.store.verify().unwrap();
    assert_eq!(
        (before.dangling_index_entries, before.stale_index_entries),
        (1, 1)
    );
    assert_eq!(before.faults(), 0);

    f.clock.advance(secs(6));
    assert_eq!(f.store.sweep_expired().unwrap(), 0);
    assert!(f.store.load(&key).await.unwrap().is_some());
    let after = f.store.verify().unwrap();
    assert_eq!(
        (
            after.index_entries,
            after.dangling_index_entries,
            after.stale_index_entries
        ),
        (1, 0, 0)
    );
}

trait Now {
    fn clock_now(&self) -> u64;
}
impl Now for Fixture {
    fn clock_now(&self) -> u64 {
        use actix_session_sled::Clock;
        self.clock.now_ms()
    }
}
