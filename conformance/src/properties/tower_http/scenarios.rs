//! What a browser would see, step by step, its requests landing on one server or the other:
//! tower-sessions' own route scenarios (insert, get, remove, cycle_id, flush, the cookie's
//! attributes for every `Expiry`), plus an old id replayed after `cycle_id`, tampered and
//! garbage cookies, a logout racing a change, and an expired session starting fresh.

use std::time::Duration;

use tower_sessions::{cookie::SameSite, Expiry};

use super::{
    client::{is_removal, send, Reply},
    server::{Config, Servers},
};
use crate::{
    failure::{Failure, Violation},
    harness::Capabilities,
    model::REAL_CLOCK_MARGIN_MS,
};

const A: usize = 0;
const B: usize = 1;

fn http(detail: String) -> Failure {
    Failure::new(Violation::Http, detail)
}

fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), Failure> {
    if ok {
        Ok(())
    } else {
        Err(http(what()))
    }
}

async fn request(
    servers: &Servers,
    server: usize,
    method: &str,
    path: &str,
    cookie: Option<&str>,
) -> Result<Reply, Failure> {
    let reply = send(servers.addrs[server], method, path, cookie)
        .await
        .map_err(http)?;
    if reply.status >= 500 {
        return Err(Failure::new(
            Violation::Error,
            format!("{method} {path}: {} {}", reply.status, reply.body),
        ));
    }
    Ok(reply)
}

fn expect_session(
    reply: &Reply,
    step: &str,
    user: &str,
    counter: Option<i64>,
) -> Result<(), Failure> {
    ensure(
        reply.status == 200 && reply.user.as_deref() == Some(user) && reply.counter == counter,
        || format!("{step}: expected {user} with counter {counter:?}, got {reply:?}"),
    )
}

fn expect_empty(reply: &Reply, step: &str) -> Result<(), Failure> {
    ensure(reply.status == 200 && reply.user.is_none(), || {
        format!("{step}: expected a fresh, empty session, got {reply:?}")
    })
}

fn new_cookie(reply: &Reply, step: &str) -> Result<String, Failure> {
    reply
        .cookie()
        .ok_or_else(|| http(format!("{step}: no session cookie was set: {reply:?}")))
}

/// The cookie's attributes: tower-sessions' defaults (HttpOnly, SameSite=Strict, path `/`),
/// `Secure` off as configured, and a lifetime that follows the `Expiry`.
fn check_attributes(reply: &Reply, config: Config) -> Result<(), Failure> {
    let cookie = reply
        .set_cookie
        .as_ref()
        .ok_or_else(|| http("login set no cookie".to_owned()))?;
    ensure(
        cookie.http_only() == Some(true)
            && cookie.same_site() == Some(SameSite::Strict)
            && cookie.path() == Some("/")
            && cookie.secure() != Some(true),
        || format!("the session cookie's attributes: {cookie}"),
    )?;
    let max_age = cookie.max_age();
    let lifetime_ok = match config.expiry {
        None | Some(Expiry::OnSessionEnd) => max_age.is_none(),
        Some(Expiry::OnInactivity(duration)) => max_age == Some(duration),
        Some(Expiry::AtDateTime(at)) => max_age.is_some_and(|age| {
            let left = at - time::OffsetDateTime::now_utc();
            (age - left).abs() <= time::Duration::seconds(5)
        }),
    };
    ensure(lifetime_ok, || {
        format!(
            "with {:?} the session cookie's lifetime is {max_age:?}: {cookie}",
            config.expiry
        )
    })
}

