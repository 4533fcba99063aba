//! The comparison itself: two sides in, one [`Drift`] out.

use super::coverage::{self, Coverage};
use super::rate::{control_direction, finding_severity, rate, still_reached};
use super::resources::{Key, Kind, Resource};
use super::*;
use crate::assess::Finding;
use crate::attest::{Attestation, AttestedStatus};
use crate::controls::ControlResult;
use std::collections::BTreeSet;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Compares two sides.
pub fn compare(old: &Side, new: &Side) -> Drift {
    let findings = findings(
        Blind::of(&old.assessment, Some(&old.coverage)),
        Blind::of(&new.assessment, Some(&new.coverage)),
    );
    let unassessed: BTreeSet<&str> = findings
        .no_longer_assessed
        .iter()
        .map(|f| f.check_id.as_str())
        .collect();
    let controls = controls(&old.assessment, &new.assessment, &unassessed);
    let (resources, configuration) = self::resources(old, new);
    let coverage = coverage::compare(&old.coverage, &new.coverage);
    let attestations = attestations(&old.assessment, &new.assessment);
    let mut drift = Drift {
        old: old.info.clone(),
        new: new.info.clone(),
        regression: false,
        coverage,
        controls,
        findings,
        resources,
        configuration,
        attestations,
        artifact_reports: artifacts(&old.artifacts, &new.artifacts),
    };
    drift.regression = drift.worse().iter().any(|(n, _, _)| *n > 0);
    drift
}

/// Controls whose status or mapping changed. `unassessed`: the checks with a failing
/// finding whose evidence is missing now, which make a control's rise
/// less evidence rather than a fix.
fn controls(old: &Assessment, new: &Assessment, unassessed: &BTreeSet<&str>) -> Vec<ControlChange> {
    let before: BTreeMap<(&str, &str), &ControlResult> = old
        .controls
        .iter()
        .map(|c| ((c.framework.as_str(), c.control.control_id.as_str()), c))
        .collect();
    let names: BTreeMap<&str, &str> = new
        .frameworks
        .iter()
        .map(|f| (f.framework.as_str(), f.short_name.as_str()))
        .collect();
    new.controls
        .iter()
        .filter_map(|c| {
            let was = *before.get(&(c.framework.as_str(), c.control.control_id.as_str()))?;
            let mapping = mapping_change(was, c);
            (was.status != c.status || mapping.is_some()).then(|| ControlChange {
                framework: c.framework.clone(),
                framework_name: names.get(c.framework.as_str()).unwrap_or(&"").to_string(),
                control_id: c.control.control_id.clone(),
                title: c.control.title.clone(),
                from: was.status,
                to: c.status,
                direction: control_direction(
                    was.status,
                    c.status,
                    mapping.is_some(),
                    c.not_assessed > was.not_assessed
                        || c.checks
                            .iter()
                            .any(|check| unassessed.contains(check.as_str())),
                ),
                mapping,
            })
        })
        .collect()
}

