//! The store behind tower-sessions' `SessionManagerLayer`, over real HTTP on 127.0.0.1: two
//! axum servers, each with its own handle on the store, every request on a fresh connection,
//! under signed and private cookies and every `Expiry`.

mod client;
mod scenarios;
mod server;

use std::time::Duration;

use tower_sessions::{Expiry, SessionStore};

use self::server::{Config, Cookies};
use crate::{
    check::Ctx,
    front::{HttpScenario, Tower},
    harness::Harness,
    Outcome,
};

const COOKIES: [Cookies; 2] = [Cookies::Signed, Cookies::Private];

pub(crate) fn check<S, H>(ctx: &Ctx<'_, H>, scenario: HttpScenario) -> Outcome
where
    S: SessionStore + Clone,
    H: Harness<Store = Tower<S>>,
{
    let caps = &ctx.caps;
    let lifetime = if caps.clock.is_controlled() {
        Duration::from_secs(60)
    } else {
        Duration::from_secs(u64::try_from(caps.ttl_secs_at_least(1)).unwrap_or(1))
    };
    let lifetimes: &[Lifetime] = match scenario {
        HttpScenario::SessionUpdate => {
            return Outcome::NotApplicable(
                "a scenario of actix-session's `Session::update`, which tower-sessions has no \
                 counterpart of"
                    .to_owned(),
            )
        }
        HttpScenario::Expiry if !caps.enforces_ttl => {
            return Outcome::NotApplicable("the store does not expire sessions itself".to_owned())
        }
        HttpScenario::Workflow => &[Lifetime::SessionEnd, Lifetime::Inactivity, Lifetime::AtDate],
        HttpScenario::Expiry => &[Lifetime::Inactivity, Lifetime::AtDate],
    };
    // tower-sessions' `Session` computes expiry dates from the real clock; a store on a
    // controlled clock that this property moved forward is ahead of it by `offset`, so each run
    // gives its sessions that much more time, and moves the clock past their expiry again.
    let mut offset = Duration::ZERO;
    let mut cases = 0;
    for cookies in COOKIES {
        for &kind in lifetimes {
            let expires_in = match scenario {
                HttpScenario::Expiry => kind.short(lifetime + offset).1,
                _ => kind.long().1,
            };
            let result = ctx.with_store(async |subject| {
                // The date is set once the fresh store is ready, just before the servers start:
                // a store that takes a second to set up must not eat into the session's life.
                let expiry = match scenario {
                    HttpScenario::Expiry => kind.short(lifetime + offset).0,
                    _ => kind.long().0,
                };
                let config = Config { cookies, expiry };
                let handles = subject.handles();
                let servers = server::start(|| handles().store().clone(), config)
                    .await
                    .map_err(|e| crate::Failure::new(crate::Violation::Http, e))?;
                match scenario {
                    HttpScenario::Expiry => {
                        scenarios::expiry(
                            &servers,
                            caps,
                            expires_in,
                            expires_in.saturating_sub(offset),
                        )
                        .await
                    }
                    _ => scenarios::workflow(&servers, config).await,
                }
            });
            match result {
                Err(failure) if !ctx.excused(&failure) => {
                    return Outcome::Fail(
                        failure.at(format_args!("{cookies:?} cookies, expiry {kind:?}")),
                    )
                }
                _ => cases += 1,
            }
            if scenario == HttpScenario::Expiry && caps.clock.is_controlled() {
                offset = expires_in + Duration::from_secs(1);
            }
        }
    }
    Outcome::Pass { cases }
}

/// How long a run's sessions live.
#[derive(Debug, Clone, Copy)]
enum Lifetime {
    /// No `Expiry` (a browser session).
    SessionEnd,
    /// `Expiry::OnInactivity`.
    Inactivity,
    /// `Expiry::AtDateTime`.
    AtDate,
}

impl Lifetime {
    /// For the workflow: long enough never to end during it.
    fn long(self) -> (Option<Expiry>, Duration) {
        let day = Duration::from_secs(86_400);
        let expiry = match self {
            Lifetime::SessionEnd => None,
            Lifetime::Inactivity => Some(Expiry::OnInactivity(time::Duration::minutes(1))),
            Lifetime::AtDate => Some(Expiry::AtDateTime(
                time::OffsetDateTime::now_utc() + time::Duration::days(1),
            )),
        };
        (expiry, day)
    }

    /// For the expiry scenario: `lifetime`, and how long from now until the session ends. A
    /// date less than a second away when the login is answered gives the cookie `Max-Age=0`
    /// (tower-sessions rounds down), so a date is set at least two seconds more ahead: a slow
    /// store's login (seen once on a loaded machine, with PostgreSQL) must not look like a store
    /// that set no cookie.
    fn short(self, lifetime: Duration) -> (Option<Expiry>, Duration) {
        let as_time = |d: Duration| time::Duration::try_from(d).unwrap_or(time::Duration::MAX);
        let date_ahead = lifetime + lifetime.max(Duration::from_secs(2));
        match self {
            Lifetime::SessionEnd => (None, lifetime),
            Lifetime::Inactivity => (Some(Expiry::OnInactivity(as_time(lifetime))), lifetime),
            Lifetime::AtDate => (
                Some(Expiry::AtDateTime(
                    time::OffsetDateTime::now_utc() + as_time(date_ahead),
                )),
                date_ahead,
            ),
        }
    }
}
