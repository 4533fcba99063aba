//! Command-line glue: parse arguments, call the library, print, exit.
//!
//! Exit codes: 0 done, 1 the answer is "no", 2 auditpack could not do its
//! job (bad input, unreadable file). Data goes to standard output; status
//! lines and errors go to standard error.

mod assess;
mod bundle;
mod collect;
mod diff;
mod keygen;
mod output;
mod report;
mod run;
mod verify;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Collect, assess and seal AWS security evidence for NCSC Cloud Security
/// Principle 14, Cyber Essentials v3.3 and ISO/IEC 27001:2022.
#[derive(Debug, Parser)]
#[command(
    name = "auditpack",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Print only errors.
    #[arg(short, long, global = true)]
    quiet: bool,

    /// Explain decisions (files skipped, statuses chosen); twice for more.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Collect a snapshot: live from AWS, or from a folder of AWS CLI exports.
    Collect(collect::Args),
    /// Judge a snapshot: findings per resource, status per control.
    Assess(assess::Args),
    /// Seal an assessed snapshot into a signed BagIt zip for an auditor.
    Bundle(bundle::Args),
    /// Check a bundle offline: structure, every SHA-256, the signature.
    Verify(verify::Args),
    /// Render the PDF summary of a verified bundle.
    Report(report::Args),
    /// What changed between two verified bundles of the same accounts.
    Diff(diff::Args),
    /// Make an Ed25519 key to sign bundles with.
    Keygen(keygen::Args),
    /// The whole job: snapshot (live or from an export), assessment and signed bundle.
    Run(run::Args),
}

/// Settings every command shares.
#[derive(Debug, Clone, Copy)]
pub struct Global {
    pub quiet: bool,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    init_tracing(cli.verbose);
    let global = Global { quiet: cli.quiet };
    let result = match cli.command {
        Command::Collect(args) => collect::run(args, global),
        Command::Assess(args) => assess::run(args, global),
        Command::Bundle(args) => bundle::run(args, global),
        Command::Verify(args) => verify::run(args, global),
        Command::Report(args) => report::run(args, global),
        Command::Diff(args) => diff::run(args, global),
        Command::Keygen(args) => keygen::run(args, global),
        Command::Run(args) => run::run(args, global),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            output::error(&err);
            ExitCode::from(2)
        }
    }
}

fn init_tracing(verbose: u8) {
    let level = match verbose {
        // The AWS SDK's own warnings repeat what auditpack reports itself.
        0 => "auditpack=warn",
        1 => "auditpack=debug",
        _ => "auditpack=trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("AUDITPACK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .without_time()
        .init();
}

/// The collection time: `SOURCE_DATE_EPOCH` when set, so that two runs on
/// the same input can be compared byte for byte; otherwise now.
pub fn now() -> anyhow::Result<time::OffsetDateTime> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => {
            let seconds: i64 = text.trim().parse().map_err(|_| {
                anyhow::anyhow!("SOURCE_DATE_EPOCH is `{text}`, not a number of seconds since 1970")
            })?;
            Ok(time::OffsetDateTime::from_unix_timestamp(seconds)?)
        }
        Err(_) => Ok(time::OffsetDateTime::now_utc()),
    }
}

/// The private key named by `option` (`--key`), with advice when the
/// file is missing, and a warning when others may read it.
pub fn private_key(option: &str, path: &std::path::Path) -> anyhow::Result<ssh_key::PrivateKey> {
    let key = auditpack::sign::load_private(path).map_err(|e| key_error(option, path, e, true))?;
    if auditpack::sign::readable_by_others(path) {
        output::warning(&format!(
            "{option} `{}` is a private key that others on this machine can read; make it yours \
             alone with `chmod 600 {}`",
            path.display(),
            path.display()
        ));
    }
    Ok(key)
}

/// The public key named by `option` (`--key`), with advice when the file
/// is missing.
pub fn public_key(option: &str, path: &std::path::Path) -> anyhow::Result<ssh_key::PublicKey> {
    auditpack::sign::load_public(path).map_err(|e| key_error(option, path, e, false))
}

fn key_error(
    option: &str,
    path: &std::path::Path,
    error: auditpack::sign::KeyError,
    private: bool,
) -> anyhow::Error {
    match error {
        auditpack::sign::KeyError::Io { source, .. }
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            let help = if private {
                format!(
                    "make a signing key with `auditpack keygen --out KEY` and pass {option} KEY"
                )
            } else {
                format!(
                    "pass {option} KEY.pub, the public key the bundle's signer made with \
                     `auditpack keygen --out KEY` and handed you"
                )
            };
            anyhow::anyhow!("{option} `{}`: no such file\nhelp: {help}", path.display())
        }
        other => anyhow::anyhow!("{option}: {other}"),
    }
}
