//! Sessions live until their TTL and not after, for TTLs from a second to thirty years, and an
//! expired session stays dead whatever touches it.
//!
//! With a controlled clock, every TTL is checked to the resolution: live one resolution before
//! it runs out, gone when it does, whether it was set by `save`, `update` or `update_ttl`.
//! With the real clock, long TTLs are checked as "live now", and short ones (one to three
//! resolutions) by waiting, about one resolution and a quarter of a second in all.

use std::time::{Duration, Instant};

use crate::front::Ecosystem;

use super::{call, steps_outcome};
use crate::{
    check::Ctx,
    failure::{Failure, Violation},
    generate::one_field,
    harness::{Capabilities, Harness, Subject},
    model::REAL_CLOCK_MARGIN_MS,
    Outcome, State,
};

const DAY: i64 = 86_400;

/// TTLs a web application sets, from a second to thirty years.
const REALISTIC_TTLS: [(&str, i64); 9] = [
    ("1 second", 1),
    ("1 minute", 60),
    ("1 hour", 3_600),
    ("1 day", DAY),
    ("30 days", 30 * DAY),
    ("90 days", 90 * DAY),
    ("1 year", 365 * DAY),
    ("10 years", 3_652 * DAY),
    ("30 years", 10_957 * DAY),
];

/// How a session got its TTL.
#[derive(Debug, Clone, Copy)]
enum Path {
    Save,
    Update,
    UpdateTtl,
}

struct Timed {
    key: String,
    state: State,
    label: String,
    ttl_ms: u64,
}

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    if !ctx.caps.enforces_ttl {
        return Outcome::NotApplicable(
            "the store does not expire sessions itself (the cookie's Max-Age does)".to_owned(),
        );
    }
    let caps = &ctx.caps;
    steps_outcome((|| {
        let mut checks = 0;
        checks += ctx.with_store(async |subject| {
            let mut steps = ctx.steps();
            steps
                .run("realistic TTLs", realistic_ttls(&subject.store, caps))
                .await?;
            let ended = Ended::prepare(&subject.store, caps)
                .await
                .map_err(|f| f.at("sessions that are to expire"))?;
            let store = &subject.store;
            steps
                .run("a session past its TTL", ended.untouched(store))
                .await?;
            if ctx.contract().update_ttl {
                steps
                    .run("update_ttl of an expired key", ended.extended(store))
                    .await?;
            }
            steps
                .run("update of an expired key", ended.updated(store, caps))
                .await?;
            steps
                .run("delete of an expired key", ended.deleted(store))
                .await?;
            steps
                .run("a session with time left", ended.longer(store))
                .await?;
            steps
                .run(
                    "update of a live session with its own state and a longer TTL",
                    ended.refreshed(store),
                )
                .await?;
            if subject.has_sweep() {
                steps
                    .run("a sweep after expiry", ended.swept(subject))
                    .await?;
            }
            Ok(steps.count())
        })?;
        if caps.clock.is_controlled() {
            checks += ctx.with_store(async |subject| {
                let mut steps = ctx.steps();
                if subject.has_sweep() {
                    steps
                        .run("a sweep", sweep_removes_expired(subject, caps))
                        .await?;
                }
                Ok(steps.count())
            })?;
        }
        Ok(checks)
    })())
}

async fn write<S: Ecosystem>(
    store: &S,
    path: Path,
    state: &State,
    ttl_s: i64,
) -> Result<String, Failure> {
    let hour = call::secs(3_600);
    match path {
        Path::Save => call::save(store, state.clone(), call::secs(ttl_s)).await,
        Path::Update => {
            let key = call::save(store, one_field("stage", "before update"), hour).await?;
            call::update(store, &key, state.clone(), call::secs(ttl_s)).await
        }
        Path::UpdateTtl => {
            let key = call::save(store, state.clone(), hour).await?;
            call::update_ttl(store, &key, call::secs(ttl_s)).await?;
            Ok(key)
        }
    }
}

