//! Calls into the store, through its ecosystem's front, that turn its errors into failures
//! carrying every cause, and the checks the properties make of what a `load` showed.

use time::Duration as Ttl;

pub(crate) use crate::front::Seen;
use crate::{
    failure::{Failure, Violation},
    front::Ecosystem,
    model::State,
};

/// A TTL of `secs` seconds.
pub(crate) fn secs(secs: i64) -> Ttl {
    Ttl::seconds(secs)
}

pub(crate) async fn load<S: Ecosystem>(store: &S, key: &str) -> Result<Seen, Failure> {
    store.load(key).await
}

pub(crate) async fn save<S: Ecosystem>(
    store: &S,
    state: State,
    ttl: Ttl,
) -> Result<String, Failure> {
    store.save(state, ttl).await
}

pub(crate) async fn update<S: Ecosystem>(
    store: &S,
    key: &str,
    state: State,
    ttl: Ttl,
) -> Result<String, Failure> {
    store.update(key, state, ttl).await
}

pub(crate) async fn update_ttl<S: Ecosystem>(
    store: &S,
    key: &str,
    ttl: Ttl,
) -> Result<(), Failure> {
    store.update_ttl(key, ttl).await
}

pub(crate) async fn delete<S: Ecosystem>(store: &S, key: &str) -> Result<(), Failure> {
    store.delete(key).await
}

/// Loads `key` and requires exactly `want`.
pub(crate) async fn expect_state<S: Ecosystem>(
    store: &S,
    key_text: &str,
    want: &State,
    what: &str,
) -> Result<(), Failure> {
    match load(store, key_text).await? {
        Seen::State(got) if &got == want => Ok(()),
        Seen::State(got) => Err(Failure::new(
            Violation::WrongState,
            format!("{what}: expected {want:?}, loaded {got:?}"),
        )),
        Seen::Nothing => Err(Failure::new(
            Violation::LostSession,
            format!("{what}: expected {want:?}, loaded nothing"),
        )),
        Seen::Undecodable(why) => Err(Failure::new(
            Violation::LostSession,
            format!("{what}: expected {want:?}, load could not decode it: {why}"),
        )),
        Seen::Error(why) => Err(Failure::new(
            Violation::Error,
            format!("{what}: load: {why}"),
        )),
    }
}

/// Loads `key` and requires nothing; `ended` names the failure if a state comes back.
pub(crate) async fn expect_absent<S: Ecosystem>(
    store: &S,
    key_text: &str,
    ended: Violation,
    what: &str,
) -> Result<(), Failure> {
    match load(store, key_text).await? {
        Seen::Nothing | Seen::Undecodable(_) => Ok(()),
        Seen::State(got) => Err(Failure::new(ended, format!("{what}: loaded {got:?}"))),
        Seen::Error(why) => Err(Failure::new(
            Violation::Error,
            format!("{what}: load: {why}"),
        )),
    }
}

/// The failure for an `update` of `what` (a dead key: "a deleted key", "an expired key", "a key
/// the store never issued") that returned that same key, saying what became of the write.
pub(crate) async fn dead_key_returned<S: Ecosystem>(
    store: &S,
    key_text: &str,
    written: &State,
    what: &str,
) -> Failure {
    dead_key_outcome(store, key_text, written, what).await.0
}

/// [`dead_key_returned`], and whether the key now holds the written state.
pub(crate) async fn dead_key_outcome<S: Ecosystem>(
    store: &S,
    key_text: &str,
    written: &State,
    what: &str,
) -> (Failure, bool) {
    let never_issued = what.contains("never issued");
    let seen = load(store, key_text).await;
    let holds_write = matches!(&seen, Ok(Seen::State(got)) if got == written);
    let then = match seen {
        Ok(Seen::State(got)) if &got == written && never_issued => {
            "and the key now loads the new state: the store adopted a key it never issued, so \
             whoever chose that key owns a session under it (session fixation)"
        }
        Ok(Seen::State(got)) if &got == written => {
            "and the key now loads the new state: the session is live again under its old key"
        }
        Ok(Seen::State(_)) => "and the key now loads some other state",
        Ok(Seen::Error(_)) => "and loading the key then fails",
        _ => "and the key loads nothing: the write is lost, yet reported as saved",
    };
    let failure = Failure::new(
        Violation::DeadKeyReturned,
        format!("update of {what} returned that same key instead of a new one, {then}"),
    );
    (failure, holds_write)
}
