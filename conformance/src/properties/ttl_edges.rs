//! Zero, negative and huge TTLs: no panic, no overflow; zero or less means expired, too large
//! saturates. (actix-session passes the configured TTL through, whatever its value.)

use crate::front::Ecosystem;
use time::Duration as Ttl;

use super::{call, steps_outcome};
use crate::{
    check::Ctx,
    failure::{Failure, Violation},
    generate::one_field,
    harness::{Capabilities, Harness},
    Outcome,
};

const EXPIRED: [Ttl; 3] = [Ttl::ZERO, Ttl::seconds(-1), Ttl::MIN];
const HUGE: [Ttl; 3] = [
    Ttl::MAX,
    Ttl::seconds(i64::MAX / 1000),
    Ttl::weeks(52 * 10_000),
];

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    let caps = &ctx.caps;
    steps_outcome(ctx.with_store(async |subject| {
        let store = &subject.store;
        let mut steps = ctx.steps();
        for ttl in EXPIRED {
            steps
                .run(
                    &format!("save with TTL {ttl}"),
                    save_expired(store, caps, ttl),
                )
                .await?;
        }
        for ttl in HUGE {
            steps.run(&format!("TTL {ttl}"), huge(store, ttl)).await?;
        }
        for ttl in EXPIRED {
            steps
                .run(
                    &format!("update with TTL {ttl}"),
                    ended_by(store, caps, ttl, Ending::Update),
                )
                .await?;
            if ctx.contract().update_ttl {
                steps
                    .run(
                        &format!("update_ttl with TTL {ttl}"),
                        ended_by(store, caps, ttl, Ending::UpdateTtl),
                    )
                    .await?;
            }
        }
        Ok(steps.count())
    }))
}

async fn save_expired<S: Ecosystem>(
    store: &S,
    caps: &Capabilities,
    ttl: Ttl,
) -> Result<(), Failure> {
    let key = call::save(store, one_field("ttl", "expired"), ttl)
        .await
        .map_err(|f| f.at("storing an already-expired session"))?;
    if caps.enforces_ttl {
        call::expect_absent(
            store,
            &key,
            Violation::ExpiredServed,
            "zero or less means expired",
        )
        .await?;
    }
    Ok(())
}

async fn huge<S: Ecosystem>(store: &S, ttl: Ttl) -> Result<(), Failure> {
    let state = one_field("ttl", "huge");
    let key = call::save(store, state.clone(), ttl).await?;
    call::expect_state(store, &key, &state, "after save").await?;
    let key = call::update(store, &key, state.clone(), ttl).await?;
    if S::CONTRACT.update_ttl {
        call::update_ttl(store, &key, ttl).await?;
    }
    call::expect_state(store, &key, &state, "after update (and update_ttl)").await
}

/// How a live session is given a TTL of zero or less.
#[derive(Debug, Clone, Copy)]
enum Ending {
    Update,
    UpdateTtl,
}

async fn ended_by<S: Ecosystem>(
    store: &S,
    caps: &Capabilities,
    ttl: Ttl,
    how: Ending,
) -> Result<(), Failure> {
    let key = call::save(store, one_field("ttl", "to be ended"), Ttl::days(1)).await?;
    let key = match how {
        Ending::Update => call::update(store, &key, one_field("ttl", "ended"), ttl).await?,
        Ending::UpdateTtl => {
            call::update_ttl(store, &key, ttl).await?;
            key
        }
    };
    if caps.enforces_ttl && caps.invalidates {
        call::expect_absent(
            store,
            &key,
            Violation::ExpiredServed,
            &format!("{how:?} to a TTL of zero or less ends the session"),
        )
        .await?;
    }
    Ok(())
}
