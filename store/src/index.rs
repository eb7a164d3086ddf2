//! Keys of the expiry index: a big-endian expiry time followed by the session key.
//!
//! Big-endian time first makes sled's byte order the time order, so "every entry due at or
//! before `now`" is one range scan from the start of the tree, and its cost is the number of
//! entries due, not the number stored. The index value is empty.

/// Length of the time prefix.
const TIME_LEN: usize = 8;

/// The index key for a session filed under `at_ms`.
pub(crate) fn entry_key(at_ms: u64, session_key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(TIME_LEN + session_key.len());
    out.extend_from_slice(&at_ms.to_be_bytes());
    out.extend_from_slice(session_key);
    out
}

/// The first index key that is *not* due at `now_ms` (all entries filed at `now_ms` or earlier
/// sort before it). `None` when every possible entry is due.
pub(crate) fn first_not_due(now_ms: u64) -> Option<[u8; TIME_LEN]> {
    now_ms.checked_add(1).map(u64::to_be_bytes)
}

/// Splits an index key into its time and session key. `None` for a key too short to be ours.
pub(crate) fn split_entry(entry: &[u8]) -> Option<(u64, &[u8])> {
    if entry.len() < TIME_LEN {
        return None;
    }
    let (time, session_key) = entry.split_at(TIME_LEN);
    let mut buf = [0u8; TIME_LEN];
    buf.copy_from_slice(time);
    Some((u64::from_be_bytes(buf), session_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_is_time_order() {
        let early = entry_key(255, b"zzz");
        let late = entry_key(256, b"aaa");
        assert!(early < late);
        assert!(late.as_slice() < first_not_due(256).unwrap().as_slice());
        assert!(late.as_slice() >= first_not_due(255).unwrap().as_slice());
        assert_eq!(first_not_due(u64::MAX), None);
    }

    #[test]
    fn split_round_trip() {
        let entry = entry_key(42, b"key");
        assert_eq!(split_entry(&entry), Some((42, &b"key"[..])));
        assert_eq!(split_entry(&entry[..7]), None);
        assert_eq!(split_entry(&entry_key(7, b"")), Some((7, &b""[..])));
    }
}
