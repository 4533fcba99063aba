//! `auditpack run`: the main job, everything into one output folder.

use super::assess::{Inputs, Verdict, finish};
use super::{Global, output};
use anyhow::Result;
use auditpack::collect::{self, ExportOptions};
use auditpack::snapshot::read::Snapshot;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder written by scripts/export-aws-cli.sh
    /// (ACCOUNT_ID/REGION/SERVICE/OPERATION.json).
    #[arg(long, value_name = "DIR", required = true)]
    pub from_exports: PathBuf,

    /// Output folder: OUT/snapshot and OUT/assessment.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,

    #[command(flatten)]
    pub inputs: Inputs,

    #[command(flatten)]
    pub verdict: Verdict,
}

pub fn run(args: Args, global: Global) -> Result<ExitCode> {
    // Every input is read and checked before the export is, so a typo in a
    // file name fails at once.
    let loaded = args.inputs.load()?;
    let assessment_out = args.out.join("assessment");
    if assessment_out.exists() && !args.verdict.force {
        anyhow::bail!(
            "`{}` already exists\nhelp: choose another --out, or pass --force to replace it",
            assessment_out.display()
        );
    }
    let options = ExportOptions {
        exports: args.from_exports,
        out: args.out.join("snapshot"),
        replace: args.verdict.force,
        now: super::now()?,
    };
    let collected = collect::import(&options)?;
    if !args.verdict.json {
        // With --json, standard output carries one document: the assessment's.
        output::collection(&collected, &options.exports, false, global)?;
    }
    let snapshot = Snapshot::open(&collected.path)?;
    finish(&snapshot, &loaded, &assessment_out, &args.verdict, global)
}
