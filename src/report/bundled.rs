//! The inputs of a report rendered from a sealed bundle, after it was
//! verified: read from its files inside the zip, never extracted. Unlike
//! the report inside the bundle, this one knows the bundle's tag-manifest
//! digest, and indexes every payload file, the bundle's own report too.

use super::{BundleFacts, IndexedFile, Inputs};
use crate::bag;
use crate::snapshot::info::SnapshotInfo;
use crate::verify::VerifiedBundle;
use time::OffsetDateTime;

/// The files a report reads from a bundle.
const SUMMARY: &str = "data/assessment/summary.json";
const FINDINGS: &str = "data/assessment/findings.json";
const SNAPSHOT: &str = "data/snapshot/snapshot.json";

/// The report's inputs from `bundle`, named `file_name` for the verify
/// command. Fails, naming the file, if one the report needs is missing or
/// not what auditpack writes.
pub fn inputs(bundle: &mut VerifiedBundle, file_name: &str) -> Result<Inputs, String> {
    let summary = bundle.read(SUMMARY).map_err(|e| e.to_string())?;
    let findings = bundle.read(FINDINGS).map_err(|e| e.to_string())?;
    let snapshot = bundle.read(SNAPSHOT).map_err(|e| e.to_string())?;
    let assessment = crate::controls::assessment::read(&summary, &findings)
        .map_err(|e| format!("data/assessment/{e}"))?;
    let snapshot: SnapshotInfo =
        serde_json::from_slice(&snapshot).map_err(|e| format!("{SNAPSHOT}: {e}"))?;
    let files = bundle
        .payload()
        .into_iter()
        .map(|f| IndexedFile {
            path: f.path,
            bytes: f.bytes,
            sha256: f.sha256,
        })
        .collect();
    Ok(Inputs {
        assessment,
        snapshot,
        bundle: facts(bundle, file_name)?,
        files,
        // The previous bundle is not inside this one: `auditpack report
        // --previous` adds the changes.
        changes: None,
    })
}

/// What `bag-info.txt` and the verification say of the bundle.
fn facts(bundle: &VerifiedBundle, file_name: &str) -> Result<BundleFacts, String> {
    let report = &bundle.report;
    let field = |label: &str| bag::field(&report.info, label).map(str::to_string);
    let date = field("Bagging-Date").unwrap_or_default();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(&date, &format)
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| format!("bag-info.txt: Bagging-Date `{date}` is not a date"))?;
    Ok(BundleFacts {
        name: report.bag.clone().unwrap_or_default(),
        file_name: file_name.to_string(),
        organisation: field("Source-Organization").filter(|o| o != "not stated"),
        date: clamp(date),
        signer_fingerprint: report.signer.clone().unwrap_or_default(),
        trusted_as: report.trusted_as.clone(),
        demo_key: field("Auditpack-Signer-Key"),
        previous_bundle: field("Auditpack-Previous-Bundle-SHA256").unwrap_or_else(|| "none".into()),
        tag_manifest_sha256: report.tag_manifest_sha256.clone(),
    })
}

/// PDF dates hold years 0 to 9999; a bundle's date is within a zip's
/// 1980 to 2107 anyway.
fn clamp(date: OffsetDateTime) -> OffsetDateTime {
    date.max(OffsetDateTime::UNIX_EPOCH)
}
