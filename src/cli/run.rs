//! `auditpack run`: the main job, everything into one output folder: the
//! snapshot, the assessment, and the signed bundle for the auditor.

use super::assess::{Inputs, Verdict, finish};
use super::bundle::{Seal, public_key_hint, report, seal};
use super::collect::SourceArgs;
use super::{Global, output};
use anyhow::{Context, Result};
use auditpack::bundle::{Evidence, bag_name};
use auditpack::snapshot::read::Snapshot;
use ssh_key::PrivateKey;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: SourceArgs,

    /// Output folder: OUT/snapshot, OUT/assessment and the bundle.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,

    /// Private key to sign the bundle with. Without one, a demo key is made
    /// in OUT and the bundle says it was signed with a demo key.
    #[arg(long, value_name = "KEY")]
    pub key: Option<PathBuf>,

    #[command(flatten)]
    pub inputs: Inputs,

    #[command(flatten)]
    pub seal: Seal,

    #[command(flatten)]
    pub verdict: Verdict,
}

/// The demo key's file name inside OUT.
const DEMO_KEY: &str = "demo-signing-key";

pub fn run(args: Args, global: Global) -> Result<ExitCode> {
    // Every input is read and checked before the export is, so a typo in a
    // file name fails at once.
    let loaded = args.inputs.load()?;
    let key = args
        .key
        .as_deref()
        .map(|k| super::private_key("--key", k))
        .transpose()?;
    let date = args.seal.date()?;
    args.seal.check_previous_in(&args.out)?;
    let assessment_out = args.out.join("assessment");
    if assessment_out.exists() && !args.verdict.force {
        anyhow::bail!(
            "`{}` already exists\nhelp: choose another --out, or pass --force to replace it",
            assessment_out.display()
        );
    }
    let quiet = global.quiet || args.verdict.json;
    let (collected, source) =
        args.source
            .collect(args.out.join("snapshot"), args.verdict.force, quiet)?;
    if !args.verdict.json {
        // With --json, standard output carries one document: the assessment's.
        output::collection(&collected, &source, false, global)?;
    }
    let snapshot = Snapshot::open(&collected.path)?;
    args.seal.warn_quarter(&bag_name(&snapshot.info));
    let (result, code) = finish(&snapshot, &loaded, &assessment_out, &args.verdict, global)?;

    let (key, key_path, demo) = match (key, &args.key) {
        (Some(key), Some(path)) => (key, path.clone(), false),
        _ => {
            let (key, path) = demo_key(&args.out, global)?;
            (key, path, true)
        }
    };
    let attestations = args
        .inputs
        .attestations
        .as_deref()
        .map(|p| (p, loaded.attestations.as_slice()));
    let evidence = Evidence {
        snapshot_root: &collected.path,
        info: &snapshot.info,
        assessment_dir: &assessment_out,
        frameworks: result.framework_labels(),
        attestations,
        organisation: args.seal.organisation.clone(),
        previous: args.seal.previous.as_deref(),
        changes: args
            .seal
            .previous
            .as_deref()
            .map(|p| super::diff::since_previous(p, &key, &collected.path, &assessment_out)),
        key: &key,
        demo_key: demo,
        date,
    };
    let out = args.out.join(format!("{}.zip", bag_name(&snapshot.info)));
    args.seal.check_previous(&out)?;
    let written = seal(&evidence, &out, args.verdict.force)?;
    report(&written, &public_key_hint(&key_path), global);
    args.seal.report_chain(&written, global);
    if demo {
        // Said even under -q: a demo signature must never pass unnoticed.
        output::warning(
            "signed with a DEMO key made for this trial, and the bundle says so; for real evidence, \
             make your own with `auditpack keygen --out KEY` and pass --key KEY",
        );
    }
    Ok(code)
}

/// The demo key in `out`, made on first use and reused after, so the
/// public key handed over with earlier bundles stays valid.
fn demo_key(out: &Path, global: Global) -> Result<(PrivateKey, PathBuf)> {
    let path = out.join(DEMO_KEY);
    if !path.exists() {
        std::fs::create_dir_all(out)
            .with_context(|| format!("cannot create `{}`", out.display()))?;
        let made = auditpack::sign::keygen(&path, "auditpack-demo-key")?;
        output::status(
            global,
            "Made",
            &format!("DEMO signing key {} ({})", path.display(), made.fingerprint),
        );
    }
    Ok((auditpack::sign::load_private(&path)?, path))
}
