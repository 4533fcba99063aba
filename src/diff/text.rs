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

/// A change's label after the direction, when it has one: `worse
/// removed`, `better renewed`, `added`.
fn lead(direction: Direction, label: &str) -> String {
    match direction {
        Direction::Neutral => label.to_string(),
        _ => format!("{} {label}", word(direction)),
    }
}

fn finding_line(label: &str, f: &FindingChange) -> String {
    let name = f
        .resource_name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let status = |s: Option<crate::assess::Status>| s.map(|s| s.as_str()).unwrap_or("-");
    let what = match label {
        "new" if f.first_assessed => format!("{} (not assessed before)", f.reason),
        "resolved" => match &f.reason_now {
            Some(now) => format!("now {}: {now} (was: {})", status(f.after), f.reason),
            None => format!("no longer found (was: {})", f.reason),
        },
        "unassessed" => {
            let why = f
                .reason_now
                .as_deref()
                .unwrap_or("its evidence is not in this bundle");
            format!("not assessed now: {why} (was failing: {})", f.reason)
        }
        _ => f.reason.clone(),
    };
    format!(
        "{label:<10} {} on {}{name} in {}/{}: {what}",
        f.check_id, f.resource_id, f.account_id, f.region
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

    let lines = drift
        .coverage
        .iter()
        .map(|c| {
            let what = match (&c.call, &c.resource) {
                (None, _) if c.region == super::coverage::WHOLE_ACCOUNT => {
                    format!("{} account", c.account_id)
                }
                (None, _) => format!("{}/{} region", c.account_id, c.region),
                (Some(call), None) => format!("{}/{} {call}", c.account_id, c.region),
                (Some(call), Some(resource)) => {
                    format!("{}/{} {call} {resource}", c.account_id, c.region)
                }
            };
            let text = format!("{} {what}: {} → {}", word(c.direction), c.before, c.after);
            Line::new(c.direction, text)
        })
        .collect();
    push(
        "Evidence collected",
        vec![Group {
            heading: String::new(),
            lines,
        }],
    );

    let mut frameworks: Vec<Group> = Vec::new();
    for c in &drift.controls {
        let line = Line::new(
            c.direction,
            format!(
                "{} {} {}: {}{}",
                word(c.direction),
                c.control_id,
                c.title,
                if c.from == c.to {
                    format!("{} still", c.to)
                } else {
                    format!("{} → {}", c.from, c.to)
                },
                c.mapping
                    .as_ref()
                    .map(|m| format!(" (mapping changed: {m})"))
                    .unwrap_or_default()
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
    push("Controls whose status or mapping changed", frameworks);

    let f = &drift.findings;
    let mut items: Vec<(Severity, Line)> = Vec::new();
    for (label, direction, list) in [
        ("new", Direction::Worse, &f.new),
        ("resolved", Direction::Better, &f.resolved),
        ("unassessed", Direction::Neutral, &f.no_longer_assessed),
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
                "{} {} {}: {}",
                word(c.direction),
                c.key.kind.label(),
                place(&c.key, c.name.as_deref()),
                c.change
            );
            (c.severity, Line::new(c.direction, line))
        })
        .collect();
    push("Configuration changes", by_severity(items));

    let r = &drift.resources;
    let mut items: Vec<(Severity, Line)> = Vec::new();
    for (sign, list) in [("added", &r.added), ("removed", &r.removed)] {
        for x in list {
            let line = format!(
                "{} {} {}",
                lead(x.direction, sign),
                x.key.kind.label(),
                place(&x.key, x.name.as_deref())
            );
            items.push((x.severity, Line::new(x.direction, line)));
        }
    }
    for (list, side) in [
        (&r.first_collected, "the old bundle"),
        (&r.no_longer_collected, "the new bundle"),
    ] {
        if !list.is_empty() {
            let line = format!(
                "{} not compared: listed by a call {side} could not make or in a region it did not collect (see Evidence collected)",
                crate::words::count(list.len(), "resource", "resources")
            );
            items.push((Severity::Low, Line::new(Direction::Neutral, line)));
        }
    }
    push("Resources added and removed", by_severity(items));

    let lines = drift
        .attestations
        .iter()
        .map(|a| {
            let stated = match (&a.status_before, &a.status_after) {
                (Some(b), Some(s)) if b != s => format!("{b} → {s}"),
                (_, Some(s)) => s.clone(),
                (Some(b), None) => format!("was {b}"),
                (None, None) => String::new(),
            };
            let expiry = match (a.change.as_str(), &a.expires_before, &a.expires_after) {
                ("expired", _, Some(after)) => format!("expired {after}"),
                ("withdrawn", _, _) => "no longer in the bundle".to_string(),
                (_, Some(before), Some(after)) if before != after => {
                    format!("expires {after} (was {before})")
                }
                (_, _, Some(after)) => format!("expires {after}"),
                _ => String::new(),
            };
            let was = a
                .attested_by_before
                .as_ref()
                .map(|b| format!(" (was {b})"))
                .unwrap_or_default();
            let statement = if a.statement_changed {
                "; statement changed"
            } else {
                ""
            };
            let text = format!(
                "{} {} by {}{was}: {stated}; {expiry}{statement}",
                lead(a.direction, &a.change),
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

    let lines = drift
        .artifact_reports
        .iter()
        .map(|a| {
            let change = match (a.version_before, a.version_after) {
                (Some(b), Some(n)) => format!("version {b} → {n}"),
                (None, Some(n)) => format!("newly listed, version {n}"),
                (Some(b), None) => format!("no longer listed (was version {b})"),
                (None, None) => "listed without a version".to_string(),
            };
            let text = format!("{} in {}: {change} ({})", a.name, a.account_id, a.report_id);
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

/// What got worse, counted (`2 controls worse, 1 new failing finding`),
/// or `None` when nothing did.
pub fn regressions(drift: &Drift) -> Option<String> {
    let parts: Vec<String> = drift
        .worse()
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| crate::words::count(n, one, many))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}
