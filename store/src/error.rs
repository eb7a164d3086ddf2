//! Errors of the store's own API. The `SessionStore` methods map these onto actix-session's
//! `LoadError` / `SaveError` / `UpdateError`.

use crate::record::RecordError;

/// What can go wrong in the sled session store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// sled failed (I/O error, a full disk, corruption detected by sled itself).
    #[error("sled storage error: {0}")]
    Sled(#[from] sled::Error),

    /// The directory could not be prepared.
    #[error("cannot prepare the session directory: {0}")]
    Io(#[from] std::io::Error),

    /// A stored record does not decode.
    #[error(transparent)]
    CorruptRecord(#[from] RecordError),

    /// The encoded state is larger than the configured limit; nothing was written.
    #[error("session state is {size} bytes encoded, over this store's limit of {limit} bytes; nothing was written")]
    StateTooLarge {
        /// Encoded size of the refused state.
        size: usize,
        /// The configured limit.
        limit: usize,
    },

    /// sled reported an I/O error (a full disk, say) and the database is being reopened; the
    /// operation was not done. Try again shortly.
    #[error(
        "the session database hit an I/O error and is being reopened; the operation was not done"
    )]
    Reopening,

    /// Every generated key was already taken.
    #[error("could not find an unused session key after {attempts} attempts")]
    KeyCollision {
        /// How many keys were tried.
        attempts: usize,
    },
}
