//! A damaged record (overwritten, truncated) through the harness's damage hook: `load` gives
//! nothing or `LoadError::Deserialization`, never a panic, an `Other` error (a 500), another
//! session's state or an older state of its own; its owner can start afresh the ways the
//! middleware tries; other sessions are untouched.
//!
//! A store with a read cache may still serve the owner's latest state after the record was
//! damaged underneath it: that is harmless (the owner gets exactly what it wrote) and passes.
//! Before the damage, the owner's session is saved, loaded and updated, so a cache that is not
//! kept right by writes shows the older state and fails.
//!
//! After `LoadError::Deserialization` the middleware keeps the key and an empty session, so the
//! store next sees `update_ttl` (under `OnEveryRequest`), `update` (a change), or `delete` and
//! `save` (a login that renews the session), all on the damaged key.

use crate::front::Ecosystem;

use super::call::{self, Seen};
use crate::{
    check::Ctx,
    failure::{anyhow_causes, Failure, Violation},
    generate::one_field,
    harness::{Damage, Harness},
    Outcome, State,
};

const HOUR: i64 = 3_600;
const BYSTANDERS: usize = 20;

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    let result = ctx.with_store(async |subject| {
        let store = &subject.store;
        let mut bystanders = Vec::new();
        for i in 0..BYSTANDERS {
            let state = one_field("bystander", &i.to_string());
            bystanders.push((
                call::save(store, state.clone(), call::secs(HOUR)).await?,
                state,
            ));
        }
        let mut steps = ctx.steps();
        for how in [Damage::Overwritten, Damage::Truncated] {
            // One record for each way the middleware lets its owner start afresh.
            for path in [Afresh::Change, Afresh::Login] {
                let first = one_field("owner", &format!("{how:?}, {path:?}, first"));
                let key = call::save(store, first.clone(), call::secs(HOUR)).await?;
                call::expect_state(store, &key, &first, "the owner's session, saved").await?;
                let latest = Owner {
                    state: one_field("owner", &format!("{how:?}, {path:?}, latest")),
                    first,
                };
                let key = call::update(store, &key, latest.state.clone(), call::secs(HOUR))
                    .await
                    .map_err(|f| f.at("the owner's session, updated before the damage"))?;
                let Some(damage) = subject.damage(&key, how) else {
                    return Ok(None);
                };
                damage.await.map_err(|e| {
                    Failure::new(
                        Violation::Harness,
                        format!("the damage hook failed: {}", anyhow_causes(&e)),
                    )
                })?;
                steps
                    .run(
                        &format!("a record {how:?}, then {}", path.describe()),
                        after_damage(store, &key, &latest, &bystanders, path),
                    )
                    .await?;
            }
        }
        if subject.has_sweep() {
            steps
                .run("a sweep among damaged records", sweep_over_damage(subject))
                .await?;
        }
        steps
            .run("the other sessions", async {
                for (key, state) in &bystanders {
                    call::expect_state(store, key, state, "a session whose record was not damaged")
                        .await?;
                }
                Ok(())
            })
            .await?;
        Ok(Some(steps.count()))
    });
    match result {
        Ok(Some(cases)) => Outcome::Pass { cases },
        Ok(None) => Outcome::NotApplicable(
            "the harness gives no way to damage a record (`Subject::with_damage`)".to_owned(),
        ),
        Err(failure) => Outcome::Fail(failure),
    }
}

/// A sweep run while damaged records lie among the sessions finishes, and leaves the live
/// sessions: one bad record must not stop the sweep of all the others.
async fn sweep_over_damage<S: Ecosystem>(subject: &crate::Subject<S>) -> Result<(), Failure> {
    let store = &subject.store;
    let live = one_field("owner", "live beside the damage");
    let key = call::save(store, live.clone(), call::secs(HOUR)).await?;
    let doomed = one_field("owner", "to be damaged");
    let damaged = call::save(store, doomed, call::secs(HOUR)).await?;
    if let Some(damage) = subject.damage(&damaged, Damage::Overwritten) {
        damage.await.map_err(|e| {
            Failure::new(
                Violation::Harness,
                format!("the damage hook failed: {}", anyhow_causes(&e)),
            )
        })?;
    }
    if let Some(sweep) = subject.sweep() {
        sweep.await.map_err(|e| {
            Failure::new(
                Violation::DamagedRecord,
                format!(
                    "the sweep failed on a damaged record, so no expired session after it is \
                     removed: {}",
                    anyhow_causes(&e)
                ),
            )
        })?;
    }
    call::expect_state(
        store,
        &key,
        &live,
        "a live session, after a sweep among damaged records",
    )
    .await
}

