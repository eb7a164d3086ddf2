//! The example server: a counter in a session, behind actix-session's middleware, over the
//! backend chosen on the command line.
//!
//! | request | does | answers |
//! |---|---|---|
//! | `POST /login?user=U` | a new session (key renewed) holding user `U` and counter 0 | `{"user":"U","counter":0}` |
//! | `GET /counter` | reads | `{"user":..,"counter":..}`, or 401 without a session |
//! | `POST /counter` | increments | the new value, or 401 |
//! | `POST /renew` | renews the session key, keeps the state | the state, or 401 |
//! | `POST /logout` | purges the session | `{}` |
//! | `GET /health` | nothing | 200 |
//!
//! Cookies are not marked `Secure`: the server speaks plain HTTP on loopback, where a browser
//! would refuse to send a `Secure` cookie back. Behind TLS, keep actix-session's default.

mod backend;

use actix_session::{storage::SessionStore, Session, SessionMiddleware};
use actix_web::{cookie::Key, web, App, HttpResponse, HttpServer};
use serde::Deserialize;

use crate::cookies::Security;

pub use backend::{Backend, BackendStore};

#[derive(Deserialize)]
struct Login {
    user: String,
}

fn state(session: &Session) -> actix_web::Result<Option<(String, u64)>> {
    let user = session.get::<String>("user")?;
    let counter = session.get::<u64>("counter")?;
    Ok(user.zip(counter))
}

fn answer(user: &str, counter: u64) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "user": user, "counter": counter }))
}

fn no_session() -> HttpResponse {
    HttpResponse::Unauthorized().json(serde_json::json!({ "error": "no session" }))
}

async fn login(session: Session, query: web::Query<Login>) -> actix_web::Result<HttpResponse> {
    session.renew();
    session.insert("user", &query.user)?;
    session.insert("counter", 0u64)?;
    Ok(answer(&query.user, 0))
}

async fn read(session: Session) -> actix_web::Result<HttpResponse> {
    Ok(match state(&session)? {
        Some((user, counter)) => answer(&user, counter),
        None => no_session(),
    })
}

async fn increment(session: Session) -> actix_web::Result<HttpResponse> {
    Ok(match state(&session)? {
        Some((user, counter)) => {
            session.insert("counter", counter + 1)?;
            answer(&user, counter + 1)
        }
        None => no_session(),
    })
}

async fn renew(session: Session) -> actix_web::Result<HttpResponse> {
    Ok(match state(&session)? {
        Some((user, counter)) => {
            session.renew();
            answer(&user, counter)
        }
        None => no_session(),
    })
}

async fn logout(session: Session) -> HttpResponse {
    session.purge();
    HttpResponse::Ok().json(serde_json::json!({}))
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn app_with<S: SessionStore + 'static>(
    store: S,
    key: Key,
    security: Security,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .wrap(
            SessionMiddleware::builder(store, key)
                .cookie_secure(false)
                .cookie_content_security(security.into())
                .build(),
        )
        .route("/login", web::post().to(login))
        .route("/counter", web::get().to(read))
        .route("/counter", web::post().to(increment))
        .route("/renew", web::post().to(renew))
        .route("/logout", web::post().to(logout))
        .route("/health", web::get().to(health))
}

/// Builds the server over one app factory, binds it and runs it.
macro_rules! run_server {
    ($factory:expr, $addr:expr, $workers:expr) => {{
        let server = HttpServer::new($factory).workers($workers).bind($addr)?;
        announce(&server.addrs(), $addr);
        server.run().await?
    }};
}

/// Tells the parent process where the server listens: it waits for this line on stdout.
fn announce(bound: &[std::net::SocketAddr], requested: &str) {
    let addr = bound
        .first()
        .map_or_else(|| requested.to_owned(), ToString::to_string);
    println!("listening on {addr}");
}

/// Binds `addr` with cookies sealed by `key` as `security` says, prints `listening on ADDR` on stdout and serves until stopped.
pub async fn serve(
    store: BackendStore,
    addr: &str,
    workers: usize,
    key: Key,
    security: Security,
) -> anyhow::Result<()> {
    match store {
        BackendStore::Sled { store, .. } => {
            run_server!(
                move || app_with(store.clone(), key.clone(), security),
                addr,
                workers
            )
        }
        BackendStore::Redis { store, .. } => {
            run_server!(
                move || app_with(store.clone(), key.clone(), security),
                addr,
                workers
            )
        }
        BackendStore::Memory(store) => {
            run_server!(
                move || app_with(store.clone(), key.clone(), security),
                addr,
                workers
            )
        }
        BackendStore::Cookie => run_server!(
            move || app_with(
                actix_session::storage::CookieSessionStore::default(),
                key.clone(),
                security
            ),
            addr,
            workers
        ),
    }
    Ok(())
}
