//! The roll-up: from findings and attestations to one status per control.
//!
//! A control passes only when every check mapped to it passes on every
//! resource and nothing it needed was unavailable. Any failing finding
//! makes it fail; otherwise anything not assessed makes it incomplete,
//! never "pass". A partial control (one AWS APIs show only in part) also
//! needs a current attestation for the rest; without one it is incomplete. A manual control takes its status from a current
//! attestation, and without one is "manual" (no evidence). An expired
//! attestation counts as missing.

use super::mappings::{Control, Coverage, Mappings};
use crate::assess::{Finding, Status};
use crate::attest::{Attestation, AttestedStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use time::OffsetDateTime;

/// A control's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    Fail,
    Incomplete,
    /// Manual, with no current attestation: no evidence.
    Manual,
    Pass,
    NotApplicable,
}

impl ControlStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Pass => "pass",
            ControlStatus::Fail => "fail",
            ControlStatus::Incomplete => "incomplete",
            ControlStatus::Manual => "manual",
            ControlStatus::NotApplicable => "not-applicable",
        }
    }
}

impl std::fmt::Display for ControlStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The attestation a control's status rests on, in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestationNote {
    pub attested_by: String,
    pub role: Option<String>,
    pub date: String,
    pub expires: String,
    pub status: AttestedStatus,
    /// False when it has expired (or is dated after the snapshot).
    pub current: bool,
}

/// One control's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ControlResult {
    pub framework: String,
    #[serde(flatten)]
    pub control: Control,
    pub status: ControlStatus,
    pub passing: usize,
    pub failing: usize,
    pub not_assessed: usize,
    pub not_applicable: usize,
    pub checks: Vec<String>,
    /// Snapshot files (and attachments) the result rests on.
    pub evidence_files: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<AttestationNote>,
    /// One line: why this status.
    pub reason: String,
    /// Indices of the failing findings in the assessment's list (not
    /// written: [`crate::controls::assessment::read`] joins them again).
    #[serde(skip)]
    pub failing_findings: Vec<usize>,
}

/// A framework's counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrameworkSummary {
    pub framework: String,
    pub name: String,
    pub short_name: String,
    pub version: String,
    pub controls: usize,
    pub passed: usize,
    pub failed: usize,
    pub incomplete: usize,
    pub manual: usize,
    pub not_applicable: usize,
}

/// Rolls findings and attestations up into control results, framework by
/// framework in file order, with a summary per framework.
pub fn roll_up(
    mappings: &Mappings,
    findings: &[Finding],
    attestations: &[Attestation],
    as_of: OffsetDateTime,
) -> (Vec<ControlResult>, Vec<FrameworkSummary>) {
    let mut results = Vec::new();
    let mut summaries = Vec::new();
    for framework in &mappings.frameworks {
        let mut summary = FrameworkSummary {
            framework: framework.id.clone(),
            name: framework.name.clone(),
            short_name: framework.short_name.clone(),
            version: framework.version.clone(),
            controls: framework.controls.len(),
            passed: 0,
            failed: 0,
            incomplete: 0,
            manual: 0,
            not_applicable: 0,
        };
        for control in &framework.controls {
            let checks = mappings.checks_for(&framework.id, &control.control_id);
            let attestation = latest(attestations, &framework.id, &control.control_id, as_of);
            let result = judge(
                &framework.id,
                control,
                &checks,
                findings,
                attestation,
                as_of,
            );
            match result.status {
                ControlStatus::Pass => summary.passed += 1,
                ControlStatus::Fail => summary.failed += 1,
                ControlStatus::Incomplete => summary.incomplete += 1,
                ControlStatus::Manual => summary.manual += 1,
                ControlStatus::NotApplicable => summary.not_applicable += 1,
            }
            results.push(result);
        }
        summaries.push(summary);
    }
    (results, summaries)
}

/// The attestation for a control that matters most: a current one if any
/// (the latest made), else the latest expired one, so the report can say
/// it expired.
fn latest<'a>(
    all: &'a [Attestation],
    framework: &str,
    control: &str,
    as_of: OffsetDateTime,
) -> Option<&'a Attestation> {
    let mine = all.iter().filter(|a| a.covers(framework, control));
    let current = mine
        .clone()
        .filter(|a| a.is_current(as_of))
        .max_by_key(|a| a.date);
    current.or_else(|| mine.max_by_key(|a| a.date))
}

