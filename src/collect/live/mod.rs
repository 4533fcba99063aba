//! Live collection: the same calls as the export script, made through the
//! AWS SDK for Rust with read-only credentials, written as the AWS CLI
//! prints them, then imported like an export.
//!
//! Regions and services are collected in parallel with a bounded number
//! of requests in flight; every page is followed; throttling and server
//! faults are backed off and retried, and the attempts recorded. A call
//! that fails (denied, not enabled, an opt-in region) is logged with the
//! error AWS gave and never stops the run: its checks become "not
//! assessed". Only failures that make collection pointless stop it before
//! it starts: no credentials, an unknown profile, an endpoint that does not
//! answer.
//!
//! The answers are written into a temporary folder in the export layout
//! and read back through [`super::exports`], so a live snapshot is checked,
//! hashed and logged exactly as an imported one.

mod aws;
mod call;
mod ec2;
mod iam;
mod json;
mod monitoring;
mod provider;
#[cfg(test)]
mod replayed;

pub use aws::Access;

use super::exports::{self, CallNote, ExportOptions, is_region_name};
use super::{CollectError, Collected};
use crate::snapshot::GLOBAL;
use crate::snapshot::info::Source;
use aws_config::SdkConfig;
use call::{Caller, Effort, Failure};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// Which regions to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regions {
    /// Every region enabled for the account (the default).
    Enabled,
    /// Every region AWS lists, opt-in regions not enabled included: calls
    /// there fail and are logged as `opt-in-region`.
    All,
    /// These regions only; the account's other enabled regions are then
    /// "not assessed".
    Named(Vec<String>),
}

/// What to collect and where to write it.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    pub out: PathBuf,
    /// Replace `out` if it exists.
    pub replace: bool,
    /// The collection time to record.
    pub now: OffsetDateTime,
    pub access: Access,
    pub regions: Regions,
    /// Requests in flight at once, across every region and service.
    pub max_in_flight: usize,
    /// AWS Artifact reports to download, their terms accepted: by report
    /// ID or by name.
    pub artifact_reports: Vec<String>,
    /// Audit Manager assessments whose evidence folders to import.
    pub audit_manager_assessments: Vec<String>,
}

/// Requests in flight when the user does not say: enough to keep two
/// cores and the network busy, few enough that AWS rarely throttles.
pub const DEFAULT_IN_FLIGHT: usize = 16;

/// Told of collection's progress, for a progress bar. Called from
/// several threads.
pub trait Progress: Send + Sync {
    /// The account and the number of (region, service) groups to collect.
    fn start(&self, account: &str, groups: usize);
    /// One service of one region (or `global`) is done.
    fn done(&self, region: &str, service: &str, calls: usize, failed: usize);
}

/// A [`Progress`] that shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: &str, _: usize) {}
    fn done(&self, _: &str, _: &str, _: usize, _: usize) {}
}

/// Why live collection could not start, or could not finish writing.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("no AWS credentials could be found: {0}")]
    NoCredentials(String),

    #[error(
        "AWS profile `{profile}`{} {problem}",
        if *.named_by == "AWS_PROFILE" { " (from AWS_PROFILE)" } else { "" }
    )]
    Profile {
        profile: String,
        /// `--profile` or `AWS_PROFILE`.
        named_by: &'static str,
        problem: String,
        known: Vec<String>,
    },

    #[error("cannot assume role `{role}`: {problem}")]
    AssumeRole { role: String, problem: String },

    #[error("AWS did not answer at {endpoint}: {problem}")]
    Unreachable { endpoint: String, problem: String },

    #[error("{endpoint} answered HTTP {status}, but not as AWS answers: it sent no AWS error")]
    NotAws { endpoint: String, status: u16 },

    #[error("AWS refused the credentials: {0}")]
    Refused(String),

    #[error("`{0}` is not a region name")]
    BadRegion(String),

    #[error("the AWS configuration's region, `{0}`, is not a region name")]
    BadHomeRegion(String),

    #[error("`{0}` is not an Audit Manager assessment ID")]
    BadAssessment(String),

    #[error("--role-arn `{0}` is not the ARN of an IAM role")]
    BadRoleArn(String),

    #[error("{0} is not a region AWS lists for account {1}")]
    UnknownRegions(String, String),

    #[error("cannot list the regions of account {account}: {problem}")]
    NoRegions { account: String, problem: String },

    #[error(transparent)]
    Collect(#[from] CollectError),

    #[error("cannot start the AWS client: {0}")]
    Runtime(std::io::Error),
}

