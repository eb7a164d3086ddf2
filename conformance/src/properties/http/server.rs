//! A real actix-web server on 127.0.0.1 with `SessionMiddleware` over the store under test.
//!
//! Its handlers keep a user id and a counter in the session and answer with both as JSON, so
//! every response shows which session the server saw.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    thread::JoinHandle,
};

use actix_session::{
    config::{CookieContentSecurity, PersistentSession, TtlExtensionPolicy},
    storage::SessionStore,
    Session, SessionExt, SessionMiddleware,
};
use actix_web::{
    cookie::{time::Duration as Ttl, Key},
    dev::ServerHandle,
    guard,
    middleware::DefaultHeaders,
    web, App, HttpResponse, HttpServer,
};

/// Server workers, each with its own clone of the store (actix-web builds one
/// `SessionMiddleware` per worker).
pub(crate) const WORKERS: usize = 2;

/// The response header naming the worker that answered.
pub(crate) const WORKER_HEADER: &str = "x-worker";

/// When the middleware extends a session's TTL (actix-session's `TtlExtensionPolicy`, which is
/// neither `Copy` nor exhaustive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Policy {
    OnStateChanges,
    OnEveryRequest,
}

impl Policy {
    fn to_actix(self) -> TtlExtensionPolicy {
        match self {
            Policy::OnStateChanges => TtlExtensionPolicy::OnStateChanges,
            Policy::OnEveryRequest => TtlExtensionPolicy::OnEveryRequest,
        }
    }
}

/// How the middleware is configured for one run of the scenarios.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MiddlewareConfig {
    pub content: CookieContentSecurity,
    pub policy: Policy,
    pub ttl: Ttl,
    /// actix-session's own basic workflow: cookie `actix-test`, path `/test/`, domain
    /// `localhost`, instead of the defaults (`id`, `/`, no domain).
    pub custom_cookie: bool,
}

impl MiddlewareConfig {
    pub fn cookie_name(&self) -> &'static str {
        if self.custom_cookie {
            "actix-test"
        } else {
            "id"
        }
    }

    pub fn cookie_path(&self) -> &'static str {
        if self.custom_cookie {
            "/test/"
        } else {
            "/"
        }
    }

    pub fn cookie_domain(&self) -> Option<&'static str> {
        self.custom_cookie.then_some("localhost")
    }
}

fn answer(session: &Session) -> actix_web::Result<HttpResponse> {
    let user_id = session.get::<String>("user_id")?;
    let counter = session.get::<i64>("counter")?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "user_id": user_id, "counter": counter })))
}

async fn state(session: Session) -> actix_web::Result<HttpResponse> {
    answer(&session)
}

async fn login(session: Session, user: web::Path<String>) -> actix_web::Result<HttpResponse> {
    session.renew();
    session.insert("user_id", user.into_inner())?;
    session.insert("counter", 0)?;
    answer(&session)
}

async fn increment(session: Session) -> actix_web::Result<HttpResponse> {
    let counter = session.get::<i64>("counter")?.unwrap_or(0) + 1;
    session.insert("counter", counter)?;
    answer(&session)
}

/// Changes the counter only through `Session::update`.
async fn update_only(session: Session) -> actix_web::Result<HttpResponse> {
    session
        .update("counter", |counter: i64| counter + 1)
        .map_err(actix_web::error::ErrorInternalServerError)?;
    answer(&session)
}

async fn renew(session: Session) -> actix_web::Result<HttpResponse> {
    session.renew();
    answer(&session)
}

async fn logout(session: Session) -> actix_web::Result<HttpResponse> {
    session.purge();
    answer(&session)
}

async fn oversize(session: Session, bytes: web::Path<usize>) -> actix_web::Result<HttpResponse> {
    session.insert("blob", "x".repeat(bytes.into_inner()))?;
    answer(&session)
}

pub(crate) struct TestServer {
    pub addr: SocketAddr,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts [`WORKERS`] workers on a free loopback port, each with its own handle on the
    /// store, made by `handle`.
    pub fn start<S: SessionStore + 'static>(
        handle: impl Fn() -> S + Send + Sync + Clone + 'static,
        config: MiddlewareConfig,
    ) -> Result<Self, String> {
        let key = Key::generate();
        let (ready, started) = std::sync::mpsc::channel();
        let failed = ready.clone();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            let result = system.block_on(async move {
                let next_worker = Arc::new(AtomicUsize::new(0));
                let server = HttpServer::new(move || {
                    let worker = next_worker.fetch_add(1, Ordering::SeqCst);
                    let middleware = SessionMiddleware::builder(handle(), key.clone())
                        .cookie_secure(false) // plain HTTP on loopback
                        .cookie_name(config.cookie_name().to_owned())
                        .cookie_path(config.cookie_path().to_owned())
                        .cookie_domain(config.cookie_domain().map(str::to_owned))
                        .cookie_content_security(config.content)
                        .session_lifecycle(
                            PersistentSession::default()
                                .session_ttl(config.ttl)
                                .session_ttl_extension_policy(config.policy.to_actix()),
                        )
                        .build();
                    App::new()
                        .wrap(middleware)
                        .wrap(DefaultHeaders::new().add((WORKER_HEADER, worker.to_string())))
                        .route("/worker", web::get().to(HttpResponse::NoContent))
                        .route("/state", web::get().to(state))
                        .route("/login/{user}", web::post().to(login))
                        .route("/increment", web::post().to(increment))
                        .route("/update-only", web::post().to(update_only))
                        .route("/renew", web::post().to(renew))
                        .route("/logout", web::post().to(logout))
                        .route("/oversize/{bytes}", web::post().to(oversize))
                        .service(
                            // Only for logged-in sessions: a guard that reads the session.
                            web::scope("/protected")
                                .guard(guard::fn_guard(|ctx| {
                                    ctx.get_session()
                                        .get::<String>("user_id")
                                        .ok()
                                        .flatten()
                                        .is_some()
                                }))
                                .route("/state", web::get().to(state)),
                        )
                })
                .workers(WORKERS)
                .disable_signals()
                .bind(("127.0.0.1", 0))?;
                let addr = server.addrs()[0];
                let server = server.run();
                let _ = ready.send(Ok((addr, server.handle())));
                server.await
            });
            if let Err(e) = result {
                let _ = failed.send(Err(e.to_string()));
            }
        });
        let (addr, handle) = started
            .recv()
            .map_err(|_| "the server thread died before it started".to_owned())??;
        Ok(Self {
            addr,
            handle,
            thread: Some(thread),
        })
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // `stop` sends its command when called; the server future then ends its thread.
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
