//! The certification report: every property's verdict on every store as one matrix, then the
//! known findings, the advisories and the capabilities each store declared, in Markdown (for a
//! README) and JSON.
//!
//! A store author gets it by setting `CONFORMANCE_REPORT=<dir>` (or overriding
//! [`Harness::report_dir`]) and running `cargo test`: each property's test adds its row to
//! `<dir>/verdicts/` and rewrites `<dir>/conformance.md` and `<dir>/conformance.json` from every
//! verdict there, so the report is whole once the last test has run, whatever the order or
//! parallelism. This project's own matrix (`results/conformance.md`) is written by the same
//! code.

use std::{
    fmt::Write as _,
    fs::File,
    path::{Path, PathBuf},
};

use reports::{Provenance, Table};
use serde::{Deserialize, Serialize};

use crate::{
    check::{Report, Verdict},
    Capabilities, Ecosystem, Harness, KnownFinding, Property,
};

/// One store's column of the matrix: what it declared and each property's verdict.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoreVerdicts {
    /// The harness's name.
    pub store: String,
    /// Its ecosystem (`actix-session`, `tower-sessions`).
    #[serde(default)]
    pub ecosystem: String,
    /// The known findings of its ecosystem's middleware, which every store of it shows.
    #[serde(default)]
    pub middleware: Vec<FindingRow>,
    /// The capabilities it declared, as table cells.
    pub capabilities: Vec<String>,
    /// The known findings it declared.
    pub findings: Vec<FindingRow>,
    /// One verdict per property checked, in [`Property::ALL`] order.
    pub verdicts: Vec<PropertyVerdict>,
}

/// A declared known finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRow {
    pub id: String,
    pub property: String,
    pub explanation: String,
    pub consequence: String,
}

impl From<&KnownFinding> for FindingRow {
    fn from(finding: &KnownFinding) -> Self {
        Self {
            id: finding.id.to_owned(),
            property: finding.property.to_string(),
            explanation: finding.explanation.to_owned(),
            consequence: finding.consequence.to_owned(),
        }
    }
}

/// One property's verdict on one store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PropertyVerdict {
    pub property: String,
    /// `holds`, `known`, `not applicable` or `fails`.
    pub verdict: String,
    /// The reason (not applicable), or the failure.
    #[serde(default)]
    pub detail: String,
    /// The ids of the known findings that reproduced.
    #[serde(default)]
    pub findings: Vec<String>,
    /// `(probe, what the store did)` for inputs beyond what the middleware can send.
    #[serde(default)]
    pub advisories: Vec<(String, String)>,
    pub seconds: f64,
}

impl StoreVerdicts {
    /// The column of the store `harness` makes, from its reports.
    pub fn new<H: Harness>(harness: &H, known: &[KnownFinding], reports: &[Report]) -> Self {
        let contract = <H::Store as Ecosystem>::CONTRACT;
        Self {
            store: harness.name(),
            ecosystem: contract.name.to_owned(),
            middleware: contract
                .middleware_findings
                .iter()
                .map(FindingRow::from)
                .collect(),
            capabilities: capability_cells(&harness.capabilities()),
            findings: known.iter().map(FindingRow::from).collect(),
            verdicts: reports
                .iter()
                .map(|report| PropertyVerdict::new(report, known))
                .collect(),
        }
    }

    fn verdict(&self, property: Property) -> Option<&PropertyVerdict> {
        self.verdicts.iter().find(|v| v.property == property.name())
    }
}

impl PropertyVerdict {
    fn new(report: &Report, known: &[KnownFinding]) -> Self {
        let (verdict, detail) = match report.verdict(known) {
            Verdict::Holds => ("holds", String::new()),
            Verdict::Known => ("known", String::new()),
            Verdict::NotApplicable(why) => ("not applicable", why),
            Verdict::Fails(why) => ("fails", why),
        };
        Self {
            property: report.property.to_string(),
            verdict: verdict.to_owned(),
            detail,
            findings: report
                .known
                .iter()
                .map(|seen| seen.finding.id.to_owned())
                .collect(),
            advisories: report
                .advisories
                .iter()
                .map(|a| (a.probe.clone(), a.observed.clone()))
                .collect(),
            seconds: report.elapsed.as_secs_f64(),
        }
    }
}

const CAPABILITY_HEADINGS: [&str; 7] = [
    "invalidates",
    "enforces TTL",
    "update keeps key",
    "clock",
    "TTL resolution",
    "max state (bytes)",
    "key shape",
];

fn capability_cells(c: &Capabilities) -> Vec<String> {
    vec![
        c.invalidates.to_string(),
        c.enforces_ttl.to_string(),
        c.update_keeps_key.to_string(),
        format!("{:?}", c.clock),
        format!("{:?}", c.ttl_resolution),
        c.max_state.map_or("none".to_owned(), |l| {
            format!("{} ({:?})", l.bytes, l.measure)
        }),
        c.key_shape
            .as_ref()
            .map_or("carries the state".to_owned(), |k| {
                format!("{} chars", k.len)
            }),
    ]
}

