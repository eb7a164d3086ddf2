//! actix-session's `CookieSessionStore`: the state travels in the key itself, so the store
//! cannot invalidate a session, enforce a TTL, or keep a key across updates, and its keys are
//! not random credentials (the middleware signs or encrypts them).

use crate::{Capabilities, Harness, StateLimit, Subject};

/// actix-session's stateless cookie store.
#[derive(Debug, Clone, Copy, Default)]
pub struct CookieHarness;

/// The cookie store's limit: its key is the state's JSON text, and a key is at most 4064 bytes.
pub const COOKIE_MAX_STATE_BYTES: usize = 4064;

/// The cookie store's capabilities (the same on actix-session 0.9 and 0.11).
pub fn cookie_capabilities() -> Capabilities {
    Capabilities {
        invalidates: false,
        enforces_ttl: false,
        update_keeps_key: false,
        key_shape: None,
        max_state: Some(StateLimit::json_text(COOKIE_MAX_STATE_BYTES)),
        ..Capabilities::default()
    }
}

impl Harness for CookieHarness {
    type Store = actix_session::storage::CookieSessionStore;

    fn name(&self) -> String {
        "cookie".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        cookie_capabilities()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        // Not `Clone`: an application makes one per worker in its `HttpServer` factory.
        Ok(Subject::with_handles(
            Self::Store::default(),
            Self::Store::default,
        ))
    }
}
