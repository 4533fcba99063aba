//! `auditpack assess`: a snapshot's findings, and what they mean for each
//! control.

use super::{Global, output};
use anyhow::{Context, Result, bail};
use auditpack::assess::approved::ApprovedImages;
use auditpack::attest::{self, Attestation};
use auditpack::controls::{Assessment, ControlStatus, Mappings, assessment};
use auditpack::snapshot::read::Snapshot;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Snapshot folder written by `auditpack collect`.
    #[arg(value_name = "SNAPSHOT")]
    pub snapshot: PathBuf,

    /// Folder to write findings.json, controls-<framework>.csv and
    /// summary.json into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    #[command(flatten)]
    pub inputs: Inputs,

    #[command(flatten)]
    pub verdict: Verdict,
}

/// The user's own lists, shared by `assess` and `run`.
#[derive(Debug, clap::Args)]
pub struct Inputs {
    /// TOML file of attestations for controls no AWS API can show.
    #[arg(long, value_name = "FILE")]
    pub attestations: Option<PathBuf>,

    /// TOML file listing the approved (hardened) machine images.
    #[arg(long, value_name = "FILE")]
    pub approved_images: Option<PathBuf>,

    /// Folder of control-mapping CSV files that override the shipped ones.
    #[arg(long, value_name = "DIR")]
    pub mappings: Option<PathBuf>,
}

/// How the result is reported, shared by `assess` and `run`.
#[derive(Debug, clap::Args)]
pub struct Verdict {
    /// Replace the output folder if it exists.
    #[arg(long)]
    pub force: bool,

    /// Print the summary as JSON on standard output.
    #[arg(long)]
    pub json: bool,

    /// Exit with 1 when any control fails.
    #[arg(long, value_name = "WHAT", value_parser = ["fail"])]
    pub fail_on: Option<String>,
}

/// The inputs, read and checked before any slow work starts.
pub struct Loaded {
    pub mappings: Mappings,
    pub approved_images: ApprovedImages,
    pub attestations: Vec<Attestation>,
}

impl Inputs {
    pub fn load(&self) -> Result<Loaded> {
        let mappings = Mappings::load(self.mappings.as_deref())?;
        let approved_images = match &self.approved_images {
            Some(path) => ApprovedImages::load(path).map_err(anyhow::Error::msg)?,
            None => ApprovedImages::default(),
        };
        let attestations = match &self.attestations {
            Some(path) => load_attestations(path, &mappings)?,
            None => Vec::new(),
        };
        Ok(Loaded {
            mappings,
            approved_images,
            attestations,
        })
    }
}

fn load_attestations(path: &Path, mappings: &Mappings) -> Result<Vec<Attestation>> {
    let list = attest::load(path).map_err(anyhow::Error::msg)?;
    for (index, attestation) in list.iter().enumerate() {
        for control in &attestation.controls {
            if mappings
                .control(&control.framework, &control.control_id)
                .is_none()
            {
                bail!(
                    "{}: attestation {}: control `{control}` does not exist (frameworks: {})",
                    path.display(),
                    index + 1,
                    mappings
                        .frameworks
                        .iter()
                        .map(|f| f.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
    }
    Ok(list)
}

pub fn run(args: Args, global: Global) -> Result<ExitCode> {
    let loaded = args.inputs.load()?;
    let nested = args.snapshot.join("snapshot");
    if !args.snapshot.join("snapshot.json").exists() && nested.join("snapshot.json").exists() {
        bail!(
            "`{}` is the output folder of `auditpack run`, not a snapshot\nhelp: pass `{}`",
            args.snapshot.display(),
            nested.display()
        );
    }
    if !args.snapshot.join("snapshot.json").exists() && is_export(&args.snapshot) {
        bail!(
            "`{dir}` is an export folder (AWS CLI outputs per account), not a snapshot\nhelp: \
             import it first with `auditpack collect --from-exports {dir} --out SNAPSHOT`, then \
             assess SNAPSHOT; or do all of it with `auditpack run --from-exports {dir} --out OUT`",
            dir = args.snapshot.display()
        );
    }
    let snapshot = Snapshot::open(&args.snapshot)?;
    let (_, code) = finish(&snapshot, &loaded, &args.out, &args.verdict, global)?;
    Ok(code)
}

/// Whether `dir` is laid out as an export: a folder per account, named
/// by its 12-digit ID.
fn is_export(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.path().is_dir()
                && auditpack::collect::exports::is_account_id(&e.file_name().to_string_lossy())
        })
    })
}

/// Assesses an open snapshot, writes the folder, prints the summary and
/// picks the exit code.
pub fn finish(
    snapshot: &Snapshot,
    loaded: &Loaded,
    out: &Path,
    verdict: &Verdict,
    global: Global,
) -> Result<(Assessment, ExitCode)> {
    let result = assessment::run(
        snapshot,
        &loaded.mappings,
        &loaded.approved_images,
        &loaded.attestations,
    );
    let written = result.write(out, verdict.force).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists && e.to_string() == "already exists" {
            anyhow::anyhow!(
                "`{}` already exists\nhelp: choose another --out, or pass --force to replace it",
                out.display()
            )
        } else if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!("`{}` {e}\nhelp: choose another --out", out.display())
        } else {
            anyhow::Error::new(e).context(format!(
                "cannot write the assessment to `{}`",
                out.display()
            ))
        }
    })?;
    output::assessment(&result, verdict.json, global).context("cannot print the summary")?;
    output::status(
        global,
        "Wrote",
        &format!("assessment to {}", written.display()),
    );
    let code = exit_code(&result, verdict);
    Ok((result, code))
}

fn exit_code(result: &Assessment, verdict: &Verdict) -> ExitCode {
    let failing = result
        .controls
        .iter()
        .any(|c| c.status == ControlStatus::Fail);
    if verdict.fail_on.is_some() && failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
