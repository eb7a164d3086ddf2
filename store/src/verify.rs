//! A consistency check of records against the expiry index, for use after a crash or in tests.

use crate::{
    index,
    record::{decode_header, decode_state},
    Error, SledSessionStore,
};

/// What [`SledSessionStore::verify`] found.
///
/// Faults are what the write protocol must never leave behind, even after a crash:
/// a record no index entry points at (no sweep would ever remove it) and a record that does
/// not decode. Dangling and stale index entries are expected leftovers (of a crash between two
/// writes, or of an extended session); the sweep removes them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct VerifyReport {
    /// Records in the data tree.
    pub records: u64,
    /// Entries in the expiry index.
    pub index_entries: u64,
    /// Fault: records whose index entry is missing.
    pub unindexed_records: u64,
    /// Fault: records whose header or state does not decode.
    pub corrupt_records: u64,
    /// Benign: index entries with no record.
    pub dangling_index_entries: u64,
    /// Benign: index entries whose record is filed under another entry.
    pub stale_index_entries: u64,
}

impl VerifyReport {
    /// Number of faults (unindexed plus corrupt records).
    pub fn faults(&self) -> u64 {
        self.unindexed_records + self.corrupt_records
    }
}

impl SledSessionStore {
    /// Walks every record and every index entry and counts inconsistencies. Reads the whole
    /// store: meant for start-up checks and tests on a quiescent store, not for request paths.
    pub fn verify(&self) -> Result<VerifyReport, Error> {
        self.with_trees(|inner| {
            let mut report = VerifyReport::default();
            for item in inner.data.iter() {
                let (key, bytes) = item?;
                report.records += 1;
                match decode_header(&bytes) {
                    Err(_) => report.corrupt_records += 1,
                    Ok(header) => {
                        if decode_state(&bytes).is_err() {
                            report.corrupt_records += 1;
                        }
                        let entry = index::entry_key(header.indexed_at_ms, &key);
                        if !inner.index.contains_key(entry)? {
                            report.unindexed_records += 1;
                        }
                    }
                }
            }
            for item in inner.index.iter() {
                let (entry, _) = item?;
                report.index_entries += 1;
                let Some((filed_at_ms, key)) = index::split_entry(&entry) else {
                    report.dangling_index_entries += 1;
                    continue;
                };
                match inner.data.get(key)? {
                    None => report.dangling_index_entries += 1,
                    Some(bytes) => {
                        if decode_header(&bytes).is_ok_and(|h| h.indexed_at_ms != filed_at_ms) {
                            report.stale_index_entries += 1;
                        }
                    }
                }
            }
            Ok(report)
        })
    }
}
