//! Quarterly drift: what changed between two bundles of the same
//! accounts. Works from what a bundle holds (the assessment and the raw
//! evidence), read through a [`Source`]: a [`VerifiedBundle`]
//! (crate::verify::VerifiedBundle), so nothing unverified is compared, or
//! the folders of a bundle being sealed.
//!
//! What is compared:
//!
//! - controls whose status changed, per framework;
//! - failing findings, matched on check, account, region and resource:
//!   new (failing now, not before), resolved (failing before, not now) and
//!   persisting (failing in both);
//! - resources added and removed, and the configuration changes of those
//!   in both (see [`resources`]);
//! - attestations that expired or were renewed;
//! - AWS Artifact reports whose version changed.
//!
//! Every change is rated, so that people see the worst first:
//!
//! - direction: `worse`, `better` or `neutral`. A control is worse when it
//!   moves down `pass`/`not-applicable` → `incomplete`/`manual` → `fail`;
//!   a new failing finding is worse, a resolved one better; a rule open to
//!   the world (`0.0.0.0/0`, `::/0`) added is worse, removed better; MFA,
//!   trail logging, log file validation, IMDSv2 or a detector switched off
//!   is worse, switched on better; a trail or detector removed is worse;
//!   anything else (a tag, an instance type, a user added) is neutral.
//! - severity: `high` for findings of network exposure (`net.*`,
//!   `remote.no-direct-admin`) and the root user (`iam.root-*`), and for
//!   a world-open rule on an administration or database port or on every
//!   port; `medium` for other findings of identity, monitoring, images and
//!   instance metadata, other world-open rules, and the switches above;
//!   `low` for everything else.
//!
//! A *regression* is a control that got worse or a new failing finding;
//! `auditpack diff --fail-on regression` exits 1 on one.
//!
//! This module reads and compares; it never prints.

pub mod resources;
pub mod source;
pub mod text;

