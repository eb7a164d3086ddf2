//! actix-session 0.9's `CookieSessionStore`, through the suite's 0.9 adapter: the proof that a
//! store on 0.9 is certified as published.

use session_store_conformance::{
    compat::V0_9, stores::cookie_capabilities, Capabilities, Harness, Subject,
};

/// actix-session 0.9's stateless cookie store.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cookie09Harness;

impl Harness for Cookie09Harness {
    type Store = V0_9<actix_session_0_9::storage::CookieSessionStore>;

    fn name(&self) -> String {
        "cookie (actix-session 0.9)".to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        cookie_capabilities()
    }

    async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
        let make = || V0_9(actix_session_0_9::storage::CookieSessionStore::default());
        Ok(Subject::with_handles(make(), make))
    }
}