fn judge(
    framework: &str,
    control: &Control,
    checks: &[&str],
    findings: &[Finding],
    attestation: Option<&Attestation>,
    as_of: OffsetDateTime,
) -> ControlResult {
    let mine: Vec<(usize, &Finding)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| checks.contains(&f.check_id.as_str()))
        .collect();
    let count = |status| mine.iter().filter(|(_, f)| f.status == status).count();
    let mut evidence: BTreeSet<String> = mine
        .iter()
        .flat_map(|(_, f)| f.evidence.iter().map(|e| e.file.clone()))
        .collect();
    let current = attestation.filter(|a| a.is_current(as_of));
    if let Some(a) = current {
        evidence.extend(
            a.attachments
                .iter()
                .map(|x| format!("attachment: {}", x.path)),
        );
    }
    let mut result = ControlResult {
        framework: framework.to_string(),
        control: control.clone(),
        status: ControlStatus::Manual,
        passing: count(Status::Pass),
        failing: count(Status::Fail),
        not_assessed: count(Status::NotAssessed),
        not_applicable: count(Status::NotApplicable),
        checks: checks.iter().map(|c| c.to_string()).collect(),
        evidence_files: evidence.into_iter().collect(),
        attestation: attestation.map(|a| note(a, as_of)),
        reason: String::new(),
        failing_findings: mine
            .iter()
            .filter(|(_, f)| f.status == Status::Fail)
            .map(|(i, _)| *i)
            .collect(),
    };
    let (status, reason) = if control.assessment == Coverage::Manual {
        manual(attestation, current)
    } else {
        from_findings(&mine, &result, current)
    };
    result.status = status;
    result.reason = reason;
    result
}

/// Why an attestation does not count: expired, or made after the evidence.
pub fn not_current(a: &Attestation) -> String {
    // `latest` hands over a non-current attestation only when none is
    // current; it is either past its expiry or dated after the snapshot.
    format!(
        "the attestation by {} (made {}, valid to {}) is not current at the time of the evidence",
        a.attested_by, a.date, a.expires
    )
}

fn note(a: &Attestation, as_of: OffsetDateTime) -> AttestationNote {
    AttestationNote {
        attested_by: a.attested_by.clone(),
        role: a.role.clone(),
        date: a.date.to_string(),
        expires: a.expires.to_string(),
        status: a.status,
        current: a.is_current(as_of),
    }
}

fn manual(any: Option<&Attestation>, current: Option<&Attestation>) -> (ControlStatus, String) {
    match (current, any) {
        (Some(a), _) => {
            let who = format!(
                "attested by {} on {}, valid to {}",
                a.attested_by, a.date, a.expires
            );
            match a.status {
                AttestedStatus::Implemented => (ControlStatus::Pass, format!("implemented: {who}")),
                AttestedStatus::NotImplemented => {
                    (ControlStatus::Fail, format!("not implemented: {who}"))
                }
            }
        }
        (None, Some(a)) => (
            ControlStatus::Manual,
            format!("no evidence: {}", not_current(a)),
        ),
        (None, None) => (
            ControlStatus::Manual,
            "no evidence: needs an attestation".into(),
        ),
    }
}

fn from_findings(
    mine: &[(usize, &Finding)],
    counts: &ControlResult,
    current: Option<&Attestation>,
) -> (ControlStatus, String) {
    let show = |status: Status| -> String {
        let list: Vec<String> = mine
            .iter()
            .filter(|(_, f)| f.status == status)
            .take(3)
            .map(|(_, f)| format!("{} on {}", f.check_id, resource(f)))
            .collect();
        let total = mine.iter().filter(|(_, f)| f.status == status).count();
        let more = if total > list.len() {
            format!(" and {} more", total - list.len())
        } else {
            String::new()
        };
        format!("{}{more}", list.join("; "))
    };
    if let Some(a) = current.filter(|a| a.status == AttestedStatus::NotImplemented) {
        return (
            ControlStatus::Fail,
            format!(
                "attested as not implemented by {} on {}",
                a.attested_by, a.date
            ),
        );
    }
    if counts.failing > 0 {
        return (
            ControlStatus::Fail,
            format!("{} failing: {}", counts.failing, show(Status::Fail)),
        );
    }
    if counts.not_assessed > 0 {
        return (
            ControlStatus::Incomplete,
            format!(
                "{} not assessed: {}",
                counts.not_assessed,
                show(Status::NotAssessed)
            ),
        );
    }
    if counts.passing == 0 {
        return (
            ControlStatus::NotApplicable,
            "no resource in scope for its checks".into(),
        );
    }
    let attested = match (counts.control.assessment, current) {
        (Coverage::Partial, Some(a)) => {
            format!("; the rest attested by {} on {}", a.attested_by, a.date)
        }
        (Coverage::Partial, None) => {
            return (
                ControlStatus::Incomplete,
                format!(
                    "{}, but the part no AWS API shows needs a current attestation",
                    all_pass(counts.passing)
                ),
            );
        }
        _ => String::new(),
    };
    (
        ControlStatus::Pass,
        format!("{}{attested}", all_pass(counts.passing)),
    )
}

