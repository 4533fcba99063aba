//! An assessment as a whole, and the folder it is written to:
//!
//! - `findings.json`: every finding, with the snapshot it judged;
//! - `controls-<framework>.csv`: one row per control;
//! - `summary.json`: per-framework counts, every control's result, the
//!   attestations used and the calls that could not be made.

use super::mappings::Mappings;
use super::rollup::{ControlResult, FrameworkSummary, roll_up};
use crate::assess::approved::ApprovedImages;
use crate::assess::{Finding, assess};
use crate::attest::Attestation;
use crate::snapshot::log::{ANY, LogEntry};
use crate::snapshot::read::Snapshot;
use crate::staging::StagedDir;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The format name written into `findings.json` and `summary.json`.
pub const FORMAT: &str = "auditpack-assessment/1";

/// Everything an assessment found and concluded.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub format: String,
    /// The auditpack version that made the assessment.
    pub tool_version: String,
    pub accounts: Vec<String>,
    pub as_of: String,
    pub findings: Vec<Finding>,
    pub controls: Vec<ControlResult>,
    pub frameworks: Vec<FrameworkSummary>,
    pub attestations: Vec<Attestation>,
    /// Calls of the snapshot that did not answer in full.
    pub unavailable: Vec<LogEntry>,
}

/// Runs every check over `snapshot` and rolls the findings up.
pub fn run(
    snapshot: &Snapshot,
    mappings: &Mappings,
    approved_images: &ApprovedImages,
    attestations: &[Attestation],
) -> Assessment {
    let as_of =
        OffsetDateTime::parse(&snapshot.info.as_of, &Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let findings = assess(snapshot, approved_images, attestations);
    let (controls, frameworks) = roll_up(mappings, &findings, attestations, as_of);
    Assessment {
        format: FORMAT.to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        accounts: snapshot
            .info
            .accounts
            .iter()
            .map(|a| a.account_id.clone())
            .collect(),
        as_of: snapshot.info.as_of.clone(),
        findings,
        controls,
        frameworks,
        attestations: attestations.to_vec(),
        unavailable: snapshot
            .log
            .entries
            .iter()
            .filter(|e| !e.status.is_ok() && e.service != ANY)
            .cloned()
            .collect(),
    }
}

#[derive(Serialize)]
struct FindingsFile<'a> {
    format: &'a str,
    tool_version: &'a str,
    accounts: &'a [String],
    as_of: &'a str,
    findings: &'a [Finding],
}

impl Assessment {
    /// Writes the assessment folder at `out`, all at once.
    pub fn write(&self, out: &Path, replace: bool) -> std::io::Result<PathBuf> {
        let staged = StagedDir::create(out, replace, "findings.json")?;
        let findings = FindingsFile {
            format: &self.format,
            tool_version: &self.tool_version,
            accounts: &self.accounts,
            as_of: &self.as_of,
            findings: &self.findings,
        };
        staged.write_json("findings.json", &findings)?;
        for framework in &self.frameworks {
            let csv = controls_csv(
                self.controls
                    .iter()
                    .filter(|c| c.framework == framework.framework),
            )?;
            staged.write_file(&format!("controls-{}.csv", framework.framework), &csv)?;
        }
        let summary = serde_json::json!({
            "format": self.format,
            "tool_version": self.tool_version,
            "accounts": self.accounts,
            "as_of": self.as_of,
            "frameworks": self.frameworks,
            "controls": self.controls,
            "attestations": self.attestations,
            "unavailable": self.unavailable,
        });
        staged.write_json("summary.json", &summary)?;
        staged.commit()
    }

    /// The frameworks assessed, as `short name (id)`, for bundle labels.
    pub fn framework_labels(&self) -> Vec<String> {
        self.frameworks
            .iter()
            .map(|f| format!("{} ({})", f.short_name, f.framework))
            .collect()
    }
}

const CSV_HEADER: [&str; 13] = [
    "control_id",
    "title",
    "theme",
    "assessment",
    "status",
    "passing",
    "failing",
    "not_assessed",
    "not_applicable",
    "checks",
    "evidence_files",
    "attestation",
    "reason",
];