impl LiveError {
    /// What the user can do about it, where there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            LiveError::NoCredentials(_) => Some(
                "sign in first: `aws sso login --profile P` then --profile P, or set \
                 AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance or \
                 container role applies; or collect without credentials: run \
                 scripts/export-aws-cli.sh in CloudShell and pass --from-exports"
                    .into(),
            ),
            LiveError::Profile {
                known, named_by, ..
            } => {
                let leave_out = match *named_by {
                    "AWS_PROFILE" => "unset AWS_PROFILE",
                    _ => "leave out --profile",
                };
                Some(if known.is_empty() {
                    format!("check the name with `aws configure list-profiles`, or {leave_out}")
                } else {
                    format!("profiles defined: {}; or {leave_out}", known.join(", "))
                })
            }
            LiveError::AssumeRole { .. } => Some(
                "check the role ARN, that the role trusts these credentials, and the \
                 --external-id its trust policy asks for"
                    .into(),
            ),
            LiveError::Unreachable { .. } => Some(
                "check the network (and HTTPS_PROXY, where one is needed); AWS_ENDPOINT_URL, \
                 where set, must point at a running endpoint"
                    .into(),
            ),
            LiveError::NotAws { .. } => Some(
                "something other than AWS answered: an intercepting proxy (check HTTPS_PROXY \
                 and NO_PROXY, or the network's web filter) or a wrong AWS_ENDPOINT_URL (unset \
                 it, or point it at a running AWS endpoint); the credentials were not checked"
                    .into(),
            ),
            LiveError::Refused(_) => Some(
                "the credentials may have expired: sign in again (`aws sso login`), or check \
                 the access key"
                    .into(),
            ),
            LiveError::BadRegion(_) => Some("region names look like `eu-west-2`".into()),
            LiveError::BadHomeRegion(_) => Some(
                "set AWS_REGION (or the profile's `region`) to a region such as `eu-west-2`, or \
                 unset it to use us-east-1 for account-wide calls"
                    .into(),
            ),
            LiveError::BadAssessment(_) => Some(
                "assessment IDs look like `a1f3c5e7-2b4d-4f60-8a1c-3e5f7a9b0c2d`; \
                 `aws auditmanager list-assessments` lists them"
                    .into(),
            ),
            LiveError::BadRoleArn(_) => Some(
                "a role ARN has the form arn:aws:iam::123456789012:role/NAME (or \
                 role/PATH/NAME; partition aws, aws-us-gov or aws-cn); the role's page in \
                 the IAM console shows it"
                    .into(),
            ),
            LiveError::UnknownRegions(..) => Some(
                "leave out --region to collect every enabled region, or check the names with \
                 `aws ec2 describe-regions`"
                    .into(),
            ),
            LiveError::NoRegions { .. } => Some(
                "allow ec2:DescribeRegions (SecurityAudit includes it), or name the regions \
                 with --region"
                    .into(),
            ),
            LiveError::Collect(err) => err.hint(),
            LiveError::Runtime(_) => None,
        }
    }
}