/// The owner's states before the damage: the first one written, and the latest.
struct Owner {
    first: State,
    state: State,
}

async fn after_damage<S: Ecosystem>(
    store: &S,
    key: &str,
    owner: &Owner,
    bystanders: &[(String, State)],
    path: Afresh,
) -> Result<(), Failure> {
    let damaged = |detail: String| Failure::new(Violation::DamagedRecord, detail);
    match call::load(store, key).await? {
        Seen::Nothing | Seen::Undecodable(_) => {}
        // A read cache kept right by every write: the owner gets exactly what it wrote.
        Seen::State(got) if got == owner.state => {}
        Seen::State(got) if got == owner.first => {
            return Err(Failure::new(
                Violation::WrongState,
                format!(
                    "the damaged record loaded {got:?}, an older state of its own session (the \
                     latest was {:?}): a fallback copy that writes do not refresh",
                    owner.state
                ),
            ))
        }
        Seen::State(got) if bystanders.iter().any(|(_, s)| s == &got) => {
            return Err(Failure::new(
                Violation::CrossedSession,
                format!("the damaged record loaded another session's state, {got:?}"),
            ))
        }
        Seen::State(got) => {
            return Err(damaged(format!(
                "the damaged record loaded {got:?}: neither nothing, LoadError::Deserialization \
                 nor its owner's latest state"
            )))
        }
        Seen::Error(why) => {
            return Err(damaged(format!(
                "load of the damaged record failed with LoadError::Other, which the middleware \
                 answers with 500 on every request of its owner: {why}"
            )))
        }
    }
    let stuck = |what: &str, failure: Failure| {
        damaged(format!(
            "its owner cannot start afresh: {what}: {}",
            failure.detail
        ))
    };
    match path {
        Afresh::Change => {
            if S::CONTRACT.update_ttl {
                call::update_ttl(store, key, call::secs(HOUR))
                    .await
                    .map_err(|f| stuck("update_ttl of the damaged key", f))?;
            }
            let changed = one_field("owner", "changed after the damage");
            let new = call::update(store, key, changed.clone(), call::secs(HOUR))
                .await
                .map_err(|f| stuck("update of the damaged key", f))?;
            call::expect_state(
                store,
                &new,
                &changed,
                "the key update of the damaged session returned",
            )
            .await
        }
        Afresh::Login => {
            call::delete(store, key)
                .await
                .map_err(|f| stuck("delete of the damaged key (a login renews the session)", f))?;
            let fresh = one_field("owner", "logged in afresh");
            let login = call::save(store, fresh.clone(), call::secs(HOUR))
                .await
                .map_err(|f| stuck("save (the login)", f))?;
            call::expect_state(store, &login, &fresh, "a login after the damage").await?;
            call::expect_absent(
                store,
                key,
                Violation::Revived,
                "the damaged key, after the login",
            )
            .await
        }
    }
}

/// How the middleware lets the owner of a damaged record go on: it keeps the key with an empty
/// session, so the store sees the key again.
#[derive(Debug, Clone, Copy)]
enum Afresh {
    /// A read under `OnEveryRequest` (`update_ttl`), then a change (`update`).
    Change,
    /// A login that renews the session (`delete`, then `save`).
    Login,
}

impl Afresh {
    fn describe(self) -> &'static str {
        match self {
            Afresh::Change => "update_ttl and update of its key",
            Afresh::Login => "a login (delete of its key, then save)",
        }
    }
}
