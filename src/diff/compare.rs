//! The comparison itself: two sides in, one [`Drift`] out.

use super::rate::{direction, finding_severity, rank, rate};
use super::resources::{Key, Kind, Resource};
use super::*;
use crate::assess::Finding;
use crate::attest::Attestation;
use std::collections::BTreeSet;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

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
        // A detector appearing is threat detection switched on, as much a
        // switch as its status going to ENABLED.
        let (severity, direction) = match (watched, added) {
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
