//! What the wording templates are given: the report's data arranged for
//! reading (grouped, sorted, paths turned into places in the bundle), as
//! JSON. Nothing is judged here; every status, count and reason comes
//! from the assessment as it was written.

use super::{Inputs, REPORT_PATH};
use crate::assess::{Finding, Status, find_check};
use crate::controls::ControlResult;
use crate::controls::ControlStatus;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The framework whose guidance points get a section of their own.
const PRINCIPLE_14: &str = "nhs-p14";
/// The check whose findings are the AWS Artifact reports referenced.
const ARTIFACT_CHECK: &str = "assure.artifact-reports";
/// How many failing controls the summary names.
const WORST: usize = 10;
/// Failing findings listed at most; the rest are counted, and are in
/// findings.json.
pub const MAX_FAILING_ROWS: usize = 20_000;

/// The templates' data.
pub fn context(inputs: &Inputs) -> Value {
    let a = &inputs.assessment;
    let places = Places::new(inputs);
    let mut value = json!({
        "report_path": REPORT_PATH,
        "tool_version": a.tool_version,
        "as_of": a.as_of,
        "accounts": accounts(inputs),
        "regions": regions(inputs),
        "frameworks": a.frameworks,
        "findings": finding_counts(&a.findings),
        "worst": worst(inputs),
        "failing_controls": a.controls.iter().filter(|c| c.status == ControlStatus::Fail).count(),
        "principle14": principle14(inputs, &places),
        "tables": tables(inputs, &places),
        "incomplete": incomplete(inputs),
        "failing": failing(inputs, &places),
        "artifact": artifact(inputs),
        "attestations": attestations(inputs),
        "unavailable": unavailable(inputs),
        "region_gaps": region_gaps(inputs),
        "not_assessed": not_assessed(&a.findings),
        "files": files(inputs),
        "unshown": null,
        "changes": changes(inputs),
    });
    value["snapshot"] = json!({
        "tool": format!("{} {}", inputs.snapshot.tool.name, inputs.snapshot.tool.version),
        "source": format!("{:?}", inputs.snapshot.source).to_lowercase(),
        "as_of": inputs.snapshot.as_of,
        "collected_at": inputs.snapshot.collected_at,
    });
    value["bundle"] = bundle(inputs);
    value
}

fn changes(inputs: &Inputs) -> Value {
    use super::Changes;
    match &inputs.changes {
        None => Value::Null,
        Some(Changes::NotCompared { previous, why }) => {
            json!({ "compared": false, "previous": previous, "why": why })
        }
        Some(Changes::Compared {
            previous,
            previous_bag,
            previous_as_of,
            regression,
            verified,
            note,
            sections,
        }) => {
            let sections: Vec<Value> = sections
                .iter()
                .map(|s| {
                    let groups: Vec<Value> = s.groups.iter().map(change_group).collect();
                    json!({ "title": s.title, "groups": groups })
                })
                .collect();
            json!({
                "compared": true,
                "previous": previous,
                "previous_bag": previous_bag,
                "previous_as_of": previous_as_of,
                "regression": regression,
                "verified": verified,
                "note": note,
                "sections": sections,
            })
        }
    }
}

/// A group of changes for the template: a severity heading gets the
/// colour of its weight (high as a failure, medium as incomplete, low
/// grey), and each line its label (`worse`, `new`, `added`...) apart, in
/// the colour of its direction.
fn change_group(group: &super::ChangeGroup) -> Value {
    let severity_status = match group.heading.as_str() {
        "high" => Some("fail"),
        "medium" => Some("incomplete"),
        "low" => Some("manual"),
        _ => None,
    };
    let lines: Vec<Value> = group
        .lines
        .iter()
        .map(|line| {
            let status = match line.direction {
                "worse" => Some("fail"),
                "better" => Some("pass"),
                _ => None,
            };
            // A line starts with its label when its first word is a
            // lower-case word: `worse`, `resolved`, `added`, `renewed`.
            let (label, text) = match line.text.split_once(' ') {
                Some((first, rest))
                    if !first.is_empty() && first.bytes().all(|b| b.is_ascii_lowercase()) =>
                {
                    (first, rest.trim_start())
                }
                _ => ("", line.text.as_str()),
            };
            json!({ "status": status, "label": label, "text": text })
        })
        .collect();
    json!({
        "heading": group.heading,
        "severity": severity_status.map(|_| group.heading.as_str()),
        "severity_status": severity_status,
        "lines": lines,
    })
}