/// Collects the account the credentials open and writes its snapshot.
pub fn collect(options: &LiveOptions, progress: &dyn Progress) -> Result<Collected, LiveError> {
    if let Regions::Named(names) = &options.regions
        && let Some(bad) = names.iter().find(|name| !is_region_name(name))
    {
        return Err(LiveError::BadRegion(bad.clone()));
    }
    if let Some(bad) = options
        .audit_manager_assessments
        .iter()
        .find(|id| !is_uuid(id))
    {
        return Err(LiveError::BadAssessment(bad.clone()));
    }
    if let Some(arn) = &options.access.role_arn
        && !is_role_arn(arn)
    {
        return Err(LiveError::BadRoleArn(arn.clone()));
    }
    if options.out.exists() && !options.replace {
        return Err(CollectError::OutputExists(options.out.clone()).into());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(LiveError::Runtime)?;
    let (account, records, warnings) = runtime.block_on(gather(options, progress))?;
    let mut collected = write_snapshot(options, &account, records)?;
    collected.warnings = warnings;
    Ok(collected)
}

/// An ID in the 8-4-4-4-12 hexadecimal form Audit Manager gives its
/// assessments.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An IAM role's ARN: `arn:PARTITION:iam::ACCOUNT:role/NAME`, in the
/// commercial, GovCloud or China partition, IAM being global (no region),
/// with a 12-digit account and a role name after an optional path
/// (`role/ops/audit`). Role names are 1 to 64 letters, digits and
/// `+=,.@_-`; path parts are printable ASCII.
fn is_role_arn(text: &str) -> bool {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let ["arn", partition, "iam", "", account, resource] = parts.as_slice() else {
        return false;
    };
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return false;
    };
    let mut segments: Vec<&str> = path_and_name.split('/').collect();
    let name = segments.pop().unwrap_or_default();
    let path_ok = segments
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_graphic()));
    matches!(*partition, "aws" | "aws-us-gov" | "aws-cn")
        && exports::is_account_id(account)
        && path_ok
        && (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// One AWS call's answer or failure, and what it took.
pub struct Record {
    /// The folder it is stored in: a region, or [`GLOBAL`].
    region: String,
    service: &'static str,
    operation: &'static str,
    /// For calls made once per resource.
    resource: Option<String>,
    outcome: Result<Value, Failure>,
    effort: Effort,
    /// A document the answer records, stored beside it (an Artifact PDF).
    document: Option<Vec<u8>>,
}

impl Record {
    fn new(
        service: &'static str,
        operation: &'static str,
        effort: Effort,
        outcome: Result<Value, Failure>,
    ) -> Record {
        Record {
            region: GLOBAL.to_string(),
            service,
            operation,
            resource: None,
            outcome,
            effort,
            document: None,
        }
    }

    fn with_document(self, document: Vec<u8>) -> Record {
        Record {
            document: Some(document),
            ..self
        }
    }

    fn for_resource(
        service: &'static str,
        operation: &'static str,
        resource: &str,
        effort: Effort,
        outcome: Result<Value, Failure>,
    ) -> Record {
        Record {
            resource: Some(resource.to_string()),
            ..Record::new(service, operation, effort, outcome)
        }
    }
}

/// Where calls are made: an account, a region (or [`GLOBAL`]) and the
/// SDK configuration for that region.
#[derive(Clone)]
pub struct Scope<'a> {
    caller: &'a Caller,
    config: &'a SdkConfig,
    account: &'a str,
    /// The folder the answers go in: a region name, or [`GLOBAL`].
    region: &'a str,
}

impl Scope<'_> {
    /// Makes a call that answers in one page and records its answer as
    /// `convert` prints it.
    async fn call<T, E, F, Fut>(
        &self,
        service: &'static str,
        operation: &'static str,
        request: F,
        convert: impl FnOnce(T) -> Value,
    ) -> Record
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, call::SdkFailure<E>>>,
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata
            + std::error::Error
            + Send
            + Sync
            + 'static,
    {
        let mut effort = Effort::default();
        let answer = self.caller.sdk(&mut effort, request).await;
        Record::new(service, operation, effort, answer.map(convert))
    }
}

/// Per-resource answers are stored under the resource's name, so a name
/// that is not safe as a file name is left out (and said so), as the
/// export script does.
fn safe_name(name: &str, scope: &Scope) -> bool {
    let safe = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !safe {
        scope.caller.warn(format!(
            "{}: left out a resource whose name cannot be a file name: {name:?}",
            scope.region
        ));
    }
    safe
}

