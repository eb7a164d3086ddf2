//! The store behind actix-session's `SessionMiddleware`, over real HTTP on 127.0.0.1: the
//! scenarios of actix-session's own (crate-private) acceptance suite and more, under `Signed` and
//! `Private` cookies and both TTL extension policies.

mod client;
mod scenarios;
mod server;
mod shared_store;

use std::time::Duration;

use actix_session::config::CookieContentSecurity;
use actix_web::cookie::time::Duration as Ttl;

use self::{
    client::Client,
    server::{MiddlewareConfig, Policy, TestServer},
};
use super::{block_on, Outcome};
use crate::harness::{Harness, Subject};

/// Which scenario set to run.
#[derive(Debug, Clone, Copy)]
pub(super) enum Scenario {
    Workflow,
    Expiry,
    SessionUpdate,
}

const CONFIGS: [(CookieContentSecurity, Policy); 4] = [
    (CookieContentSecurity::Signed, Policy::OnStateChanges),
    (CookieContentSecurity::Signed, Policy::OnEveryRequest),
    (CookieContentSecurity::Private, Policy::OnStateChanges),
    (CookieContentSecurity::Private, Policy::OnEveryRequest),
];

pub(super) fn check<H: Harness>(
    harness: &H,
    scenario: Scenario,
    runtime: &tokio::runtime::Runtime,
) -> Outcome {
    let caps = harness.capabilities();
    if matches!(scenario, Scenario::Expiry) && !caps.enforces_ttl {
        return Outcome::NotApplicable(
            "the store does not expire sessions itself; the cookie's Max-Age is left to the client"
                .to_owned(),
        );
    }
    let mut cases = 0;
    for (content, policy) in CONFIGS {
        let ttl = match scenario {
            Scenario::Expiry if !caps.controlled_clock => Ttl::seconds(1),
            _ => Ttl::seconds(60),
        };
        let config = MiddlewareConfig {
            content,
            policy,
            ttl,
            custom_cookie: matches!(content, CookieContentSecurity::Signed),
        };
        let label = format!("{content:?} cookies, {policy:?}");
        let result = block_on(runtime, harness.fresh()).and_then(|made| {
            let subject = made.map_err(|e| format!("could not make a store: {e:#}"))?;
            let server = TestServer::start(subject.store.clone(), config)?;
            let client = Client::new(server.addr, config.cookie_name())?;
            block_on(runtime, run(&client, &subject, &caps, config, scenario))?
        });
        if let Err(why) = result {
            return Outcome::Fail(format!("{label}: {why}"));
        }
        cases += 1;
        if matches!(scenario, Scenario::Expiry) && !caps.controlled_clock {
            break; // waiting out real TTLs once is enough
        }
    }
    Outcome::Pass { cases }
}

async fn run<S>(
    client: &Client,
    subject: &Subject<S>,
    caps: &crate::Capabilities,
    config: MiddlewareConfig,
    scenario: Scenario,
) -> Result<(), String> {
    match scenario {
        Scenario::Workflow => scenarios::workflow(client, caps, config).await,
        Scenario::Expiry => {
            let wait = |by: Duration| async move {
                match &subject.advance_clock {
                    Some(advance) => advance(by),
                    None => tokio::time::sleep(by).await,
                }
            };
            scenarios::expiry(client, config, wait).await
        }
        Scenario::SessionUpdate => scenarios::session_update(client).await,
    }
}
