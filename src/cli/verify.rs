//! `auditpack verify`: check a bundle offline, or with `--chain` a series
//! of quarterly bundles. Exit 0 verified (the chain holds), 1 not verified
//! (broken), 2 could not run.

use super::Global;
use anyhow::{Context, Result};
use auditpack::bag;
use auditpack::sign::{Trust, parse_allowed_signers};
use auditpack::verify::chain::{self, BreakKind, ChainReport, NoticeKind};
use auditpack::verify::{Report, UnverifiedBundle};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle to check; with --chain, the bundles of a series, oldest
    /// first.
    #[arg(value_name = "FILE.zip", required = true, num_args = 1..)]
    pub bundles: Vec<PathBuf>,

    /// Check that the bundles form an unbroken quarterly series: each
    /// verifies, records the SHA-256 of the one before, and no quarter is
    /// left out. Bundles given out of quarter order are checked in quarter
    /// order, and the chain is reported broken for the order given.
    #[arg(long)]
    pub chain: bool,

    #[command(flatten)]
    pub signer: Signer,

    /// Print the result as JSON on standard output.
    #[arg(long)]
    pub json: bool,
}

/// Whom the auditor trusts to have signed a bundle; shared by `verify`
/// and `report`.
#[derive(Debug, clap::Args)]
pub struct Signer {
    /// The signer's public key, as the auditor received it.
    #[arg(long, value_name = "KEY.pub", conflicts_with_all = ["allowed_signers", "identity"])]
    pub key: Option<PathBuf>,

    /// An OpenSSH allowed-signers file listing the keys the auditor trusts
    /// (needs --identity).
    #[arg(long, value_name = "FILE", requires = "identity")]
    pub allowed_signers: Option<PathBuf>,

    /// With --allowed-signers: the identity the signer must have there.
    #[arg(long, value_name = "ID", requires = "allowed_signers")]
    pub identity: Option<String>,
}