/// What a group of calls collects: one service's calls, made together
/// because some depend on others (a detector's settings on the list of
/// detectors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Iam,
    S3Control,
    Support,
    Artifact,
    AuditManager,
    Ec2,
    Ssm,
    GuardDuty,
    SecurityHub,
    Config,
    CloudTrail,
    Inspector,
}

impl Service {
    /// The services collected in every region, each a group of its own.
    const REGIONAL: [Service; 7] = [
        Service::Ec2,
        Service::Ssm,
        Service::GuardDuty,
        Service::SecurityHub,
        Service::Config,
        Service::CloudTrail,
        Service::Inspector,
    ];

    /// The AWS CLI's name of the service, as progress shows it.
    fn name(self) -> &'static str {
        match self {
            Service::Iam => "iam",
            Service::S3Control => "s3control",
            Service::Support => "support",
            Service::Artifact => "artifact",
            Service::AuditManager => "auditmanager",
            Service::Ec2 => "ec2",
            Service::Ssm => "ssm",
            Service::GuardDuty => "guardduty",
            Service::SecurityHub => "securityhub",
            Service::Config => "configservice",
            Service::CloudTrail => "cloudtrail",
            Service::Inspector => "inspector2",
        }
    }
}

/// A group of calls made together: one service in one region.
struct Group {
    region: String,
    service: Service,
    /// What the user asked this group for: reports to download,
    /// assessments to import.
    wanted: Vec<String>,
    /// The configuration's region for these calls: the group's own region,
    /// or for account-wide calls the home region (or us-east-1, where
    /// Trusted Advisor and Artifact live).
    config: SdkConfig,
}

async fn gather(
    options: &LiveOptions,
    progress: &dyn Progress,
) -> Result<(String, Vec<Record>, Vec<String>), LiveError> {
    let connected = aws::connect(&options.access).await?;
    let caller = Caller::new(
        options.max_in_flight,
        connected.max_attempts,
        Duration::from_millis(200),
    );
    let home = connected.config.clone();
    let home_region = home.region().map(|r| r.to_string()).unwrap_or_default();

    // The first call is tried twice at most: an endpoint that does not
    // answer should fail the run in seconds, not after every retry.
    let first = Caller::new(1, connected.max_attempts.min(2), Duration::from_millis(200));
    let (identity, account) = identify(&first, &home).await?;
    let scope = Scope {
        caller: &caller,
        config: &home,
        account: &account,
        region: GLOBAL,
    };
    let (regions_record, listed) = ec2::regions(&scope).await;
    let regions = choose_regions(&options.regions, &account, &regions_record, &listed)?;
    tracing::debug!(home = home_region, ?regions, "regions chosen");

    let us_east_1 = aws::in_region(&home, aws::DEFAULT_REGION);
    let mut groups = vec![
        group(GLOBAL, Service::Iam, &home),
        group(GLOBAL, Service::S3Control, &home),
        group(GLOBAL, Service::Support, &us_east_1),
        Group {
            wanted: options.artifact_reports.clone(),
            ..group(GLOBAL, Service::Artifact, &us_east_1)
        },
    ];
    if !options.audit_manager_assessments.is_empty() {
        groups.push(Group {
            wanted: options.audit_manager_assessments.clone(),
            ..group(GLOBAL, Service::AuditManager, &home)
        });
    }
    for region in &regions {
        let config = aws::in_region(&home, region);
        for service in Service::REGIONAL {
            groups.push(group(region, service, &config));
        }
    }
    progress.start(&account, groups.len() + 1);
    progress.done(GLOBAL, "sts, ec2", 2, failed(&[&identity, &regions_record]));

    let caller = Arc::new(caller);
    let account = Arc::new(account);
    let mut tasks = tokio::task::JoinSet::new();
    for group in groups {
        let (caller, account) = (caller.clone(), account.clone());
        tasks.spawn(async move {
            let records = run_group(&group, &caller, &account).await;
            (group, records)
        });
    }
    let mut records = vec![identity, regions_record];
    while let Some(joined) = tasks.join_next().await {
        // A panic in a collection task is a bug; it is reported, not hidden.
        let (group, mut done) = joined.expect("a collection task panicked");
        let refs: Vec<&Record> = done.iter().collect();
        progress.done(
            &group.region,
            group.service.name(),
            done.len(),
            failed(&refs),
        );
        records.append(&mut done);
    }
    let account = Arc::try_unwrap(account).unwrap_or_else(|shared| (*shared).clone());
    Ok((account, records, caller.warnings()))
}

