//! A counter kept in a sled-backed session.
//!
//! ```text
//! cargo run -p actix-session-sled --example counter
//! curl -c jar -b jar -X POST http://127.0.0.1:8080/   # 1
//! curl -c jar -b jar -X POST http://127.0.0.1:8080/   # 2
//! ```
//! The cookie is not marked `Secure` because this example serves plain HTTP on loopback; behind
//! TLS keep actix-session's default (`cookie_secure(true)`).

use std::time::Duration;

use actix_session::{Session, SessionMiddleware};
use actix_session_sled::SledSessionStore;
use actix_web::{cookie::Key, web, App, HttpResponse, HttpServer};

async fn increment(session: Session) -> actix_web::Result<HttpResponse> {
    let count = session.get::<u64>("count")?.unwrap_or(0) + 1;
    session.insert("count", count)?;
    Ok(HttpResponse::Ok().body(format!("{count}\n")))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let dir = std::env::temp_dir().join("actix-session-sled-counter");
    let store = SledSessionStore::open(&dir).map_err(std::io::Error::other)?;
    // Expired sessions are never served; the sweeper only reclaims their space.
    let _sweeper = store.spawn_sweeper(Duration::from_secs(5));
    // Use a fixed key from your configuration in production, or restarts log everyone out.
    let key = Key::generate();
    println!(
        "listening on http://127.0.0.1:8080, sessions in {}",
        dir.display()
    );
    HttpServer::new(move || {
        App::new()
            .wrap(
                SessionMiddleware::builder(store.clone(), key.clone())
                    .cookie_secure(false)
                    .build(),
            )
            .route("/", web::post().to(increment))
    })
    .bind(("127.0.0.1", 8080))?
    .run()
    .await
}