async fn realistic_ttls<S: Ecosystem>(store: &S, caps: &Capabilities) -> Result<(), Failure> {
    let mut sessions = Vec::new();
    for (name, secs) in REALISTIC_TTLS {
        let ttl_s = caps.ttl_secs_at_least(secs);
        for path in [Path::Save, Path::Update, Path::UpdateTtl] {
            if matches!(path, Path::UpdateTtl) && !S::CONTRACT.update_ttl {
                continue;
            }
            let label = format!("a session given a TTL of {name} by {path:?}");
            let state = one_field("ttl", &label);
            let key = write(store, path, &state, ttl_s).await?;
            sessions.push(Timed {
                key,
                state,
                label,
                ttl_ms: u64::try_from(ttl_s).unwrap_or(0) * 1000,
            });
        }
    }
    if !caps.clock.is_controlled() {
        // Without a clock to move, a long TTL can only be seen to be live now.
        for session in sessions.iter().filter(|s| s.ttl_ms >= 60_000) {
            call::expect_state(
                store,
                &session.key,
                &session.state,
                &format!("{}, right after", session.label),
            )
            .await?;
        }
        return Ok(());
    }
    let resolution = caps.resolution_ms();
    let mut ttls: Vec<u64> = sessions.iter().map(|s| s.ttl_ms).collect();
    ttls.sort_unstable();
    ttls.dedup();
    let mut elapsed = 0;
    for ttl in ttls {
        for at in [ttl - resolution.min(ttl), ttl] {
            caps.clock.advance(Duration::from_millis(at - elapsed));
            elapsed = at;
            for session in &sessions {
                let when = format!("{}, {} later", session.label, seconds(elapsed));
                if elapsed < session.ttl_ms.saturating_sub(resolution - 1) {
                    call::expect_state(store, &session.key, &session.state, &when).await?;
                } else if elapsed >= session.ttl_ms {
                    call::expect_absent(store, &session.key, Violation::ExpiredServed, &when)
                        .await?;
                }
            }
        }
    }
    Ok(())
}

/// `1.5 s`, `7775999.999 s`.
fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{}.{:03} s", ms / 1000, ms % 1000)
    }
}

/// Lets sessions with a TTL of `ttl_s`, written before `written`, expire.
async fn outlive(caps: &Capabilities, written: Instant, ttl_s: i64) {
    let ttl = Duration::from_secs(u64::try_from(ttl_s).unwrap_or(0));
    if !caps.clock.advance(ttl) {
        let until = written + ttl + Duration::from_millis(REAL_CLOCK_MARGIN_MS + 50);
        tokio::time::sleep_until(until.into()).await;
    }
}

/// Sessions saved with a TTL of one resolution, then outlived, each to be touched in its own way;
/// one with three times the TTL, which must still be live; and one whose TTL an update with its
/// unchanged state tripled before the others expired (the middleware sends such an update
/// whenever a handler inserts a value equal to the one held), which must be live too.
struct Ended {
    untouched: String,
    extended: String,
    updated: String,
    deleted: String,
    longer: String,
    longer_state: State,
    refreshed: String,
    refreshed_state: State,
}

impl Ended {
    async fn prepare<S: Ecosystem>(store: &S, caps: &Capabilities) -> Result<Self, Failure> {
        let unit = caps.ttl_secs_at_least(1);
        let short = call::secs(unit);
        let longer_state = one_field("user", "three times longer");
        let refreshed_state = one_field("user", "the same state, three times longer");
        let refreshed = call::save(store, refreshed_state.clone(), short).await?;
        let refreshed = call::update(
            store,
            &refreshed,
            refreshed_state.clone(),
            call::secs(3 * unit),
        )
        .await?;
        let ended = Self {
            untouched: call::save(store, one_field("user", "untouched"), short).await?,
            extended: call::save(store, one_field("user", "extended late"), short).await?,
            updated: call::save(store, one_field("user", "updated late"), short).await?,
            deleted: call::save(store, one_field("user", "deleted late"), short).await?,
            longer: call::save(store, longer_state.clone(), call::secs(3 * unit)).await?,
            longer_state,
            refreshed,
            refreshed_state,
        };
        outlive(caps, Instant::now(), unit).await;
        Ok(ended)
    }

    async fn untouched<S: Ecosystem>(&self, store: &S) -> Result<(), Failure> {
        call::expect_absent(
            store,
            &self.untouched,
            Violation::ExpiredServed,
            "a session past its TTL",
        )
        .await
    }