fn group(region: &str, service: Service, config: &SdkConfig) -> Group {
    Group {
        region: region.to_string(),
        service,
        wanted: Vec::new(),
        config: config.clone(),
    }
}

fn failed(records: &[&Record]) -> usize {
    records.iter().filter(|r| r.outcome.is_err()).count()
}

async fn run_group(group: &Group, caller: &Caller, account: &str) -> Vec<Record> {
    let scope = Scope {
        caller,
        config: &group.config,
        account,
        region: &group.region,
    };
    let records = match group.service {
        Service::Iam => iam::collect(&scope).await,
        Service::S3Control => vec![monitoring::public_access_block(&scope).await],
        Service::Support => provider::trusted_advisor(&scope).await,
        Service::Artifact => provider::artifact(&scope, &group.wanted).await,
        Service::AuditManager => provider::audit_manager(&scope, &group.wanted).await,
        Service::Ec2 => ec2::collect(&scope).await,
        Service::Ssm => vec![monitoring::managed_nodes(&scope).await],
        Service::GuardDuty => monitoring::guardduty(&scope).await,
        Service::SecurityHub => monitoring::security_hub(&scope).await,
        Service::Config => monitoring::config_recorders(&scope).await,
        Service::CloudTrail => monitoring::cloudtrail(&scope).await,
        Service::Inspector => vec![monitoring::inspector(&scope).await],
    };
    // Account-wide answers sit under `global/`, whichever region answered.
    records
        .into_iter()
        .map(|record| Record {
            region: group.region.clone(),
            ..record
        })
        .collect()
}

/// `sts get-caller-identity`, the first call: it tells whose account the
/// credentials open, and fails fast when AWS cannot be reached or refuses
/// them.
async fn identify(caller: &Caller, home: &SdkConfig) -> Result<(Record, String), LiveError> {
    let quick = aws::with_first_call_timeouts(home);
    let scope = Scope {
        caller,
        config: &quick,
        account: "",
        region: GLOBAL,
    };
    let record = iam::caller_identity(&scope).await;
    match &record.outcome {
        Ok(identity) => match identity.get("Account").and_then(Value::as_str) {
            Some(account) if exports::is_account_id(account) => {
                let account = account.to_string();
                Ok((record, account))
            }
            other => Err(LiveError::Refused(format!(
                "sts get-caller-identity named no 12-digit account ({other:?})"
            ))),
        },
        Err(failure) if failure.unreachable => Err(LiveError::Unreachable {
            endpoint: endpoint_of(home),
            problem: failure.message.clone(),
        }),
        Err(failure) => match failure.not_aws() {
            Some(status) => Err(LiveError::NotAws {
                endpoint: endpoint_of(home),
                status,
            }),
            None => Err(LiveError::Refused(failure.cli_text("get-caller-identity"))),
        },
    }
}

fn endpoint_of(config: &SdkConfig) -> String {
    match config.endpoint_url() {
        Some(url) => url.to_string(),
        None => format!(
            "the AWS endpoints of {}",
            config
                .region()
                .map_or("us-east-1".into(), |r| r.to_string())
        ),
    }
}

