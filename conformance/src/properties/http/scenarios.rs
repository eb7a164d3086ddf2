//! What a browser would see, step by step, its requests landing on one worker or the other.

use std::time::Duration;

use actix_web::cookie::SameSite;

use super::{
    client::{Client, Reply},
    http,
    server::{MiddlewareConfig, Policy},
};
use crate::{
    failure::{Failure, Violation},
    harness::Capabilities,
    model::REAL_CLOCK_MARGIN_MS,
};

/// The two workers.
const A: usize = 0;
const B: usize = 1;

fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), Failure> {
    if ok {
        Ok(())
    } else {
        Err(http(what()))
    }
}

fn expect_session(reply: &Reply, step: &str, user: &str, counter: i64) -> Result<(), Failure> {
    ensure(
        reply.status == 200
            && reply.user_id.as_deref() == Some(user)
            && reply.counter == Some(counter),
        || format!("{step}: expected {user} with counter {counter}, got {reply:?}"),
    )
}

fn expect_empty(reply: &Reply, step: &str) -> Result<(), Failure> {
    ensure(reply.status == 200 && reply.user_id.is_none(), || {
        format!("{step}: expected a fresh, empty session, got {reply:?}")
    })
}

fn new_cookie(reply: &Reply, step: &str) -> Result<Vec<u8>, Failure> {
    reply
        .set_cookie
        .as_ref()
        .map(|c| c.value().as_bytes().to_vec())
        .ok_or_else(|| http(format!("{step}: no session cookie was set")))
}

async fn send(
    client: &mut Client,
    worker: usize,
    method: &str,
    path: &str,
    cookie: Option<&[u8]>,
) -> Result<Reply, Failure> {
    client
        .send(worker, method, path, cookie)
        .await
        .map_err(http)
}

/// Login, reads, changes, renew, logout, tampered cookies and an oversized state, each
/// session's requests alternating between the workers.
pub(super) async fn workflow(
    client: &mut Client,
    caps: &Capabilities,
    config: MiddlewareConfig,
) -> Result<(), Failure> {
    let reply = send(client, A, "GET", "/state", None).await?;
    expect_empty(&reply, "a first request without a cookie")?;
    ensure(reply.set_cookie.is_none(), || {
        "an empty session was given a cookie".to_owned()
    })?;

    let reply = send(client, B, "GET", "/protected/state", None).await?;
    ensure(reply.status == 404, || {
        format!("a guard that reads the session let an anonymous request through: {reply:?}")
    })?;

    let reply = send(client, A, "POST", "/login/alice", None).await?;
    expect_session(&reply, "login on worker A", "alice", 0)?;
    let cookie = reply
        .set_cookie
        .clone()
        .ok_or_else(|| http("login set no session cookie".to_owned()))?;
    ensure(
        cookie.http_only() == Some(true)
            && cookie.same_site() == Some(SameSite::Lax)
            && cookie.path() == Some(config.cookie_path())
            && cookie.domain() == config.cookie_domain()
            && cookie.max_age() == Some(config.ttl),
        || {
            format!(
                "session cookie attributes are off: {cookie} (expected HttpOnly, SameSite=Lax, \
                 path {}, domain {:?}, max-age {})",
                config.cookie_path(),
                config.cookie_domain(),
                config.ttl
            )
        },
    )?;
    let mut current = cookie.value().as_bytes().to_vec();
    let reply = send(client, B, "GET", "/protected/state", Some(&current)).await?;
    expect_session(
        &reply,
        "the guarded route on worker B, logged in",
        "alice",
        0,
    )?;
    if config.policy == Policy::OnEveryRequest {
        current = new_cookie(&reply, "the guarded route under OnEveryRequest")?;
    }

    let reply = send(client, B, "GET", "/state", Some(&current)).await?;
    expect_session(&reply, "a read on worker B", "alice", 0)?;
    match config.policy {
        Policy::OnStateChanges => ensure(reply.set_cookie.is_none(), || {
            "a read refreshed the cookie under OnStateChanges".to_owned()
        })?,
        Policy::OnEveryRequest => {
            current = new_cookie(&reply, "a read under OnEveryRequest")?;
        }
    }

    let reply = send(client, A, "POST", "/increment", Some(&current)).await?;
    expect_session(&reply, "an increment on worker A", "alice", 1)?;
    current = new_cookie(&reply, "an increment")?;
    let reply = send(client, B, "GET", "/state", Some(&current)).await?;
    expect_session(
        &reply,
        "a read on worker B after an increment on worker A",
        "alice",
        1,
    )?;

    let before_renew = current.clone();
    let reply = send(client, B, "POST", "/renew", Some(&current)).await?;
    current = new_cookie(&reply, "renew on worker B")?;
    if caps.invalidates {
        ensure(current != before_renew, || {
            "renew kept the cookie value".to_owned()
        })?;
        let reply = send(client, A, "GET", "/state", Some(&before_renew)).await?;
        expect_empty(&reply, "the cookie from before renew, on worker A")?;
    }
    let reply = send(client, A, "GET", "/state", Some(&current)).await?;
    expect_session(&reply, "the renewed cookie on worker A", "alice", 1)?;

    let before_logout = current.clone();
    let reply = send(client, A, "POST", "/logout", Some(&current)).await?;
    let removal = reply
        .set_cookie
        .clone()
        .ok_or_else(|| http("logout sent no removal cookie".to_owned()))?;
    ensure(
        removal.max_age() == Some(actix_web::cookie::time::Duration::ZERO)
            && removal.value().is_empty(),
        || format!("logout's cookie does not remove the session cookie: {removal}"),
    )?;
    if caps.invalidates {
        let reply = send(client, B, "GET", "/state", Some(&before_logout)).await?;
        expect_empty(
            &reply,
            "the cookie from before logout on worker A, replayed on worker B",
        )?;
    }

    hostile_cookies(client).await?;

    if let Some(limit) = caps.max_state {
        let reply = send(client, A, "POST", "/login/carol", None).await?;
        let carol = new_cookie(&reply, "login as carol")?;
        let reply = send(
            client,
            B,
            "POST",
            &format!("/oversize/{}", limit.bytes * 2),
            Some(&carol),
        )
        .await?;
        ensure(reply.status == 500, || {
            format!("an oversized state gave {} instead of 500", reply.status)
        })?;
        let reply = send(client, A, "GET", "/state", Some(&carol)).await?;
        expect_session(
            &reply,
            "the session after a refused oversized state",
            "carol",
            0,
        )?;
    }
    Ok(())
}

