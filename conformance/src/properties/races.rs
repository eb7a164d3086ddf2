//! Racing operations on one session: `update` against `update`, `update_ttl` and `delete`.
//! After both return:
//! - update against update: the session holds one of the two states whole, never a mix;
//! - update against update_ttl: the session holds the update's state, never the older one
//!   written back (a read-modify-write of the TTL);
//! - update against delete: the deleted key never loads again (a check-then-write update).
//!
//! Each pair runs both ways round on one thread, the second operation starting after 0 to 3
//! yields, so that every interleaving a store's own `.await` points allow is tried on every
//! run; then a few rounds on two threads, for stores whose windows lie in real parallelism.

use std::future::Future;

use crate::front::Ecosystem;
use futures_util::future::join;

use super::call::{self, Seen};
use crate::{
    check::Ctx,
    failure::{Failure, Violation},
    harness::{Capabilities, Harness},
    Outcome,
};

const HOUR: i64 = 3_600;
/// Offsets (yields before the second operation starts) tried on one thread.
const OFFSETS: usize = 4;

#[derive(Debug, Clone, Copy)]
/// What an `update` races against; or two creates under one key.
enum Race {
    Update,
    UpdateTtl,
    Delete,
    /// tower-sessions' `create` twice under one free key: two sessions with distinct keys.
    Create,
}

impl Race {
    fn name(self) -> &'static str {
        match self {
            Race::Update => "update against update",
            Race::UpdateTtl => "update against update_ttl",
            Race::Delete => "update against delete",
            Race::Create => "create against create under one key",
        }
    }
}

const RACES: [Race; 4] = [Race::Update, Race::UpdateTtl, Race::Delete, Race::Create];

/// The races this store's ecosystem and capabilities allow.
fn races<S: Ecosystem>(caps: &Capabilities) -> Vec<Race> {
    RACES
        .into_iter()
        .filter(|race| match race {
            Race::Update => true,
            Race::UpdateTtl => S::CONTRACT.update_ttl,
            Race::Delete => caps.invalidates,
            Race::Create => !S::CONTRACT.store_draws_keys,
        })
        .collect()
}

/// The states the racing writes hold: several fields each, so a torn write shows.
fn written_by(writer: &str) -> crate::State {
    (0..4)
        .map(|f| (format!("field{f}"), format!("\"{writer}\"")))
        .collect()
}

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    if !ctx.caps.update_keeps_key {
        return Outcome::NotApplicable(
            "the store moves a session to a new key on every update, so two operations on one \
             key cannot race"
                .to_owned(),
        );
    }
    let caps = &ctx.caps;
    let rounds = ctx.config.race_rounds;
    let result = ctx.with_store(async |subject| {
        let mut steps = ctx.steps();
        for race in races::<H::Store>(caps) {
            steps
                .run(&format!("{} on one thread", race.name()), async {
                    // Every round is checked: one a known finding excuses does not end the step.
                    for round in 0..rounds {
                        let update_first = round % 2 == 0;
                        let offset = (round / 2) % OFFSETS;
                        let result = one_race(&subject.store, caps, race, update_first, offset)
                            .await
                            .map_err(|f| f.at(describe(update_first, offset)));
                        ctx.unless_excused(result)?;
                    }
                    Ok(())
                })
                .await?;
        }
        Ok(steps.count())
    });
    let result = result.and_then(|steps| {
        let mut steps = steps;
        // Racing creates run on one thread only: their window (a check, then an insert, with
        // no await between) is met on two threads in some runs and not others, and a catch that
        // depends on scheduling luck is not a catch.
        for race in races::<H::Store>(caps)
            .into_iter()
            .filter(|race| !matches!(race, Race::Create))
        {
            steps += 1;
            let result = on_threads(ctx, race)
                .map_err(|f| f.at(format_args!("{} on two threads", race.name())));
            ctx.unless_excused(result)?;
        }
        Ok(steps)
    });
    match result {
        Ok(steps) => Outcome::Pass { cases: steps },
        Err(failure) if ctx.excused(&failure) => Outcome::Pass { cases: 0 },
        Err(failure) => Outcome::Fail(failure),
    }
}

