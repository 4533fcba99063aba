//! Small in-memory snapshots for the checks' unit tests.

use crate::snapshot::GLOBAL;
use crate::snapshot::catalogue::{self, Scope};
use crate::snapshot::info::{AccountScope, FORMAT, RegionGap, SnapshotInfo, Source, Tool};
use crate::snapshot::log::{CallStatus, CollectionLog, LogEntry};
use crate::snapshot::read::Snapshot;
use std::collections::HashMap;

/// The account every test snapshot holds.
pub const ACCOUNT: &str = "111122223333";
/// The instant every test snapshot describes.
pub const AS_OF: &str = "2026-11-30T09:15:02Z";

/// Builds a snapshot of one account from calls given as JSON.
#[derive(Default)]
pub struct SnapshotBuilder {
    entries: Vec<(LogEntry, Option<String>)>,
    regions: Vec<String>,
    gaps: Vec<RegionGap>,
}

impl SnapshotBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A call that answered: `scope` is `global` or a region; `call` is
    /// `service/operation` or `service/operation/resource`.
    pub fn call(mut self, scope: &str, call: &str, json: &str) -> Self {
        self.add(scope, call, CallStatus::Ok, Some(json.to_string()));
        self
    }

    /// A call that answered with only its first page.
    pub fn partial(mut self, scope: &str, call: &str, json: &str) -> Self {
        self.add(scope, call, CallStatus::Incomplete, Some(json.to_string()));
        self
    }

    /// A call that did not answer, with the status the log would give it.
    pub fn failed(mut self, scope: &str, call: &str, status: CallStatus) -> Self {
        self.add(scope, call, status, None);
        self
    }

    /// A region the account has enabled but the export left out.
    pub fn not_exported(self, region: &str) -> Self {
        self.gap(region, RegionGap::NOT_EXPORTED)
    }

    /// A region the account has enabled but live collection was not asked
    /// for (`--region` named others).
    pub fn not_requested(self, region: &str) -> Self {
        self.gap(region, RegionGap::NOT_REQUESTED)
    }

    fn gap(mut self, region: &str, reason: &str) -> Self {
        self.gaps.push(RegionGap {
            region: region.into(),
            reason: reason.into(),
        });
        self
    }

    fn add(&mut self, scope: &str, call: &str, status: CallStatus, json: Option<String>) {
        let mut parts = call.splitn(3, '/');
        let (service, operation) = (
            parts.next().unwrap(),
            parts.next().expect("service/operation"),
        );
        let resource = parts.next().map(str::to_string);
        let kind = if scope == GLOBAL {
            Scope::Global
        } else {
            Scope::Regional
        };
        assert!(
            catalogue::find(kind, service, operation).is_some(),
            "unknown call {scope} {call}"
        );
        if scope != GLOBAL && !self.regions.iter().any(|r| r == scope) {
            self.regions.push(scope.to_string());
        }
        let file = format!(
            "{ACCOUNT}/{scope}/{call}.{}",
            if json.is_some() { "json" } else { "error" }
        );
        let entry = LogEntry {
            account_id: ACCOUNT.into(),
            region: scope.into(),
            service: service.into(),
            operation: operation.into(),
            resource,
            status,
            file: Some(file),
            sha256: None,
            bytes: None,
            resources: None,
            error_code: None,
            detail: None,
            pages: None,
            duration_ms: None,
            attempts: None,
            throttled: None,
        };
        self.entries.push((entry, json));
    }

    pub fn build(mut self) -> Snapshot {
        // An account's list of regions, unless the test says how that call
        // went: every region collected or left out, enabled.
        let listed = self
            .entries
            .iter()
            .any(|(e, _)| e.service == "ec2" && e.operation == "describe-regions");
        if !listed {
            let regions: Vec<serde_json::Value> = self
                .regions
                .iter()
                .chain(self.gaps.iter().map(|g| &g.region))
                .map(|r| serde_json::json!({ "RegionName": r, "OptInStatus": "opt-in-not-required" }))
                .collect();
            let json = serde_json::json!({ "Regions": regions }).to_string();
            self.add(GLOBAL, "ec2/describe-regions", CallStatus::Ok, Some(json));
        }
        let mut documents = HashMap::new();
        let mut log = CollectionLog::default();
        for (index, (entry, json)) in self.entries.into_iter().enumerate() {
            if let Some(json) = json {
                let kind = if entry.region == GLOBAL {
                    Scope::Global
                } else {
                    Scope::Regional
                };
                let op = catalogue::find(kind, &entry.service, &entry.operation).unwrap();
                let document = op
                    .shape
                    .parse(json.as_bytes())
                    .unwrap_or_else(|e| panic!("{}: {e}", entry.operation));
                documents.insert(index, document);
            }
            log.entries.push(entry);
        }
        let mut regions = self.regions;
        regions.sort();
        let info = SnapshotInfo {
            format: FORMAT.into(),
            tool: Tool::this(),
            source: Source::Exports,
            collected_at: AS_OF.into(),
            as_of: AS_OF.into(),
            accounts: vec![AccountScope {
                as_of: None,
                account_id: ACCOUNT.into(),
                caller_arn: None,
                regions,
                regions_not_collected: self.gaps,
            }],
        };
        Snapshot::from_parts(info, log, documents)
    }
}

