//! Each clause of the contract, step by step, so that every one is checked on every run (the
//! generated sequences of `model_based` reach them too, but by chance).

use crate::front::Ecosystem;

use super::{
    call::{self, Seen},
    steps_outcome,
};
use crate::{
    check::Ctx,
    failure::{Failure, Violation},
    generate::one_field,
    harness::{Capabilities, Harness},
    Outcome,
};

const NEVER_ISSUED: &str = "never-issued-1111111111111111111111111111111111111111111111111111";
const HOUR: i64 = 3_600;

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    let caps = &ctx.caps;
    steps_outcome(ctx.with_store(async |subject| {
        let store = &subject.store;
        let bystander_state = one_field("user", "bystander");
        let bystander = call::save(store, bystander_state.clone(), call::secs(HOUR)).await?;
        let mut steps = ctx.steps();
        steps
            .run(
                "load of a key never issued",
                never_issued_loads_nothing(store),
            )
            .await?;
        steps
            .run(
                "update of a key never issued",
                update_never_issued(store, caps),
            )
            .await?;
        steps
            .run("update of a live session", update_live(store, caps))
            .await?;
        steps
            .run("update_ttl of a live session", update_ttl_live(store))
            .await?;
        steps
            .run(
                "update_ttl of a key never issued",
                update_ttl_never_issued(store),
            )
            .await?;
        steps
            .run("delete of a key never issued, twice", delete_missing(store))
            .await?;
        if caps.invalidates {
            steps
                .run("delete of a live session", delete_live(store))
                .await?;
            steps
                .run("update of a deleted key", update_deleted(store))
                .await?;
            steps
                .run("update_ttl of a deleted key", update_ttl_deleted(store))
                .await?;
        }
        if caps.key_shape.is_some() {
            steps
                .run("save of equal states", distinct_keys(store))
                .await?;
        }
        steps
            .run(
                "a session no step touched",
                call::expect_state(store, &bystander, &bystander_state, "the bystander session"),
            )
            .await?;
        Ok(steps.count())
    }))
}

async fn never_issued_loads_nothing<S: Ecosystem>(store: &S) -> Result<(), Failure> {
    call::expect_absent(store, NEVER_ISSUED, Violation::CrossedSession, "load").await
}

async fn update_never_issued<S: Ecosystem>(store: &S, caps: &Capabilities) -> Result<(), Failure> {
    let state = one_field("user", "new");
    let new = call::update(store, NEVER_ISSUED, state.clone(), call::secs(HOUR)).await?;
    if caps.invalidates && new == NEVER_ISSUED {
        return Err(call::dead_key_returned(
            store,
            NEVER_ISSUED,
            &state,
            "a key the store never issued",
        )
        .await);
    }
    call::expect_state(store, &new, &state, "the key update returned").await
}

async fn update_live<S: Ecosystem>(store: &S, caps: &Capabilities) -> Result<(), Failure> {
    let first = State2::new();
    let key = call::save(store, first.before.clone(), call::secs(HOUR)).await?;
    let new = call::update(store, &key, first.after.clone(), call::secs(HOUR)).await?;
    if caps.update_keeps_key && new != key {
        return Err(Failure::new(
            Violation::LiveKeyChanged,
            "update of a live session returned a new key",
        ));
    }
    call::expect_state(
        store,
        &new,
        &first.after,
        "after update (the new state replaces the old one whole)",
    )
    .await?;
    if new != key && caps.invalidates {
        call::expect_absent(store, &key, Violation::Revived, "the key before the update").await?;
    }
    Ok(())
}

async fn update_ttl_live<S: Ecosystem>(store: &S) -> Result<(), Failure> {
    let state = one_field("user", "extended");
    let key = call::save(store, state.clone(), call::secs(HOUR)).await?;
    call::update_ttl(store, &key, call::secs(2 * HOUR)).await?;
    call::expect_state(store, &key, &state, "after update_ttl").await
}

async fn update_ttl_never_issued<S: Ecosystem>(store: &S) -> Result<(), Failure> {
    call::update_ttl(store, NEVER_ISSUED, call::secs(HOUR)).await?;
    call::expect_absent(
        store,
        NEVER_ISSUED,
        Violation::CrossedSession,
        "update_ttl of a key the store never issued created a session under it",
    )
    .await
}

async fn delete_missing<S: Ecosystem>(store: &S) -> Result<(), Failure> {
    call::delete(store, NEVER_ISSUED).await?;
    call::delete(store, NEVER_ISSUED).await
}

async fn delete_live<S: Ecosystem>(store: &S) -> Result<(), Failure> {
    let key = call::save(store, one_field("user", "leaving"), call::secs(HOUR)).await?;
    call::delete(store, &key).await?;
    call::expect_absent(store, &key, Violation::Revived, "a deleted session").await
}

async fn update_deleted<S: Ecosystem>(store: &S) -> Result<(), Failure> {
    let key = call::save(store, one_field("user", "gone"), call::secs(HOUR)).await?;
    call::delete(store, &key).await?;
    let state = one_field("user", "after-delete");
    let new = call::update(store, &key, state.clone(), call::secs(HOUR)).await?;
    if new == key {
        return Err(call::dead_key_returned(store, &key, &state, "a deleted key").await);
    }
    call::expect_absent(
        store,
        &key,
        Violation::Revived,
        "the deleted key, after update",
    )
    .await?;
    call::expect_state(store, &new, &state, "the key update returned").await
}

async fn update_ttl_deleted<S: Ecosystem>(store: &S) -> Result<(), Failure> {
    let key = call::save(store, one_field("user", "gone"), call::secs(HOUR)).await?;
    call::delete(store, &key).await?;
    call::update_ttl(store, &key, call::secs(HOUR)).await?;
    match call::load(store, &key).await? {
        Seen::State(got) => Err(Failure::new(
            Violation::Revived,
            format!("update_ttl of a deleted key brought it back: it loads {got:?}"),
        )),
        Seen::Error(why) => Err(Failure::new(Violation::Error, format!("load: {why}"))),
        _ => Ok(()),
    }
}

async fn distinct_keys<S: Ecosystem>(store: &S) -> Result<(), Failure> {
    let state = one_field("user", "same");
    let mut keys = Vec::new();
    for _ in 0..3 {
        keys.push(call::save(store, state.clone(), call::secs(HOUR)).await?);
    }
    keys.sort();
    keys.dedup();
    if keys.len() < 3 {
        return Err(Failure::new(
            Violation::WeakKeys,
            "three saves of the same state returned the same key twice",
        ));
    }
    Ok(())
}

/// A state and a different one that replaces it (with a field the first lacks, and without one
/// it has, so a merge shows).
struct State2 {
    before: crate::State,
    after: crate::State,
}

impl State2 {
    fn new() -> Self {
        Self {
            before: crate::State::from([
                ("user".to_owned(), "\"ann\"".to_owned()),
                ("cart".to_owned(), "[1,2]".to_owned()),
            ]),
            after: crate::State::from([
                ("user".to_owned(), "\"ann\"".to_owned()),
                ("flash".to_owned(), "\"saved\"".to_owned()),
            ]),
        }
    }
}
