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

const HOUR: i64 = 3_600;

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    let caps = &ctx.caps;
    let contract = ctx.contract();
    let never_issued = contract.never_issued[1];
    steps_outcome(ctx.with_store(async |subject| {
        let store = &subject.store;
        let bystander_state = one_field("user", "bystander");
        let bystander = call::save(store, bystander_state.clone(), call::secs(HOUR)).await?;
        let mut steps = ctx.steps();
        steps
            .run(
                "load of a key never issued",
                never_issued_loads_nothing(store, never_issued),
            )
            .await?;
        steps
            .run(
                "update of a key never issued",
                update_dead(store, caps, never_issued, "a key the store never issued"),
            )
            .await?;
        steps
            .run("update of a live session", update_live(store, caps))
            .await?;
        if contract.update_ttl {
            steps
                .run("update_ttl of a live session", update_ttl_live(store))
                .await?;
            steps
                .run(
                    "update_ttl of a key never issued",
                    update_ttl_never_issued(store, contract.never_issued[0]),
                )
                .await?;
        }
        steps
            .run(
                "delete of a key never issued, twice",
                delete_missing(store, contract.never_issued[0]),
            )
            .await?;
        if caps.invalidates {
            steps
                .run("delete of a live session", delete_live(store))
                .await?;
            steps
                .run(
                    "a write to another session after a delete",
                    deleted_stays_deleted(store),
                )
                .await?;
            steps
                .run("update of a deleted key", update_deleted(store, caps))
                .await?;
            if contract.update_ttl {
                steps
                    .run("update_ttl of a deleted key", update_ttl_deleted(store))
                    .await?;
            }
        }
        if caps.key_shape.is_some() || !contract.store_draws_keys {
            steps
                .run("save of equal states", distinct_keys(store))
                .await?;
        }
        if !contract.store_draws_keys {
            steps
                .run(
                    "create with the key of a live session",
                    create_at_live(store),
                )
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

async fn never_issued_loads_nothing<S: Ecosystem>(store: &S, key: &str) -> Result<(), Failure> {
    call::expect_absent(store, key, Violation::CrossedSession, "load").await
}

/// `update` of a key with no live session (`what`): actix-session moves the state to a new key
/// and leaves the old one dead; tower-sessions' `save` writes the record under that key.
async fn update_dead<S: Ecosystem>(
    store: &S,
    caps: &Capabilities,
    key: &str,
    what: &str,
) -> Result<(), Failure> {
    let state = one_field("user", "new");
    let new = call::update(store, key, state.clone(), call::secs(HOUR)).await?;
    if S::CONTRACT.update_upserts {
        if new != key {
            return Err(Failure::new(
                Violation::WrongState,
                format!("save of {what} wrote the record under another key"),
            ));
        }
    } else if caps.invalidates && new == key {
        return Err(call::dead_key_returned(store, key, &state, what).await);
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

async fn update_ttl_never_issued<S: Ecosystem>(store: &S, key: &str) -> Result<(), Failure> {
    call::update_ttl(store, key, call::secs(HOUR)).await?;
    call::expect_absent(
        store,
        key,
        Violation::CrossedSession,
        "update_ttl of a key the store never issued created a session under it",
    )
    .await
}

async fn delete_missing<S: Ecosystem>(store: &S, key: &str) -> Result<(), Failure> {
    call::delete(store, key).await?;
    call::delete(store, key).await
}

/// A deleted session stays deleted while other sessions are written: a write-behind buffer
/// that still holds it must not write it back.
async fn deleted_stays_deleted<S: Ecosystem>(store: &S) -> Result<(), Failure> {
    let key = call::save(store, one_field("user", "logging out"), call::secs(HOUR)).await?;
    call::delete(store, &key).await?;
    let other = call::save(store, one_field("user", "another"), call::secs(HOUR)).await?;
    call::update(
        store,
        &other,
        one_field("user", "another, changed"),
        call::secs(HOUR),
    )
    .await?;
    call::expect_absent(
        store,
        &key,
        Violation::Revived,
        "a deleted session, after writes to another session",
    )
    .await
}

/// tower-sessions' `create` under the key of a live session (the caller picks the key there):
/// the store must give the new session another key and leave the existing one as it was.
async fn create_at_live<S: Ecosystem>(store: &S) -> Result<(), Failure> {
    let existing = one_field("user", "already here");
    let key = call::save(store, existing.clone(), call::secs(HOUR)).await?;
    let newcomer = one_field("user", "newcomer");
    let Some(created) = store
        .create_at(&key, newcomer.clone(), call::secs(HOUR))
        .await
    else {
        return Ok(());
    };
    let created = created?;
    if created == key {
        return Err(Failure::new(
            Violation::CrossedSession,
            "create with the key of a live session kept that key: the new session took the \
             existing one's place",
        ));
    }
    call::expect_state(
        store,
        &key,
        &existing,
        "the session whose key create was asked for",
    )
    .await?;
    call::expect_state(store, &created, &newcomer, "the session create made").await
}

async fn delete_live<S: Ecosystem>(store: &S) -> Result<(), Failure> {
    let key = call::save(store, one_field("user", "leaving"), call::secs(HOUR)).await?;
    call::delete(store, &key).await?;
    call::expect_absent(store, &key, Violation::Revived, "a deleted session").await
}

async fn update_deleted<S: Ecosystem>(store: &S, caps: &Capabilities) -> Result<(), Failure> {
    let key = call::save(store, one_field("user", "gone"), call::secs(HOUR)).await?;
    call::delete(store, &key).await?;
    update_dead(store, caps, &key, "a deleted key").await?;
    if !S::CONTRACT.update_upserts {
        call::expect_absent(
            store,
            &key,
            Violation::Revived,
            "the deleted key, after update",
        )
        .await?;
    }
    Ok(())
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