/// `the finding passes`, `both findings pass`, `all 3 findings pass`.
fn all_pass(n: usize) -> String {
    let verb = if n == 1 { "passes" } else { "pass" };
    format!("{} {verb}", crate::words::every(n, "finding", "findings"))
}

/// `sg-0e05… (nbch-bastion-ssh) in 210987654321/eu-west-2`.
fn resource(f: &Finding) -> String {
    let name = f
        .resource_name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    // The account is named: a snapshot may hold several, with the same
    // region names and sometimes the same resources (AWS's own reports).
    let account = &f.account_id;
    if f.resource_id == f.region {
        format!("{} in {account}", f.region)
    } else if f.region == crate::snapshot::GLOBAL || f.resource_id == *account {
        format!("{}{name} in {account}", f.resource_id)
    } else {
        format!("{}{name} in {account}/{}", f.resource_id, f.region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::Mappings;

    fn finding(check: &str, status: Status) -> Finding {
        let b = Finding::on(check, "1", "eu-west-2", "r");
        match status {
            Status::Pass => b.pass("ok"),
            Status::Fail => b.fail("bad"),
            Status::NotApplicable => b.not_applicable("n/a"),
            Status::NotAssessed => b.not_assessed("denied"),
        }
    }

    fn status_with(
        findings: &[Finding],
        attestations: &[Attestation],
        control: (&str, &str),
    ) -> ControlStatus {
        let mappings = Mappings::load(None).unwrap();
        let as_of = time::Date::from_calendar_date(2026, time::Month::November, 30)
            .unwrap()
            .midnight()
            .assume_utc();
        let (results, _) = roll_up(&mappings, findings, attestations, as_of);
        let (framework, id) = control;
        results
            .iter()
            .find(|r| r.framework == framework && r.control.control_id == id)
            .unwrap()
            .status
    }

    fn status_of(findings: &[Finding], framework: &str, control: &str) -> ControlStatus {
        status_with(findings, &[], (framework, control))
    }

    #[test]
    fn all_2_findings_pass_reads_both_findings_pass_and_1_the_finding_passes() {
        assert_eq!(all_pass(1), "the finding passes");
        assert_eq!(all_pass(2), "both findings pass");
        assert_eq!(all_pass(7), "all 7 findings pass");
    }

    #[test]
    fn fail_beats_not_assessed_which_beats_pass() {
        use Status::*;
        // CE-FW-04 is automated: its checks are the whole story.
        let c = ("cyber-essentials", "CE-FW-04");
        let pass = finding("net.admin-ports-world", Pass);
        assert_eq!(
            status_of(std::slice::from_ref(&pass), c.0, c.1),
            ControlStatus::Pass
        );
        let unknown = finding("net.all-ports-world", NotAssessed);
        assert_eq!(
            status_of(&[pass.clone(), unknown.clone()], c.0, c.1),
            ControlStatus::Incomplete
        );
        let fail = finding("net.admin-ports-world", Fail);
        assert_eq!(status_of(&[fail, unknown], c.0, c.1), ControlStatus::Fail);
        let na = finding("net.admin-ports-world", NotApplicable);
        assert_eq!(status_of(&[na], c.0, c.1), ControlStatus::NotApplicable);
    }

    #[test]
    fn a_partial_control_passes_only_with_a_current_attestation_for_the_rest() {
        let c = ("nhs-p14", "NHS-P14-2");
        let pass = [finding("mon.guardduty", Status::Pass)];
        assert_eq!(status_with(&pass, &[], c), ControlStatus::Incomplete);
        let attestation = Attestation {
            controls: vec![crate::attest::ControlRef {
                framework: c.0.into(),
                control_id: c.1.into(),
            }],
            status: AttestedStatus::Implemented,
            statement: "alerts are triaged daily".into(),
            attested_by: "A. Person".into(),
            role: None,
            date: time::Date::from_calendar_date(2026, time::Month::October, 1).unwrap(),
            expires: time::Date::from_calendar_date(2027, time::Month::September, 30).unwrap(),
            scope: None,
            attachments: Vec::new(),
        };
        assert_eq!(
            status_with(&pass, std::slice::from_ref(&attestation), c),
            ControlStatus::Pass
        );
        let expired = Attestation {
            expires: time::Date::from_calendar_date(2026, time::Month::November, 1).unwrap(),
            ..attestation
        };
        assert_eq!(status_with(&pass, &[expired], c), ControlStatus::Incomplete);
    }

    #[test]
    fn a_manual_control_without_attestation_is_manual_no_evidence() {
        assert_eq!(status_of(&[], "iso27001", "5.1"), ControlStatus::Manual);
    }
}
