//! The example application behind tower-sessions' `SessionManagerLayer`: two axum servers on
//! 127.0.0.1, each with its own layer over its own handle on the store (two instances of one
//! application behind a load balancer), sharing the cookie key.
//!
//! | request | does | answers |
//! |---|---|---|
//! | `GET /state` | reads | `{"user":..,"counter":..}` (nulls for an empty session) |
//! | `POST /login/{user}` | `cycle_id`, then user `user` and counter 0 | the state |
//! | `POST /increment` | counter + 1 (401 without a user) | the state |
//! | `POST /remove` | removes the counter | the state |
//! | `POST /same` | inserts the user it already holds | the state |
//! | `POST /cycle` | `cycle_id`, data kept | the state |
//! | `POST /logout` | `flush` | `{}` |
//!
//! A store error becomes a 500 whose body says which call failed.

use std::net::{Ipv4Addr, SocketAddr};

use axum::{
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};
use tower_sessions::{cookie::Key, Expiry, Session, SessionManagerLayer, SessionStore};

/// How the servers protect the cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cookies {
    Signed,
    Private,
}

/// The layer's settings for one run of the scenarios.
#[derive(Debug, Clone, Copy)]
pub(super) struct Config {
    pub cookies: Cookies,
    pub expiry: Option<Expiry>,
}

/// The cookie's name: not the default `id`, so a scenario shows the layer's name is used.
pub(super) const COOKIE: &str = "sid";

/// The two running servers; both stop when this is dropped.
pub(super) struct Servers {
    pub addrs: [SocketAddr; 2],
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Servers {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn failed(what: &str, e: impl std::fmt::Display) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, format!("{what}: {e}")).into_response()
}

async fn answer(session: &Session) -> Response {
    let user = match session.get_value("user").await {
        Ok(user) => user,
        Err(e) => return failed("get user", e),
    };
    let counter = match session.get_value("counter").await {
        Ok(counter) => counter,
        Err(e) => return failed("get counter", e),
    };
    Json(json!({ "user": user, "counter": counter })).into_response()
}

async fn state(session: Session) -> Response {
    answer(&session).await
}

async fn login(session: Session, Path(user): Path<String>) -> Response {
    if let Err(e) = session.cycle_id().await {
        return failed("cycle_id", e);
    }
    if let Err(e) = session.insert("user", &user).await {
        return failed("insert user", e);
    }
    if let Err(e) = session.insert("counter", 0).await {
        return failed("insert counter", e);
    }
    answer(&session).await
}

async fn increment(session: Session) -> Response {
    match session.get_value("user").await {
        Ok(Some(_)) => {}
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => return failed("get user", e),
    }
    let counter = match session.get::<i64>("counter").await {
        Ok(counter) => counter.unwrap_or(0),
        Err(e) => return failed("get counter", e),
    };
    if let Err(e) = session.insert("counter", counter + 1).await {
        return failed("insert counter", e);
    }
    answer(&session).await
}

async fn remove(session: Session) -> Response {
    if let Err(e) = session.remove_value("counter").await {
        return failed("remove counter", e);
    }
    answer(&session).await
}

async fn same(session: Session) -> Response {
    let user: Option<Value> = match session.get_value("user").await {
        Ok(user) => user,
        Err(e) => return failed("get user", e),
    };
    if let Some(user) = user {
        if let Err(e) = session.insert("user", user).await {
            return failed("insert user", e);
        }
    }
    answer(&session).await
}

async fn cycle(session: Session) -> Response {
    if let Err(e) = session.cycle_id().await {
        return failed("cycle_id", e);
    }
    answer(&session).await
}

async fn logout(session: Session) -> Response {
    if let Err(e) = session.flush().await {
        return failed("flush", e);
    }
    Json(json!({})).into_response()
}

fn routes() -> Router {
    Router::new()
        .route("/state", get(state))
        .route("/login/{user}", post(login))
        .route("/increment", post(increment))
        .route("/remove", post(remove))
        .route("/same", post(same))
        .route("/cycle", post(cycle))
        .route("/logout", post(logout))
}

fn app<S: SessionStore + Clone>(store: S, key: &Key, config: Config) -> Router {
    let layer = SessionManagerLayer::new(store)
        .with_name(COOKIE)
        // Plain HTTP on loopback: a browser would not send a `Secure` cookie back.
        .with_secure(false);
    let layer = match config.expiry {
        Some(expiry) => layer.with_expiry(expiry),
        None => layer,
    };
    match config.cookies {
        Cookies::Signed => routes().layer(layer.with_signed(key.clone())),
        Cookies::Private => routes().layer(layer.with_private(key.clone())),
    }
}

/// Starts the two servers on the current Tokio runtime, each over its own handle.
pub(super) async fn start<S: SessionStore + Clone>(
    handle: impl Fn() -> S,
    config: Config,
) -> Result<Servers, String> {
    let key = Key::generate();
    let mut addrs = Vec::new();
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| format!("cannot bind a test server: {e}"))?;
        addrs.push(
            listener
                .local_addr()
                .map_err(|e| format!("test server address: {e}"))?,
        );
        let router = app(handle(), &key, config);
        tasks.push(tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        }));
    }
    Ok(Servers {
        addrs: [addrs[0], addrs[1]],
        tasks,
    })
}
