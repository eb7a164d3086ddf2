//! The example server's routes as an axum application behind tower-sessions'
//! `SessionManagerLayer`: the same endpoints and answers as the actix-web one ([`super`]), so
//! the load engine, its checks and its reports drive both ecosystems unchanged.
//!
//! The mapping: actix-session's `renew` is `cycle_id`, `purge` is `flush`. A store error is a
//! 500 whose body names the call that failed (never the session key).

use axum::{
    extract::Query,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::{cookie::Key, Session, SessionManagerLayer, SessionStore};

use super::cookies::{Security, NAME};

#[derive(Deserialize)]
struct Login {
    user: String,
}

fn failed(what: &str, e: impl std::fmt::Display) -> Response {
    tracing::error!("{what}: {e}");
    (StatusCode::INTERNAL_SERVER_ERROR, format!("{what}: {e}")).into_response()
}

fn answer(user: &str, counter: u64) -> Response {
    Json(json!({ "user": user, "counter": counter })).into_response()
}

fn no_session() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "error": "no session" })),
    )
        .into_response()
}

/// The session's user and counter, if it has both.
async fn state(session: &Session) -> Result<Option<(String, u64)>, Response> {
    let user = session
        .get::<String>("user")
        .await
        .map_err(|e| failed("get user", e))?;
    let counter = session
        .get::<u64>("counter")
        .await
        .map_err(|e| failed("get counter", e))?;
    Ok(user.zip(counter))
}

async fn login(session: Session, Query(login): Query<Login>) -> Response {
    if let Err(e) = session.cycle_id().await {
        return failed("cycle_id", e);
    }
    if let Err(e) = session.insert("user", &login.user).await {
        return failed("insert user", e);
    }
    if let Err(e) = session.insert("counter", 0u64).await {
        return failed("insert counter", e);
    }
    answer(&login.user, 0)
}

async fn read(session: Session) -> Response {
    match state(&session).await {
        Ok(Some((user, counter))) => answer(&user, counter),
        Ok(None) => no_session(),
        Err(response) => response,
    }
}

async fn increment(session: Session) -> Response {
    match state(&session).await {
        Ok(Some((user, counter))) => match session.insert("counter", counter + 1).await {
            Ok(()) => answer(&user, counter + 1),
            Err(e) => failed("insert counter", e),
        },
        Ok(None) => no_session(),
        Err(response) => response,
    }
}

async fn renew(session: Session) -> Response {
    match state(&session).await {
        Ok(Some((user, counter))) => match session.cycle_id().await {
            Ok(()) => answer(&user, counter),
            Err(e) => failed("cycle_id", e),
        },
        Ok(None) => no_session(),
        Err(response) => response,
    }
}

async fn logout(session: Session) -> Response {
    match session.flush().await {
        Ok(()) => Json(json!({})).into_response(),
        Err(e) => failed("flush", e),
    }
}

/// The example application over `store`, its cookies sealed with `key` as `security` says.
/// The cookie is named as actix-session names it, and not `Secure` (plain HTTP on loopback).
pub(super) fn app<S: SessionStore + Clone>(store: S, key: Key, security: Security) -> Router {
    let routes = Router::new()
        .route("/login", post(login))
        .route("/counter", get(read).post(increment))
        .route("/renew", post(renew))
        .route("/logout", post(logout))
        .route("/health", get(|| async { StatusCode::OK }));
    let layer = SessionManagerLayer::new(store)
        .with_name(NAME)
        .with_secure(false);
    // The two layers are of two types (the cookie controller is a type parameter).
    match security {
        Security::Private => routes.layer(layer.with_private(key)),
        Security::Signed => routes.layer(layer.with_signed(key)),
    }
}