/// How a control's mapping changed between two assessments: how it is
/// assessed, and which checks speak for it.
fn mapping_change(old: &ControlResult, new: &ControlResult) -> Option<String> {
    let mut parts = Vec::new();
    let (a, b) = (old.control.assessment, new.control.assessment);
    if a != b {
        parts.push(format!("assessed {} → {}", a.as_str(), b.as_str()));
    }
    let (before, after): (BTreeSet<&String>, BTreeSet<&String>) =
        (old.checks.iter().collect(), new.checks.iter().collect());
    let list = |set: Vec<&&String>| {
        set.iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let removed: Vec<&&String> = before.difference(&after).collect();
    let added: Vec<&&String> = after.difference(&before).collect();
    if !removed.is_empty() {
        parts.push(format!("checks removed: {}", list(removed)));
    }
    if !added.is_empty() {
        parts.push(format!("checks added: {}", list(added)));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

type FindingKey<'a> = (&'a str, &'a str, &'a str, &'a str);

fn finding_key(f: &Finding) -> FindingKey<'_> {
    (&f.check_id, &f.account_id, &f.region, &f.resource_id)
}

/// Where a check could not judge: `(check, account, region)` of every
/// not-assessed finding, the accounts the assessment covers, and the
/// regions the side collected. A check with nothing to judge in a region
/// it could see gives no finding there.
struct Blind<'a> {
    assessment: &'a Assessment,
    regions: BTreeSet<(&'a str, &'a str, &'a str)>,
    accounts: BTreeSet<&'a str>,
    coverage: Option<&'a Coverage>,
}

impl<'a> Blind<'a> {
    fn of(assessment: &'a Assessment, coverage: Option<&'a Coverage>) -> Blind<'a> {
        Blind {
            assessment,
            regions: assessment
                .findings
                .iter()
                .filter(|f| f.status == Status::NotAssessed)
                .map(|f| {
                    (
                        f.check_id.as_str(),
                        f.account_id.as_str(),
                        f.region.as_str(),
                    )
                })
                .collect(),
            accounts: assessment.accounts.iter().map(String::as_str).collect(),
            coverage,
        }
    }

    /// Whether `check` could not look in the region (or, for a finding
    /// of every region, anywhere) of `account`.
    fn to(&self, check: &str, account: &str, region: &str) -> bool {
        !self.accounts.contains(account)
            || self.coverage.is_some_and(|c| !c.collected(account, region))
            || self.regions.contains(&(check, account, region))
            || self
                .regions
                .contains(&(check, account, crate::snapshot::GLOBAL))
    }
}

fn findings(old: Blind, new: Blind) -> FindingChanges {
    let (blind_before, blind_after) = (&old, &new);
    let (old, new) = (old.assessment, new.assessment);
    let before: BTreeMap<FindingKey, &Finding> =
        old.findings.iter().map(|f| (finding_key(f), f)).collect();
    let after: BTreeMap<FindingKey, &Finding> =
        new.findings.iter().map(|f| (finding_key(f), f)).collect();
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
        reason_now: after
            .filter(|a| a.status != Status::Fail)
            .map(|a| a.reason.clone()),
        first_assessed: false,
    };
    let fails = |f: Option<&&Finding>| f.is_some_and(|f| f.status == Status::Fail);
    let mut out = FindingChanges::default();
    for (key, f) in after.iter().filter(|(_, f)| f.status == Status::Fail) {
        let was = before.get(key);
        let mut entry = change(f, was.copied(), Some(f));
        if fails(was) {
            out.persisting.push(entry);
        } else {
            entry.first_assessed = match was {
                Some(w) => w.status == Status::NotAssessed,
                None => blind_before.to(&f.check_id, &f.account_id, &f.region),
            };
            out.new.push(entry);
        }
    }
    for (key, f) in before.iter().filter(|(_, f)| f.status == Status::Fail) {
        let now = after.get(key).copied();
        if fails(now.as_ref()) {
            continue;
        }
        let unseen = match now {
            Some(n) => n.status == Status::NotAssessed,
            None => blind_after.to(&f.check_id, &f.account_id, &f.region),
        };
        let entry = change(f, Some(f), now);
        if unseen {
            out.no_longer_assessed.push(entry);
        } else {
            out.resolved.push(entry);
        }
    }
    for list in [
        &mut out.new,
        &mut out.resolved,
        &mut out.no_longer_assessed,
        &mut out.persisting,
    ] {
        list.sort_by_key(|a| a.severity);
    }
    out
}

/// Whether `side` made the call `fact` of the resource at `key` was read
/// from (or, with no fact, the call listing resources of its kind).
fn seen(side: &Coverage, key: &Key, call: resources::Call) -> bool {
    let resource = call.per_resource.then_some(key.id.as_str());
    side.answered(
        &key.account_id,
        &key.region,
        call.service,
        call.operation,
        resource,
    )
}

/// Whether `side` made the call a fact was read from, for the resource as
/// that side holds it (a fact of no known call counts as seen). A resource
/// a call described is described whole, even by a listing cut short.
fn made(side: &Coverage, key: &Key, call: Option<&resources::Call>, held: &Resource) -> bool {
    call.is_none_or(|call| held.described_by.contains(call) || seen(side, key, *call))
}