fn choose_regions(
    choice: &Regions,
    account: &str,
    record: &Record,
    listed: &[aws_sdk_ec2::types::Region],
) -> Result<Vec<String>, LiveError> {
    let known: Vec<(String, bool)> = listed
        .iter()
        .filter_map(|r| {
            let enabled = r.opt_in_status.as_deref() != Some("not-opted-in");
            Some((r.region_name.clone()?, enabled))
        })
        .collect();
    let mut regions: Vec<String> = match (choice, &record.outcome) {
        (Regions::Named(names), Err(_)) => names.clone(),
        (Regions::Named(names), Ok(_)) => {
            let unknown: Vec<&String> = names
                .iter()
                .filter(|n| !known.iter().any(|(k, _)| k == *n))
                .collect();
            if !unknown.is_empty() {
                let list: Vec<String> = unknown.iter().map(|n| format!("`{n}`")).collect();
                return Err(LiveError::UnknownRegions(
                    list.join(", "),
                    account.to_string(),
                ));
            }
            names.clone()
        }
        (_, Err(failure)) => {
            return Err(LiveError::NoRegions {
                account: account.to_string(),
                problem: failure.message.clone(),
            });
        }
        (Regions::All, Ok(_)) => known.into_iter().map(|(name, _)| name).collect(),
        (Regions::Enabled, Ok(_)) => known
            .into_iter()
            .filter(|(_, enabled)| *enabled)
            .map(|(name, _)| name)
            .collect(),
    };
    regions.sort();
    regions.dedup();
    Ok(regions)
}

/// Writes the answers in the export layout into a temporary folder beside
/// the snapshot, then imports that folder.
fn write_snapshot(
    options: &LiveOptions,
    account: &str,
    records: Vec<Record>,
) -> Result<Collected, LiveError> {
    let parent = options
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let io = |path: &Path, source| CollectError::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".auditpack-live-")
        .tempdir_in(parent)
        .map_err(|e| io(parent, e))?;
    let mut notes = BTreeMap::new();
    for record in &records {
        let (relative, bytes) = file_of(account, record);
        let path = staging.path().join(&relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
        if let Some(document) = &record.document {
            let beside = path.with_extension("pdf");
            std::fs::write(&beside, document).map_err(|e| io(&beside, e))?;
        }
        notes.insert(
            relative,
            CallNote {
                pages: record.effort.pages,
                attempts: record.effort.attempts,
                throttled: record.effort.throttled,
                duration_ms: record.effort.duration.as_millis() as u64,
            },
        );
    }
    let import = ExportOptions {
        exports: staging.path().to_path_buf(),
        out: options.out.clone(),
        replace: options.replace,
        now: options.now,
    };
    Ok(exports::import_as(&import, Source::Live, &notes)?)
}

