//! Quarterly drift: what changed between two bundles of the same
//! accounts. Works from what a bundle holds (the assessment and the raw
//! evidence), read through a [`Source`]: a
//! [`VerifiedBundle`](crate::verify::VerifiedBundle), so nothing
//! unverified is compared, or the folders of a bundle being sealed.
//!
//! What is compared:
//!
//! - what each side could see: regions collected on one side only, and
//!   calls that answered on one side only (see [`coverage`]);
//! - controls whose status changed, per framework, and whether the
//!   control's mapping changed with it;
//! - failing findings, matched on check, account, region and resource:
//!   new (failing now, not before), resolved (judged again and no longer
//!   failing, or gone from a listing both sides saw), no longer assessed
//!   (failing before, its evidence missing now) and persisting (failing in
//!   both);
//! - resources added and removed where both sides listed them, and the
//!   configuration changes of those in both (see [`resources`]);
//! - attestations that expired or were renewed;
//! - AWS Artifact reports whose version changed.
//!
//! Every change is rated, so that people see the worst first:
//!
//! - direction: `worse`, `better` or `neutral`. A control is worse when it
//!   moves down `pass`/`not-applicable` → `incomplete`/`manual` → `fail`,
//!   better when it moves up, except that a move up is neutral when the
//!   control's mapping changed, or when it stops short of `pass` with
//!   less evidence than before (more findings not assessed, or a failing
//!   finding of its checks no longer assessed: less evidence is not a
//!   fault fixed); a region or call seen before and not now is worse; a new
//!   failing finding is worse, a resolved one better; a rule open to
//!   the world (`0.0.0.0/0`, `::/0`) added is worse, removed better (but
//!   neutral when another rule of the group still admits the same ports
//!   from there: a rule widened); MFA,
//!   trail logging, log file validation, IMDSv2 or a detector switched off
//!   is worse, switched on better (a detector added is one switched on);
//!   a trail or detector removed is worse;
//!   an attestation follows what it states (one saying "implemented"
//!   that expires is worse; one saying "not implemented" that appears is
//!   worse); anything else (a tag, an instance type, a user added) is
//!   neutral.
//! - severity: `high` for findings of network exposure (`net.*` but the
//!   default group's rules, `remote.no-direct-admin`) and the root user
//!   (`iam.root-*`), and for
//!   a world-open rule on an administration or database port or on every
//!   port; `medium` for other findings of identity, monitoring, images,
//!   instance metadata and assurance, other world-open rules, and the switches above;
//!   an enabled region added is `medium` too (neutral: more of the
//!   account to watch); `low` for everything else.
//!
//! A *regression* is anything rated worse: a control, a new failing
//! finding, a configuration change, a trail or detector removed, an
//! attestation, or evidence no longer collected. `auditpack diff
//! --fail-on regression` exits 1 on one.
//!
//! This module reads and compares; it never prints.

mod compare;
pub mod coverage;
mod rate;
pub mod resources;
pub mod source;
pub mod text;

use crate::assess::Status;
use crate::controls::{Assessment, ControlStatus};
use crate::snapshot::shapes::{self, ArtifactReports};
pub use compare::compare;
use coverage::Coverage;
pub use rate::finding_severity;
use resources::{Key, Resource};
use serde::Serialize;
pub use source::{Folders, Source};
use std::collections::BTreeMap;

/// A payload file could not be read or understood.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {what}")]
pub struct DiffError {
    pub path: String,
    pub what: String,
}

/// Which bundle a side is.
#[derive(Debug, Clone, Serialize)]
pub struct SideInfo {
    /// The bundle's file name, as given.
    pub file: String,
    pub bag: Option<String>,
    pub accounts: Vec<String>,
    pub as_of: String,
    /// The signing key's fingerprint.
    pub signer: Option<String>,
}

/// One side of a comparison, read.
pub struct Side {
    pub info: SideInfo,
    assessment: Assessment,
    resources: BTreeMap<Key, Resource>,
    coverage: Coverage,
    /// Per account and report id: the report's name and version.
    artifacts: BTreeMap<(String, String), (String, Option<i64>)>,
}

