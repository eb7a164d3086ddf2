//! The store behind actix-session's `SessionMiddleware`, over real HTTP on 127.0.0.1, on two
//! workers that each hold their own clone of the store: the scenarios of actix-session's own
//! (crate-private) acceptance suite and more, with every session moving between workers, under
//! `Signed` and `Private` cookies and both TTL extension policies.

mod client;
mod scenarios;
mod server;

use actix_session::{config::CookieContentSecurity, storage::SessionStore};
use actix_web::cookie::time::Duration as Ttl;

use self::{
    client::Client,
    server::{MiddlewareConfig, Policy, TestServer},
};
use crate::{
    check::Ctx,
    failure::{Failure, Violation},
    front::HttpScenario as Scenario,
    harness::Harness,
    Outcome,
};

const CONFIGS: [(CookieContentSecurity, Policy); 4] = [
    (CookieContentSecurity::Signed, Policy::OnStateChanges),
    (CookieContentSecurity::Signed, Policy::OnEveryRequest),
    (CookieContentSecurity::Private, Policy::OnStateChanges),
    (CookieContentSecurity::Private, Policy::OnEveryRequest),
];

fn http(detail: String) -> Failure {
    Failure::new(Violation::Http, detail)
}

pub(crate) fn check<H: Harness>(ctx: &Ctx<'_, H>, scenario: Scenario) -> Outcome
where
    H::Store: SessionStore,
{
    let caps = &ctx.caps;
    let real_clock = !caps.clock.is_controlled();
    if matches!(scenario, Scenario::Expiry) && !caps.enforces_ttl {
        return Outcome::NotApplicable(
            "the store does not expire sessions itself; the cookie's Max-Age is left to the client"
                .to_owned(),
        );
    }
    let mut cases = 0;
    for (content, policy) in CONFIGS {
        let ttl = match scenario {
            Scenario::Expiry if real_clock => Ttl::seconds(caps.ttl_secs_at_least(1)),
            _ => Ttl::seconds(60),
        };
        let config = MiddlewareConfig {
            content,
            policy,
            ttl,
            custom_cookie: matches!(content, CookieContentSecurity::Signed),
        };
        let result = ctx.with_store(async |subject| {
            let server = TestServer::start(subject.handles(), config).map_err(http)?;
            let mut client = Client::connect(server.addr, config.cookie_name())
                .await
                .map_err(http)?;
            match scenario {
                Scenario::Workflow => scenarios::workflow(&mut client, caps, config).await,
                Scenario::Expiry => scenarios::expiry(&mut client, caps, config).await,
                Scenario::SessionUpdate => scenarios::session_update(&mut client).await,
            }
        });
        match result {
            Err(failure) if !ctx.excused(&failure) => {
                return Outcome::Fail(failure.at(format_args!("{content:?} cookies, {policy:?}")))
            }
            _ => cases += 1,
        }
        if matches!(scenario, Scenario::Expiry) && real_clock {
            break; // waiting out real TTLs once is enough
        }
    }
    Outcome::Pass { cases }
}
