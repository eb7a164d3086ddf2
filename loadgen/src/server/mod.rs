//! The example server: a counter in a session, over any store a
//! [`session_store_conformance::Harness`] makes: an actix-session store behind actix-session's
//! middleware on actix-web, a tower-sessions store behind `SessionManagerLayer` on axum
//! (`front.rs`), with the same endpoints and answers.
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
//! on it, as an application's `HttpServer` factory does (axum: one layer over one handle,
//! shared by the runtime's workers); when the server stops, the store is torn down. It prints one line on stdout, `listening on ADDR invalidates=BOOL store=NAME`,
//! which the load generator reads when it starts the server as a child process ([`child`]).

mod actix_app;
pub mod builtin;
pub mod child;
pub mod cookies;
mod embedded;
mod front;
mod tower_app;

pub use self::front::{FrontServer, Served};

use std::process::ExitCode;

use actix_web::cookie::Key;
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

/// Serves a fresh store of the harness `open` makes until the server is stopped (SIGTERM,
/// SIGINT), then tears the store down. Blocks.
pub fn serve<H: Harness>(
    open: impl FnOnce() -> anyhow::Result<H>,
    options: ServeOptions,
) -> anyhow::Result<()>
where
    H::Store: Served,
{
    H::Store::serve(open, options)
}

/// `serve` of a binary of one's own: a built-in backend when `--backend` names one (for
/// `--compare`), else the harness's store: pins the process if asked, opens the harness, serves.
pub fn serve_main<H: Harness>(args: ServeArgs, open: impl FnOnce() -> anyhow::Result<H>) -> ExitCode
where
    H::Store: Served,
{
    if args.backend.is_some() {
        return builtin::serve_main(args);
    }
    if let Some(core) = args.pin_core {
        crate::engine::command::pin(core);
    }
    let result = ServeOptions::from_args(&args).and_then(|options| serve(open, options));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve: {e:#}");
            ExitCode::FAILURE
        }
    }
}