    async fn extended<S: Ecosystem>(&self, store: &S) -> Result<(), Failure> {
        call::update_ttl(store, &self.extended, call::secs(3_600)).await?;
        call::expect_absent(
            store,
            &self.extended,
            Violation::Revived,
            "a session past its TTL, after update_ttl of its key",
        )
        .await
    }

    async fn updated<S: Ecosystem>(&self, store: &S, caps: &Capabilities) -> Result<(), Failure> {
        let state = one_field("user", "after expiry");
        let new = call::update(store, &self.updated, state.clone(), call::secs(3_600)).await?;
        if S::CONTRACT.update_upserts {
            // tower-sessions' `save` writes the record as given: under the same key, live again.
            return call::expect_state(
                store,
                &self.updated,
                &state,
                "an expired key, after save with a new expiry date",
            )
            .await;
        }
        if new == self.updated && caps.invalidates {
            return Err(
                call::dead_key_returned(store, &self.updated, &state, "an expired key").await,
            );
        }
        call::expect_state(
            store,
            &new,
            &state,
            "the key update of an expired session returned",
        )
        .await?;
        if caps.invalidates {
            call::expect_absent(
                store,
                &self.updated,
                Violation::Revived,
                "an expired key, after update",
            )
            .await?;
        }
        Ok(())
    }

    async fn deleted<S: Ecosystem>(&self, store: &S) -> Result<(), Failure> {
        call::delete(store, &self.deleted).await?;
        call::expect_absent(
            store,
            &self.deleted,
            Violation::Revived,
            "an expired session, after delete",
        )
        .await
    }

    async fn longer<S: Ecosystem>(&self, store: &S) -> Result<(), Failure> {
        call::expect_state(
            store,
            &self.longer,
            &self.longer_state,
            "a session with three times the TTL, after the others expired",
        )
        .await
    }

    async fn refreshed<S: Ecosystem>(&self, store: &S) -> Result<(), Failure> {
        call::expect_state(
            store,
            &self.refreshed,
            &self.refreshed_state,
            "a session updated with its unchanged state and three times the TTL, once the \
             first TTL had run out",
        )
        .await
    }

    async fn swept<S: Ecosystem>(&self, subject: &Subject<S>) -> Result<(), Failure> {
        if let Some(sweep) = subject.sweep() {
            sweep.await.map_err(|e| {
                Failure::new(
                    Violation::Error,
                    format!("sweep: {}", crate::failure::anyhow_causes(&e)),
                )
            })?;
        }
        call::expect_state(
            &subject.store,
            &self.longer,
            &self.longer_state,
            "a live session, after a sweep",
        )
        .await
    }
}

/// On an untouched store, a sweep removes exactly the expired sessions.
async fn sweep_removes_expired<S: Ecosystem>(
    subject: &Subject<S>,
    caps: &Capabilities,
) -> Result<(), Failure> {
    let store = &subject.store;
    let ten_s = caps.ttl_secs_at_least(10);
    let minute = caps.ttl_secs_at_least(60);
    let two_minutes = caps.ttl_secs_at_least(120).max(2 * minute);
    for _ in 0..2 {
        call::save(store, one_field("user", "short"), call::secs(ten_s)).await?;
        call::save(store, one_field("user", "a minute"), call::secs(minute)).await?;
    }
    let live_state = one_field("user", "two minutes");
    let live = call::save(store, live_state.clone(), call::secs(two_minutes)).await?;
    caps.clock.advance(Duration::from_secs(
        u64::try_from(minute + (two_minutes - minute) / 2).unwrap_or(0),
    ));
    let Some(sweep) = subject.sweep() else {
        return Ok(());
    };
    let removed = sweep.await.map_err(|e| {
        Failure::new(
            Violation::Error,
            format!("sweep: {}", crate::failure::anyhow_causes(&e)),
        )
    })?;
    if let Some(removed) = removed.filter(|&removed| removed != 4) {
        return Err(Failure::new(
            Violation::SweepCount,
            format!(
                "4 sessions had expired and none had been touched; the sweep reported {removed}"
            ),
        ));
    }
    call::expect_state(
        store,
        &live,
        &live_state,
        "a session with time left, after a sweep",
    )
    .await
}
