//! `auditpack collect`: a snapshot, live from the account the AWS
//! credentials open, or from a folder of AWS CLI exports.

use super::{Global, output};
use anyhow::Result;
use auditpack::collect::live::{self, Access, LiveOptions, Progress, Regions, Silent};
use auditpack::collect::{self, Collected, ExportOptions};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: SourceArgs,

    /// Snapshot folder to write.
    #[arg(long, value_name = "SNAPSHOT")]
    pub out: PathBuf,

    /// Replace the snapshot folder if it exists.
    #[arg(long)]
    pub force: bool,

    /// Print the summary as JSON on standard output.
    #[arg(long)]
    pub json: bool,
}

/// Where the evidence comes from: an export folder, or the AWS account
/// itself. Shared by `collect` and `run`.
#[derive(Debug, Clone, clap::Args)]
pub struct SourceArgs {
    /// Folder written by scripts/export-aws-cli.sh
    /// (ACCOUNT_ID/REGION/SERVICE/OPERATION.json). Without it, evidence is
    /// collected live from the account the AWS credentials open.
    #[arg(long, value_name = "DIR")]
    pub from_exports: Option<PathBuf>,

    /// AWS profile to use (live collection); without it, the standard
    /// credential chain: environment, default profile, IAM Identity
    /// Center, instance or container role.
    #[arg(long, value_name = "P", conflicts_with = "from_exports")]
    pub profile: Option<String>,

    /// Region to collect, repeatable or comma-separated (live collection).
    /// Default: every region enabled for the account.
    #[arg(
        long = "region",
        value_name = "R",
        value_delimiter = ',',
        conflicts_with_all = ["from_exports", "all_regions"]
    )]
    pub regions: Vec<String>,

    /// Collect every region AWS lists, opt-in regions not enabled
    /// included; calls there are logged as `opt-in-region`.
    #[arg(long, conflicts_with = "from_exports")]
    pub all_regions: bool,

    /// Role to assume for collection, in this or another account.
    #[arg(long, value_name = "ARN", conflicts_with = "from_exports")]
    pub role_arn: Option<String>,

    /// External ID the role's trust policy asks for.
    #[arg(long, value_name = "ID", requires = "role_arn")]
    pub external_id: Option<String>,

    /// Requests to AWS in flight at once, across all regions and services.
    #[arg(long, value_name = "N", default_value_t = live::DEFAULT_IN_FLIGHT as u16,
          value_parser = clap::value_parser!(u16).range(1..=256),
          conflicts_with = "from_exports")]
    pub max_in_flight: u16,

    /// AWS Artifact report to download, by ID or name, repeatable or
    /// comma-separated: its terms are accepted for you, and the PDF is kept
    /// in the snapshot with its SHA-256 (live collection).
    #[arg(
        long = "download-artifact-report",
        alias = "download-artifact-reports",
        value_name = "REPORT",
        value_delimiter = ',',
        conflicts_with = "from_exports"
    )]
    pub artifact_reports: Vec<String>,

    /// Audit Manager assessment whose evidence folders to import as further
    /// evidence, repeatable (live collection).
    #[arg(
        long = "audit-manager-assessment",
        value_name = "ID",
        value_delimiter = ',',
        conflicts_with = "from_exports"
    )]
    pub audit_manager_assessments: Vec<String>,
}

impl SourceArgs {
    /// Writes the snapshot to `out`, from the export or live, showing
    /// progress on a terminal unless `quiet` (and never under `--json`).
    /// Returns it with a few words on where it came from.
    pub fn collect(&self, out: PathBuf, replace: bool, quiet: bool) -> Result<(Collected, String)> {
        let now = super::now()?;
        if let Some(exports) = &self.from_exports {
            let options = ExportOptions {
                exports: exports.clone(),
                out,
                replace,
                now,
            };
            let collected = collect::import(&options)?;
            warn(&collected);
            return Ok((collected, exports.display().to_string()));
        }
        let options = LiveOptions {
            out,
            replace,
            now,
            access: Access {
                profile: self.profile.clone(),
                role_arn: self.role_arn.clone(),
                external_id: self.external_id.clone(),
            },
            regions: if self.all_regions {
                Regions::All
            } else if self.regions.is_empty() {
                Regions::Enabled
            } else {
                Regions::Named(self.regions.clone())
            },
            max_in_flight: usize::from(self.max_in_flight),
            artifact_reports: self.artifact_reports.clone(),
            audit_manager_assessments: self.audit_manager_assessments.clone(),
        };
        let collected = if quiet {
            live::collect(&options, &Silent)?
        } else {
            let bar = Bar::new();
            let collected = live::collect(&options, &bar);
            bar.finish();
            collected?
        };
        warn(&collected);
        let caller = collected
            .info
            .accounts
            .first()
            .and_then(|a| a.caller_arn.clone())
            .unwrap_or_else(|| "unknown caller".into());
        Ok((collected, format!("AWS, live, as {caller}")))
    }
}

/// Says what the collection noted for the user, even under `-q`.
fn warn(collected: &Collected) {
    for warning in &collected.warnings {
        output::warning(warning);
    }
}

pub fn run(args: Args, global: Global) -> Result<ExitCode> {
    let quiet = global.quiet || args.json;
    let (collected, source) = args.source.collect(args.out, args.force, quiet)?;
    output::collection(&collected, &source, args.json, global)?;
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on standard error, one step per service of each region;
/// indicatif draws nothing when standard error is not a terminal.
struct Bar {
    bar: ProgressBar,
    failed: Mutex<usize>,
}

impl Bar {
    fn new() -> Bar {
        // A spinner until the account and the number of groups are known.
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{prefix:>12} {spinner} {wide_msg}")
                .expect("a valid progress template"),
        );
        bar.set_prefix("Collecting");
        bar.set_message("signing in to AWS");
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Bar {
            bar,
            failed: Mutex::new(0),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, account: &str, groups: usize) {
        self.bar.disable_steady_tick();
        self.bar.set_style(
            ProgressStyle::with_template("{prefix:>12} [{bar:30}] {pos}/{len} {wide_msg}")
                .expect("a valid progress template")
                .progress_chars("=> "),
        );
        self.bar.set_length(groups as u64);
        self.bar.set_message(format!("account {account}"));
    }

    fn done(&self, region: &str, service: &str, calls: usize, failed: usize) {
        let mut total = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        *total += failed;
        self.bar.inc(1);
        let failures = match *total {
            0 => String::new(),
            1 => "; 1 call not answered so far".to_string(),
            n => format!("; {n} calls not answered so far"),
        };
        let plural = if calls == 1 { "" } else { "s" };
        self.bar.set_message(format!(
            "{region} {service} ({calls} call{plural}){failures}"
        ));
    }
}
