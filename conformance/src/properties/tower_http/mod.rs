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
    let expiries: Vec<Option<Expiry>> = match scenario {
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
        HttpScenario::Workflow => vec![
            None,
            Some(Expiry::OnInactivity(time::Duration::minutes(1))),
            Some(Expiry::AtDateTime(
                time::OffsetDateTime::now_utc() + time::Duration::days(1),
            )),
        ],
        // `AtDateTime` is computed when its run starts, below.
        HttpScenario::Expiry => vec![
            Some(Expiry::OnInactivity(
                lifetime.try_into().unwrap_or(time::Duration::MAX),
            )),
            None,
        ],
    };
    let mut cases = 0;
    for cookies in COOKIES {
        for expiry in &expiries {
            // A date less than a second away gives the cookie `Max-Age=0` (tower-sessions
            // rounds down), so `AtDateTime` expires two lifetimes after the run starts.
            let (expiry, expires_in) = match (scenario, expiry) {
                (HttpScenario::Expiry, None) => (
                    Some(Expiry::AtDateTime(
                        time::OffsetDateTime::now_utc() + 2 * lifetime,
                    )),
                    2 * lifetime,
                ),
                (_, expiry) => (*expiry, lifetime),
            };
            let config = Config { cookies, expiry };
            let result = ctx.with_store(async |subject| {
                let handles = subject.handles();
                let servers = server::start(|| handles().store().clone(), config)
                    .await
                    .map_err(|e| crate::Failure::new(crate::Violation::Http, e))?;
                match scenario {
                    HttpScenario::Expiry => scenarios::expiry(&servers, caps, expires_in).await,
                    _ => scenarios::workflow(&servers, config).await,
                }
            });
            match result {
                Err(failure) if !ctx.excused(&failure) => {
                    return Outcome::Fail(
                        failure.at(format_args!("{cookies:?} cookies, expiry {expiry:?}")),
                    )
                }
                _ => cases += 1,
            }
        }
    }
    Outcome::Pass { cases }
}
