//! Everything the binary prints: summaries on standard output, status lines
//! and errors on standard error.

use super::Global;
use anyhow::Result;
use auditpack::assess::Status;
use auditpack::collect::live::LiveError;
use auditpack::collect::{CollectError, Collected};
use auditpack::controls::{Assessment, ControlStatus};
use auditpack::snapshot::info::Source;
use auditpack::snapshot::log::{CallStatus, LogEntry};
use auditpack::snapshot::tally::{self, ServiceTally};
use auditpack::verify::VerifyError;
use std::io::Write;

/// Prints an error, its causes on the same line, and a hint where one helps.
pub fn error(err: &anyhow::Error) {
    let mut line = format!("error: {err}");
    for cause in err.chain().skip(1) {
        // Many errors already quote their cause; say it once.
        let cause = cause.to_string();
        if !line.contains(&cause) {
            line.push_str(&format!(": {cause}"));
        }
    }
    let hint = err
        .downcast_ref::<CollectError>()
        .and_then(CollectError::hint)
        .or_else(|| err.downcast_ref::<LiveError>().and_then(LiveError::hint))
        .or_else(|| {
            err.downcast_ref::<VerifyError>()
                .and_then(VerifyError::hint)
        });
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
    if let Some(hint) = hint {
        let _ = writeln!(stderr, "help: {hint}");
    }
}

/// A warning on standard error, even when quiet.
pub fn warning(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "warning: {text}");
}

/// A status line on standard error, unless quiet.
pub fn status(global: Global, verb: &str, rest: &str) {
    if !global.quiet {
        let _ = writeln!(std::io::stderr().lock(), "{verb:>12} {rest}");
    }
}