fn bundle(inputs: &Inputs) -> Value {
    let b = &inputs.bundle;
    json!({
        "name": b.name,
        "file": b.file_name,
        "organisation": b.organisation,
        "sealed_on": b.date.date().to_string(),
        "signer": b.signer_fingerprint,
        "trusted_as": b.trusted_as,
        "demo_key": b.demo_key,
        "previous": b.previous_bundle,
        "tag_manifest_sha256": b.tag_manifest_sha256,
        "inside": b.tag_manifest_sha256.is_none(),
    })
}

fn accounts(inputs: &Inputs) -> Value {
    inputs
        .snapshot
        .accounts
        .iter()
        .map(|a| {
            json!({
                "id": a.account_id,
                "as_of": a.as_of,
                "caller": a.caller_arn,
                "regions": a.regions.join(", "),
            })
        })
        .collect()
}

fn regions(inputs: &Inputs) -> String {
    let all: BTreeSet<&str> = inputs
        .snapshot
        .accounts
        .iter()
        .flat_map(|a| a.regions.iter().map(String::as_str))
        .collect();
    all.into_iter().collect::<Vec<_>>().join(", ")
}

fn finding_counts(findings: &[Finding]) -> Value {
    let count = |s: Status| findings.iter().filter(|f| f.status == s).count();
    json!({
        "total": findings.len(),
        "pass": count(Status::Pass),
        "fail": count(Status::Fail),
        "not_assessed": count(Status::NotAssessed),
        "not_applicable": count(Status::NotApplicable),
    })
}

/// The failing controls with the most failing findings, in framework
/// order where counts tie.
fn worst(inputs: &Inputs) -> Value {
    let a = &inputs.assessment;
    let mut failing: Vec<&ControlResult> = a
        .controls
        .iter()
        .filter(|c| c.status == ControlStatus::Fail)
        .collect();
    failing.sort_by_key(|c| std::cmp::Reverse(c.failing));
    failing
        .into_iter()
        .take(WORST)
        .map(|c| {
            json!({
                "framework": short_name(inputs, &c.framework),
                "control_id": c.control.control_id,
                "title": c.control.title,
                "failing": c.failing,
                "reason": c.reason,
            })
        })
        .collect()
}

fn short_name<'a>(inputs: &'a Inputs, framework: &'a str) -> &'a str {
    inputs
        .assessment
        .frameworks
        .iter()
        .find(|f| f.framework == framework)
        .map_or(framework, |f| f.short_name.as_str())
}

/// One control as a row or an entry: its result, and evidence grouped by
/// account and region.
fn control(c: &ControlResult, places: &Places) -> Value {
    json!({
        "framework": c.framework,
        "control_id": c.control.control_id,
        "title": c.control.title,
        "assessment": c.control.assessment.as_str(),
        "status": c.status,
        "reason": c.reason,
        "passing": c.passing,
        "failing": c.failing,
        "not_assessed": c.not_assessed,
        "not_applicable": c.not_applicable,
        "checks": c.checks.join(", "),
        "evidence": places.grouped(&c.evidence_files),
        "attestation": c.attestation,
    })
}

fn principle14(inputs: &Inputs, places: &Places) -> Value {
    let a = &inputs.assessment;
    a.controls
        .iter()
        .filter(|c| c.framework == PRINCIPLE_14)
        .map(|c| {
            let mut entry = control(c, places);
            entry["attestations"] = a
                .attestations
                .iter()
                .filter(|x| x.covers(&c.framework, &c.control.control_id))
                .map(|x| attestation(inputs, x))
                .collect();
            entry
        })
        .collect()
}