/// The file an export holds for this call, relative to the export root,
/// and its bytes: the JSON the CLI prints, or the error text it prints.
fn file_of(account: &str, record: &Record) -> (String, Vec<u8>) {
    let region = &record.region;
    let base = match &record.resource {
        Some(resource) => format!(
            "{account}/{region}/{}/{}/{resource}",
            record.service, record.operation
        ),
        None => format!("{account}/{region}/{}/{}", record.service, record.operation),
    };
    match &record.outcome {
        Ok(value) => (format!("{base}.json"), json::to_cli_bytes(value)),
        Err(failure) => (
            format!("{base}.error"),
            failure.cli_text(record.operation).into_bytes(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::Region;

    fn listed() -> Vec<Region> {
        [
            ("eu-west-2", "opt-in-not-required"),
            ("eu-west-1", "opt-in-not-required"),
            ("eu-south-2", "not-opted-in"),
            ("af-south-1", "opted-in"),
        ]
        .into_iter()
        .map(|(name, status)| {
            Region::builder()
                .region_name(name)
                .opt_in_status(status)
                .build()
        })
        .collect()
    }

    fn answered() -> Record {
        Record::new(
            "ec2",
            "describe-regions",
            Effort::default(),
            Ok(Value::Null),
        )
    }

    fn denied() -> Record {
        let failure = Failure {
            code: Some("UnauthorizedOperation".into()),
            message: "not authorized".into(),
            http_status: Some(403),
            unreachable: false,
        };
        Record::new("ec2", "describe-regions", Effort::default(), Err(failure))
    }

    #[test]
    fn assessment_ids_are_uuids() {
        assert!(is_uuid("a1f3c5e7-2b4d-4f60-8a1c-3e5f7a9b0c2d"));
        for bad in [
            "not a uuid",
            "a1f3c5e7-2b4d-4f60-8a1c",
            "../../etc-2b4d-4f60-8a1c-3e5f7a9b0c2d",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }

    #[test]
    fn role_arns_are_iam_roles_of_a_known_partition() {
        for good in [
            "arn:aws:iam::111122223333:role/auditpack-audit",
            "arn:aws-us-gov:iam::111122223333:role/ops/security/Audit.Role@2026",
            "arn:aws-cn:iam::111122223333:role/a",
        ] {
            assert!(is_role_arn(good), "{good}");
        }
        for bad in [
            "garbage",
            "",
            "arn:aws:iam::111122223333:role/",
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::11112222333:role/audit",
            "arn:aws:iam:eu-west-2:111122223333:role/audit",
            "arn:aws:sts::111122223333:role/audit",
            "arn:aws-mars:iam::111122223333:role/audit",
            "arn:aws:iam::111122223333:role//audit",
            "arn:aws:iam::111122223333:role/audit role",
            "arn:aws:iam::111122223333:role/ops/",
            "111122223333:role/audit",
        ] {
            assert!(!is_role_arn(bad), "{bad}");
        }
        let long = format!("arn:aws:iam::111122223333:role/{}", "r".repeat(65));
        assert!(!is_role_arn(&long));
    }

    #[test]
    fn enabled_regions_leave_out_opt_in_regions_not_enabled() {
        let chosen = choose_regions(&Regions::Enabled, "1", &answered(), &listed()).unwrap();
        assert_eq!(chosen, ["af-south-1", "eu-west-1", "eu-west-2"]);
        let all = choose_regions(&Regions::All, "1", &answered(), &listed()).unwrap();
        assert_eq!(all.len(), 4);
    }

    #[test]
    fn named_regions_must_be_regions_aws_lists() {
        let named = Regions::Named(vec!["eu-west-2".into(), "eu-west-9".into()]);
        let refused = choose_regions(&named, "1", &answered(), &listed()).unwrap_err();
        assert!(refused.to_string().contains("`eu-west-9`"), "{refused}");
    }

    #[test]
    fn without_the_region_list_only_named_regions_can_be_collected() {
        let named = Regions::Named(vec!["eu-west-2".into()]);
        let chosen = choose_regions(&named, "1", &denied(), &[]).unwrap();
        assert_eq!(chosen, ["eu-west-2"]);
        let refused = choose_regions(&Regions::Enabled, "1", &denied(), &[]).unwrap_err();
        assert!(matches!(refused, LiveError::NoRegions { .. }));
        assert!(refused.hint().unwrap().contains("--region"));
    }

    #[test]
    fn answers_go_where_an_export_keeps_them() {
        let mut record = Record::for_resource(
            "guardduty",
            "get-detector",
            "abc123",
            Effort::default(),
            Ok(serde_json::json!({"Status": "ENABLED"})),
        );
        record.region = "eu-west-2".into();
        let (path, bytes) = file_of("210987654321", &record);
        assert_eq!(
            path,
            "210987654321/eu-west-2/guardduty/get-detector/abc123.json"
        );
        assert!(
            String::from_utf8(bytes)
                .unwrap()
                .contains("\"Status\": \"ENABLED\"")
        );

        let (path, bytes) = file_of("210987654321", &denied());
        assert_eq!(path, "210987654321/global/ec2/describe-regions.error");
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "An error occurred (UnauthorizedOperation) when calling the DescribeRegions \
             operation: not authorized\n"
        );
    }
}