pub fn run(args: Args, global: Global) -> Result<ExitCode> {
    let trust = args.signer.trust()?;
    if args.chain {
        return chain(&args, &trust, global);
    }
    let [path] = args.bundles.as_slice() else {
        anyhow::bail!(
            "{} bundles given, but verify checks one\nhelp: pass --chain to check a series of bundles, oldest first",
            args.bundles.len()
        );
    };
    let bundle = UnverifiedBundle::open(path)?;
    let (verified, report) = match bundle.verify(&trust) {
        Ok(verified) => (true, verified.report),
        Err(report) => (false, *report),
    };
    if args.json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({ "verified": verified, "report": report }),
        )?;
        writeln!(out)?;
    } else if !global.quiet || !verified {
        // A reader that stops early (`| head`) does not change the verdict.
        match print(&report, verified) {
            Err(e)
                if e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => {}
            other => other?,
        }
    }
    Ok(if verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn chain(args: &Args, trust: &Trust, global: Global) -> Result<ExitCode> {
    let report = chain::check(&args.bundles, trust)?;
    if args.json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else if !global.quiet || !report.holds {
        match print_chain(&report) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other?,
        }
    }
    Ok(if report.holds {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The verdict first, each break and notice on a line of its own, then
/// every bundle in the order its links were checked.
fn print_chain(report: &ChainReport) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let series: Vec<&chain::Link> = report.series().collect();
    let quarter = |l: &chain::Link| l.quarter.clone().unwrap_or_else(|| "?".into());
    let n = series.len();
    let span = match series.as_slice() {
        [one] => format!("1 bundle, {}", quarter(one)),
        [a, .., b] => format!("{n} bundles, {} to {}", quarter(a), quarter(b)),
        [] => "no bundle".into(),
    };
    let name = |p: &std::path::Path| clean(&p.display().to_string());
    if report.holds {
        // As plain `verify` says it: a DEMO key is no evidence of who
        // sealed a bundle, so it qualifies the verdict itself.
        let demo: Vec<String> = report
            .notices
            .iter()
            .filter(|n| n.kind == NoticeKind::DemoKey)
            .map(|n| name(&n.file))
            .collect();
        let but = match demo.len() {
            0 => String::new(),
            1 => format!(
                ", but signed with a DEMO key (no evidence of who sealed it): {}",
                demo[0]
            ),
            k => format!(
                ", but {k} are signed with a DEMO key (no evidence of who sealed them): {}",
                demo.join(", ")
            ),
        };
        writeln!(out, "CHAIN HOLDS: {span}{but}")?;
    } else {
        let b = report.breaks.len();
        writeln!(
            out,
            "CHAIN BROKEN: {b} problem{} in {span}",
            if b == 1 { "" } else { "s" }
        )?;
        for b in &report.breaks {
            let what = clean(&b.what);
            match (&b.previous_file, b.kind) {
                (Some(previous), _) => {
                    writeln!(out, "  link {} → {}: {what}", name(previous), name(&b.file))?
                }
                // These name their files themselves.
                (None, BreakKind::GivenTwice | BreakKind::OutOfOrder) => writeln!(out, "  {what}")?,
                (None, _) => writeln!(out, "  {}: {what}", name(&b.file))?,
            }
        }
    }
    for notice in &report.notices {
        let what = clean(&notice.what);
        match (&notice.previous_file, notice.kind) {
            (Some(previous), _) => writeln!(
                out,
                "  notice: link {} → {}: {what}",
                name(previous),
                name(&notice.file)
            )?,
            (None, NoticeKind::EarlierBundleNotGiven) => writeln!(out, "  notice: {what}")?,
            (None, _) => writeln!(out, "  notice: {}: {what}", name(&notice.file))?,
        }
    }
    writeln!(
        out,
        "Bundles, {}:",
        if report.by_quarter {
            "by quarter"
        } else {
            "as given"
        }
    )?;
    let mut before: Option<&chain::Link> = None;
    for link in &report.links {
        let mark = match (link.in_series(), link.verified) {
            (false, _) => "NOT A BUNDLE",
            (true, true) => "verified",
            (true, false) => "NOT VERIFIED",
        };
        writeln!(
            out,
            "  {:<7} {} ({mark})",
            link.quarter.as_deref().unwrap_or("?"),
            name(&link.file)
        )?;
        writeln!(out, "          SHA-256    {}", link.sha256)?;
        if !link.in_series() {
            continue;
        }
        let previous = match link.previous_sha256.as_deref() {
            None => "-".to_string(),
            Some("none") => "none: the first of its series".to_string(),
            Some(recorded) => {
                let given = report.links.iter().find(|l| l.sha256 == recorded);
                let whose = match given {
                    _ if before.is_some_and(|b| b.sha256 == recorded) => {
                        "the bundle above".to_string()
                    }
                    Some(l) => name(&l.file),
                    None => "not given".to_string(),
                };
                format!("{} ({whose})", clean(recorded))
            }
        };
        writeln!(out, "          previous   {previous}")?;
        let signer = match (&link.signer, &link.trusted_as) {
            (Some(key), Some(trusted)) => format!("{key} (trusted: {})", clean(trusted)),
            (Some(key), None) => format!("{key} (not trusted)"),
            (None, _) => "- (no signature could be read)".to_string(),
        };
        let demo = if link.demo_key.is_some() {
            ", a DEMO key"
        } else {
            ""
        };
        writeln!(out, "          signed by  {signer}{demo}")?;
        before = Some(link);
    }
    Ok(())
}

impl Signer {
    /// The trust these options describe; with neither, nobody is trusted.
    pub fn trust(&self) -> Result<Trust> {
        if let Some(key) = &self.key {
            return Ok(Trust::Key(super::public_key("--key", key)?));
        }
        if let Some(file) = &self.allowed_signers {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read `{}`", file.display()))?;
            let file = parse_allowed_signers(&text);
            // clap makes --identity go with --allowed-signers.
            let identity = self.identity.clone().unwrap_or_default();
            return Ok(Trust::AllowedSigners { file, identity });
        }
        Ok(Trust::Nobody)
    }
}

/// Text from the bundle, made safe for a terminal: control characters
/// (escape sequences, carriage returns, new lines) are shown escaped, so a
/// bundle cannot redraw the verdict.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn print(report: &Report, verified: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let file = clean(&report.file.display().to_string());
    let field = |label| clean(bag::field(&report.info, label).unwrap_or("-"));
    let demo = bag::field(&report.info, "Auditpack-Signer-Key").map(clean);
    if verified {
        match &demo {
            Some(demo) => writeln!(out, "VERIFIED {file}, but signed with a DEMO key: {demo}")?,
            None => writeln!(out, "VERIFIED {file}")?,
        }
    } else {
        let n = report.problems.len();
        writeln!(
            out,
            "NOT VERIFIED {file}: {n} problem{}",
            if n == 1 { "" } else { "s" }
        )?;
        for problem in report.problems.iter().take(50) {
            writeln!(out, "  {}: {}", clean(&problem.path), clean(&problem.what))?;
        }
        if n > 50 {
            writeln!(out, "  … and {} more (--json lists them all)", n - 50)?;
        }
        // What follows is read from a bag that failed its checks: shown to
        // help find out what it is, never as fact.
        if report.bag.is_some() || report.signer.is_some() || !report.info.is_empty() {
            writeln!(
                out,
                "Unverified contents (not vouched for: read from a bundle that did not verify):"
            )?;
        }
    }
    if let Some(bag) = &report.bag {
        let bag = clean(bag);
        writeln!(
            out,
            "  bag          {bag}: {} payload files, {} bytes",
            report.payload_files, report.payload_bytes
        )?;
    }
    if let Some(signer) = &report.signer {
        let trusted = match (verified, report.trusted_as.as_deref()) {
            (true, Some(t)) => format!(" (trusted: {})", clean(t)),
            _ => String::new(),
        };
        writeln!(out, "  signed by    {signer}{trusted}")?;
    }
    if !report.info.is_empty() {
        writeln!(out, "  organisation {}", field("Source-Organization"))?;
        writeln!(
            out,
            "  accounts     {}; regions {}",
            field("Auditpack-Accounts"),
            field("Auditpack-Regions")
        )?;
        writeln!(
            out,
            "  evidence     as of {} (snapshot written {})",
            field("Auditpack-Evidence-As-Of"),
            field("Auditpack-Collected-At")
        )?;
        writeln!(
            out,
            "  sealed       {} by auditpack {}",
            field("Bagging-Date"),
            field("Auditpack-Tool-Version")
        )?;
        writeln!(
            out,
            "  previous     {}",
            field("Auditpack-Previous-Bundle-SHA256")
        )?;
        if let Some(demo) = demo {
            writeln!(out, "  signer key   {demo}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn bundle_text_cannot_redraw_the_terminal() {
        let hostile = "210987654321\u{1b}[2J\u{1b}[H\u{1b}[32mVERIFIED\r\nfake";
        let shown = clean(hostile);
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        assert!(shown.starts_with("210987654321\\u{1b}[2J"), "{shown}");
        assert_eq!(clean("José Müller — “prod”"), "José Müller — “prod”");
    }
}
