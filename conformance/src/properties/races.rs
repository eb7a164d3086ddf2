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
/// What an `update` races against.
enum Race {
    Update,
    UpdateTtl,
    Delete,
}

impl Race {
    fn name(self) -> &'static str {
        match self {
            Race::Update => "update against update",
            Race::UpdateTtl => "update against update_ttl",
            Race::Delete => "update against delete",
        }
    }
}

const RACES: [Race; 3] = [Race::Update, Race::UpdateTtl, Race::Delete];

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
        for race in RACES {
            if matches!(race, Race::Delete) && !caps.invalidates {
                continue;
            }
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
        for race in RACES {
            if matches!(race, Race::Delete) && !caps.invalidates {
                continue;
            }
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
    let before = written_by("before the race");
    let written = written_by("the update");
    let key = call::save(store, before.clone(), call::secs(HOUR)).await?;
    let update = call::update(store, &key, written.clone(), call::secs(HOUR));
    let (updated, other) = match race {
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
