//! The checks, one file per family.

pub mod assurance;
pub mod identity;
pub mod images;
pub mod monitoring;
pub mod network;
pub mod remote;

use super::context::Context;
use super::finding::Finding;

/// One check: an ID that control mappings name, a title for reports, and
/// the function that judges the snapshot.
pub struct Check {
    pub id: &'static str,
    pub title: &'static str,
    pub run: fn(&Context) -> Vec<Finding>,
}

/// Every check, family by family.
pub fn all_checks() -> impl Iterator<Item = &'static Check> {
    [
        network::CHECKS,
        images::CHECKS,
        remote::CHECKS,
        identity::CHECKS,
        monitoring::CHECKS,
        assurance::CHECKS,
    ]
    .into_iter()
    .flatten()
}

/// The check with this ID.
pub fn find_check(id: &str) -> Option<&'static Check> {
    all_checks().find(|c| c.id == id)
}