fn resources(old: &Side, new: &Side) -> (ResourceChanges, Vec<ConfigChange>) {
    let mut changes = ResourceChanges::default();
    let mut config = Vec::new();
    let reference = |key: &Key, r: &Resource, added: bool| {
        let watched = matches!(key.kind, Kind::Trail | Kind::Detector);
        // A detector appearing is threat detection switched on, as much a
        // switch as its status going to ENABLED.
        let (severity, direction) = match (watched, added) {
            // A region switched on is more of the account to watch, and a
            // classic sign of misuse: worth a look, though not a fault.
            _ if key.kind == Kind::Region && added => (Severity::Medium, Direction::Neutral),
            (true, false) => (Severity::Medium, Direction::Worse),
            (true, true) if key.kind == Kind::Detector => (Severity::Medium, Direction::Better),
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
    let (old_resources, new_resources) = (&old.resources, &new.resources);
    // A resource on one side only is added or removed where the other
    // side listed its kind there; otherwise it is not compared.
    for (from, to, other, added) in [
        (new_resources, old_resources, &old.coverage, true),
        (old_resources, new_resources, &new.coverage, false),
    ] {
        for (key, r) in from.iter().filter(|(k, _)| !to.contains_key(*k)) {
            let mut change = reference(key, r, added);
            let list = match (seen(other, key, key.kind.listing()), added) {
                (true, true) => &mut changes.added,
                (true, false) => &mut changes.removed,
                (false, _) => {
                    (change.severity, change.direction) = (Severity::Low, Direction::Neutral);
                    if added {
                        &mut changes.first_collected
                    } else {
                        &mut changes.no_longer_collected
                    }
                }
            };
            list.push(change);
        }
    }
    for (key, after) in new_resources {
        let Some(before) = old_resources.get(key) else {
            continue;
        };
        let facts: BTreeSet<&String> = before.facts.keys().chain(after.facts.keys()).collect();
        for fact in facts {
            let (b, a) = (before.facts.get(fact), after.facts.get(fact));
            if b == a {
                continue;
            }
            // A fact on one side only is a change only if the other side
            // made the call it comes from.
            let unseen = match (b, a) {
                (None, Some(_)) => !made(&old.coverage, key, after.origin.get(fact), before),
                (Some(_), None) => !made(&new.coverage, key, before.origin.get(fact), after),
                _ => false,
            };
            if unseen {
                continue;
            }
            let (severity, mut direction) =
                rate(key.kind, fact, b.map(String::as_str), a.map(String::as_str));
            if direction == Direction::Better
                && key.kind == Kind::SecurityGroup
                && a.is_none()
                && still_reached(fact, after.facts.keys())
            {
                direction = Direction::Neutral;
            }
            config.push(ConfigChange {
                key: key.clone(),
                name: after.name.clone().or(before.name.clone()),
                change: describe_change(fact, b, a),
                fact: fact.clone(),
                before: b.map(|v| shown(v)),
                after: a.map(|v| shown(v)),
                severity,
                direction,
            });
        }
    }
    config.sort_by(|a, b| (a.severity, &a.key).cmp(&(b.severity, &b.key)));
    (changes, config)
}

/// A fact's value for machines: a fact that is there or not (a rule) is
/// `present` when there.
fn shown(value: &str) -> String {
    if value.is_empty() {
        "present".into()
    } else {
        value.to_string()
    }
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
        // What each side states, while its statement stands.
        let was = b.filter(|b| b.is_current(old_at)).map(|b| b.status);
        let is = a.filter(|a| a.is_current(new_at)).map(|a| a.status);
        let implemented = |s: Option<AttestedStatus>| s == Some(AttestedStatus::Implemented);
        let (change, direction) = match (was, is) {
            (Some(_), None) if a.is_some() => ("expired", lost(was)),
            (Some(_), None) => ("withdrawn", lost(was)),
            (None, Some(_)) if b.is_some() => ("renewed", gained(is)),
            (None, Some(_)) => ("new", gained(is)),
            (Some(s), Some(t)) if s != t => {
                let direction = if implemented(is) {
                    Direction::Better
                } else {
                    Direction::Worse
                };
                ("status changed", direction)
            }
            (Some(_), Some(_)) => {
                let (b, a) = (b.expect("current"), a.expect("current"));
                if a.expires > b.expires {
                    ("renewed", gained(is))
                } else if a.statement != b.statement || a.attested_by != b.attested_by {
                    ("restated", Direction::Neutral)
                } else {
                    continue;
                }
            }
            (None, None) => continue,
        };
        let by = a.or(b).map(|x| x.attested_by.clone()).unwrap_or_default();
        let (by_before, statement_changed) = match (b, a) {
            (Some(b), Some(a)) => (
                (b.attested_by != a.attested_by).then(|| b.attested_by.clone()),
                b.statement != a.statement,
            ),
            _ => (None, false),
        };
        let word = |s: Option<AttestedStatus>| {
            s.map(|s| match s {
                AttestedStatus::Implemented => "implemented".to_string(),
                AttestedStatus::NotImplemented => "not-implemented".to_string(),
            })
        };
        out.push(AttestationChange {
            controls: key.clone(),
            attested_by: by,
            attested_by_before: by_before,
            statement_changed,
            change: change.to_string(),
            status_before: word(was),
            status_after: word(is),
            expires_before: b.map(|b| b.expires.to_string()),
            expires_after: a.map(|a| a.expires.to_string()),
            direction,
        });
    }
    out
}

/// A statement that stands now: better when it says "implemented", worse
/// when it says a control is not.
fn gained(is: Option<AttestedStatus>) -> Direction {
    match is {
        Some(AttestedStatus::Implemented) => Direction::Better,
        Some(AttestedStatus::NotImplemented) => Direction::Worse,
        None => Direction::Neutral,
    }
}

/// A statement that no longer stands: losing "implemented" is worse;
/// losing "not implemented" proves nothing fixed.
fn lost(was: Option<AttestedStatus>) -> Direction {
    match was {
        Some(AttestedStatus::Implemented) => Direction::Worse,
        _ => Direction::Neutral,
    }
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

    const ACCOUNT: &str = "111122223333";

    fn finding(check: &str, region: &str, resource: &str, status: Status) -> Finding {
        let mut f = Finding::on(check, ACCOUNT, region, resource).fail("planted");
        f.status = status;
        f
    }

    fn assessment(findings: Vec<Finding>) -> Assessment {
        Assessment {
            format: String::new(),
            tool_version: String::new(),
            accounts: vec![ACCOUNT.into()],
            as_of: "2026-11-30T09:00:00Z".into(),
            findings,
            controls: Vec::new(),
            frameworks: Vec::new(),
            attestations: Vec::new(),
            unavailable: Vec::new(),
        }
    }

    fn ids(list: &[FindingChange]) -> Vec<String> {
        list.iter()
            .map(|f| format!("{} {}", f.check_id, f.resource_id))
            .collect()
    }

    #[test]
    fn findings_match_on_check_and_resource_and_only_failing_ones_count() {
        let at = |check, resource, status| finding(check, "eu-west-2", resource, status);
        let old = assessment(vec![
            at("net.admin-ports-world", "sg-1", Status::Fail),
            at("net.admin-ports-world", "sg-2", Status::Fail),
            at("net.admin-ports-world", "sg-4", Status::Fail),
            at("iam.console-mfa", "alice", Status::Fail),
            at("mon.guardduty", "d-1", Status::Pass),
        ]);
        let new = assessment(vec![
            at("net.admin-ports-world", "sg-1", Status::Fail),
            at("net.admin-ports-world", "sg-2", Status::Pass),
            at("net.admin-ports-world", "sg-3", Status::Fail),
            at("mon.guardduty", "d-1", Status::NotAssessed),
        ]);
        let changes = findings(Blind::of(&old, None), Blind::of(&new, None));
        assert_eq!(ids(&changes.new), ["net.admin-ports-world sg-3"]);
        assert!(!changes.new[0].first_assessed);
        // Worst first: the network findings before the identity one; a
        // group gone from a listing the new side made is resolved.
        assert_eq!(
            ids(&changes.resolved),
            [
                "net.admin-ports-world sg-2",
                "net.admin-ports-world sg-4",
                "iam.console-mfa alice"
            ]
        );
        assert_eq!(changes.resolved[0].reason_now.as_deref(), Some("planted"));
        assert_eq!(changes.resolved[1].after, None);
        assert_eq!(ids(&changes.persisting), ["net.admin-ports-world sg-1"]);
        assert!(changes.no_longer_assessed.is_empty());
    }

    #[test]
    fn a_failing_finding_whose_evidence_went_is_no_longer_assessed_not_resolved() {
        let old = assessment(vec![
            finding("net.admin-ports-world", "eu-west-1", "sg-1", Status::Fail),
            finding("net.admin-ports-world", "eu-west-2", "sg-2", Status::Fail),
            finding("iam.console-mfa", "global", "alice", Status::Fail),
            finding(
                "mon.guardduty",
                "eu-west-1",
                "eu-west-1",
                Status::NotAssessed,
            ),
        ]);
        let new = assessment(vec![
            // The region's listing was denied: one not-assessed finding
            // stands for every group in it.
            finding(
                "net.admin-ports-world",
                "eu-west-1",
                "eu-west-1",
                Status::NotAssessed,
            ),
            finding(
                "net.admin-ports-world",
                "eu-west-2",
                "sg-2",
                Status::NotAssessed,
            ),
            finding("mon.guardduty", "eu-west-1", "d-1", Status::Fail),
        ]);
        let mut other = assessment(Vec::new());
        other.accounts = vec!["444455556666".into()];
        let changes = findings(Blind::of(&old, None), Blind::of(&new, None));
        assert_eq!(
            ids(&changes.no_longer_assessed),
            ["net.admin-ports-world sg-1", "net.admin-ports-world sg-2"]
        );
        // A user gone from an account the new side judged was removed.
        assert_eq!(ids(&changes.resolved), ["iam.console-mfa alice"]);
        // Failing where the old side could not look: new, and said so.
        assert_eq!(ids(&changes.new), ["mon.guardduty d-1"]);
        assert!(changes.new[0].first_assessed);
        // An account the new side does not cover judges nothing there.
        let gone = findings(Blind::of(&old, None), Blind::of(&other, None));
        assert_eq!(gone.no_longer_assessed.len(), 3);
        assert!(gone.resolved.is_empty());
    }
}