fn describe(update_first: bool, offset: usize) -> String {
    let first = if update_first {
        "update"
    } else {
        "the other operation"
    };
    format!("{first} started first, the second after {offset} yields")
}

async fn after_yields<F: Future>(yields: usize, future: F) -> F::Output {
    for _ in 0..yields {
        tokio::task::yield_now().await;
    }
    future.await
}

/// One race on one session, the two operations polled by this thread.
async fn one_race<S: Ecosystem>(
    store: &S,
    caps: &Capabilities,
    race: Race,
    update_first: bool,
    offset: usize,
) -> Result<(), Failure> {
    if let Race::Create = race {
        return creates(store, update_first, offset).await;
    }
    let before = written_by("before the race");
    let written = written_by("the update");
    let key = call::save(store, before.clone(), call::secs(HOUR)).await?;
    let update = call::update(store, &key, written.clone(), call::secs(HOUR));
    let (updated, other) = match race {
        Race::Create => unreachable!("handled above"),
        Race::Update => {
            let other = async {
                call::update(
                    store,
                    &key,
                    written_by("the other update"),
                    call::secs(HOUR),
                )
                .await
                .map(drop)
            };
            if update_first {
                join(update, after_yields(offset, other)).await
            } else {
                let (other, updated) = join(other, after_yields(offset, update)).await;
                (updated, other)
            }
        }
        Race::UpdateTtl => {
            let other = call::update_ttl(store, &key, call::secs(2 * HOUR));
            if update_first {
                join(update, after_yields(offset, other)).await
            } else {
                let (other, updated) = join(other, after_yields(offset, update)).await;
                (updated, other)
            }
        }
        Race::Delete => {
            let other = call::delete(store, &key);
            if update_first {
                join(update, after_yields(offset, other)).await
            } else {
                let (other, updated) = join(other, after_yields(offset, update)).await;
                (updated, other)
            }
        }
    };
    let new = updated?;
    other?;
    judge(store, caps, race, &key, &new, &written).await
}

/// What must hold once both operations returned.
async fn judge<S: Ecosystem>(
    store: &S,
    caps: &Capabilities,
    race: Race,
    key: &str,
    new: &str,
    written: &crate::State,
) -> Result<(), Failure> {
    match race {
        Race::Update => match call::load(store, key).await? {
            Seen::State(got) if &got == written || got == written_by("the other update") => Ok(()),
            other => Err(Failure::new(
                Violation::WrongState,
                format!("after two racing updates the session loads {other:?}, which neither wrote whole"),
            )),
        },
        Race::UpdateTtl => {
            if caps.update_keeps_key && new != key {
                return Err(Failure::new(
                    Violation::LiveKeyChanged,
                    "update of a live session, racing update_ttl, returned a new key",
                ));
            }
            match call::load(store, new).await? {
                Seen::State(got) if &got == written => Ok(()),
                Seen::State(got) => Err(Failure::new(
                    Violation::WrongState,
                    format!(
                        "after update raced update_ttl, the session holds {got:?}: an older state \
                         was written back over the update's {written:?}"
                    ),
                )),
                other => Err(Failure::new(
                    Violation::LostSession,
                    format!("after update raced update_ttl, the session loads {other:?}"),
                )),
            }
        }
        Race::Create => Ok(()),
        // tower-sessions' `save` writes the record as given: if it ran last, the session is
        // back with the update's state, whole. Never the state from before the race.
        Race::Delete if S::CONTRACT.update_upserts => match call::load(store, key).await? {
            Seen::State(got) if &got != written => Err(Failure::new(
                Violation::Revived,
                format!(
                    "delete and a racing save both returned, and the key loads {got:?}, which \
                     the save did not write"
                ),
            )),
            _ => Ok(()),
        },
        Race::Delete => {
            if let Seen::State(got) = call::load(store, key).await? {
                return Err(Failure::new(
                    Violation::Revived,
                    format!(
                        "delete and a racing update both returned, and the deleted key loads \
                         {got:?}"
                    ),
                ));
            }
            if new != key {
                // The update found the session gone and saved it anew: that write must hold.
                call::expect_state(store, new, written, "the key the racing update returned")
                    .await?;
            }
            Ok(())
        }
    }
}