/// Adds `report` to the certification report in `dir` and rewrites it; returns the Markdown
/// file's path. Tests running at once take turns through a lock file.
pub fn record<H: Harness>(
    dir: &Path,
    harness: &H,
    known: &[KnownFinding],
    report: &Report,
) -> anyhow::Result<PathBuf> {
    let verdicts = dir.join("verdicts");
    std::fs::create_dir_all(&verdicts)?;
    let lock = File::create(dir.join(".lock"))?;
    lock.lock()?;
    let mut column = StoreVerdicts::new(harness, known, std::slice::from_ref(report));
    let file = verdicts.join(format!("{}.json", slug(&column.store)));
    if let Ok(bytes) = std::fs::read(&file) {
        if let Ok(mut earlier) = serde_json::from_slice::<StoreVerdicts>(&bytes) {
            earlier
                .verdicts
                .retain(|v| v.property != report.property.name());
            earlier.verdicts.append(&mut column.verdicts);
            earlier.capabilities = column.capabilities;
            earlier.findings = column.findings;
            column = earlier;
        }
    }
    column.verdicts.sort_by_key(|v| property_rank(&v.property));
    std::fs::write(&file, serde_json::to_vec_pretty(&column)?)?;

    let mut stores = Vec::new();
    for entry in std::fs::read_dir(&verdicts)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            stores.push(reports::read_json::<StoreVerdicts>(&path)?);
        }
    }
    stores.sort_by(|a, b| a.store.cmp(&b.store));
    let provenance = Provenance::now("cargo test (CONFORMANCE_REPORT)");
    let mut md = format!("# Conformance\n\n{}\n\n", provenance.markdown());
    render(&mut md, &stores);
    reports::write_report(dir, "conformance", &stores, &md)?;
    Ok(dir.join("conformance.md"))
}

fn property_rank(name: &str) -> usize {
    Property::ALL
        .iter()
        .position(|p| p.name() == name)
        .unwrap_or(usize::MAX)
}

/// A file name for a store's name.
fn slug(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Writes the matrix, the findings, the advisories and the capabilities; returns how many
/// cells fail.
pub fn render(md: &mut String, stores: &[StoreVerdicts]) -> usize {
    let failures = write_matrix(md, stores);
    write_findings(md, stores);
    write_capabilities(md, stores);
    failures
}

fn write_matrix(md: &mut String, stores: &[StoreVerdicts]) -> usize {
    let mut header = vec!["store".to_owned()];
    header.extend(Property::ALL.iter().map(|p| p.to_string()));
    header.push("time".to_owned());
    let mut table = Table::new(header);
    let mut reasons: Vec<String> = Vec::new();
    let mut failures = 0;
    for store in stores {
        let mut row = vec![store.store.clone()];
        for property in Property::ALL {
            let Some(verdict) = store.verdict(property) else {
                row.push("not run".to_owned());
                continue;
            };
            row.push(match verdict.verdict.as_str() {
                "holds" => "holds".to_owned(),
                "known" => format!("known: {}", verdict.findings.join(", ")),
                "not applicable" => {
                    let why = &verdict.detail;
                    let n = reasons.iter().position(|r| r == why).unwrap_or_else(|| {
                        reasons.push(why.clone());
                        reasons.len() - 1
                    });
                    format!("n/a ({})", letter(n))
                }
                _ => {
                    failures += 1;
                    let why = &verdict.detail;
                    format!("**FAILS**: {}", why.lines().nth(1).unwrap_or(why))
                }
            });
        }
        let total: f64 = store.verdicts.iter().map(|v| v.seconds).sum();
        row.push(format!("{total:.0} s"));
        table.row(row);
    }
    let _ = writeln!(
        md,
        "## Certification\n\nEach cell: the property holds; holds except for the known findings \
         named (each reproduced in this run); does not apply, and why; or fails. The time is the \
         suite's wall time on that store.\n\n{}",
        table.markdown()
    );
    for (n, why) in reasons.iter().enumerate() {
        let _ = writeln!(md, "- n/a ({}): {why}", letter(n));
    }
    md.push('\n');
    failures
}

fn letter(n: usize) -> char {
    char::from(b'a' + u8::try_from(n % 26).unwrap_or(0))
}

fn write_findings(md: &mut String, stores: &[StoreVerdicts]) {
    let _ = writeln!(
        md,
        "## Known findings\n\nKept as tests: each must reproduce, in the property named, on every \
         run, and excuses only the failure it describes.\n"
    );
    let mut table = Table::new([
        "id",
        "store",
        "property",
        "what is wrong",
        "what it means for a web app",
    ]);
    let mut listed: Vec<&FindingRow> = Vec::new();
    for store in stores {
        for row in &store.middleware {
            if listed.contains(&row) {
                continue;
            }
            listed.push(row);
            table.row([
                row.id.clone(),
                format!("every {0} store ({0}'s middleware)", store.ecosystem),
                row.property.clone(),
                row.explanation.clone(),
                row.consequence.clone(),
            ]);
        }
    }
    for store in stores {
        for finding in &store.findings {
            table.row([
                finding.id.clone(),
                store.store.clone(),
                finding.property.clone(),
                finding.explanation.clone(),
                finding.consequence.clone(),
            ]);
        }
    }
    let _ = writeln!(md, "{}", table.markdown());
    let mut advisories = Table::new([
        "store",
        "probe (beyond what the middleware can send)",
        "what the store did",
    ]);
    for store in stores {
        for verdict in &store.verdicts {
            for (probe, observed) in &verdict.advisories {
                advisories.row([store.store.as_str(), probe, observed]);
            }
        }
    }
    if !advisories.is_empty() {
        let _ = writeln!(
            md,
            "### Advisories\n\nReported, never failed: inputs actix-session's middleware cannot \
             hand a store.\n\n{}",
            advisories.markdown()
        );
    }
}

fn write_capabilities(md: &mut String, stores: &[StoreVerdicts]) {
    let mut header = vec!["store"];
    header.extend(CAPABILITY_HEADINGS);
    let mut table = Table::new(header);
    for store in stores {
        let mut row = vec![store.store.clone()];
        row.extend(store.capabilities.iter().cloned());
        table.row(row);
    }
    let _ = writeln!(
        md,
        "## Capabilities declared\n\nA promise or control a store lacks narrows a property to \
         \"not applicable\"; it never passes it silently.\n\n{}",
        table.markdown()
    );
}