/// Runs one check over `snapshot` with no approved images and no
/// attestations.
pub fn findings(snapshot: &Snapshot, check: &str) -> Vec<crate::assess::Finding> {
    findings_with(snapshot, check, &Default::default(), &[])
}

/// Runs one check over `snapshot` with the given lists.
pub fn findings_with(
    snapshot: &Snapshot,
    check: &str,
    approved: &crate::assess::approved::ApprovedImages,
    attestations: &[crate::attest::Attestation],
) -> Vec<crate::assess::Finding> {
    use time::format_description::well_known::Rfc3339;
    let as_of = time::OffsetDateTime::parse(AS_OF, &Rfc3339).unwrap();
    let context = crate::assess::Context {
        account: None,
        snapshot,
        as_of,
        approved_images: approved,
        attestations,
    };
    let check = crate::assess::find_check(check).unwrap_or_else(|| panic!("no check {check}"));
    (check.run)(&context)
}

/// The shipped sample (both accounts), imported and opened.
pub fn sample() -> Snapshot {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/nhs-trust");
    let dir = tempfile::tempdir().unwrap();
    let options = crate::collect::ExportOptions {
        exports: root.join("export"),
        out: dir.path().join("snapshot"),
        replace: false,
        now: time::OffsetDateTime::UNIX_EPOCH,
    };
    let collected = crate::collect::import(&options).unwrap();
    Snapshot::open(&collected.path).unwrap()
}

/// One check's findings on the sample, with the sample's approved-image
/// list and attestations.
pub fn sample_findings(check: &str) -> Vec<crate::assess::Finding> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/nhs-trust");
    let approved =
        crate::assess::approved::ApprovedImages::load(&root.join("approved-images.toml")).unwrap();
    let attestations_file = root.join("attestations.toml");
    let attestations = if attestations_file.exists() {
        crate::attest::load(&attestations_file).unwrap()
    } else {
        Vec::new()
    };
    let snapshot = sample();
    let as_of = time::OffsetDateTime::parse(
        &snapshot.info.as_of,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let context = crate::assess::Context {
        account: None,
        snapshot: &snapshot,
        as_of,
        approved_images: &approved,
        attestations: &attestations,
    };
    (crate::assess::find_check(check)
        .unwrap_or_else(|| panic!("no check {check}"))
        .run)(&context)
}