/// Reads one side: its assessment, resources and Artifact reports.
pub fn load(
    source: &mut dyn Source,
    file: String,
    bag: Option<String>,
    signer: Option<String>,
) -> Result<Side, DiffError> {
    let summary = source.read("data/assessment/summary.json")?;
    let findings = source.read("data/assessment/findings.json")?;
    let assessment =
        crate::controls::assessment::read(&summary, &findings).map_err(|what| DiffError {
            path: "data/assessment".into(),
            what,
        })?;
    let resources = resources::read(source)?;
    let coverage = Coverage::read(source)?;
    let mut artifacts = BTreeMap::new();
    for path in source.paths() {
        let Some(account) = path
            .strip_prefix("data/snapshot/")
            .and_then(|p| p.strip_suffix("/global/artifact/list-reports.json"))
        else {
            continue;
        };
        let bytes = source.read(&path)?;
        let reports: ArtifactReports = shapes::parse(&bytes).map_err(|e| DiffError {
            path: path.clone(),
            what: e.to_string(),
        })?;
        for report in &reports.reports {
            let id = report.id.clone().unwrap_or_default();
            let name = report.name.clone().unwrap_or_else(|| id.clone());
            artifacts.insert((account.to_string(), id), (name, report.version));
        }
    }
    let info = SideInfo {
        file,
        bag,
        accounts: assessment.accounts.clone(),
        as_of: assessment.as_of.clone(),
        signer,
    };
    Ok(Side {
        info,
        assessment,
        resources,
        coverage,
        artifacts,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Worse,
    Better,
    Neutral,
}

/// How much a change matters; the most first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// Everything that changed from `old` to `new`.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    pub old: SideInfo,
    pub new: SideInfo,
    /// Something is rated worse (see the module docs).
    pub regression: bool,
    /// Regions and calls seen on one side only.
    pub coverage: Vec<CoverageChange>,
    pub controls: Vec<ControlChange>,
    pub findings: FindingChanges,
    pub resources: ResourceChanges,
    pub configuration: Vec<ConfigChange>,
    pub attestations: Vec<AttestationChange>,
    pub artifact_reports: Vec<ArtifactChange>,
}

impl Drift {
    /// What got worse, by kind: how many, and the words for one and for
    /// several. A regression is any of them.
    pub fn worse(&self) -> [(usize, &'static str, &'static str); 6] {
        fn count<T>(list: &[T], direction: impl Fn(&T) -> Direction) -> usize {
            list.iter()
                .filter(|x| direction(x) == Direction::Worse)
                .count()
        }
        [
            (
                count(&self.coverage, |c| c.direction),
                "region or call no longer collected",
                "regions or calls no longer collected",
            ),
            (
                count(&self.controls, |c| c.direction),
                "control worse",
                "controls worse",
            ),
            (
                self.findings.new.len(),
                "new failing finding",
                "new failing findings",
            ),
            (
                count(&self.configuration, |c| c.direction),
                "configuration change worse",
                "configuration changes worse",
            ),
            (
                count(&self.resources.removed, |r| r.direction),
                "trail or detector removed",
                "trails or detectors removed",
            ),
            (
                count(&self.attestations, |a| a.direction),
                "attestation worse",
                "attestations worse",
            ),
        ]
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ControlChange {
    pub framework: String,
    /// The framework's short name, for people.
    pub framework_name: String,
    pub control_id: String,
    pub title: String,
    pub from: ControlStatus,
    pub to: ControlStatus,
    /// How the control's mapping changed, when it did:
    /// `assessed partial → manual; checks removed: net.all-ports-world`.
    pub mapping: Option<String>,
    pub direction: Direction,
}

/// A region, or a call in a region, seen on one side only.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageChange {
    pub account_id: String,
    /// The region, or `*` when the whole account is in one bundle only.
    pub region: String,
    /// `SERVICE OPERATION`; `None` for the whole region.
    pub call: Option<String>,
    /// The resource, for a call made once per resource.
    pub resource: Option<String>,
    /// `collected`, `not collected (REASON)`, or the call's status.
    pub before: String,
    pub after: String,
    pub direction: Direction,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingChanges {
    pub new: Vec<FindingChange>,
    pub resolved: Vec<FindingChange>,
    /// Failing before; not assessed now, for want of evidence.
    pub no_longer_assessed: Vec<FindingChange>,
    pub persisting: Vec<FindingChange>,
}

/// A failing finding, new, resolved or persisting.
#[derive(Debug, Clone, Serialize)]
pub struct FindingChange {
    pub check_id: String,
    pub account_id: String,
    pub region: String,
    pub resource_id: String,
    pub resource_name: Option<String>,
    pub severity: Severity,
    /// The finding's status in the old bundle (`None`: no such finding).
    pub before: Option<Status>,
    pub after: Option<Status>,
    /// The reason given by the side where it fails.
    pub reason: String,
    /// The reason the new side gives, when it does not fail there.
    pub reason_now: Option<String>,
    /// New, and not assessed in the old bundle: failing when first seen.
    pub first_assessed: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ResourceChanges {
    pub added: Vec<ResourceRef>,
    pub removed: Vec<ResourceRef>,
    /// In the new bundle only, listed by a call the old one could not
    /// make or a region it did not collect: not compared.
    pub first_collected: Vec<ResourceRef>,
    /// In the old bundle only, listed by a call the new one could not
    /// make or a region it did not collect: not compared.
    pub no_longer_collected: Vec<ResourceRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResourceRef {
    #[serde(flatten)]
    pub key: Key,
    pub name: Option<String>,
    pub severity: Severity,
    pub direction: Direction,
}

/// One fact of a resource in both bundles that changed.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigChange {
    #[serde(flatten)]
    pub key: Key,
    pub name: Option<String>,
    /// The change as a person reads it: `+ tcp/3389 from 0.0.0.0/0`,
    /// `state: running → stopped`.
    pub change: String,
    pub fact: String,
    /// The fact's value on each side (`present` for a rule); `None`:
    /// absent.
    pub before: Option<String>,
    pub after: Option<String>,
    pub severity: Severity,
    pub direction: Direction,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttestationChange {
    /// The controls it speaks for, as `framework:control`.
    pub controls: Vec<String>,
    pub attested_by: String,
    /// Who attested before, when someone else attests now.
    pub attested_by_before: Option<String>,
    /// The statement's words changed.
    pub statement_changed: bool,
    /// `expired`, `withdrawn` (gone from the new bundle), `renewed`,
    /// `new`, `status changed` or `restated` (statement or attester
    /// changed).
    pub change: String,
    /// What it stated (`implemented`, `not-implemented`) while current;
    /// `None` when it was not current on that side.
    pub status_before: Option<String>,
    pub status_after: Option<String>,
    pub expires_before: Option<String>,
    pub expires_after: Option<String>,
    pub direction: Direction,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArtifactChange {
    pub account_id: String,
    pub report_id: String,
    pub name: String,
    /// `None`: not listed on that side.
    pub version_before: Option<i64>,
    pub version_after: Option<i64>,
}
