//! The actix-session front: the engine's operations are `SessionStore`'s own, keys are
//! `SessionKey`s, and the HTTP properties run behind `SessionMiddleware`.

use actix_session::storage::{LoadError, SessionKey, SessionStore};
use time::Duration as Ttl;

use super::{Contract, Ecosystem, HttpScenario, Seen};
use crate::{
    check::Ctx,
    failure::{causes, Failure, Violation},
    harness::Harness,
    model::State,
    properties::http,
    Outcome,
};

/// A session key for `text` (at most 4064 bytes, actix-session's only rule).
fn key(text: &str) -> Result<SessionKey, Failure> {
    SessionKey::try_from(text.to_owned()).map_err(|_| {
        Failure::new(
            Violation::Harness,
            format!(
                "the suite built an invalid session key of {} bytes",
                text.len()
            ),
        )
    })
}

impl<S: SessionStore + Send + Sync + 'static> Ecosystem for S {
    type Front = super::ActixFront;

    const CONTRACT: Contract = Contract {
        name: "actix-session",
        text_values: true,
        never_issued: [
            "never-issued-0000000000000000000000000000000000000000000000000000",
            "never-issued-1111111111111111111111111111111111111111111111111111",
        ],
        update_upserts: false,
        update_ttl: true,
        store_draws_keys: true,
        middleware_findings: crate::MIDDLEWARE_KNOWN_FINDINGS,
    };

    async fn load(&self, key_text: &str) -> Result<Seen, Failure> {
        let key = key(key_text)?;
        Ok(match SessionStore::load(self, &key).await {
            Ok(None) => Seen::Nothing,
            Ok(Some(state)) => Seen::State(state),
            Err(e @ LoadError::Deserialization(_)) => Seen::Undecodable(causes(&e)),
            Err(e @ LoadError::Other(_)) => Seen::Error(causes(&e)),
        })
    }

    async fn save(&self, state: State, ttl: Ttl) -> Result<String, Failure> {
        SessionStore::save(self, state, &ttl)
            .await
            .map(String::from)
            .map_err(|e| {
                Failure::new(
                    Violation::Error,
                    format!("save (TTL {ttl}): {}", causes(&e)),
                )
            })
    }

    async fn update(&self, key_text: &str, state: State, ttl: Ttl) -> Result<String, Failure> {
        SessionStore::update(self, key(key_text)?, state, &ttl)
            .await
            .map(String::from)
            .map_err(|e| {
                Failure::new(
                    Violation::Error,
                    format!("update (TTL {ttl}): {}", causes(&e)),
                )
            })
    }

    async fn update_ttl(&self, key_text: &str, ttl: Ttl) -> Result<(), Failure> {
        SessionStore::update_ttl(self, &key(key_text)?, &ttl)
            .await
            .map_err(|e| {
                Failure::new(
                    Violation::Error,
                    format!("update_ttl (TTL {ttl}): {}", causes(e.as_ref())),
                )
            })
    }

    async fn delete(&self, key_text: &str) -> Result<(), Failure> {
        SessionStore::delete(self, &key(key_text)?)
            .await
            .map_err(|e| Failure::new(Violation::Error, format!("delete: {}", causes(e.as_ref()))))
    }

    async fn create_at(
        &self,
        _key: &str,
        _state: State,
        _ttl: Ttl,
    ) -> Option<Result<String, Failure>> {
        None // actix-session stores pick their keys themselves
    }

    fn http<H: Harness<Store = Self>>(ctx: &Ctx<'_, H>, scenario: HttpScenario) -> Outcome {
        http::check(ctx, scenario)
    }
}
