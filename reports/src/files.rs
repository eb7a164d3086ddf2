//! Writing a report's files: JSON beside Markdown, in a directory made if missing.

use std::path::Path;

use serde::Serialize;

/// Writes `<stem>.json` (`value`) and `<stem>.md` (`markdown`) into `dir`, creating it.
pub fn write_report(
    dir: &Path,
    stem: &str,
    value: &impl Serialize,
    markdown: &str,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    write_json(&dir.join(format!("{stem}.json")), value)?;
    std::fs::write(dir.join(format!("{stem}.md")), markdown)?;
    Ok(())
}

/// Writes `value` as pretty JSON to `path`.
pub fn write_json(path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    std::fs::write(path, serde_json::to_vec_pretty(value)?)?;
    Ok(())
}

/// Reads a report's JSON back, saying which file and why when it cannot.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("{}: {e} (run what writes it first)", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
