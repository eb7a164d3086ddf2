//! The designs our store is measured against.

use actix_session_sled::internals::decode_record;
use sled::Transactional;

/// The full-scan sweep of tower-sessions-sled-store: read and decode every record, delete the
/// expired ones. Its cost grows with the sessions stored, not with those expired.
pub fn full_scan_sweep(data: &sled::Tree, now_ms: u64) -> anyhow::Result<usize> {
    let mut removed = 0;
    for item in data.iter() {
        let (key, bytes) = item?;
        match decode_record(&bytes) {
            Ok(record) if record.expires_at_ms > now_ms => {}
            _ => {
                data.remove(key)?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// The write protocol we did not choose: record and index entry in one sled transaction over
/// both trees. sled 0.34 serialises every transaction in the process behind one lock, and after
/// the first one every plain operation in the process takes that lock's shared side: run
/// benchmarks of it last.
pub fn transactional_save(
    data: &sled::Tree,
    index: &sled::Tree,
    key: &[u8],
    entry: &[u8],
    record: &[u8],
) -> anyhow::Result<()> {
    (data, index)
        .transaction(|(data, index)| {
            index.insert(entry, &[])?;
            data.insert(key, record)?;
            Ok::<_, sled::transaction::ConflictableTransactionError<()>>(())
        })
        .map_err(|e| anyhow::anyhow!("transaction failed: {e:?}"))
}
