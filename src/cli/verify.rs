//! `auditpack verify`: check a bundle offline, or with `--chain` a series
//! of quarterly bundles. Exit 0 verified (the chain holds), 1 not verified
//! (broken), 2 could not run.

use super::Global;
use anyhow::{Context, Result};
use auditpack::bag;
use auditpack::sign::{Trust, parse_allowed_signers};
use auditpack::verify::chain::{self, ChainReport};
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
    /// left out.
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

fn print_chain(report: &ChainReport) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let n = report.links.len();
    let quarter = |l: &chain::Link| l.quarter.clone().unwrap_or_else(|| "?".into());
    let span = match report.links.as_slice() {
        [one] => format!("1 bundle, {}", quarter(one)),
        [a, .., b] => format!("{n} bundles, {} to {}", quarter(a), quarter(b)),
        [] => "no bundle".into(),
    };
    if report.holds {
        writeln!(out, "CHAIN HOLDS: {span}")?;
    } else {
        let b = report.breaks.len();
        writeln!(
            out,
            "CHAIN BROKEN: {b} problem{} in {span}",
            if b == 1 { "" } else { "s" }
        )?;
        for b in &report.breaks {
            let file = clean(&b.file.display().to_string());
            match &b.previous_file {
                Some(previous) => writeln!(
                    out,
                    "  link {} → {file}: {}",
                    clean(&previous.display().to_string()),
                    clean(&b.what)
                )?,
                None => writeln!(out, "  {file}: {}", clean(&b.what))?,
            }
        }
    }
    for link in &report.links {
        let mark = if link.verified {
            "verified"
        } else {
            "NOT VERIFIED"
        };
        writeln!(
            out,
            "  {:<7} {} ({mark}), SHA-256 {}; previous {}",
            link.quarter.as_deref().unwrap_or("?"),
            clean(&link.file.display().to_string()),
            link.sha256,
            clean(link.previous_sha256.as_deref().unwrap_or("-"))
        )?;
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
