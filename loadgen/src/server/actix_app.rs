//! The example server's routes and handlers on actix-web, behind actix-session's middleware.

use actix_session::{storage::SessionStore, Session, SessionMiddleware};
use actix_web::{cookie::Key, web, App, HttpResponse};
use serde::Deserialize;

use super::cookies::Security;

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

/// The example application over `store`, its cookies sealed with `key` as `security` says.
pub(super) fn app<S: SessionStore + 'static>(
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