/// `(status, region, resource_id)` of each finding, sorted, for compact
/// assertions.
pub fn outcomes(findings: &[crate::assess::Finding]) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f.status.to_string(),
                f.region.clone(),
                f.resource_id.clone(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The shipped sample's accounts: the trust's main account, and its
/// sandbox/research account.
pub const SAMPLE_MAIN: &str = "210987654321";
pub const SAMPLE_RESEARCH: &str = "480215379604";

/// The sample's live instances, as `(account, region, instance)`.
pub const SAMPLE_INSTANCES: [(&str, &str, &str); 10] = [
    (SAMPLE_MAIN, "eu-west-2", "i-0f8fe36c99f6117bc"),
    (SAMPLE_MAIN, "eu-west-2", "i-01e9df9014cc25d3b"),
    (SAMPLE_MAIN, "eu-west-2", "i-05fb92a21c0813c37"),
    (SAMPLE_MAIN, "eu-west-2", "i-0e20bc004089dff27"),
    (SAMPLE_MAIN, "eu-west-2", "i-024776a5a08ff4205"),
    (SAMPLE_MAIN, "eu-west-2", "i-0be56b11171bc07c2"),
    (SAMPLE_MAIN, "eu-west-2", "i-03170955e7955eb92"),
    (SAMPLE_MAIN, "eu-west-2", "i-061877f9a6c0d1358"),
    (SAMPLE_MAIN, "eu-west-1", "i-0f563f848ad79f09a"),
    (SAMPLE_RESEARCH, "eu-west-2", "i-0a4c7e9f2b1d83e56"),
];

/// The 15 regions the main account has enabled but did not export.
const MAIN_NOT_EXPORTED: [&str; 15] = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// The 16 regions the research account has enabled but did not export:
/// the main account's 15 and eu-west-1.
const RESEARCH_NOT_EXPORTED: [&str; 16] = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Each sample account with the regions it has enabled but did not
/// export: every regional check reports them as not assessed.
pub const SAMPLE_NOT_EXPORTED: [(&str, &[&str]); 2] = [
    (SAMPLE_MAIN, &MAIN_NOT_EXPORTED),
    (SAMPLE_RESEARCH, &RESEARCH_NOT_EXPORTED),
];

/// `(status, region, resource_id)` rows, sorted as `outcomes` sorts them.
pub fn rows(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = list
        .iter()
        .map(|(s, r, id)| (s.to_string(), r.to_string(), id.to_string()))
        .collect();
    rows.sort();
    rows
}

/// A finding of the sample as `(status, account, region, resource_id)`.
pub type SampleRow = (String, String, String, String);

/// `(status, account, region, resource_id)` of each of `check`'s findings
/// on the sample, sorted.
pub fn sample_outcomes(check: &str) -> Vec<SampleRow> {
    account_outcomes(&sample_findings(check))
}

/// `(status, account, region, resource_id)` of each finding, sorted.
pub fn account_outcomes(findings: &[crate::assess::Finding]) -> Vec<SampleRow> {
    let mut out: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f.status.to_string(),
                f.account_id.clone(),
                f.region.clone(),
                f.resource_id.clone(),
            )
        })
        .collect();
    out.sort();
    out
}

/// `(status, account, region, resource_id)` rows, sorted as
/// `sample_outcomes` sorts them.
pub fn sample_rows(list: &[(&str, &str, &str, &str)]) -> Vec<SampleRow> {
    let mut rows: Vec<_> = list
        .iter()
        .map(|(s, a, r, id)| (s.to_string(), a.to_string(), r.to_string(), id.to_string()))
        .collect();
    rows.sort();
    rows
}

/// `list` plus each sample account's not-exported regions, each not
/// assessed, as `sample_rows`.
pub fn with_gaps(list: &[(&str, &str, &str, &str)]) -> Vec<SampleRow> {
    let gaps: Vec<(&str, &str, &str, &str)> = SAMPLE_NOT_EXPORTED
        .iter()
        .flat_map(|(account, regions)| {
            regions
                .iter()
                .map(move |r| ("not-assessed", *account, *r, *r))
        })
        .collect();
    sample_rows(&[list, &gaps[..]].concat())
}
