//! Unit tests of the network checks, a file per theme, and the
//! single-group snapshots they share.

#![allow(clippy::print_stderr)]

use super::*;
use crate::assess::finding::Status;
use crate::assess::testing::{SnapshotBuilder, findings, outcomes, rows};

mod cases;
mod groups;
mod nacl;
mod rules;

const REGION: &str = "eu-west-2";

/// A region holding one group with the given inbound rules.
fn one_group(rules: &str) -> crate::snapshot::read::Snapshot {
    let groups = format!(
        r#"{{"SecurityGroups":[{{"GroupId":"sg-1","GroupName":"g","IpPermissions":[{rules}]}}]}}"#
    );
    SnapshotBuilder::new()
        .call(REGION, "ec2/describe-security-groups", &groups)
        .call(REGION, "ec2/describe-instances", r#"{"Reservations":[]}"#)
        .build()
}

fn verdict(rules: &str, check: &str) -> (Status, Option<Vec<u16>>) {
    let found = findings(&one_group(rules), check);
    assert_eq!(found.len(), 1, "{found:#?}");
    (found[0].status, found[0].ports.clone())
}

const WORLD4: &str = r#""IpRanges":[{"CidrIp":"0.0.0.0/0"}]"#;
