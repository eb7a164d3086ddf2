//! The example server: a counter in a session, behind actix-session's middleware, over any
//! `SessionStore` a [`session_store_conformance::Harness`] makes.
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
//!
//! [`serve`] makes one fresh store with the harness and gives each actix worker its own handle
//! on it, as an application's `HttpServer` factory does; when the server stops, the store is
//! torn down. It prints one line on stdout, `listening on ADDR invalidates=BOOL store=NAME`,
//! which the load generator reads when it starts the server as a child process ([`child`]).

mod app;
pub mod builtin;
pub mod child;
pub mod cookies;

use std::process::ExitCode;

use actix_session::storage::SessionStore;
use actix_web::{cookie::Key, HttpServer};
use session_store_conformance::Harness;

use self::cookies::Security;
use crate::cli::ServeArgs;

/// How to serve.
pub struct ServeOptions {
    /// Where to listen (port 0 picks a free one).
    pub addr: String,
    /// actix-web worker threads.
    pub workers: usize,
    /// The cookie signing and encryption key.
    pub key: Key,
    /// How the session cookie is protected.
    pub security: Security,
}

impl ServeOptions {
    /// The options `loadgen serve` was given, with the key read from `--key-file` or made.
    pub fn from_args(args: &ServeArgs) -> anyhow::Result<Self> {
        let key = match &args.key_file {
            Some(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| anyhow::anyhow!("cannot read the key file: {e}"))?;
                Key::try_from(bytes.as_slice())
                    .map_err(|_| anyhow::anyhow!("the key file must hold 64 bytes or more"))?
            }
            None => Key::generate(),
        };
        Ok(Self {
            addr: args.addr.clone(),
            workers: args.workers,
            key,
            security: args.cookie_security,
        })
    }
}

/// Serves a fresh store of `harness` until the server is stopped (SIGTERM, SIGINT), then tears
/// the store down.
pub async fn serve<H: Harness>(harness: &H, options: ServeOptions) -> anyhow::Result<()>
where
    H::Store: SessionStore,
{
    let subject = harness.fresh().await?;
    let handle = subject.handles();
    let ServeOptions {
        addr,
        workers,
        key,
        security,
    } = options;
    let server = HttpServer::new(move || app::app(handle(), key.clone(), security))
        .workers(workers)
        .bind(&addr)?;
    let bound = server
        .addrs()
        .first()
        .map_or_else(|| addr.clone(), ToString::to_string);
    println!(
        "listening on {bound} invalidates={} store={}",
        harness.capabilities().invalidates,
        harness.name()
    );
    let served = server.run().await;
    let torn_down = subject.tear_down().await;
    served?;
    torn_down
}

/// `serve` of a binary of one's own: a built-in backend when `--backend` names one (for
/// `--compare`), else the harness's store: pins the process if asked, opens the harness, serves.
pub fn serve_main<H: Harness>(args: ServeArgs, open: impl FnOnce() -> anyhow::Result<H>) -> ExitCode
where
    H::Store: SessionStore,
{
    if args.backend.is_some() {
        return builtin::serve_main(args);
    }
    if let Some(core) = args.pin_core {
        crate::engine::command::pin(core);
    }
    let result = actix_web::rt::System::new().block_on(async move {
        let harness = open()?;
        serve(&harness, ServeOptions::from_args(&args)?).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve: {e:#}");
            ExitCode::FAILURE
        }
    }
}
