//! actix-session's `CookieSessionStore`: the state travels in the key itself, so the
//! store cannot invalidate a session, enforce a TTL, or keep a key across updates, and its keys
//! are not random credentials (the middleware signs or encrypts them).

use crate::{Capabilities, Harness, Subject};
use actix_session::storage::CookieSessionStore;

/// actix-session's stateless cookie store.
#[derive(Debug, Clone, Copy, Default)]
pub struct CookieHarness;

impl Harness for CookieHarness {
    type Store = CookieSessionStore;

    fn name(&self) -> String {
        "cookie".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            invalidates: false,
            enforces_ttl: false,
            update_keeps_key: false,
            key_shape: None,
            // The key is the state's JSON, and a session key is at most 4064 bytes.
            max_state_bytes: Some(4064),
            ..Capabilities::default()
        }
    }

    async fn fresh(&self) -> anyhow::Result<Subject<CookieSessionStore>> {
        Ok(Subject::new(CookieSessionStore::default()))
    }
}
