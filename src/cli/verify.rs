//! `auditpack verify`: check a bundle offline. Exit 0 verified, 1 not
//! verified, 2 could not run.

use super::Global;
use anyhow::{Context, Result};
use auditpack::bag;
use auditpack::sign::{Trust, load_public, parse_allowed_signers};
use auditpack::verify::{Report, UnverifiedBundle};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle to check.
    #[arg(value_name = "FILE.zip")]
    pub bundle: PathBuf,

    /// The signer's public key, as the auditor received it.
    #[arg(long, value_name = "KEY.pub", conflicts_with = "allowed_signers")]
    pub key: Option<PathBuf>,

    /// An OpenSSH allowed-signers file listing the keys the auditor trusts.
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,

    /// With --allowed-signers: the identity the signer must have.
    #[arg(long, value_name = "ID", requires = "allowed_signers")]
    pub identity: Option<String>,

    /// Print the result as JSON on standard output.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, global: Global) -> Result<ExitCode> {
    let trust = trust(&args)?;
    let bundle = UnverifiedBundle::open(&args.bundle)?;
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
        print(&report, verified)?;
    }
    Ok(if verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn trust(args: &Args) -> Result<Trust> {
    if let Some(key) = &args.key {
        return Ok(Trust::Key(load_public(key)?));
    }
    if let Some(file) = &args.allowed_signers {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read `{}`", file.display()))?;
        let signers =
            parse_allowed_signers(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        return Ok(Trust::AllowedSigners {
            signers,
            identity: args.identity.clone(),
        });
    }
    Ok(Trust::Nobody)
}

fn print(report: &Report, verified: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let file = report.file.display();
    if verified {
        writeln!(out, "VERIFIED {file}")?;
    } else {
        let n = report.problems.len();
        writeln!(
            out,
            "NOT VERIFIED {file}: {n} problem{}",
            if n == 1 { "" } else { "s" }
        )?;
        for problem in report.problems.iter().take(50) {
            writeln!(out, "  {problem}")?;
        }
        if n > 50 {
            writeln!(out, "  … and {} more (--json lists them all)", n - 50)?;
        }
    }
    let field = |label| bag::field(&report.info, label).unwrap_or("-");
    if let Some(bag) = &report.bag {
        writeln!(
            out,
            "  bag         {bag}: {} payload files, {} bytes",
            report.payload_files, report.payload_bytes
        )?;
    }
    if let Some(signer) = &report.signer {
        let trusted = report
            .trusted_as
            .as_deref()
            .map(|t| format!(" (trusted: {t})"))
            .unwrap_or_default();
        writeln!(out, "  signed by   {signer}{trusted}")?;
    }
    if !report.info.is_empty() {
        writeln!(
            out,
            "  accounts    {}; regions {}",
            field("Auditpack-Accounts"),
            field("Auditpack-Regions")
        )?;
        writeln!(
            out,
            "  evidence    {}",
            field("Auditpack-Collection-Window")
        )?;
        writeln!(
            out,
            "  sealed      {} by auditpack {}",
            field("Bagging-Date"),
            field("Auditpack-Tool-Version")
        )?;
        if let Some(demo) = bag::field(&report.info, "Auditpack-Signer-Key") {
            writeln!(out, "  signer key  {demo}")?;
        }
    }
    Ok(())
}
