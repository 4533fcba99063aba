//! `auditpack keygen`: an Ed25519 signing key for bundles.

use super::{Global, output};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the private key; the public key goes to KEY.pub.
    /// Existing files are never overwritten.
    #[arg(long, value_name = "KEY")]
    pub out: PathBuf,

    /// Who the key belongs to, for the key's comment and the
    /// allowed-signers line (e.g. an e-mail address).
    #[arg(long, value_name = "NAME", default_value = "auditpack-signer")]
    pub identity: String,
}

pub fn run(args: Args, global: Global) -> Result<ExitCode> {
    // The identity becomes the principal of an allowed-signers line, which
    // cannot hold white space.
    anyhow::ensure!(
        !args.identity.is_empty()
            && !args
                .identity
                .chars()
                .any(|c| c.is_whitespace() || c.is_control()),
        "--identity `{}` must be one word without spaces, e.g. an e-mail address",
        args.identity.escape_default()
    );
    // A key's folder is made as any other output's is.
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create `{}`", parent.display()))?;
    }
    let made = auditpack::sign::keygen(&args.out, &args.identity)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", made.fingerprint)?;
    writeln!(
        out,
        "{} namespaces=\"{}\" {}",
        args.identity,
        auditpack::sign::NAMESPACE,
        made.public_openssh
    )?;
    output::status(
        global,
        "Wrote",
        &format!("private key {} (keep it secret)", made.private.display()),
    );
    output::status(
        global,
        "Wrote",
        &format!(
            "public key {} (give it to your auditor)",
            made.public.display()
        ),
    );
    // Standard output and standard error may be read apart (one piped,
    // one on the terminal), so the line is named by what it starts with,
    // not by where it sits.
    output::status(
        global,
        "",
        &format!(
            "the line printed on standard output that starts `{} namespaces=` goes into an \
             auditor's allowed-signers file",
            args.identity
        ),
    );
    Ok(ExitCode::SUCCESS)
}