fn tables(inputs: &Inputs, places: &Places) -> Value {
    let a = &inputs.assessment;
    a.frameworks
        .iter()
        .filter(|f| f.framework != PRINCIPLE_14)
        .map(|f| {
            let controls: Vec<Value> = a
                .controls
                .iter()
                .filter(|c| c.framework == f.framework)
                .map(|c| control(c, places))
                .collect();
            json!({ "framework": f, "controls": controls })
        })
        .collect()
}

fn incomplete(inputs: &Inputs) -> Value {
    inputs
        .assessment
        .controls
        .iter()
        .filter(|c| c.status == ControlStatus::Incomplete)
        .map(|c| {
            json!({
                "framework": short_name(inputs, &c.framework),
                "control_id": c.control.control_id,
                "title": c.control.title,
                "reason": c.reason,
            })
        })
        .collect()
}

/// Failing findings grouped by check, in the assessment's order, with the
/// failing controls each check is evidence for.
fn failing(inputs: &Inputs, places: &Places) -> Value {
    let a = &inputs.assessment;
    let mut groups: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for finding in a.findings.iter().filter(|f| f.status == Status::Fail) {
        match groups.last_mut() {
            Some((check, list)) if *check == finding.check_id => list.push(finding),
            _ => groups.push((&finding.check_id, vec![finding])),
        }
    }
    let mut budget = MAX_FAILING_ROWS;
    let listed: Vec<Value> = groups
        .iter()
        .map(|(check, list)| {
            let shown = list.len().min(budget);
            budget -= shown;
            json!({
                "check_id": check,
                "title": find_check(check).map(|c| c.title),
                "count": list.len(),
                "omitted": list.len() - shown,
                "controls": failing_controls(inputs, check),
                "rows": list[..shown].iter().map(|f| finding_row(f, places)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let total: usize = groups.iter().map(|(_, l)| l.len()).sum();
    json!({
        "checks": listed,
        "total": total,
        "omitted": total.saturating_sub(MAX_FAILING_ROWS),
        "limit": MAX_FAILING_ROWS,
    })
}

/// `Cyber Essentials v3.3: CE-FW-03, CE-FW-04; ISO/IEC 27001:2022 Annex A: 8.20`.
fn failing_controls(inputs: &Inputs, check: &str) -> String {
    let mut by_framework: Vec<(&str, Vec<&str>)> = Vec::new();
    for c in inputs
        .assessment
        .controls
        .iter()
        .filter(|c| c.status == ControlStatus::Fail && c.checks.iter().any(|x| x == check))
    {
        let name = short_name(inputs, &c.framework);
        match by_framework.last_mut() {
            Some((f, ids)) if *f == name => ids.push(&c.control.control_id),
            _ => by_framework.push((name, vec![&c.control.control_id])),
        }
    }
    by_framework
        .iter()
        .map(|(f, ids)| format!("{f}: {}", ids.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

fn finding_row(f: &Finding, places: &Places) -> Value {
    let mut pointers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in &f.evidence {
        let list = pointers.entry(&e.file).or_default();
        if !e.pointer.is_empty() {
            list.push(&e.pointer);
        }
    }
    let evidence: Vec<Value> = pointers
        .into_iter()
        .map(|(file, pointers)| json!({ "file": places.of(file), "pointers": pointers.join(", ") }))
        .collect();
    json!({
        "resource_id": f.resource_id,
        "name": f.resource_name,
        "account": f.account_id,
        "region": f.region,
        "reason": f.reason,
        "evidence": evidence,
    })
}

/// AWS Artifact reports as the assessment judged them; the same report
/// seen from several accounts is one row naming them all.
fn artifact(inputs: &Inputs) -> Value {
    let mut rows: Vec<(&Finding, Vec<&str>)> = Vec::new();
    for f in inputs
        .assessment
        .findings
        .iter()
        .filter(|f| f.check_id == ARTIFACT_CHECK)
    {
        let same = |(g, _): &&mut (&Finding, Vec<&str>)| {
            g.resource_id == f.resource_id && g.status == f.status && g.reason == f.reason
        };
        match rows.iter_mut().find(|r| same(r)) {
            Some((_, accounts)) => accounts.push(&f.account_id),
            None => rows.push((f, vec![&f.account_id])),
        }
    }
    rows.into_iter()
        .map(|(f, accounts)| {
            json!({
                "status": f.status,
                "resource_id": f.resource_id,
                "name": f.resource_name,
                "reason": f.reason,
                "accounts": accounts.join(", "),
            })
        })
        .collect()
}

fn attestations(inputs: &Inputs) -> Value {
    inputs
        .assessment
        .attestations
        .iter()
        .map(|a| attestation(inputs, a))
        .collect()
}

fn attestation(inputs: &Inputs, a: &crate::attest::Attestation) -> Value {
    let as_of = time::OffsetDateTime::parse(
        &inputs.assessment.as_of,
        &time::format_description::well_known::Rfc3339,
    )
    .ok();
    let attachments: Vec<Value> = a
        .attachments
        .iter()
        .map(|x| {
            json!({
                "path": x.path,
                "place": format!("data/attestations/{}", x.path),
                "sha256": x.sha256,
                "bytes": thousands(x.bytes),
            })
        })
        .collect();
    json!({
        "attested_by": a.attested_by,
        "role": a.role,
        "status": a.status,
        "statement": a.statement,
        "scope": a.scope,
        "date": a.date.to_string(),
        "expires": a.expires.to_string(),
        "current": as_of.map(|t| a.is_current(t)),
        "controls": a.controls.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "),
        "attachments": attachments,
    })
}

fn unavailable(inputs: &Inputs) -> Value {
    inputs
        .assessment
        .unavailable
        .iter()
        .map(|e| {
            let call = match &e.resource {
                Some(r) => format!("{} {} {r}", e.service, e.operation),
                None => format!("{} {}", e.service, e.operation),
            };
            json!({
                "account": e.account_id,
                "region": e.region,
                "call": call,
                "status": e.status,
                "code": e.error_code,
                "detail": e.detail,
                "file": e.file.as_ref().map(|f| format!("data/snapshot/{f}")),
            })
        })
        .collect()
}

fn region_gaps(inputs: &Inputs) -> Value {
    inputs
        .snapshot
        .accounts
        .iter()
        .filter(|a| !a.regions_not_collected.is_empty())
        .map(|a| {
            let with = |left_out: bool| {
                let list: Vec<&str> = a
                    .regions_not_collected
                    .iter()
                    .filter(|g| g.left_out() == left_out)
                    .map(|g| g.region.as_str())
                    .collect();
                list.join(", ")
            };
            json!({
                "account": a.account_id,
                "left_out": with(true),
                "opt_in": with(false),
            })
        })
        .collect()
}

/// Checks with findings not assessed, and how many.
fn not_assessed(findings: &[Finding]) -> Value {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for f in findings.iter().filter(|f| f.status == Status::NotAssessed) {
        match counts.iter_mut().find(|(c, _)| *c == f.check_id) {
            Some((_, n)) => *n += 1,
            None => counts.push((&f.check_id, 1)),
        }
    }
    counts
        .into_iter()
        .map(|(check, n)| {
            json!({ "check_id": check, "title": find_check(check).map(|c| c.title), "count": n })
        })
        .collect()
}

fn files(inputs: &Inputs) -> Value {
    let total: u64 = inputs.files.iter().map(|f| f.bytes).sum();
    let list: Vec<Value> = inputs
        .files
        .iter()
        .map(|f| json!({ "path": f.path, "bytes": thousands(f.bytes), "sha256": f.sha256 }))
        .collect();
    json!({ "list": list, "count": list.len(), "bytes": thousands(total) })
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Where the evidence files named by findings and controls sit in the
/// bundle: snapshot files under `data/snapshot/`, attachments under
/// `data/attestations/`.
struct Places {
    payload: BTreeSet<String>,
}

impl Places {
    fn new(inputs: &Inputs) -> Places {
        Places {
            payload: inputs.files.iter().map(|f| f.path.clone()).collect(),
        }
    }

    /// The bundle path of a file a finding names.
    fn of(&self, file: &str) -> String {
        let snapshot = format!("data/snapshot/{file}");
        let attached = format!("data/attestations/{file}");
        if !self.payload.contains(&snapshot) && self.payload.contains(&attached) {
            attached
        } else {
            snapshot
        }
    }

    /// A control's evidence files grouped by folder: snapshot files by
    /// account and region (`210987654321/eu-west-2`, below
    /// `data/snapshot/`), attachments under `data/attestations`.
    fn grouped(&self, files: &[String]) -> Vec<Value> {
        let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
        for file in files {
            // An attachment is named `attachment: PATH` by a control, and
            // by its bare path by the finding that read it.
            let attached = file.strip_prefix("attachment: ").or_else(|| {
                let place = self.of(file);
                place
                    .starts_with("data/attestations/")
                    .then_some(file.as_str())
            });
            let (folder, name) = match attached {
                Some(path) => ("data/attestations".to_string(), path),
                None => split_folder(file),
            };
            match groups.iter_mut().find(|(f, _)| *f == folder) {
                Some((_, names)) if names.contains(&name) => {}
                Some((_, names)) => names.push(name),
                None => groups.push((folder, vec![name])),
            }
        }
        groups
            .into_iter()
            .map(|(folder, names)| json!({ "folder": folder, "files": names.join(", ") }))
            .collect()
    }
}

/// `210987654321/eu-west-2/ec2/x.json` as (`210987654321/eu-west-2`, `ec2/x.json`).
fn split_folder(file: &str) -> (String, &str) {
    let mut cut = 0;
    for _ in 0..2 {
        match file[cut..].find('/') {
            Some(at) => cut += at + 1,
            None => return (".".to_string(), file),
        }
    }
    (file[..cut - 1].to_string(), &file[cut..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worse_and_high_read_as_fail_better_as_pass_each_label_apart() {
        let group = super::super::ChangeGroup {
            heading: "high".into(),
            lines: vec![
                super::super::ChangeLine {
                    direction: "worse",
                    text: "worse   sg-1 in 1/eu-west-2: + tcp/22 from 0.0.0.0/0".into(),
                },
                super::super::ChangeLine {
                    direction: "better",
                    text: "resolved  net.x on sg-2".into(),
                },
                super::super::ChangeLine {
                    direction: "neutral",
                    text: "ISO/IEC 27001 in 1: version 4 → 5".into(),
                },
            ],
        };
        let v = change_group(&group);
        assert_eq!(v["severity_status"], "fail");
        let lines = v["lines"].as_array().unwrap();
        assert_eq!(
            (&lines[0]["status"], &lines[0]["label"], &lines[0]["text"]),
            (
                &json!("fail"),
                &json!("worse"),
                &json!("sg-1 in 1/eu-west-2: + tcp/22 from 0.0.0.0/0")
            )
        );
        assert_eq!(
            (&lines[1]["status"], &lines[1]["label"]),
            (&json!("pass"), &json!("resolved"))
        );
        assert_eq!(
            (&lines[2]["status"], &lines[2]["label"]),
            (&Value::Null, &json!(""))
        );
        let framework = super::super::ChangeGroup {
            heading: "Cyber Essentials v3.3".into(),
            lines: Vec::new(),
        };
        assert_eq!(change_group(&framework)["severity"], Value::Null);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn evidence_folders_are_account_and_region() {
        assert_eq!(
            split_folder("210987654321/eu-west-2/ec2/describe-security-groups.json"),
            (
                "210987654321/eu-west-2".to_string(),
                "ec2/describe-security-groups.json"
            )
        );
        assert_eq!(
            split_folder("snapshot.json"),
            (".".to_string(), "snapshot.json")
        );
    }
}