/// A free key, and two creates under it racing on this thread, the second started after
/// `offset` yields: they must end with two keys, each loading its own state.
async fn creates<S: Ecosystem>(store: &S, first_a: bool, offset: usize) -> Result<(), Failure> {
    let key = free_key(store).await?;
    let (a, b) = (written_by("create A"), written_by("create B"));
    let create = |state: &crate::State| store.create_at(&key, state.clone(), call::secs(HOUR));
    let (ka, kb) = if first_a {
        join(create(&a), after_yields(offset, create(&b))).await
    } else {
        let (kb, ka) = join(create(&b), after_yields(offset, create(&a))).await;
        (ka, kb)
    };
    judge_creates(store, ka, kb, &a, &b).await
}

/// A key no session holds: one the store issued, then deleted.
async fn free_key<S: Ecosystem>(store: &S) -> Result<String, Failure> {
    let key = call::save(store, written_by("placeholder"), call::secs(HOUR)).await?;
    call::delete(store, &key).await?;
    Ok(key)
}

async fn judge_creates<S: Ecosystem>(
    store: &S,
    ka: Option<Result<String, Failure>>,
    kb: Option<Result<String, Failure>>,
    a: &crate::State,
    b: &crate::State,
) -> Result<(), Failure> {
    let (Some(ka), Some(kb)) = (ka, kb) else {
        return Ok(()); // the store draws its keys itself: no create under a key
    };
    let (ka, kb) = (ka?, kb?);
    if ka == kb {
        return Err(Failure::new(
            Violation::CrossedSession,
            "two creates under one key both kept it: one session took the other's place",
        ));
    }
    call::expect_state(store, &ka, a, "the first of two racing creates").await?;
    call::expect_state(store, &kb, b, "the second of two racing creates").await
}

/// A few rounds of `race` with each operation on its own thread.
fn on_threads<H: Harness>(ctx: &Ctx<'_, H>, race: Race) -> Result<(), Failure> {
    let caps = ctx.caps.clone();
    ctx.with_store(async |subject| {
        for _ in 0..ctx.config.race_rounds.div_ceil(4) {
            let before = written_by("before the race");
            let written = written_by("the update");
            let store = &subject.store;
            let key = call::save(store, before, call::secs(HOUR)).await?;
            let handle = tokio::runtime::Handle::current();
            let (a, b) = (subject.handle(), subject.handle());
            let (k1, k2, w) = (key.clone(), key.clone(), written.clone());
            let (h1, h2) = (handle.clone(), handle.clone());
            let update = tokio::task::spawn_blocking(move || {
                h1.block_on(call::update(&a, &k1, w, call::secs(HOUR)))
            });
            let other = tokio::task::spawn_blocking(move || {
                h2.block_on(async {
                    match race {
                        Race::Update => {
                            call::update(&b, &k2, written_by("the other update"), call::secs(HOUR))
                                .await
                                .map(drop)
                        }
                        Race::UpdateTtl => call::update_ttl(&b, &k2, call::secs(2 * HOUR)).await,
                        Race::Delete => call::delete(&b, &k2).await,
                        Race::Create => unreachable!("racing creates run on one thread only"),
                    }
                })
            });
            let panicked = |e: tokio::task::JoinError| {
                Failure::new(Violation::Panic, format!("a racing thread: {e}"))
            };
            let round = async {
                let new = update.await.map_err(panicked)??;
                other.await.map_err(panicked)??;
                judge(store, &caps, race, &key, &new, &written).await
            };
            ctx.unless_excused(round.await)?;
        }
        Ok(())
    })
}
