//! Unit tests of the monitoring checks, a file per service, and the
//! helpers they share.

use super::*;
use crate::assess::Status;
use crate::assess::testing::{ACCOUNT, SnapshotBuilder, findings, outcomes, sample_findings};
use crate::snapshot::read::Snapshot;

mod cloudtrail;
mod config;
mod detection;
mod settings;
mod trusted_advisor;

const R: &str = "eu-west-2";

const G: &str = "global";

/// The 15 regions the sample account has enabled but did not export:
/// every regional check reports them as not assessed.
const SAMPLE_NOT_EXPORTED: [&str; 15] = [
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

/// `(status, region, resource)` rows, sorted as `outcomes` sorts them.
fn rows(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = list
        .iter()
        .map(|(s, r, id)| (s.to_string(), r.to_string(), id.to_string()))
        .collect();
    rows.sort();
    rows
}

/// `list` plus the sample's not-exported regions, each not assessed.
fn with_gaps(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let gaps = SAMPLE_NOT_EXPORTED.map(|r| ("not-assessed", r, r));
    rows(&[list, &gaps[..]].concat())
}

/// The single finding of `check`, as (status, reason).
fn only(snapshot: &Snapshot, check: &str) -> (Status, String) {
    let found = findings(snapshot, check);
    assert_eq!(found.len(), 1, "{found:#?}");
    (found[0].status, found[0].reason.clone())
}

/// A case file from `../shared/cases/public-exports`, if it is there.
fn public_export(name: &str) -> Option<String> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/cases/public-exports/"
    );
    let text = std::fs::read_to_string(format!("{dir}{name}")).ok();
    if text.is_none() {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipped: {name} is not beside the repository");
        }
    }
    text
}
