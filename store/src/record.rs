//! The on-disk record of one session, in the data tree under the session key.
//!
//! ```text
//! offset  size  field
//! 0       1     format version, currently 1
//! 1       8     expires_at_ms   big-endian u64, ms since the Unix epoch
//! 9       8     indexed_at_ms   big-endian u64: the time under which this record's entry in
//!                               the expiry index is filed (always <= expires_at_ms)
//! 17      ..    state           postcard encoding of HashMap<String, String>
//! ```
//!
//! The header is fixed-size so that the sweep and `update_ttl` can read and rewrite expiry times
//! without decoding the state. The state encoding was chosen by measurement (see the README's
//! "Record format" section): postcard is smaller than JSON and decodes faster for the typical
//! handful of short JSON-text values.

use std::collections::HashMap;

/// The current record format version, the first byte of every record.
pub const FORMAT_VERSION: u8 = 1;

/// Bytes before the state.
pub(crate) const HEADER_LEN: usize = 17;

/// What a session's state is, as actix-session hands it to a store.
pub type SessionState = HashMap<String, String>;

/// The fixed-size part of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub expires_at_ms: u64,
    pub indexed_at_ms: u64,
}

impl Header {
    pub(crate) fn is_expired(&self, now_ms: u64) -> bool {
        self.expires_at_ms <= now_ms
    }
}

/// Why a record could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecordError {
    /// Fewer bytes than a header.
    #[error("session record is truncated ({0} bytes, a header needs {HEADER_LEN})")]
    Truncated(usize),
    /// Written by a format this build does not know.
    #[error("session record has unknown format version {0} (this build reads {FORMAT_VERSION})")]
    UnknownVersion(u8),
    /// The index time is after the expiry, which no writer produces.
    #[error("session record header is inconsistent (indexed after it expires)")]
    InconsistentHeader,
    /// The state bytes do not decode.
    #[error("session state does not decode: {0}")]
    State(String),
}

/// A decoded record, for tools that read the data tree directly (inspection, baselines).
#[cfg(feature = "internals")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedRecord {
    /// Expiry, in milliseconds since the Unix epoch.
    pub expires_at_ms: u64,
    /// The time this record is filed under in the expiry index.
    pub indexed_at_ms: u64,
    /// The session state.
    pub state: SessionState,
}

/// Decodes a whole record of the data tree.
#[cfg(feature = "internals")]
pub fn decode_record(bytes: &[u8]) -> Result<DecodedRecord, RecordError> {
    let header = decode_header(bytes)?;
    Ok(DecodedRecord {
        expires_at_ms: header.expires_at_ms,
        indexed_at_ms: header.indexed_at_ms,
        state: decode_state(bytes)?,
    })
}

/// The size of a state as [`Builder::max_state_bytes`](crate::Builder::max_state_bytes) measures
/// it: the bytes of its encoding in a record.
pub fn state_size(state: &SessionState) -> usize {
    encode_state(state).len()
}

/// Encodes the state alone; its length is what the size limit applies to.
pub(crate) fn encode_state(state: &SessionState) -> Vec<u8> {
    // Serialising a map of strings into a Vec cannot fail.
    postcard::to_allocvec(state).unwrap_or_default()
}

/// Builds a full record from a header and already-encoded state.
pub(crate) fn encode(header: Header, encoded_state: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + encoded_state.len());
    out.push(FORMAT_VERSION);
    out.extend_from_slice(&header.expires_at_ms.to_be_bytes());
    out.extend_from_slice(&header.indexed_at_ms.to_be_bytes());
    out.extend_from_slice(encoded_state);
    out
}

/// Reads the header, checking version and consistency.
pub(crate) fn decode_header(bytes: &[u8]) -> Result<Header, RecordError> {
    if bytes.len() < HEADER_LEN {
        return Err(RecordError::Truncated(bytes.len()));
    }
    if bytes[0] != FORMAT_VERSION {
        return Err(RecordError::UnknownVersion(bytes[0]));
    }
    let header = Header {
        expires_at_ms: read_u64(&bytes[1..9]),
        indexed_at_ms: read_u64(&bytes[9..17]),
    };
    if header.indexed_at_ms > header.expires_at_ms {
        return Err(RecordError::InconsistentHeader);
    }
    Ok(header)
}

/// The state bytes of a record whose header has been checked.
pub(crate) fn state_bytes(bytes: &[u8]) -> &[u8] {
    &bytes[HEADER_LEN.min(bytes.len())..]
}

/// Decodes the state part of a record.
pub(crate) fn decode_state(bytes: &[u8]) -> Result<SessionState, RecordError> {
    let state_bytes = state_bytes(bytes);
    let (state, rest): (SessionState, &[u8]) =
        postcard::take_from_bytes(state_bytes).map_err(|e| RecordError::State(e.to_string()))?;
    if !rest.is_empty() {
        return Err(RecordError::State(format!(
            "{} trailing bytes after the state",
            rest.len()
        )));
    }
    Ok(state)
}

fn read_u64(bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(bytes);
    u64::from_be_bytes(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_state() -> SessionState {
        HashMap::from([
            ("user_id".to_owned(), "\"42\"".to_owned()),
            ("ünï".to_owned(), String::new()),
        ])
    }

    #[test]
    fn round_trip() {
        let header = Header {
            expires_at_ms: 10,
            indexed_at_ms: 5,
        };
        let bytes = encode(header, &encode_state(&sample_state()));
        assert_eq!(bytes[0], FORMAT_VERSION);
        assert_eq!(decode_header(&bytes), Ok(header));
        assert_eq!(decode_state(&bytes), Ok(sample_state()));
    }

    #[test]
    fn rejects_bad_records() {
        let good = encode(
            Header {
                expires_at_ms: 10,
                indexed_at_ms: 5,
            },
            &encode_state(&sample_state()),
        );
        assert_eq!(decode_header(&good[..3]), Err(RecordError::Truncated(3)));
        let mut wrong_version = good.clone();
        wrong_version[0] = 9;
        assert_eq!(
            decode_header(&wrong_version),
            Err(RecordError::UnknownVersion(9))
        );
        let inverted = encode(
            Header {
                expires_at_ms: 1,
                indexed_at_ms: 2,
            },
            &[0],
        );
        assert_eq!(
            decode_header(&inverted),
            Err(RecordError::InconsistentHeader)
        );
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(matches!(
            decode_state(&trailing),
            Err(RecordError::State(_))
        ));
        let truncated_state = &good[..good.len() - 1];
        assert!(matches!(
            decode_state(truncated_state),
            Err(RecordError::State(_))
        ));
        // Every prefix and every single-byte flip either decodes or errs; none panics.
        for len in 0..good.len() {
            let _ = decode_header(&good[..len]).and_then(|_| decode_state(&good[..len]));
        }
        for i in 0..good.len() {
            let mut flipped = good.clone();
            flipped[i] ^= 0xFF;
            let _ = decode_header(&flipped).and_then(|_| decode_state(&flipped));
        }
    }
}