/// Tampered and garbage cookies: a fresh session, never a 5xx, never another session's data.
async fn hostile_cookies(client: &mut Client) -> Result<(), Failure> {
    let reply = send(client, A, "POST", "/login/bob", None).await?;
    let bob = new_cookie(&reply, "login as bob")?;
    let mut variants: Vec<(&str, Vec<u8>)> = Vec::new();
    for position in [0, bob.len() / 2, bob.len() - 1] {
        let mut flipped = bob.clone();
        flipped[position] = if flipped[position] == b'A' {
            b'B'
        } else {
            b'A'
        };
        variants.push(("one character changed", flipped));
    }
    variants.push(("truncated", bob[..bob.len() - 1].to_vec()));
    variants.push(("with a suffix", [bob.as_slice(), b"x"].concat()));
    variants.push(("garbage", b"not-a-session".to_vec()));
    variants.push(("empty", Vec::new()));
    variants.push(("non-UTF-8 bytes", vec![0xff, 0xfe, 0x80, b'a']));
    variants.push(("over 4 KB", vec![b'x'; 5_000]));
    for (i, (what, cookie)) in variants.into_iter().enumerate() {
        let reply = send(client, i % 2, "GET", "/state", Some(&cookie)).await?;
        ensure(reply.status < 500, || {
            format!("a {what} cookie gave status {}", reply.status)
        })?;
        ensure(reply.user_id.is_none(), || {
            format!("a {what} cookie was served a session: {:?}", reply.user_id)
        })?;
    }
    Ok(())
}

/// An expired session starts fresh, on either worker, and its cookie never brings it back.
pub(super) async fn expiry(
    client: &mut Client,
    caps: &Capabilities,
    config: MiddlewareConfig,
) -> Result<(), Failure> {
    let reply = send(client, A, "POST", "/login/dora", None).await?;
    let cookie = new_cookie(&reply, "login on worker A")?;
    let ttl = Duration::from_millis(u64::try_from(config.ttl.whole_milliseconds()).unwrap_or(0));
    if !caps.clock.advance(ttl) {
        tokio::time::sleep(ttl + Duration::from_millis(REAL_CLOCK_MARGIN_MS + 50)).await;
    }
    let reply = send(client, B, "GET", "/state", Some(&cookie)).await?;
    expect_empty(&reply, "a read on worker B after the TTL").map_err(|f| Failure {
        violation: Violation::ExpiredServed,
        ..f
    })?;
    let reply = send(client, B, "POST", "/increment", Some(&cookie)).await?;
    ensure(
        reply.status == 200 && reply.user_id.is_none() && reply.counter == Some(1),
        || format!("a change after the TTL should start a fresh session, got {reply:?}"),
    )?;
    let fresh = new_cookie(&reply, "a change after the TTL")?;
    ensure(fresh != cookie, || {
        "the expired session's cookie was reused".to_owned()
    })?;
    let reply = send(client, A, "GET", "/state", Some(&cookie)).await?;
    expect_empty(
        &reply,
        "the expired cookie on worker A, after a new session was made",
    )
}

/// A handler that changes state only through `Session::update` must see the change persisted.
pub(super) async fn session_update(client: &mut Client) -> Result<(), Failure> {
    let reply = send(client, A, "POST", "/login/erin", None).await?;
    expect_session(&reply, "login", "erin", 0)?;
    let cookie = new_cookie(&reply, "login")?;
    let reply = send(client, B, "POST", "/update-only", Some(&cookie)).await?;
    expect_session(&reply, "Session::update in the handler", "erin", 1)?;
    let cookie = reply
        .set_cookie
        .as_ref()
        .map_or(cookie, |c| c.value().as_bytes().to_vec());
    let reply = send(client, A, "GET", "/state", Some(&cookie)).await?;
    expect_session(
        &reply,
        "a read after the change",
        "erin",
        reply.counter.unwrap_or(0),
    )?;
    if reply.counter == Some(1) {
        return Ok(());
    }
    Err(Failure::new(
        Violation::ChangeNotSaved,
        format!(
            "the handler's Session::update set the counter to 1, the next request reads {:?}: \
             the change was never saved",
            reply.counter
        ),
    ))
}
