//! Unit tests of the monitoring checks, a file per service, and the
//! helpers they share.

use super::*;
use crate::assess::Status;
use crate::assess::testing::{
    ACCOUNT, SAMPLE_MAIN as MAIN, SAMPLE_RESEARCH as RESEARCH, SnapshotBuilder, findings, outcomes,
    rows, sample_outcomes, sample_rows, with_gaps,
};
use crate::snapshot::read::Snapshot;

mod cloudtrail;
mod config;
mod detection;
mod settings;
mod trusted_advisor;

const R: &str = "eu-west-2";

const G: &str = "global";

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
