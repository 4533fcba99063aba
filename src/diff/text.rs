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
    pub lines: Vec<Line>,
}

/// One change as a line, and which way it goes (for colour where there
/// is colour; the text says it in words too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub direction: Direction,
    pub text: String,
}

impl Line {
    fn new(direction: Direction, text: String) -> Line {
        Line { direction, text }
    }
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
fn by_severity(mut items: Vec<(Severity, Line)>) -> Vec<Group> {
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
        let line = Line::new(
            c.direction,
            format!(
                "{} {} {}: {} → {}",
                word(c.direction),
                c.control_id,
                c.title,
                c.from,
                c.to
            ),
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
    let mut items: Vec<(Severity, Line)> = Vec::new();
    for (label, direction, list) in [
        ("new", Direction::Worse, &f.new),
        ("resolved", Direction::Better, &f.resolved),
    ] {
        items.extend(
            list.iter()
                .map(|x| (x.severity, Line::new(direction, finding_line(label, x)))),
        );
    }
    if persisting {
        items.extend(f.persisting.iter().map(|x| {
            let line = finding_line("persisting", x);
            (x.severity, Line::new(Direction::Neutral, line))
        }));
    }
    let mut groups = by_severity(items);
    if !persisting && !f.persisting.is_empty() {
        groups.push(Group {
            heading: "persisting".into(),
            lines: vec![Line::new(
                Direction::Neutral,
                format!(
                    "{} in both bundles",
                    crate::words::count(f.persisting.len(), "failing finding", "failing findings")
                ),
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
            (c.severity, Line::new(c.direction, line))
        })
        .collect();
    push("Configuration changes", by_severity(items));

    let r = &drift.resources;
    let mut items: Vec<(Severity, Line)> = Vec::new();
    for (sign, list) in [("added  ", &r.added), ("removed", &r.removed)] {
        for x in list {
            let line = format!(
                "{sign} {} {}",
                x.key.kind.label(),
                place(&x.key, x.name.as_deref())
            );
            items.push((x.severity, Line::new(x.direction, line)));
        }
    }
    push("Resources added and removed", by_severity(items));

    let lines = drift
        .attestations
        .iter()
        .map(|a| {
            let before = a.expires_before.as_deref().unwrap_or("-");
            let after = a.expires_after.as_deref().unwrap_or("-");
            let text = format!(
                "{:<9} {} by {}: expires {after} (was {before})",
                a.change,
                a.controls.join(", "),
                a.attested_by
            );
            Line::new(a.direction, text)
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
            let text = format!(
                "{} in {}: version {} → {} ({})",
                a.name,
                a.account_id,
                version(a.version_before),
                version(a.version_after),
                a.report_id
            );
            Line::new(Direction::Neutral, text)
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