fn controls_csv<'a>(results: impl Iterator<Item = &'a ControlResult>) -> std::io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER)?;
    for r in results {
        let attestation = r
            .attestation
            .as_ref()
            .map(|a| {
                let state = if a.current { "current" } else { "not current" };
                format!(
                    "{} ({}), {} to {}, {state}",
                    a.attested_by,
                    a.role.as_deref().unwrap_or("no role given"),
                    a.date,
                    a.expires
                )
            })
            .unwrap_or_default();
        let assessment = r.control.assessment.as_str().to_string();
        let row = [
            r.control.control_id.clone(),
            r.control.title.clone(),
            r.control.theme.clone(),
            assessment,
            r.status.to_string(),
            r.passing.to_string(),
            r.failing.to_string(),
            r.not_assessed.to_string(),
            r.not_applicable.to_string(),
            r.checks.join(" "),
            r.evidence_files.join(" "),
            attestation,
            r.reason.clone(),
        ];
        writer.write_record(row.iter().map(|cell| spreadsheet_safe(cell).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// A cell a spreadsheet shows as text. Resource names and tags are chosen
/// by whoever can edit the account; a cell starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return would be run as a formula, so it gets a
/// leading `'`.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_neutralised() {
        assert_eq!(
            spreadsheet_safe("=HYPERLINK(\"http://x\",\"click\")"),
            "'=HYPERLINK(\"http://x\",\"click\")"
        );
        for lead in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(spreadsheet_safe(lead).starts_with('\''), "{lead:?}");
        }
        assert_eq!(spreadsheet_safe("sg-0abc"), "sg-0abc");
        assert_eq!(spreadsheet_safe(""), "");
    }

    #[test]
    fn an_assessment_reads_back_as_it_was_written() {
        let mappings = crate::controls::Mappings::load(None).unwrap();
        let findings = vec![
            Finding::on("net.admin-ports-world", "1", "eu-west-2", "sg-1")
                .evidence(
                    "1/eu-west-2/ec2/describe-security-groups.json",
                    "/SecurityGroups/0",
                )
                .fail("port 22 open"),
            Finding::on("net.admin-ports-world", "1", "eu-west-2", "sg-2").pass("closed"),
        ];
        let (controls, frameworks) = roll_up(&mappings, &findings, &[], OffsetDateTime::UNIX_EPOCH);
        let written = Assessment {
            format: FORMAT.into(),
            tool_version: "0.1.0".into(),
            accounts: vec!["1".into()],
            as_of: "2026-11-30T09:17:40Z".into(),
            findings,
            controls,
            frameworks,
            attestations: Vec::new(),
            unavailable: Vec::new(),
        };
        let dir = tempfile::tempdir().unwrap();
        let out = written
            .write(&dir.path().join("assessment"), false)
            .unwrap();
        let file = |name: &str| std::fs::read(out.join(name)).unwrap();
        let back = read(&file("summary.json"), &file("findings.json")).unwrap();
        assert_eq!(back.findings, written.findings);
        assert_eq!(back.controls.len(), written.controls.len());
        for (b, w) in back.controls.iter().zip(&written.controls) {
            assert_eq!((b.status, &b.reason), (w.status, &w.reason));
            assert_eq!(
                b.failing_findings, w.failing_findings,
                "{}",
                w.control.control_id
            );
        }
        assert!(
            read(b"{}", &file("findings.json"))
                .unwrap_err()
                .starts_with("summary.json")
        );
    }
}

/// The two files an assessment is read back from.
#[derive(Deserialize)]
struct SummaryFile {
    format: String,
    tool_version: String,
    accounts: Vec<String>,
    as_of: String,
    frameworks: Vec<FrameworkSummary>,
    controls: Vec<ControlResult>,
    attestations: Vec<Attestation>,
    unavailable: Vec<LogEntry>,
}

#[derive(Deserialize)]
struct FindingsOnly {
    findings: Vec<Finding>,
}

/// Reads an assessment back from the `summary.json` and `findings.json`
/// that [`Assessment::write`] made, as they are: no status or count is
/// worked out again. Only each control's list of failing findings, which
/// the files do not hold, is joined anew: the failing findings of the
/// checks the control lists. Fails on a file that is not JSON of that
/// shape, naming which.
pub fn read(summary: &[u8], findings: &[u8]) -> Result<Assessment, String> {
    let summary: SummaryFile =
        serde_json::from_slice(summary).map_err(|e| format!("summary.json: {e}"))?;
    if summary.format != FORMAT {
        return Err(format!(
            "summary.json: format `{}`, expected `{FORMAT}`",
            summary.format
        ));
    }
    let findings = serde_json::from_slice::<FindingsOnly>(findings)
        .map_err(|e| format!("findings.json: {e}"))?
        .findings;
    let mut controls = summary.controls;
    for control in &mut controls {
        control.failing_findings = findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.status == crate::assess::Status::Fail)
            .filter(|(_, f)| control.checks.contains(&f.check_id))
            .map(|(i, _)| i)
            .collect();
    }
    Ok(Assessment {
        format: summary.format,
        tool_version: summary.tool_version,
        accounts: summary.accounts,
        as_of: summary.as_of,
        findings,
        controls,
        frameworks: summary.frameworks,
        attestations: summary.attestations,
        unavailable: summary.unavailable,
    })
}

/// What a bundle needs to know of an assessment folder written earlier:
/// which accounts and instant it judged, and the framework labels.
#[derive(Debug, Clone)]
pub struct Written {
    pub accounts: Vec<String>,
    pub as_of: String,
    pub frameworks: Vec<String>,
    /// How many attestations the assessment rests on.
    pub attestations: usize,
}

/// Reads `summary.json` of an assessment folder.
pub fn read_written(dir: &Path) -> Result<Written, String> {
    let path = dir.join("summary.json");
    let text = std::fs::read(&path)
        .map_err(|e| format!("{}: {e} (is this an assessment folder?)", path.display()))?;
    let summary: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if summary["format"] != FORMAT {
        return Err(format!(
            "{}: not an auditpack assessment summary",
            path.display()
        ));
    }
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect()
    };
    let frameworks = summary["frameworks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            format!(
                "{} ({})",
                f["short_name"].as_str().unwrap_or("?"),
                f["framework"].as_str().unwrap_or("?")
            )
        })
        .collect();
    Ok(Written {
        accounts: strings(&summary["accounts"]),
        as_of: summary["as_of"].as_str().unwrap_or_default().to_string(),
        frameworks,
        attestations: summary["attestations"].as_array().map_or(0, Vec::len),
    })
}