use crate::assess::{Finding, Status};
use crate::attest::Attestation;
use crate::controls::{Assessment, ControlStatus};
use crate::snapshot::shapes::{self, ArtifactReports};
use resources::{Key, Kind, Resource};
use serde::Serialize;
pub use source::{Folders, Source};
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

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
    /// A control got worse or a new failing finding appeared.
    pub regression: bool,
    pub controls: Vec<ControlChange>,
    pub findings: FindingChanges,
    pub resources: ResourceChanges,
    pub configuration: Vec<ConfigChange>,
    pub attestations: Vec<AttestationChange>,
    pub artifact_reports: Vec<ArtifactChange>,
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
    pub direction: Direction,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingChanges {
    pub new: Vec<FindingChange>,
    pub resolved: Vec<FindingChange>,
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
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ResourceChanges {
    pub added: Vec<ResourceRef>,
    pub removed: Vec<ResourceRef>,
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
    /// `expired`, `withdrawn` (gone from the new bundle), `renewed` or
    /// `new`.
    pub change: String,
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

/// Compares two sides.
pub fn compare(old: &Side, new: &Side) -> Drift {
    let controls = controls(&old.assessment, &new.assessment);
    let findings = findings(&old.assessment.findings, &new.assessment.findings);
    let (resources, configuration) = self::resources(&old.resources, &new.resources);
    let regression =
        controls.iter().any(|c| c.direction == Direction::Worse) || !findings.new.is_empty();
    Drift {
        old: old.info.clone(),
        new: new.info.clone(),
        regression,
        controls,
        findings,
        resources,
        configuration,
        attestations: attestations(&old.assessment, &new.assessment),
        artifact_reports: artifacts(&old.artifacts, &new.artifacts),
    }
}

/// Higher is better; statuses of one rank are alike.
fn rank(status: ControlStatus) -> u8 {
    match status {
        ControlStatus::Fail => 0,
        ControlStatus::Incomplete | ControlStatus::Manual => 1,
        ControlStatus::Pass | ControlStatus::NotApplicable => 2,
    }
}

fn direction(before: u8, after: u8) -> Direction {
    match after.cmp(&before) {
        std::cmp::Ordering::Less => Direction::Worse,
        std::cmp::Ordering::Greater => Direction::Better,
        std::cmp::Ordering::Equal => Direction::Neutral,
    }
}

fn controls(old: &Assessment, new: &Assessment) -> Vec<ControlChange> {
    let before: BTreeMap<(&str, &str), ControlStatus> = old
        .controls
        .iter()
        .map(|c| {
            (
                (c.framework.as_str(), c.control.control_id.as_str()),
                c.status,
            )
        })
        .collect();
    let names: BTreeMap<&str, &str> = new
        .frameworks
        .iter()
        .map(|f| (f.framework.as_str(), f.short_name.as_str()))
        .collect();
    new.controls
        .iter()
        .filter_map(|c| {
            let from = *before.get(&(c.framework.as_str(), c.control.control_id.as_str()))?;
            (from != c.status).then(|| ControlChange {
                framework: c.framework.clone(),
                framework_name: names.get(c.framework.as_str()).unwrap_or(&"").to_string(),
                control_id: c.control.control_id.clone(),
                title: c.control.title.clone(),
                from,
                to: c.status,
                direction: direction(rank(from), rank(c.status)),
            })
        })
        .collect()
}

type FindingKey<'a> = (&'a str, &'a str, &'a str, &'a str);

fn finding_key(f: &Finding) -> FindingKey<'_> {
    (&f.check_id, &f.account_id, &f.region, &f.resource_id)
}

/// How much a failing finding of `check_id` matters.
pub fn finding_severity(check_id: &str) -> Severity {
    if check_id.starts_with("net.")
        || check_id.starts_with("iam.root-")
        || check_id == "remote.no-direct-admin"
    {
        Severity::High
    } else if ["iam.", "mon.", "image.", "imds."]
        .iter()
        .any(|p| check_id.starts_with(p))
    {
        Severity::Medium
    } else {
        Severity::Low
    }
}

fn findings(old: &[Finding], new: &[Finding]) -> FindingChanges {
    let before: BTreeMap<FindingKey, &Finding> = old.iter().map(|f| (finding_key(f), f)).collect();
    let after: BTreeMap<FindingKey, &Finding> = new.iter().map(|f| (finding_key(f), f)).collect();
    let change = |f: &Finding, before: Option<&Finding>, after: Option<&Finding>| FindingChange {
        check_id: f.check_id.clone(),
        account_id: f.account_id.clone(),
        region: f.region.clone(),
        resource_id: f.resource_id.clone(),
        resource_name: f.resource_name.clone(),
        severity: finding_severity(&f.check_id),
        before: before.map(|f| f.status),
        after: after.map(|f| f.status),
        reason: f.reason.clone(),
    };
    let fails = |f: Option<&&Finding>| f.is_some_and(|f| f.status == Status::Fail);
    let mut out = FindingChanges::default();
    for (key, f) in after.iter().filter(|(_, f)| f.status == Status::Fail) {
        let was = before.get(key);
        let entry = change(f, was.copied(), Some(f));
        if fails(was) {
            out.persisting.push(entry);
        } else {
            out.new.push(entry);
        }
    }
    for (key, f) in before.iter().filter(|(_, f)| f.status == Status::Fail) {
        let now = after.get(key);
        if !fails(now) {
            out.resolved.push(change(f, Some(f), now.copied()));
        }
    }
    for list in [&mut out.new, &mut out.resolved, &mut out.persisting] {
        list.sort_by_key(|a| a.severity);
    }
    out
}

fn resources(
    old: &BTreeMap<Key, Resource>,
    new: &BTreeMap<Key, Resource>,
) -> (ResourceChanges, Vec<ConfigChange>) {
    let mut changes = ResourceChanges::default();
    let mut config = Vec::new();
    let reference = |key: &Key, r: &Resource, added: bool| {
        let watched = matches!(key.kind, Kind::Trail | Kind::Detector);
        let (severity, direction) = match (watched, added) {
            (true, false) => (Severity::Medium, Direction::Worse),
            (true, true) => (Severity::Low, Direction::Better),
            _ => (Severity::Low, Direction::Neutral),
        };
        ResourceRef {
            key: key.clone(),
            name: r.name.clone(),
            severity,
            direction,
        }
    };
    for (key, r) in new.iter().filter(|(k, _)| !old.contains_key(*k)) {
        changes.added.push(reference(key, r, true));
    }
    for (key, r) in old.iter().filter(|(k, _)| !new.contains_key(*k)) {
        changes.removed.push(reference(key, r, false));
    }
    for (key, after) in new {
        let Some(before) = old.get(key) else { continue };
        let facts: BTreeSet<&String> = before.facts.keys().chain(after.facts.keys()).collect();
        for fact in facts {
            let (b, a) = (before.facts.get(fact), after.facts.get(fact));
            if b == a {
                continue;
            }
            let (severity, direction) =
                rate(key.kind, fact, b.map(String::as_str), a.map(String::as_str));
            config.push(ConfigChange {
                key: key.clone(),
                name: after.name.clone().or(before.name.clone()),
                change: describe_change(fact, b, a),
                fact: fact.clone(),
                before: b.cloned(),
                after: a.cloned(),
                severity,
                direction,
            });
        }
    }
    config.sort_by(|a, b| (a.severity, &a.key).cmp(&(b.severity, &b.key)));
    (changes, config)
}

/// `+ tcp/22 from 10.0.0.0/8`, `- tag Owner: ops`, `state: running → stopped`.
fn describe_change(fact: &str, before: Option<&String>, after: Option<&String>) -> String {
    let valued = |v: &String| {
        if v.is_empty() {
            String::new()
        } else {
            format!(": {v}")
        }
    };
    match (before, after) {
        (None, Some(a)) => format!("+ {fact}{}", valued(a)),
        (Some(b), None) => format!("- {fact}{}", valued(b)),
        (Some(b), Some(a)) => format!("{fact}: {b} → {a}"),
        (None, None) => fact.to_string(),
    }
}

/// Ports whose exposure to the world is most dangerous: remote
/// administration and databases, as the network checks count them.
fn dangerous_ports(rule: &str) -> bool {
    use crate::assess::checks::network::{ADMIN_PORTS, DATABASE_PORTS};
    let spec = rule.split(" from ").next().unwrap_or(rule);
    if spec == "all traffic" || spec.ends_with("(all ports)") {
        return true;
    }
    let range = spec.split(['/', ' ']).nth(1).unwrap_or("");
    let (from, to) = match range.split_once('-') {
        Some((a, b)) => (a.parse::<u16>().ok(), b.parse::<u16>().ok()),
        None => (range.parse().ok(), range.parse().ok()),
    };
    let (Some(from), Some(to)) = (from, to) else {
        return false;
    };
    ADMIN_PORTS
        .iter()
        .chain(DATABASE_PORTS.iter())
        .any(|p| (from..=to).contains(p))
}

/// Severity and direction of one changed fact; see the module docs.
fn rate(
    kind: Kind,
    fact: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> (Severity, Direction) {
    let appeared = before.is_none();
    if kind == Kind::SecurityGroup && !fact.starts_with("outbound ") && !fact.starts_with("tag ") {
        let world = fact.ends_with(" from 0.0.0.0/0") || fact.ends_with(" from ::/0");
        if !world {
            return (Severity::Low, Direction::Neutral);
        }
        let severity = if dangerous_ports(fact) {
            Severity::High
        } else {
            Severity::Medium
        };
        let direction = if appeared {
            Direction::Worse
        } else {
            Direction::Better
        };
        return (severity, direction);
    }
    // Switches that protect: on is good, off is worse.
    let good = |v: Option<&str>| -> Option<bool> {
        let v = v?;
        Some(match fact {
            "IMDS tokens" => v == "required",
            "status" => v == "ENABLED",
            _ => v.eq_ignore_ascii_case("true"),
        })
    };
    let switch = matches!(
        fact,
        "MFA" | "logging" | "log file validation" | "IMDS tokens" | "status"
    ) || (kind == Kind::Instance && fact == "public IP");
    if !switch {
        return (Severity::Low, Direction::Neutral);
    }
    if fact == "public IP" {
        let direction = match (before, after) {
            (None, Some(_)) => Direction::Worse,
            (Some(_), None) => Direction::Better,
            _ => Direction::Neutral,
        };
        return (Severity::Medium, direction);
    }
    let direction = match (good(before), good(after)) {
        (Some(true), Some(false)) | (Some(true), None) => Direction::Worse,
        (Some(false), Some(true)) | (None, Some(true)) => Direction::Better,
        _ => Direction::Neutral,
    };
    (Severity::Medium, direction)
}

fn attestation_key(a: &Attestation) -> Vec<String> {
    let mut controls: Vec<String> = a.controls.iter().map(|c| c.to_string()).collect();
    controls.sort();
    controls
}

fn attestations(old: &Assessment, new: &Assessment) -> Vec<AttestationChange> {
    let at = |a: &Assessment| {
        OffsetDateTime::parse(&a.as_of, &Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    };
    let (old_at, new_at) = (at(old), at(new));
    let index = |a: &[Attestation]| -> BTreeMap<Vec<String>, Attestation> {
        a.iter().map(|x| (attestation_key(x), x.clone())).collect()
    };
    let (before, after) = (index(&old.attestations), index(&new.attestations));
    let keys: BTreeSet<&Vec<String>> = before.keys().chain(after.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let (b, a) = (before.get(key), after.get(key));
        let was = b.is_some_and(|b| b.is_current(old_at));
        let is = a.is_some_and(|a| a.is_current(new_at));
        let longer = matches!((b, a), (Some(b), Some(a)) if a.expires > b.expires);
        let change = match (was, is) {
            (true, false) if a.is_some() => "expired",
            (true, false) => "withdrawn",
            (false, true) if b.is_some() => "renewed",
            (false, true) => "new",
            (true, true) if longer => "renewed",
            _ => continue,
        };
        let direction = if is {
            Direction::Better
        } else {
            Direction::Worse
        };
        let by = a.or(b).map(|x| x.attested_by.clone()).unwrap_or_default();
        out.push(AttestationChange {
            controls: key.clone(),
            attested_by: by,
            change: change.to_string(),
            expires_before: b.map(|b| b.expires.to_string()),
            expires_after: a.map(|a| a.expires.to_string()),
            direction,
        });
    }
    out
}

fn artifacts(
    old: &BTreeMap<(String, String), (String, Option<i64>)>,
    new: &BTreeMap<(String, String), (String, Option<i64>)>,
) -> Vec<ArtifactChange> {
    let keys: BTreeSet<&(String, String)> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let (b, a) = (old.get(key), new.get(key));
            let (before, after) = (b.and_then(|b| b.1), a.and_then(|a| a.1));
            if b.is_some() && a.is_some() && before == after {
                return None;
            }
            Some(ArtifactChange {
                account_id: key.0.clone(),
                report_id: key.1.clone(),
                name: a.or(b).map(|x| x.0.clone()).unwrap_or_default(),
                version_before: before,
                version_after: after,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_world_rule_on_an_admin_or_database_port_is_high_and_others_medium() {
        let sg = Kind::SecurityGroup;
        let added = |rule| rate(sg, rule, None, Some(""));
        assert_eq!(
            added("tcp/3389 from 0.0.0.0/0"),
            (Severity::High, Direction::Worse)
        );
        assert_eq!(
            added("tcp 3380-3395 from ::/0"),
            (Severity::High, Direction::Worse)
        );
        assert_eq!(
            added("all traffic from 0.0.0.0/0"),
            (Severity::High, Direction::Worse)
        );
        assert_eq!(
            added("tcp/443 from 0.0.0.0/0"),
            (Severity::Medium, Direction::Worse)
        );
        assert_eq!(
            added("tcp/3389 from 203.0.113.32/28"),
            (Severity::Low, Direction::Neutral)
        );
        assert_eq!(
            rate(sg, "tcp/5432 from 0.0.0.0/0", Some(""), None),
            (Severity::High, Direction::Better)
        );
        assert_eq!(
            rate(sg, "tag Owner", Some("a"), Some("b")),
            (Severity::Low, Direction::Neutral)
        );
    }

    #[test]
    fn switches_that_protect_are_worse_when_turned_off() {
        let user = Kind::User;
        assert_eq!(
            rate(user, "MFA", Some("true"), Some("false")),
            (Severity::Medium, Direction::Worse)
        );
        assert_eq!(
            rate(Kind::Trail, "logging", Some("false"), Some("true")),
            (Severity::Medium, Direction::Better)
        );
        assert_eq!(
            rate(
                Kind::Instance,
                "IMDS tokens",
                Some("required"),
                Some("optional")
            ),
            (Severity::Medium, Direction::Worse)
        );
        assert_eq!(
            rate(Kind::Detector, "status", Some("ENABLED"), Some("DISABLED")),
            (Severity::Medium, Direction::Worse)
        );
        assert_eq!(
            rate(Kind::Instance, "type", Some("t3.micro"), Some("t3.large")),
            (Severity::Low, Direction::Neutral)
        );
    }

    #[test]
    fn a_control_is_worse_only_when_it_moves_down_a_rank() {
        let d = |a, b| direction(rank(a), rank(b));
        assert_eq!(
            d(ControlStatus::Pass, ControlStatus::Fail),
            Direction::Worse
        );
        assert_eq!(
            d(ControlStatus::Pass, ControlStatus::Incomplete),
            Direction::Worse
        );
        assert_eq!(
            d(ControlStatus::Manual, ControlStatus::Pass),
            Direction::Better
        );
        assert_eq!(
            d(ControlStatus::Incomplete, ControlStatus::Manual),
            Direction::Neutral
        );
        assert_eq!(
            d(ControlStatus::Pass, ControlStatus::NotApplicable),
            Direction::Neutral
        );
    }

    fn finding(check: &str, resource: &str, status: Status) -> Finding {
        let mut f = Finding::on(check, "111122223333", "eu-west-2", resource).fail("planted");
        f.status = status;
        f
    }

    #[test]
    fn findings_match_on_check_and_resource_and_only_failing_ones_count() {
        let old = [
            finding("net.admin-ports-world", "sg-1", Status::Fail),
            finding("net.admin-ports-world", "sg-2", Status::Fail),
            finding("iam.console-mfa", "alice", Status::Fail),
            finding("mon.guardduty", "d-1", Status::Pass),
        ];
        let new = [
            finding("net.admin-ports-world", "sg-1", Status::Fail),
            finding("net.admin-ports-world", "sg-2", Status::Pass),
            finding("net.admin-ports-world", "sg-3", Status::Fail),
            finding("mon.guardduty", "d-1", Status::NotAssessed),
        ];
        let changes = findings(&old, &new);
        let ids = |list: &[FindingChange]| -> Vec<String> {
            list.iter()
                .map(|f| format!("{} {}", f.check_id, f.resource_id))
                .collect()
        };
        assert_eq!(ids(&changes.new), ["net.admin-ports-world sg-3"]);
        // Worst first: the network finding before the identity one.
        assert_eq!(
            ids(&changes.resolved),
            ["net.admin-ports-world sg-2", "iam.console-mfa alice"]
        );
        assert_eq!(ids(&changes.persisting), ["net.admin-ports-world sg-1"]);
        assert_eq!(changes.resolved[1].after, None);
    }
}
