//! Assessment: from a snapshot, what is right and wrong, resource by
//! resource.
//!
//! Each check is a pure function from the snapshot (with the user's
//! approved-image list and attestations) to findings. A check never reads
//! the network or the clock: ages are measured to the snapshot's `as_of`.
//! Mapping findings onto controls is the next stage's work.

pub mod approved;
pub mod checks;
pub mod context;
pub mod finding;
#[cfg(test)]
pub mod testing;

pub use checks::{Check, all_checks, find_check};
pub use context::Context;
pub use finding::{Evidence, Finding, Status};

use crate::attest::Attestation;
use crate::snapshot::read::Snapshot;
use approved::ApprovedImages;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Runs every check over `snapshot`. Findings come in check order, then by
/// account, region and resource.
pub fn assess(
    snapshot: &Snapshot,
    approved_images: &ApprovedImages,
    attestations: &[Attestation],
) -> Vec<Finding> {
    let instant =
        |text: &str| OffsetDateTime::parse(text, &Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    // Each account is judged as of its own evidence.
    let contexts: Vec<Context> = snapshot
        .info
        .accounts
        .iter()
        .map(|account| Context {
            snapshot,
            as_of: instant(account.as_of.as_deref().unwrap_or(&snapshot.info.as_of)),
            approved_images,
            attestations,
            account: Some(&account.account_id),
        })
        .collect();
    let mut findings = Vec::new();
    for check in all_checks() {
        let mut mine: Vec<Finding> = contexts
            .iter()
            .flat_map(|context| (check.run)(context))
            .collect();
        mine.sort_by(|a, b| {
            (&a.account_id, &a.region, &a.resource_id).cmp(&(
                &b.account_id,
                &b.region,
                &b.resource_id,
            ))
        });
        debug_assert!(
            mine.iter().all(|f| f.check_id == check.id),
            "{} reported another check's id",
            check.id
        );
        findings.extend(mine);
    }
    findings
}
