//! Certifying stores written against older actix-session releases.
//!
//! Semver-incompatible releases of actix-session live side by side in one build, each with its
//! own `SessionStore` trait, so a store built on 0.10 implements 0.10's trait and not 0.11's,
//! which the suite calls. The trait itself did not change: its file is identical in 0.10.1 and
//! 0.11.0, and 0.9 differs only in how its error types are derived. So a store of an older
//! release is certified through an adapter that forwards each call unchanged, converting only
//! the key and error types: wrap the store, `V0_10(store)`, and use the wrapper as the
//! harness's `Store`. The HTTP properties then run the store behind 0.11's middleware, whose
//! request handling is identical to 0.10's (`middleware.rs` is the same file in both).
//!
//! Why an adapter and not a feature that switches the whole suite to another release: one build
//! can then certify stores of all three releases side by side, and the store itself is used
//! exactly as published.
//!
//! Enable the feature for the release: `actix-session-0_10` gives `V0_10`, `actix-session-0_9`
//! gives `V0_9`. For tower-sessions, `tower-sessions-0_14` gives `V0_14`, a 0.14 store seen as
//! a 0.15 one (wrap it in `Tower` as any tower store).

#[cfg(any(feature = "actix-session-0_9", feature = "actix-session-0_10"))]
use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
#[cfg(any(feature = "actix-session-0_9", feature = "actix-session-0_10"))]
use actix_web::cookie::time::Duration as Ttl;

#[cfg(any(feature = "actix-session-0_9", feature = "actix-session-0_10"))]
use crate::State;

/// An adapter from one release's `SessionStore` to 0.11's.
#[cfg(any(feature = "actix-session-0_9", feature = "actix-session-0_10"))]
macro_rules! adapter {
    ($(#[$doc:meta])* $name:ident, $release:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name<S>(pub S);

        impl<S> $name<S> {
            fn key(key: &SessionKey) -> anyhow::Result<$release::storage::SessionKey> {
                $release::storage::SessionKey::try_from(key.as_ref().to_owned())
                    .map_err(|e| anyhow::anyhow!("the key does not convert: {e}"))
            }

            fn returned(key: $release::storage::SessionKey) -> anyhow::Result<SessionKey> {
                SessionKey::try_from(String::from(key))
                    .map_err(|e| anyhow::anyhow!("the store returned an invalid key: {e}"))
            }
        }

        impl<S: $release::storage::SessionStore> SessionStore for $name<S> {
            async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
                let key = Self::key(key).map_err(LoadError::Other)?;
                self.0.load(&key).await.map_err(|e| match e {
                    $release::storage::LoadError::Deserialization(e) => LoadError::Deserialization(e),
                    $release::storage::LoadError::Other(e) => LoadError::Other(e),
                })
            }

            async fn save(&self, state: State, ttl: &Ttl) -> Result<SessionKey, SaveError> {
                let key = self.0.save(state, ttl).await.map_err(|e| match e {
                    $release::storage::SaveError::Serialization(e) => SaveError::Serialization(e),
                    $release::storage::SaveError::Other(e) => SaveError::Other(e),
                })?;
                Self::returned(key).map_err(SaveError::Other)
            }

            async fn update(
                &self,
                key: SessionKey,
                state: State,
                ttl: &Ttl,
            ) -> Result<SessionKey, UpdateError> {
                let key = Self::key(&key).map_err(UpdateError::Other)?;
                let key = self.0.update(key, state, ttl).await.map_err(|e| match e {
                    $release::storage::UpdateError::Serialization(e) => UpdateError::Serialization(e),
                    $release::storage::UpdateError::Other(e) => UpdateError::Other(e),
                })?;
                Self::returned(key).map_err(UpdateError::Other)
            }

            async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
                self.0.update_ttl(&Self::key(key)?, ttl).await
            }

            async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
                self.0.delete(&Self::key(key)?).await
            }
        }
    };
}

#[cfg(feature = "actix-session-0_10")]
adapter!(
    /// A store on actix-session 0.10, certified as a 0.11 store (feature `actix-session-0_10`).
    V0_10,
    actix_session_0_10
);

#[cfg(feature = "actix-session-0_9")]
adapter!(
    /// A store on actix-session 0.9, certified as a 0.11 store (feature `actix-session-0_9`).
    V0_9,
    actix_session_0_9
);

/// A store on tower-sessions 0.14, certified as a 0.15 store (feature `tower-sessions-0_14`):
/// wrap it, `Tower::new(V0_14(store))`. The trait and its types did not change between the two
/// releases; the adapter forwards every call, converting the id, the record and the error.
/// `ExpiredDeletion` is forwarded too, for the sweep.
#[cfg(feature = "tower-sessions-0_14")]
#[derive(Debug, Clone)]
pub struct V0_14<S>(pub S);

#[cfg(feature = "tower-sessions-0_14")]
mod tower_0_14 {
    use tower_sessions_core::{
        session::{Id, Record},
        session_store::{Error, ExpiredDeletion, Result},
        SessionStore,
    };
    use tower_sessions_core_0_14 as old;

    use super::V0_14;

    fn old_id(id: &Id) -> old::session::Id {
        old::session::Id(id.0)
    }

    fn old_record(record: &Record) -> old::session::Record {
        old::session::Record {
            id: old_id(&record.id),
            data: record.data.clone(),
            expiry_date: record.expiry_date,
        }
    }

    fn record(record: old::session::Record) -> Record {
        Record {
            id: Id(record.id.0),
            data: record.data,
            expiry_date: record.expiry_date,
        }
    }

    fn error(error: old::session_store::Error) -> Error {
        match error {
            old::session_store::Error::Encode(e) => Error::Encode(e),
            old::session_store::Error::Decode(e) => Error::Decode(e),
            old::session_store::Error::Backend(e) => Error::Backend(e),
        }
    }

    #[async_trait::async_trait]
    impl<S: old::SessionStore> SessionStore for V0_14<S> {
        async fn create(&self, session_record: &mut Record) -> Result<()> {
            let mut moved = old_record(session_record);
            self.0.create(&mut moved).await.map_err(error)?;
            session_record.id = Id(moved.id.0);
            Ok(())
        }

        async fn save(&self, session_record: &Record) -> Result<()> {
            self.0
                .save(&old_record(session_record))
                .await
                .map_err(error)
        }

        async fn load(&self, session_id: &Id) -> Result<Option<Record>> {
            Ok(self
                .0
                .load(&old_id(session_id))
                .await
                .map_err(error)?
                .map(record))
        }

        async fn delete(&self, session_id: &Id) -> Result<()> {
            self.0.delete(&old_id(session_id)).await.map_err(error)
        }
    }

    #[async_trait::async_trait]
    impl<S: old::ExpiredDeletion> ExpiredDeletion for V0_14<S> {
        async fn delete_expired(&self) -> Result<()> {
            self.0.delete_expired().await.map_err(error)
        }
    }
}