/// Login, reads, changes, remove, cycle_id, logout, replays and tampered cookies, each
/// session's requests alternating between the servers; then a logout racing a change.
pub(super) async fn workflow(servers: &Servers, config: Config) -> Result<(), Failure> {
    let reply = request(servers, A, "GET", "/state", None).await?;
    expect_empty(&reply, "a first request without a cookie")?;
    ensure(reply.set_cookie.is_none(), || {
        "a request that stored nothing was given a cookie".to_owned()
    })?;

    let reply = request(servers, A, "POST", "/login/ann", None).await?;
    expect_session(&reply, "login", "ann", Some(0))?;
    check_attributes(&reply, config)?;
    let first = new_cookie(&reply, "login")?;

    let reply = request(servers, B, "GET", "/state", Some(&first)).await?;
    expect_session(&reply, "a read on the other server", "ann", Some(0))?;
    ensure(reply.set_cookie.is_none(), || {
        format!("a read that changed nothing set a cookie: {reply:?}")
    })?;

    let reply = request(servers, B, "POST", "/increment", Some(&first)).await?;
    expect_session(&reply, "increment", "ann", Some(1))?;
    let reply = request(servers, A, "GET", "/state", Some(&first)).await?;
    expect_session(
        &reply,
        "the increment, read on the other server",
        "ann",
        Some(1),
    )?;

    let reply = request(servers, A, "POST", "/same", Some(&first)).await?;
    expect_session(
        &reply,
        "an insert of the value already held",
        "ann",
        Some(1),
    )?;

    let reply = request(servers, B, "POST", "/remove", Some(&first)).await?;
    expect_session(&reply, "remove", "ann", None)?;
    let reply = request(servers, A, "GET", "/state", Some(&first)).await?;
    expect_session(&reply, "the remove, read on the other server", "ann", None)?;

    let reply = request(servers, A, "POST", "/cycle", Some(&first)).await?;
    expect_session(&reply, "cycle_id", "ann", None)?;
    let cycled = new_cookie(&reply, "cycle_id")?;
    ensure(cycled != first, || {
        "cycle_id kept the session id".to_owned()
    })?;
    let reply = request(servers, B, "GET", "/state", Some(&first)).await?;
    expect_empty(&reply, "the id from before cycle_id, replayed")?;
    let reply = request(servers, B, "GET", "/state", Some(&cycled)).await?;
    expect_session(&reply, "the cycled id, on the other server", "ann", None)?;

    for (what, value) in tampered(&cycled) {
        let reply = request(servers, A, "GET", "/state", Some(&value)).await?;
        expect_empty(&reply, &format!("a {what} cookie"))?;
    }

    let reply = request(servers, B, "POST", "/logout", Some(&cycled)).await?;
    ensure(reply.set_cookie.as_ref().is_some_and(is_removal), || {
        format!("logout did not remove the cookie: {reply:?}")
    })?;
    let reply = request(servers, A, "GET", "/state", Some(&cycled)).await?;
    expect_empty(&reply, "the cookie of a session that logged out")?;
    let reply = request(servers, A, "POST", "/increment", Some(&cycled)).await?;
    ensure(reply.status == 401, || {
        format!("a change with the cookie of a session that logged out: {reply:?}")
    })?;

    logout_racing_a_change(servers).await
}

/// The cookie's value changed in the ways an attacker or a broken proxy changes it.
fn tampered(value: &str) -> Vec<(&'static str, String)> {
    let mut flipped: Vec<char> = value.chars().collect();
    let middle = flipped.len() / 2;
    flipped[middle] = if flipped[middle] == 'A' { 'B' } else { 'A' };
    vec![
        ("tampered", flipped.into_iter().collect()),
        ("truncated", value[..value.len() / 2].to_owned()),
        ("garbage", "not-a-session".to_owned()),
        ("empty", String::new()),
    ]
}

/// Logout on one server and a change on the other, at once, with the same cookie. Either may
/// run first: the cookie then loads nothing (the logout came last) or the change's whole state
/// (tower-sessions' `save` writes the record as given), never the state from before either.
async fn logout_racing_a_change(servers: &Servers) -> Result<(), Failure> {
    for round in 0..10 {
        let reply = request(servers, A, "POST", "/login/bob", None).await?;
        let cookie = new_cookie(&reply, "login")?;
        request(servers, B, "POST", "/increment", Some(&cookie)).await?;
        let (logout, change) = tokio::join!(
            request(servers, A, "POST", "/logout", Some(&cookie)),
            request(servers, B, "POST", "/increment", Some(&cookie)),
        );
        logout?;
        change?;
        let after = request(servers, A, "GET", "/state", Some(&cookie)).await?;
        let whole = after.user.is_none() || after.counter == Some(2);
        ensure(whole, || {
            format!(
                "round {round}: after a logout raced a change, the cookie loads {after:?}: \
                 neither nothing nor the change's state"
            )
        })?;
    }
    Ok(())
}

/// A session whose expiry has passed starts fresh, and its cookie never brings it back.
/// `lifetime`: how long from the scenario's start until the session has expired at the latest,
/// on the real clock; `ahead`: how far a controlled clock must move for the store to see that
/// (less, where it is already ahead of the real clock).
pub(super) async fn expiry(
    servers: &Servers,
    caps: &Capabilities,
    lifetime: Duration,
    ahead: Duration,
) -> Result<(), Failure> {
    let started = tokio::time::Instant::now();
    let reply = request(servers, A, "POST", "/login/cy", None).await?;
    let cookie = new_cookie(&reply, "login")?;
    let reply = request(servers, B, "GET", "/state", Some(&cookie)).await?;
    expect_session(&reply, "a read before the expiry", "cy", Some(0))?;
    if !caps.clock.advance(ahead + Duration::from_secs(1)) {
        let margin = Duration::from_millis(REAL_CLOCK_MARGIN_MS + 100);
        tokio::time::sleep_until(started + lifetime + margin).await;
    }
    for server in [B, A] {
        let reply = request(servers, server, "GET", "/state", Some(&cookie)).await?;
        expect_empty(&reply, "the cookie of an expired session")?;
    }
    let reply = request(servers, A, "POST", "/increment", Some(&cookie)).await?;
    ensure(reply.status == 401, || {
        format!("a change with the cookie of an expired session: {reply:?}")
    })
}