/// What a collection found: per region and service, calls and resources;
/// then every call that did not answer fully.
pub fn collection(collected: &Collected, source: &str, json: bool, global: Global) -> Result<()> {
    let rows = tally::tally(&collected.log);
    let mut out = std::io::stdout().lock();
    if json {
        let summary = serde_json::json!({
            "snapshot": collected.path,
            "info": collected.info,
            "services": rows,
            "not_ok": tally::not_ok(&collected.log).collect::<Vec<_>>(),
            "regions_left_out": tally::regions_left_out(&collected.log),
            "skipped": collected.log.skipped,
            "warnings": collected.warnings,
        });
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else if !global.quiet {
        human_summary(&mut out, collected, source, &rows)?;
    }
    status(
        global,
        "Wrote",
        &format!("snapshot to {}", collected.path.display()),
    );
    Ok(())
}

fn human_summary(
    out: &mut impl Write,
    collected: &Collected,
    source: &str,
    rows: &[ServiceTally],
) -> Result<()> {
    let log = &collected.log;
    let many = collected.info.accounts.len() > 1;
    for account in &collected.info.accounts {
        let mine = rows.iter().filter(|r| r.account_id == account.account_id);
        let (calls, ok) = mine.fold((0, 0), |(c, o), r| (c + r.calls, o + r.ok));
        let line = format!(
            "Account {} from {}: {} region{} ({}); {calls} calls expected, {ok} answered in full",
            account.account_id,
            source,
            account.regions.len(),
            plural(account.regions.len()),
            if account.regions.is_empty() {
                "none".to_string()
            } else {
                account.regions.join(", ")
            },
        );
        wrapped(out, &line, "", "  ")?;
        if account.regions.is_empty() {
            writeln!(
                out,
                "  No region folder in the export: every regional check (network, instances, \
                 monitoring) will say \"not assessed\"."
            )?;
        }
    }
    writeln!(out)?;
    // With several accounts, the first column names account and region.
    let place = |row: &ServiceTally| {
        if many {
            format!("{}/{}", row.account_id, row.region)
        } else {
            row.region.clone()
        }
    };
    let width = rows
        .iter()
        .map(|r| place(r).len())
        .max()
        .unwrap_or(0)
        .max(14);
    let heading = if many { "ACCOUNT/REGION" } else { "REGION" };
    writeln!(
        out,
        "  {heading:<width$} {:<14} {:>5} {:>4} {:>9}  NOT OK",
        "SERVICE", "CALLS", "OK", "RESOURCES"
    )?;
    for row in rows {
        let not_ok: Vec<String> = row
            .not_ok
            .iter()
            .map(|(status, n)| format!("{n} {status}"))
            .collect();
        writeln!(
            out,
            "  {:<width$} {:<14} {:>5} {:>4} {:>9}  {}",
            place(row),
            row.service,
            row.calls,
            row.ok,
            row.resources,
            not_ok.join(", ")
        )?;
    }

    let (missing, failed): (Vec<_>, Vec<_>) =
        tally::not_ok(log).partition(|e| e.status == CallStatus::Missing);
    if !failed.is_empty() {
        writeln!(out)?;
        wrapped(
            out,
            "Calls that did not answer in full (their checks say \"not assessed\", unless the \
             answer is itself the finding, as with a service that is not enabled):",
            "",
            "",
        )?;
        for (entry, places) in alike_across_regions(&failed, many) {
            let resource = entry
                .resource
                .as_deref()
                .map(|r| format!(" {r}"))
                .unwrap_or_default();
            let code = entry
                .error_code
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            let place = match places.as_slice() {
                [one] => one.clone(),
                many => format!("{} regions ({})", many.len(), many.join(", ")),
            };
            let head = format!(
                "{place} {} {}{resource}: {}{code}",
                entry.service, entry.operation, entry.status
            );
            match entry.detail.as_deref().map(without_cli_prefix) {
                Some(detail) if !detail.is_empty() => {
                    wrapped(out, &format!("{head} — {detail}"), "  ", "      ")?
                }
                _ => wrapped(out, &head, "  ", "      ")?,
            }
        }
    }

    if !missing.is_empty() {
        writeln!(
            out,
            "\nCalls missing from the export (checks that need them will say \"not assessed\"):"
        )?;
        // Grouped per account and region, `global` first.
        let mut by_region: std::collections::BTreeMap<(&str, bool, &str), Vec<String>> =
            Default::default();
        for entry in missing {
            let call = match &entry.resource {
                Some(resource) => format!("{} {} {resource}", entry.service, entry.operation),
                None => format!("{} {}", entry.service, entry.operation),
            };
            let key = (
                entry.account_id.as_str(),
                entry.region != "global",
                entry.region.as_str(),
            );
            by_region.entry(key).or_default().push(call);
        }
        for ((account, _, region), calls) in by_region {
            let place = if many {
                format!("{account}/{region}")
            } else {
                region.to_string()
            };
            wrapped(
                out,
                &format!("{place}: {}", calls.join(", ")),
                "  ",
                "      ",
            )?;
        }
    }

    for (account, by_status) in tally::regions_left_out(log) {
        for (status, regions) in by_status {
            let what = match status {
                CallStatus::OptInRegion => "opt-in regions not enabled for the account",
                _ if collected.info.source == Source::Live => {
                    "regions enabled for the account but not collected (not assessed)"
                }
                _ => "regions enabled for the account but not exported (not assessed)",
            };
            let head = if many {
                format!("Account {account}, {what}")
            } else {
                let mut what = what.to_string();
                what[..1].make_ascii_uppercase();
                what
            };
            writeln!(out)?;
            wrapped(out, &format!("{head}: {}", regions.join(", ")), "", "  ")?;
        }
    }
    if !log.skipped.is_empty() {
        writeln!(
            out,
            "\nSkipped {} file{} that auditpack does not read (listed in collection-log.json):",
            log.skipped.len(),
            plural(log.skipped.len())
        )?;
        for skipped in log.skipped.iter().take(10) {
            writeln!(out, "  {}: {}", skipped.path, skipped.reason)?;
        }
        if log.skipped.len() > 10 {
            writeln!(out, "  … and {} more", log.skipped.len() - 10)?;
        }
    }
    writeln!(out)?;
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The width summaries wrap at.
const WIDTH: usize = 100;

/// Failed calls, with those that failed alike in several regions (Security
/// Hub off everywhere, say) said once: the same call, status, code and
/// message but for the region's name. Each comes with the places it stands
/// for (`eu-west-2`, or `ACCOUNT/eu-west-2` with several accounts).
fn alike_across_regions<'a>(
    failed: &[&'a LogEntry],
    many: bool,
) -> Vec<(&'a LogEntry, Vec<String>)> {
    let key = |e: &LogEntry| {
        let detail = e
            .detail
            .as_deref()
            .unwrap_or("")
            .replace(&e.region, "\u{0}");
        (
            e.account_id.clone(),
            e.service.clone(),
            e.operation.clone(),
            e.resource.clone(),
            e.status,
            e.error_code.clone(),
            detail,
        )
    };
    let mut groups: Vec<(&LogEntry, Vec<String>)> = Vec::new();
    let mut index: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    for entry in failed {
        let place = if many {
            format!("{}/{}", entry.account_id, entry.region)
        } else {
            entry.region.clone()
        };
        match index.get(&key(entry)) {
            Some(&at) => groups[at].1.push(place),
            None => {
                index.insert(key(entry), groups.len());
                groups.push((entry, vec![place]));
            }
        }
    }
    groups
}

fn wrapped(out: &mut impl Write, text: &str, first: &str, rest: &str) -> Result<()> {
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false);
    for line in textwrap::wrap(text, options) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The AWS CLI's error text without its "An error occurred (CODE) when
/// calling the X operation: " preamble, which the status and code repeat.
fn without_cli_prefix(detail: &str) -> &str {
    match detail.find(" operation: ") {
        Some(at) if detail.starts_with("An error occurred") => &detail[at + " operation: ".len()..],
        _ => detail,
    }
}

/// What an assessment concluded: counts per framework, then the failing
/// and incomplete controls with their reasons.
pub fn assessment(result: &Assessment, json: bool, global: Global) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let controls: Vec<_> = result
            .controls
            .iter()
            .map(|c| {
                serde_json::json!({
                    "framework": c.framework,
                    "control_id": c.control.control_id,
                    "status": c.status,
                    "reason": c.reason,
                })
            })
            .collect();
        let summary = serde_json::json!({
            "accounts": result.accounts,
            "as_of": result.as_of,
            "findings": count_findings(result),
            "frameworks": result.frameworks,
            "controls": controls,
            "unavailable": result.unavailable,
        });
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
        return Ok(());
    }
    if global.quiet {
        return Ok(());
    }
    let counts = count_findings(result);
    writeln!(
        out,
        "Assessment of {} as of {}: {} findings ({} pass, {} fail, {} not assessed, {} not applicable)\n",
        result.accounts.join(", "),
        result.as_of,
        result.findings.len(),
        counts["pass"],
        counts["fail"],
        counts["not-assessed"],
        counts["not-applicable"],
    )?;
    writeln!(
        out,
        "  {:<28} {:>8} {:>5} {:>5} {:>10} {:>7} {:>4}",
        "FRAMEWORK", "CONTROLS", "PASS", "FAIL", "INCOMPLETE", "MANUAL", "N/A"
    )?;
    for f in &result.frameworks {
        writeln!(
            out,
            "  {:<28} {:>8} {:>5} {:>5} {:>10} {:>7} {:>4}",
            f.short_name, f.controls, f.passed, f.failed, f.incomplete, f.manual, f.not_applicable
        )?;
    }
    for (status, heading) in [
        (ControlStatus::Fail, "Failing controls"),
        (
            ControlStatus::Incomplete,
            "Incomplete controls (not a pass: evidence not assessed, or no attestation for what AWS cannot show)",
        ),
    ] {
        let list: Vec<_> = result
            .controls
            .iter()
            .filter(|c| c.status == status)
            .collect();
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\n{heading}:")?;
        for c in list {
            let (count, what) = match status {
                ControlStatus::Fail => (c.failing.to_string(), "failing"),
                _ if c.not_assessed == 0 => (String::new(), "no attestation"),
                _ => (c.not_assessed.to_string(), "not assessed"),
            };
            let title: String = if c.control.title.chars().count() > 52 {
                format!("{}…", c.control.title.chars().take(51).collect::<String>())
            } else {
                c.control.title.clone()
            };
            writeln!(
                out,
                "  {:<17} {:<10} {title:<52} {count:>4} {what}",
                c.framework, c.control.control_id,
            )?;
        }
    }
    let as_of = time::OffsetDateTime::parse(
        &result.as_of,
        &time::format_description::well_known::Rfc3339,
    )
    .ok();
    for a in result
        .attestations
        .iter()
        .filter(|a| as_of.is_some_and(|t| !a.is_current(t)))
    {
        let controls: Vec<String> = a.controls.iter().map(|c| c.to_string()).collect();
        writeln!(
            out,
            "\nNot current, so counted as missing: the attestation by {} for {} (made {}, valid to {}).",
            a.attested_by,
            controls.join(", "),
            a.date,
            a.expires
        )?;
    }
    let manual = result
        .controls
        .iter()
        .filter(|c| c.status == ControlStatus::Manual)
        .count();
    if manual > 0 {
        writeln!(
            out,
            "\n{manual} manual controls have no current attestation."
        )?;
    }
    writeln!(
        out,
        "\nEach control's reason and evidence files are in controls-<framework>.csv."
    )?;
    Ok(())
}

fn count_findings(result: &Assessment) -> std::collections::BTreeMap<&'static str, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for status in [
        Status::Pass,
        Status::Fail,
        Status::NotAssessed,
        Status::NotApplicable,
    ] {
        counts.insert(
            status.as_str(),
            result
                .findings
                .iter()
                .filter(|f| f.status == status)
                .count(),
        );
    }
    counts
}
