//! A drift as people read it: sections of lines, grouped by framework
//! (controls) and by severity (findings, configuration), worst first.
//! The CLI prints these; the PDF summary draws them.

use super::resources::Key;
use super::{Direction, Drift, FindingChange, Severity};

/// A titled part of the drift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub groups: Vec<Group>,
}

/// Lines under one heading (a framework, a severity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub heading: String,
    pub lines: Vec<String>,
}

/// Where a resource is: `sg-0abc (web) in 123456789012/eu-west-2`.
pub fn place(key: &Key, name: Option<&str>) -> String {
    let name = name.map(|n| format!(" ({n})")).unwrap_or_default();
    format!("{}{name} in {}/{}", key.id, key.account_id, key.region)
}

fn word(direction: Direction) -> &'static str {
    match direction {
        Direction::Worse => "worse  ",
        Direction::Better => "better ",
        Direction::Neutral => "changed",
    }
}

fn finding_line(label: &str, f: &FindingChange) -> String {
    let name = f
        .resource_name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let now = match (label, f.after) {
        ("resolved", Some(status)) => format!(" (now {})", status.as_str()),
        ("resolved", None) => " (no longer found)".to_string(),
        _ => String::new(),
    };
    format!(
        "{label:<9} {} on {}{name} in {}/{}{now}: {}",
        f.check_id, f.resource_id, f.account_id, f.region, f.reason
    )
}

/// Groups `(severity, line)` under one heading per severity, worst first.
fn by_severity(mut items: Vec<(Severity, String)>) -> Vec<Group> {
    items.sort_by_key(|a| a.0);
    let mut groups: Vec<Group> = Vec::new();
    for (severity, line) in items {
        match groups.last_mut() {
            Some(g) if g.heading == severity.as_str() => g.lines.push(line),
            _ => groups.push(Group {
                heading: severity.as_str().to_string(),
                lines: vec![line],
            }),
        }
    }
    groups
}

/// The drift's sections; empty sections are left out. Persisting
/// findings are listed in full when `persisting` is set, else counted.
pub fn sections(drift: &Drift, persisting: bool) -> Vec<Section> {
    let mut out = Vec::new();
    let mut push = |title: &str, groups: Vec<Group>| {
        if groups.iter().any(|g| !g.lines.is_empty()) {
            out.push(Section {
                title: title.to_string(),
                groups,
            });
        }
    };

    let mut frameworks: Vec<Group> = Vec::new();
    for c in &drift.controls {
        let line = format!(
            "{} {} {}: {} → {}",
            word(c.direction),
            c.control_id,
            c.title,
            c.from,
            c.to
        );
        match frameworks
            .iter_mut()
            .find(|g| g.heading == c.framework_name)
        {
            Some(g) => g.lines.push(line),
            None => frameworks.push(Group {
                heading: c.framework_name.clone(),
                lines: vec![line],
            }),
        }
    }
    push("Controls whose status changed", frameworks);

    let f = &drift.findings;
    let mut items: Vec<(Severity, String)> = Vec::new();
    items.extend(f.new.iter().map(|x| (x.severity, finding_line("new", x))));
    items.extend(
        f.resolved
            .iter()
            .map(|x| (x.severity, finding_line("resolved", x))),
    );
    if persisting {
        items.extend(
            f.persisting
                .iter()
                .map(|x| (x.severity, finding_line("persisting", x))),
        );
    }
    let mut groups = by_severity(items);
    if !persisting && !f.persisting.is_empty() {
        groups.push(Group {
            heading: "persisting".into(),
            lines: vec![format!(
                "{} failing finding{} in both bundles",
                f.persisting.len(),
                if f.persisting.len() == 1 { "" } else { "s" }
            )],
        });
    }
    push("Failing findings", groups);

    let items = drift
        .configuration
        .iter()
        .map(|c| {
            let line = format!(
                "{} {}: {}",
                word(c.direction),
                place(&c.key, c.name.as_deref()),
                c.change
            );
            (c.severity, line)
        })
        .collect();
    push("Configuration changes", by_severity(items));

    let r = &drift.resources;
    let mut items: Vec<(Severity, String)> = Vec::new();
    for (sign, list) in [("added  ", &r.added), ("removed", &r.removed)] {
        for x in list {
            let line = format!(
                "{sign} {} {}",
                x.key.kind.label(),
                place(&x.key, x.name.as_deref())
            );
            items.push((x.severity, line));
        }
    }
    push("Resources added and removed", by_severity(items));

    let lines = drift
        .attestations
        .iter()
        .map(|a| {
            let before = a.expires_before.as_deref().unwrap_or("-");
            let after = a.expires_after.as_deref().unwrap_or("-");
            format!(
                "{:<9} {} by {}: expires {after} (was {before})",
                a.change,
                a.controls.join(", "),
                a.attested_by
            )
        })
        .collect();
    push(
        "Attestations",
        vec![Group {
            heading: String::new(),
            lines,
        }],
    );

    let version = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "none".into());
    let lines = drift
        .artifact_reports
        .iter()
        .map(|a| {
            format!(
                "{} in {}: version {} → {} ({})",
                a.name,
                a.account_id,
                version(a.version_before),
                version(a.version_after),
                a.report_id
            )
        })
        .collect();
    push(
        "AWS Artifact reports",
        vec![Group {
            heading: String::new(),
            lines,
        }],
    );
    out
}
