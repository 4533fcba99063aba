//! `auditpack run`: the main job, everything into one output folder.

use super::{Global, output};
use anyhow::Result;
use auditpack::collect::{self, ExportOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder written by scripts/export-aws-cli.sh
    /// (ACCOUNT_ID/REGION/SERVICE/OPERATION.json).
    #[arg(long, value_name = "DIR", required = true)]
    pub from_exports: PathBuf,

    /// Output folder; the snapshot goes to OUT/snapshot.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,

    /// Replace earlier results in the output folder.
    #[arg(long)]
    pub force: bool,

    /// Print the summary as JSON on standard output.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, global: Global) -> Result<ExitCode> {
    let options = ExportOptions {
        exports: args.from_exports,
        out: args.out.join("snapshot"),
        replace: args.force,
        now: super::now()?,
    };
    let collected = collect::import(&options)?;
    output::collection(&collected, &options.exports, args.json, global)?;
    Ok(ExitCode::SUCCESS)
}
